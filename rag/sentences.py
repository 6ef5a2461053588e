"""Passages -> Sentences, and what each one says as an answer: where it starts and ends, whether
it points back to the sentence before ("They", "This release"), the entity of the wanted kind it
the heading it opens under, its vector (whether it says what a "what is X?" asks about:
rag/describing.py; the entity of the wanted kind it holds: rag/typed.py). rag/reading.py weighs
these to choose."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.blocks import LIST_MARKER, VERSION
from rag.embed import Embedder
from rag.language import fold, sentence_spans, spells_out
from rag.question import Reading
from rag.schema import Passage
from rag.text import (
    answer_sentences,
    content_terms,
    document_name,
    is_signature,
    row_reading,
    words,
)
from rag.word_vectors import RELATED, WordVectors

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc

    from rag.retrieve import StoredSentences


@dataclass(frozen=True)
class Sentence:
    passage: Passage
    start: int  # offset in passage.text
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def said(self) -> str:
        """What it says as a reader reads it: a table's row with its column headings."""
        return row_reading(self.passage.text, self.start, self.end) or self.text


def split_sentences(passage: Passage) -> list[Sentence]:
    """The sentences of a passage that can answer, as spans of its text."""
    return [Sentence(passage, a, b) for a, b in answer_sentences(passage.text)]


def with_antecedents(chosen: Sequence[Sentence], read: Mapping[Sentence, Doc]) -> list[Sentence]:
    """The chosen sentences, each one of `read` (spaCy's reading of the sentences that may need
    it) that opens by pointing back ("This release introduced ...", "He said ...") preceded by
    the sentence before it in its passage, so that the answer says what it points to ("Debian 8
    Jessie (April 2015): ...")."""
    out: list[Sentence] = []
    for sentence in chosen:
        doc = read.get(sentence)
        if doc is not None and points_back(doc):
            before = [s for s in split_sentences(sentence.passage) if s.end <= sentence.start]
            if dated_by_another(doc):
                # The date it goes by may be a sentence or two further back ("In 1890, ...").
                near = max(len(before) - 3, 0)
                dated = [i for i in range(near, len(before)) if _YEAR.search(before[i].text)]
                before = before[: dated[-1] + 1] if dated else before
            # A list item or a heading above it ("• ANY DEFINED BY.") is not what it means.
            # (One chosen after it goes before it.)
            if (
                before
                and before[-1] not in out
                and answers_anything(before[-1])
                and not LIST_MARKER.match(before[-1].text.lstrip())
            ):
                out.append(before[-1])
        if sentence not in out:
            out.append(sentence)
    return out


def points_back(doc: Doc) -> bool:
    """Whether a sentence opens with a third-person pronoun or a demonstrative ("He", "They",
    "This release"), after any conjunction ("But he ..."), or dates itself by the sentence
    before ("The board was patented the following year."). "It" only before a passive verb:
    as often as not it points nowhere ("It is worth noting that ...")."""
    if dated_by_another(doc):
        return True
    for token in doc:
        if token.is_punct or token.pos_ == "CCONJ":
            continue
        morph = token.morph
        person = token.pos_ == "PRON" and "3" in morph.get("Person", [])
        if person and "Neut" in morph.get("Gender", []):
            # "It was downloaded on ..." stands for what the sentence before named; "It was
            # decided that ..." points nowhere.
            after = doc[token.i + 1 : token.i + 4]
            return (
                len(after) >= 2
                and after[0].lemma_ == "be"
                and after[1].tag_ == "VBN"
                and not (len(after) > 2 and after[2].lower_ in ("that", "to"))
            )
        return person or "Dem" in morph.get("PronType", [])
    return False


# A date said by another one: "the following year", "two days later", "that same week".
_RELATIVE_DATE = re.compile(
    r"\b(?:following|next|previous|prior|same|later|earlier|afterwards?)\b|^(?:that|this)\b",
    re.IGNORECASE,
)


_YEAR = re.compile(r"\b(?:1[5-9]|20)\d{2}\b")


def dated_by_another(doc: Doc) -> bool:
    """Whether a sentence's only dates are said by another date ("the following year"), which
    the sentence before it gives."""
    dates = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
    return bool(dates) and all(
        _RELATIVE_DATE.search(e.text) and not any(c.isdigit() for c in e.text) for e in dates
    )


def asks_itself(text: str) -> bool:
    """Whether a sentence only asks what it leads up to ("One common question with this data
    setup is whether we need to worry about correlated data"): the next one answers."""
    return bool(_ASKS_ITSELF.search(text))


_ASKS_ITSELF = re.compile(
    r"\bquestions?\b[^.?!]*\b(?:is|was|are)\s+(?:whether|if|why|how)\b", re.IGNORECASE
)


def answers_anything(sentence: Sentence) -> bool:
    """A sentence, not a headline, label or question: it ends as sentences end, or in the
    code it introduces."""
    text = sentence.text.rstrip()
    if row_reading(sentence.passage.text, sentence.start, sentence.end):
        return True  # a table's row: "Ticket: Adults; Price: $14"
    if _POINTS_ELSEWHERE.match(text):
        return False  # "See section Invoking the msgmerge Program, for more information."
    if re.search(r"\?[\"'”’)\]]*$", text):
        return False  # it asks: 'But why is Purdy known as "Mr. Irrelevant" if ...?'
    if _STATED_ITEM.match(text) and len(re.findall(r"[^\W\d_]{2,}", text)) >= 4:
        return True  # a list's point, stated without a full stop: "- Fix `pm2 serve` ..."
    if (
        text.endswith(":")
        and len(text.split()) >= 6
        and _LIST_BELOW.match(sentence.passage.text, sentence.end)
    ):
        # A clause that opens the list under it, which the answer then quotes ("This
        # question is easy to answer: because there is not a single command line utility
        # for Python out there which ticks the following boxes:" / "- is lazily composable").
        return True
    # or the code it introduces: "With apt, you can hold a package using" / "apt-mark hold"
    # A change note's reference may follow its full stop: "Add support for SQLAlchemy 1.4.
    # (#6709)".
    if re.search(r"[.!][\"'”’)\]]*(?:\s*[(\[][^()\[\]\n]{1,40}[)\]])?$", text) or text.endswith(
        ("```", "~~~")
    ):
        return True
    # A whole clause that counts what the list it opens holds says something itself ("We
    # currently envisage three kinds of triggers:"); a label ("Required fields:") or a lead-in
    # ("The rebase command's --no-ff option provides a way to do this:") does not.
    counts = bool(NUMBER.search(text))
    if text.endswith(":") and len(text.split()) >= 6 and counts and "\n" not in text:
        return True
    # A statement set over its example ("Added a collections.Counter class to support
    # convenient counting of unique items in a sequence or iterable:" / code) says it whole.
    example = sentence.passage.text[sentence.end :].lstrip().startswith(("```", "~~~"))
    if text.endswith(":") and example and len(text.split()) >= 8 and not _POINTS_ON.search(text):
        return True
    # So does a long one set over a display, whose last words do not point at it: "The command
    # \boxed puts a box around its argument, like \fbox except that the contents are in math
    # mode:" / a formula.
    last = " ".join(text.split()[-3:])
    if (
        text.endswith(":")
        and len(text.split()) >= 12
        and "\n" not in text
        and not _POINTS_ON.search(last)
    ):
        return True
    # A statement set on a line of its own without a full stop, as a title page sets one:
    # "This version was compiled on January 11, 2022".
    if "\n" not in text and len(text.split()) >= 5 and _PASSIVE.search(text):
        return True
    return is_field(sentence)


# A point of a list, of some words (not a lead-in to points of its own under it): changelogs
# and notes often leave off the full stop ("- Require Node.js >= 18.0.0 (dropped Node.js 16
# support)").
_STATED_ITEM = re.compile(rf"(?:{LIST_MARKER.pattern})(?s:.*)(?<![:,;])$")

_LIST_BELOW = re.compile(rf"[ \t]*\n(?:[ \t]*\n)*[ \t]*(?:{LIST_MARKER.pattern})")

# A sentence that only sends the reader elsewhere says nothing of its own.
_POINTS_ELSEWHERE = re.compile(
    r"[(\[]?(?:see|refer to|for (?:more|further|full) (?:information|details)[^.,;]*,\s*see)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,4} (?:is|was|are|were|has been|have been|had been) "
    r"(?:\w+ )?[a-z]+(?:ed|en|wn|ilt|ent)\b"
)

# A lead-in that points at what follows: "provides a way to do this:", "as follows:".
_POINTS_ON = re.compile(
    r"\b(?:this|these|those|following|follows|below|here|example|like|such as|e\.g)\b", re.I
)


# "Author: Vinay Sajip <...>", "DATE: September 9, 2024", "Absent: Councilor Derek Olsen":
# a field of a document's header, one to a line.
# (A label may carry a note in brackets: "Captain (1.5x points, 1.5x salary): WR DK Metcalf".)
_FIELD = re.compile(
    r"[A-Za-z][A-Za-z-]*(?: [A-Za-z-]+){0,2}(?: \([^()\n]{1,40}\))?:[ \t]+[^\s:][^\n]{0,200}"
)


def is_field(sentence: Sentence) -> bool:
    """Whether a sentence is a field of its document's header, which says a fact of the
    document itself (its author, its date) in a label and a value, or its signature ("Ravi
    Menon" / "Chief Financial Officer" of the report); a picture's caption and credit ("iPad
    Air Photograph: Apple") is none."""
    text = sentence.text.strip()
    if is_signature(text):
        return _signed_by_someone(text)
    if not _FIELD.fullmatch(text) or _CREDIT.search(text.split(":")[0]):
        return False
    # A link to another story is set like one: "MORE: Why the 49ers traded for Chase Young,
    # explained", "POWER RANKINGS: Where Saints, Jaguars check in ..." ("FULLTIME: Chicago
    # Fire 4-1 Inter Miami" says a fact).
    label, value = text.split(":", 1)
    return not (label.isupper() and (_LINK_LABEL.fullmatch(label) or _HEADLINE.match(value)))


@functools.lru_cache(maxsize=1024)
def _signed_by_someone(text: str) -> bool:
    """A signature's name is a person's, not a title line set like one ("The Salt Road"): the
    model knows it. (Asked of the same line by every signal, read once.)"""
    from rag.language import parse

    return any(e.label_ == "PERSON" and e.start == 0 for e in parse(text).ents)


_LINK_LABEL = re.compile(r"(?:READ )?MORE|RELATED|SEE ALSO|WATCH|LISTEN|READ NEXT")
_HEADLINE = re.compile(r"\s*(?:Why|Where|How|What|Who|When|Which)\b")


_CREDIT = re.compile(r"\b(?:photo(?:graph)?s?|image|illustration|credit|video)$", re.IGNORECASE)


def term_weights(terms: frozenset[str], stems: Sequence[set[str]]) -> dict[str, float]:
    # Words rare among the candidates weigh more than words found in every sentence.
    n = len(stems)
    return {t: math.log(1 + n / (1 + sum(t in s for s in stems))) for t in terms}


def coverage(terms: frozenset[str], found: set[str], idf: dict[str, float]) -> float:
    total = sum(idf[t] for t in terms)
    return sum(idf[t] for t in terms & found) / total if total else 0.0


def name_share(names: Sequence[str], text: str) -> float:
    """The share of the question's names a sentence mentions; a surname counts, and so do
    two names typed as one ("the spurs west ham game": "Spurs", "West Ham")."""
    if not names:
        return 0.0
    folded = fold(text)
    found = 0
    for name in names:
        words = name.split()
        said = [bool(re.search(rf"\b{_one_or_more(w)}\b", folded)) for w in words]
        if name in folded or (len(words[-1]) >= 4 and said[-1]) or (len(words) >= 3 and all(said)):
            found += 1
        elif len(words) == 1 and spells_out(name, text):
            found += 1  # "CFO": "Chief Financial Officer"
    return found / len(names)


def _one_or_more(word: str) -> str:
    """A name's word as a pattern that also finds it in the singular: "Oscars" in "2023 Oscar
    winners"."""
    if len(word) >= 5 and word.endswith("s") and not word.endswith("ss"):
        return f"{re.escape(word[:-1])}s?"
    return re.escape(word)


# A sentence that sets two things against each other: "X ..., while Y ...", "unlike X, Y ...".
CONTRAST = re.compile(
    r"\b(?:while|whereas|unlike|but|however|instead|rather than|differs?|difference|different"
    r"|in contrast|compared)\b",
    re.IGNORECASE,
)
BRACKETED = re.compile(r"\[[^\]]*\]")
# A number, in digits or in words: "12", "three", "a dozen".
NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|"
    r"hundred|thousand|million|billion|trillion)\b",
    re.IGNORECASE,
)


# A FAQ's question run in at the head of its answer's paragraph: "What is ktup? – All of ...".
_RUN_IN_QUESTION = re.compile(r"(?:^|\n\n)([^\n?]{3,200}\?)[ \t]*[–—-]?[ \t]*$")
# A paragraph that ends in a question, and the next that opens by answering it: "...; why does
# Click exist?" / "This question is easy to answer: because ...", or "Well, ...", as a writer
# answers the question they asked.
_ANSWERS_IT = re.compile(
    r"(?:this|that|the)\s+(?:question|answer|short answer|reason)\b|well,", re.IGNORECASE
)


def heading_above(sentence: Sentence) -> str | None:
    """The heading whose first paragraph a sentence is in, without its section number ("7.10
    How do I convert factors to numeric?": "How do I convert factors to numeric?"), or the
    question run in just before it at the head of its paragraph ("What is ktup? – All of the
    programs ...")."""
    before = sentence.passage.text[: sentence.start]
    if run_in := _RUN_IN_QUESTION.search(before):
        return run_in.group(1).strip()
    if _ANSWERS_IT.match(sentence.text) and before.endswith("?\n\n"):
        # The last sentence of the paragraph before, or its last clause ("...; why does Click
        # exist?"): "But why is Purdy known as "Mr. Irrelevant" if he is so good?" / "Well,
        # Mr. Irrelevant is the nickname ...".
        paragraph = before.rstrip("\n").rpartition("\n\n")[2]
        spans = sentence_spans(paragraph)
        asked = paragraph[spans[-1][0] :].strip() if spans else ""
        asked = asked.rpartition("; ")[2] if len(asked) > 200 else asked
        if 3 <= len(asked) <= 200:
            return asked
    heading = next(reversed(list(re.finditer(r"(?m)^#{1,6}[ \t]+(.+)$", before))), None)
    if heading is None or before[heading.end() :].strip("\n").count("\n\n"):
        return None
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", heading.group(1)).strip() or None


def titled_by(sentence: Sentence) -> str | None:
    """A line of its own over the paragraph a sentence is in, as a news article sets its
    subheads and a review the titles it reviews ("Stone Yard Devotional" / "Charlotte Wood,
    Allen & Unwin, $32.99. ...")."""
    before = sentence.passage.text[: sentence.start]
    paragraph = _PARAGRAPH_SO_FAR.search(before)
    bare = _BARE_HEADING.search(before[: paragraph.start() if paragraph else len(before)])
    if bare is None or len(bare.group(1).split()) > 10 or not sentence.text[:1].isupper():
        return None
    return bare.group(1).strip()


# The paragraph a sentence is in, up to it; and a short line alone above it, with no mark of
# a list, table, quote or code, that does not end as a sentence or a lead-in does.
_PARAGRAPH_SO_FAR = re.compile(r"(?:(?<=\n\n)|\A)[^\n]*(?:\n(?!\n)[^\n]*)*\Z")
_BARE_HEADING = re.compile(
    r"(?:\A|\n\n)((?![-*•>|#`\d]+\s)[A-Z0-9\"“'‘][^\n]{0,78}[^\s.!?:;,])\n\n\Z"
)


def opens_section(subject: str, sentence: Sentence) -> float:
    """1 for the first sentence under a heading that names `subject`: a manual's section
    "Single Quotes" opens by saying what single quotes do."""
    before = sentence.passage.text[: sentence.start]
    last_line = before.rstrip().rpartition("\n")[2]
    heading = (
        heading_above(sentence)
        if last_line.startswith("#") or _RUN_IN_QUESTION.search(before)
        else None
    )
    if heading is None:
        return 0.0
    named = re.search(rf"(?<![\w-]){re.escape(fold(subject))}(?![\w-])", fold(heading))
    return float(named is not None)


def asserts(reading: Reading, lemmas: set[str]) -> bool:
    """Whether a sentence uses the question's own main verb (or adjective), so that it can
    settle a yes/no question one way or the other."""
    return bool(reading.verbs) and reading.verbs <= lemmas


def repeats(sentence: Sentence, chosen: Sequence[Sentence]) -> bool:
    """The same sentence often sits in two overlapping chunks, or in two articles."""
    vocabulary = set(words(sentence.text))
    return any(
        len(vocabulary & (other := set(words(c.text)))) / max(1, len(vocabulary | other)) > 0.6
        for c in chosen
    )


def sentence_vectors(
    embedder: Embedder, sentences: Sequence[Sentence], stored: StoredSentences | None
) -> np.ndarray:
    """Unit vectors of the sentences: those retrieval stored at ingest, the rest embedded."""
    import numpy as np

    known: dict[tuple[int, int, int], np.ndarray] = {}
    if stored is not None:
        for passage in {id(s.passage): s.passage for s in sentences}.values():
            for (a, b), vector in stored.vectors_of(passage).items():
                known[(id(passage), a, b)] = vector
    keys = [(id(s.passage), s.start, s.end) for s in sentences]
    missing = [s.said for s, key in zip(sentences, keys, strict=True) if key not in known]
    fresh = iter(embedder.embed_documents(missing) if missing else [])
    rows = [known[key] if key in known else np.asarray(next(fresh)) for key in keys]
    matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return matrix


def query_vector(embedder: Embedder, question: str) -> np.ndarray:
    """The question's unit vector."""
    import numpy as np

    query = np.asarray(embedder.embed_query(question), dtype=np.float32)
    query /= max(float(np.linalg.norm(query)), 1e-12)
    return query


def similarities(
    embedder: Embedder,
    question: str,
    sentences: Sequence[Sentence],
    stored: StoredSentences | None,
    query: np.ndarray | None = None,
) -> list[float]:
    """Each sentence's cosine to the question (`query`, its vector, if already made)."""
    matrix = sentence_vectors(embedder, sentences, stored)
    vector = query_vector(embedder, question) if query is None else query
    return [float(x) for x in matrix @ vector]


_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN"})


def related_terms(
    words: WordVectors, asked: Mapping[str, str], docs: Sequence[Doc]
) -> list[set[str]]:
    """For each sentence, the stems of `asked` (stem: the question's word) that it says in
    other words: a content word of its own within RELATED of the question's word."""
    own = [
        {t.lemma_.lower() for t in doc if t.pos_ in _CONTENT_POS and t.is_alpha and not t.is_stop}
        for doc in docs
    ]
    if not asked or not any(own):
        return [set() for _ in docs]
    vectors = words.get({*asked.values(), *set().union(*own)})
    found = []
    for lemmas in own:
        said = set()
        for term, word in asked.items():
            if word in vectors and any(
                float(vectors[word] @ vectors[w]) >= RELATED for w in lemmas if w in vectors
            ):
                said.add(term)
        found.append(said)
    return found


# A version number as documents write it: "1.12", "3.1.2", "5.1.0b2", "0.99b".
def terms_of(text: str) -> set[str]:
    """A text's terms, its version numbers whole ("5.1.2"), as a question names them."""
    return content_terms(text) | set(VERSION.findall(text))


def named_by(passage: Passage) -> str:
    """What names a passage's document and section, whose fields speak of them ("Author:" of
    the Logging HOWTO, "release-date:" of Celery's 5.1.0)."""
    name = document_name(passage.title, passage.doc_id)
    return f"{name} {passage.source or ''} {passage.section or ''}"


def asked_above(sentence: Sentence) -> str | None:
    """The question a sentence's paragraph answers, when a heading asks it."""
    heading = heading_above(sentence)
    return heading if heading is not None and heading.rstrip().endswith("?") else None


def cut_short(short: frozenset[str], terms: set[str]) -> set[str]:
    """The question's short words (`short`) that start one of a sentence's `terms`."""
    return {t for t in short if any(w.startswith(t) and w != t for w in terms)}


def short_words(terms: Iterable[str]) -> frozenset[str]:
    """The words a question may have cut short ("int", "config", "apps"): no English word."""
    from rag.spelling import is_english

    return frozenset(t for t in terms if len(t) >= 3 and t.isalpha() and not is_english(t))


def is_row(sentence: Sentence) -> bool:
    return sentence.said != sentence.text


# A term written as code: an option ("-v", "--keep-index"), a dotted or assigned name
# ("na.locf", "concentrate=true").
_CODE_TERM = re.compile(r"(?<![\w-])(?:--?\w[\w-]*|\w+(?:[._=]\w+)+)")


def opens_with_term(reading: Reading, said: str) -> bool:
    """Whether a sentence opens with a term of code the question names, and so speaks of it
    ("what does the -v option do": "-v requests verbose output.")."""
    return any(
        re.match(rf"[\W_]{{0,3}}?{re.escape(term)}(?![\w-])", said)
        for term in _CODE_TERM.findall(reading.asked)
    )


def names_row(reading: Reading, sentence: Sentence) -> bool:
    """Whether the question names what a table row is about, its first cell ("fontsize" of
    "| fontsize | 14 | point size of label |")."""
    first = fold(sentence.text.strip().strip("|").split("|")[0]).strip(" `*_")
    return len(first) >= 3 and bool(
        re.search(rf"(?<![\w-]){re.escape(first)}(?![\w=.-])", fold(reading.asked))
    )


def says_wanted(reading: Reading, terms: set[str], text: str) -> bool:
    """Whether a sentence says the noun a "what"/"which" picks ("what uid": "uid 37"), or, for
    "which version", a version number ("Available since Ninja 1.5.")."""
    if reading.wanted == "version":
        # The word alone does not say which ("should Depend on the triggers-supporting
        # version of dpkg"); a number does ("versions 5 up to 12", "versions below four").
        return new_version(reading, text) or (
            reading.wanted in terms and bool(_NUMERAL.search(text))
        )
    return reading.wanted is None or reading.wanted in terms


_NUMERAL = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def new_version(reading: Reading, text: str) -> bool:
    """Whether a sentence holds a version number the question does not ("BibTeX 0.99b should
    be used with LaTeX version 2.09" for "which LaTeX version should BibTeX 0.99b use")."""
    return any(
        m.group() not in reading.text and not _PLACE_IN_TEXT.search(text[: m.start()])
        for m in VERSION.finditer(text)
    )


# A section's or a figure's number is no version: "See Section 1.2 [Export to text files]".
_PLACE_IN_TEXT = re.compile(r"\b(?:sections?|chapters?|figures?|tables?|pages?|§)\s*$", re.I)
