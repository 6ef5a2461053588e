"""Question about a document itself -> the line of its head that answers it: who wrote it (an
"Author:" or "From:" field), when (a "Date:" field, or the date set alone under a title
page's title). A question about the document rarely retrieves its head, and no sentence of its
body says it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.language import ends_as_sentence, fold, names_listed, people_share
from rag.question import DOCUMENT_NOUNS, Reading
from rag.schema import Passage
from rag.sentences import Sentence, is_field
from rag.text import MONTH, content_terms, document_name

if TYPE_CHECKING:
    from rag.retrieve import StoredSentences


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE)


_AUTHOR_VERBS = ("wrote", "write", "written", "writes", "authored", "author", "maintains")
_DATE_VERBS = (
    "written", "wrote", "published", "released", "dated", "updated", "issued", "created",
    "compiled", "revised", "modified",
)  # fmt: skip
# A question that asks who made a document, or when.
AUTHORSHIP = _words(*_AUTHOR_VERBS)
_DATED = _words(*_DATE_VERBS)
# A sentence that speaks of writing it ("Gordon McMillan wrote this HOWTO").
WROTE = _words("wrote", "written", "authored", "authors?")
_AUTHOR_FIELD = re.compile(r"\s*(?:authors?|by|written by|maintainers?|from)\s*:", re.I)
_DATE_FIELD = re.compile(r"\s*(?:date|updated|last updated|published|released)\s*:", re.I)
# A date set alone: "14 February 2003", "February 8, 1988", "2009/11/08".
_DATE_LINE = re.compile(
    rf"(?:\d{{1,2}}\s+)?(?:{MONTH})\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}|\d{{4}}[-/]\d{{2}}[-/]\d{{2}}",
    re.IGNORECASE,
)
# Words that name the document itself in "summarize the guide", "what is this article about".
DOCUMENT_WORDS = frozenset(content_terms(" ".join(DOCUMENT_NOUNS)))
_ABOUT_DOCUMENT = DOCUMENT_WORDS | content_terms(" ".join(_AUTHOR_VERBS + _DATE_VERBS))


def of_document(reading: Reading, top: Passage) -> bool:
    """Whether a question asks about the document itself ("who wrote the logging howto",
    "when was the configuration guide written"): the words naming what it asks about are its
    title's, not a book's or an event's it tells of."""
    named = (reading.terms | content_terms(" ".join(reading.names))) - _ABOUT_DOCUMENT
    # It calls it a document ("the guide", "this page"), or "it" with nothing else named:
    # "When was ChatGPT first released?" asks about ChatGPT, whatever the article's title.
    called = bool(DOCUMENT_WORDS & content_terms(reading.asked)) or (
        not named and re.search(r"\b(?:this|it)\b", reading.asked, re.I) is not None
    )
    titled = content_terms(document_name(top.title, top.doc_id))
    return called and len(named - titled) <= len(named) / 3


def names_its_document(reading: Reading, passage: Passage) -> bool | None:
    """Whether what a question names is a passage's document, by its title or file ("who
    wrote sdop" of sdop.pdf, "SDoP: A Simple DocBook Processor"); None when it names
    nothing."""
    named = (reading.terms | content_terms(" ".join(reading.names))) - _ABOUT_DOCUMENT
    if not named:
        return None
    titled = content_terms(document_name(passage.title, passage.doc_id))
    return len(named - titled) <= len(named) / 3


def foreign_author_field(reading: Reading, sentence: Sentence) -> bool:
    """Whether a sentence is another document's "Author:" field: it says who wrote its own
    document, not the one the question names ("who is the initial author of black")."""
    return (
        bool(_AUTHOR_FIELD.match(sentence.text))
        and names_its_document(reading, sentence.passage) is False
    )


def header_answer(
    reading: Reading, passages: Sequence[Passage], stored: StoredSentences | None
) -> Sentence | None:
    """Who wrote a document, or when, as its head says it, or None."""
    asks_author = reading.kind == "who" and AUTHORSHIP.search(reading.asked)
    asks_date = reading.kind == "when" and _DATED.search(reading.asked)
    # "who wrote sdop": a question naming the document by its title asks who wrote it.
    by_title = asks_author and names_its_document(reading, passages[0])
    if not (asks_author or asks_date) or not (by_title or of_document(reading, passages[0])):
        return None
    doc_id = passages[0].doc_id
    head = (stored.document(doc_id)[:2] if stored is not None else []) + [
        p for p in passages if p.doc_id == doc_id
    ]
    label = _AUTHOR_FIELD if asks_author else _DATE_FIELD
    lines = _lines(head)
    for line in lines:
        if label.match(line.text) and is_field(line):
            return line
    if asks_author and (credited := _credits(stored.document(doc_id) if stored else [])):
        return credited
    if asks_date:
        # On a title page, the date under the title ("14 February 2003"), or a line that says
        # it ("This version was compiled on January 11, 2022").
        return next((x for x in lines[:12] if _DATE_LINE.fullmatch(x.text.strip())), None) or next(
            (x for x in lines[:12] if _DATE_LINE.search(x.text) and _DATED.search(x.text)), None
        )
    return _byline(lines[:15])


def author_byline(
    reading: Reading, passages: Sequence[Passage], stored: StoredSentences | None
) -> Sentence | None:
    """For "who is X?" of someone the documents only name as an author, the byline that
    names them ("who is terry therneau": "Terry Therneau, Cynthia Crowson, Elizabeth
    Atkinson" under the vignette's title), or None."""
    if reading.kind != "who_is" or not reading.subject or stored is None:
        return None
    last = fold(reading.subject).split()[-1]
    if len(last) < 3:
        return None
    for doc_id in dict.fromkeys(p.doc_id for p in passages[:3]):
        byline = _byline(_lines(stored.document(doc_id)[:2])[:15])
        if byline is not None and re.search(rf"\b{re.escape(last)}\b", fold(byline.text)):
            return byline
    return None


def _lines(head: Sequence[Passage]) -> list[Sentence]:
    """A document head's lines, each without a heading's marks, which no quote holds."""
    return [
        Sentence(p, m.start() + len(m.group(1) or ""), m.end())
        for p in head
        for m in re.finditer(r"(#{1,6} +)?[^\n]+", p.text)
    ]


# A section that names a document's authors: a manual page's "AUTHOR(S)", "Authors".
_CREDITS = re.compile(r"^#{1,6} +(?:authors?|author\(s\)|written by|credits)[ \t]*$", re.I | re.M)
_LINE = re.compile(r"^[ \t]*(?!```)([^\s#][^\n]*)", re.M)  # a fence's line is no name


def _credits(chunks: Sequence[Passage]) -> Sentence | None:
    """The first line under a section that names the authors ("## AUTHOR(S)" / "Wietse
    Venema IBM T.J. Watson Research")."""
    for chunk in chunks:
        found = _CREDITS.search(chunk.text)
        line = _LINE.search(chunk.text, found.end()) if found else None
        if line is not None:
            return Sentence(chunk, line.start(1), line.end(1))
    return None


_DATED_TAIL = re.compile(
    rf"\s+(?:(?:last\s+)?(?:updated|revised|modified)\b.*|(?:{MONTH})\.?\s+\d{{1,2}},?\s+\d{{4}}\s*)$",
    re.IGNORECASE,
)


def _byline(lines: Sequence[Sentence]) -> Sentence | None:
    """On a title page, the line of its authors' names ("Emden R. Gansner and Eleftherios
    Koutsofios and Stephen North"): mostly people's names, as spaCy reads them."""
    from rag.language import analyse

    # (Nor is the title, whatever the model takes its words for: "CFITSIO Quick Start Guide".)
    short = [
        x for x in lines
        if len(x.text) <= 400 and not ends_as_sentence(x.text)  # (ten names and more)
        and fold(x.text.strip()) != fold(x.passage.title.strip())
    ]  # fmt: skip
    # A date set on the byline's line is no part of the names ("Richard Stallman last updated
    # February 26, 2022").
    names = [_DATED_TAIL.sub("", x.text.lstrip("#* ")) for x in short]
    # Names set side by side, their marks dropped, are read as a list of them.
    names = [names_listed(x) or x for x in names]
    bodies = []
    for line, doc in zip(short, analyse(names), strict=True):
        if people_share(doc) >= 0.5:
            return line
        letters = sum(c.isalpha() for c in doc.text)
        # Or bodies' names alone, just under the title: "American Mathematical Society, LaTeX
        # Project" (when no person is named).
        corporate = sum(len(e.text) for e in doc.ents if e.label_ == "ORG")
        if letters and corporate >= 0.8 * letters and len(doc) >= 2 and line in short[:3]:
            bodies.append(line)
    return bodies[0] if bodies else None
