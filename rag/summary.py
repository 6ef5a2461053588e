"""Question asking for a summary + Passages -> the document's most central sentences: the
document the question names (retrieval put it first) or the single document there is; of a
topic inside it ("summarize the differences between 3.1 and 3.2"), the section retrieval finds
first for it."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.blocks import LIST_MARKER, segments
from rag.describing import COPULA
from rag.embed import Embedder
from rag.head import DOCUMENT_WORDS
from rag.question import Reading
from rag.releases import release_section
from rag.schema import Passage
from rag.sentences import (
    Sentence,
    answers_anything,
    is_field,
    query_vector,
    repeats,
    sentence_vectors,
    split_sentences,
)
from rag.text import content_terms, document_name

if TYPE_CHECKING:
    from rag.retrieve import StoredSentences


def summarize(
    embedder: Embedder,
    reading: Reading,
    passages: Sequence[Passage],
    stored: StoredSentences | None,
) -> tuple[list[Sentence], list[Passage]] | None:
    """Up to three central sentences in the document's order, and the passages to show with
    them; None when the document has no sentence that can stand in a summary."""
    doc_id = passages[0].doc_id
    found = [p for p in passages if p.doc_id == doc_id]
    whole = (stored.document(doc_id) if stored is not None else []) or found
    # A topic of the document, not the document, is what to sum up when the question names
    # more than the title and the words for a document.
    # "the sandwich paper" is sandwich-CL.pdf, whatever its title.
    title = content_terms(document_name(passages[0].title, doc_id)) | DOCUMENT_WORDS | _REQUEST
    section = found[0].section if reading.terms - title else None
    on_topic = [p for p in whole if p.section == section] if section else []
    titled = any(n in (passages[0].title or "") for n in reading.numbers)
    if reading.numbers and not titled and (release := release_section(whole, reading.numbers)):
        on_topic = release  # "what was fixed in celery 5.1.2": the section of 5.1.2
    parts = on_topic or whole
    if on_topic and not any(len(s.text) >= 40 for p in on_topic for s in split_sentences(p)):
        parts, on_topic = whole, []  # a section of code and lists: the document instead
    seen: set[int] = set()
    sentences = []
    for part in parts:
        for s in split_sentences(part):
            at = part.start + s.start
            if (
                at not in seen
                and (len(s.text) >= 40 or _DEFINITION.match(s.text))
                and answers_anything(s)
                and not is_field(s)
                and not _REFERENCES.match(part.section or "")
            ):
                seen.add(at)
                sentences.append(s)
    summing = [s for s in sentences if _sums_up(s, long=len(sentences) > 60)]
    sentences = summing if len(summing) >= 2 else sentences
    if len(sentences) > 60 and not on_topic:
        # A long manual is summed up by its opening, where it says what it is and does; its
        # centre is the detail of its reference ("This parameter controls the format of
        # example titles."), which outnumbers the rest.
        sentences = sentences[: max(30, len(sentences) // 10)]
    if not sentences:
        return None
    vectors = sentence_vectors(embedder, sentences, stored)
    centre = vectors.mean(axis=0)
    centre /= max(float((centre**2).sum() ** 0.5), 1e-12)
    central = vectors @ centre
    # A news article says what matters first: its lead counts for a little more. A long
    # manual's centre is its detail; its opening says what it is, and counts for more.
    span, weight = (3.0, 0.1) if len(sentences) <= 60 else (len(sentences) / 20, 0.2)
    lead = [weight * math.exp(-i / span) for i in range(len(sentences))]
    if on_topic:
        # Of a topic, what is closest to it; the document's opening counts for nothing.
        lead = [float(x) for x in vectors @ query_vector(embedder, reading.text)]
    else:
        # A paper or a HOWTO that states its abstract has summed itself up.
        abstract = _abstract(parts)
        lead = [
            x + _ABSTRACT_WEIGHT * any(a <= s.passage.start + s.start < b for a, b in abstract)
            for x, s in zip(lead, sentences, strict=True)
        ]
    order = sorted(range(len(sentences)), key=lambda i: -(central[i] + lead[i]))
    chosen: list[Sentence] = []
    for i in order:
        if len(chosen) == 3:
            break
        if repeats(sentences[i], chosen):
            continue
        # "It also creates charts ..." says nothing without the sentence it points back to.
        if _PRONOUN_SUBJECT.match(sentences[i].text) and (not i or sentences[i - 1] not in chosen):
            continue
        if not _states(sentences[i].text):
            continue  # "Certainly not concerning the technological fight for our future."
        chosen.append(sentences[i])
    chosen.sort(key=lambda s: s.passage.start + s.start)
    return chosen, list(dict.fromkeys([*parts, *passages]))


# "Abstract" on a line of its own or as a heading, or "Abstract:" opening a paragraph; what
# follows up to the next heading is the abstract.
_ABSTRACT = re.compile(r"^(?:#{1,6} *)?abstract(?: *\n|[:.] +)", re.IGNORECASE | re.MULTILINE)
_ABSTRACT_WEIGHT = 0.3
# A paper's list of works cited says what it cites, not what it says.
_REFERENCES = re.compile(
    r"(?:[A-Z]?\d*\.?\s*)?(?:references|bibliography|works cited|literature)\b", re.IGNORECASE
)
_ABSTRACT_WITHIN = 6000  # characters from the document's start


def _abstract(parts: Sequence[Passage]) -> list[tuple[int, int]]:
    """Where a document's abstract lies (document offsets), if it states one near its start;
    not a field in an example ("Abstract: ..." of a doc-base file in a code block)."""
    for part in parts:
        if part.start > _ABSTRACT_WITHIN:
            break
        code = [s for s in segments(part.text, piece=True) if s.kind == "code"]
        for found in _ABSTRACT.finditer(part.text):
            if any(s.start <= found.start() < s.end for s in code):
                continue
            rest = part.text[found.end() :]
            end = re.search(r"^#|\Z", rest, re.MULTILINE)
            length = min(end.start() if end else len(rest), 2000)
            start = part.start + found.end()
            return [(start, start + length)]
    return []


# What a document says its subject is, however short: "SDoP is a Simple DocBook Processor."
_DEFINITION = re.compile(rf"[A-Z][\w.+-]*(?: [A-Z][\w.+-]*)*{COPULA}")


def _sums_up(sentence: Sentence, *, long: bool) -> bool:
    """Whether a sentence can stand in a summary: prose, not a list's entry, a note or a line
    of code ("• Making a Debian Package, copyright ...", "⁴See ...", "... git stash clear"),
    and in a long document not a short remark."""
    text = sentence.text.lstrip()
    # The terms it may be copied under say nothing of what a document says, unless it is a
    # licence ("This file may be distributed and/or modified under the conditions of ...").
    licence = _LICENCE.search(text) and not _LICENCE.search(sentence.passage.title or "")
    return not (
        "```" in text
        or LIST_MARKER.match(text)
        or re.match(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰]+\S", text)
        or (long and len(text.split()) < 8 and not _DEFINITION.match(text))
        or text.rstrip().endswith(":")  # what opens a list, without it
        or text.startswith("|")  # a table's row
        or licence
    )


def _states(text: str) -> bool:
    """Whether a sentence states something with a verb of its own (a finite one, or one that
    opens it as an order), not an answer cut from the question before it ("Certainly not
    concerning the technological fight for our future climate.")."""
    from rag.language import analyse

    (doc,) = analyse([text])
    return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or (t.i == 0 and t.tag_ == "VB") for t in doc)


# A sentence whose subject is a pronoun, after any opening phrase: "It also creates charts",
# "Based on the C language, it uses ...".
_PRONOUN_SUBJECT = re.compile(r"(?:[^,.;]{0,60},\s*)?(?:it|they|he|she)\b", re.IGNORECASE)

# The words of asking for a summary, which name no topic ("in short", "a quick summary of
# what it covers", "the key points of the security section").
_REQUEST = content_terms(
    "summary summarize summarise overview gist recap points key main takeaways facts ideas "
    "sentences words paragraphs lines bullets short brief briefly quick quickly nutshell "
    "general overall covers says describes discusses explains talks tells mentions section part"
) | {"tl;dr", "tldr"}

_LICENCE = re.compile(r"\b(?:licen[cs]e|copyright|all rights reserved)\b", re.IGNORECASE)
