"""A sentence's entity of the kind a question wants -> how well it answers: a person for "who",
a date or a time for "when", a place (an address, a path) for "where", a sum for "how much",
an age, a score, a name a "which" noun titles; and how near it stands to the question's words.
rag/sentences.py says the rest of what a sentence is as an answer."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from rag.language import fold
from rag.question import NAME_LABELS, Reading
from rag.sentences import NUMBER, name_share
from rag.text import stem

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


def typed_entity(
    reading: Reading, doc: Doc, counts_asked: Callable[[str], bool] | None = None
) -> tuple[float, float]:
    """Whether a sentence holds an entity of the wanted kind that the question does not name,
    and how near the nearest such entity stands to the question's own words (1 beside them).
    `counts_asked` says whether a noun a number counts is the one "how many" asks about."""
    if not reading.expected:
        return 0.0, 0.0
    question = fold(reading.text)
    # Among names, the small model's label is a hint, not a fact.
    lenient = bool(reading.expected & NAME_LABELS) and reading.expected <= NAME_LABELS
    new = [
        e for e in doc.ents
        if (e.label_ in reading.expected or (lenient and e.label_ in NAME_LABELS))
        and fold(e.text) not in question
        and not any(fold(e.text) in n or n in fold(e.text) for n in reading.names)
    ]  # fmt: skip
    if reading.kind == "how_many" and reading.wanted and counts_asked is not None:
        # "How many employees did Pebble have": "20,000 registered users" counts another thing.
        new = [e for e in new if (noun := _counted(e)) is None or counts_asked(noun)]
    if reading.expected & _PLACES:
        # In a manual, a place is a path or an address: "PID files must be placed in /run".
        for m in itertools.chain(_PATH.finditer(doc.text), _STREET.finditer(doc.text)):
            span = doc.char_span(m.start(), m.end(), label="LOC", alignment_mode="expand")
            if span is not None and fold(m.group()) not in question:
                new.append(span)
    if reading.kind == "how_old":
        # An age, not any number or date of the story: "the 24-year-old", "aged 31", ", 45,".
        new = [
            span
            for m in _AGE.finditer(doc.text)
            if (span := doc.char_span(m.start(), m.end(), "CARDINAL", alignment_mode="expand"))
            is not None
            and fold(m.group()) not in question
        ]
    if "score" in reading.kind_terms:
        # A score is two numbers ("a 52-17 win", "1-0 up"), not any number of the game.
        new = [
            span
            for m in _SCORE.finditer(doc.text)
            if (span := doc.char_span(m.start(), m.end(), "CARDINAL", alignment_mode="expand"))
            is not None
            and m.group() not in reading.text
        ]
    if reading.expected & {"TIME"}:
        # A time on the clock the small model may miss: "The ferry leaves at 07:45 every ...".
        for m in _CLOCK.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), label="TIME", alignment_mode="expand")
            if span is not None and m.group() not in reading.text:
                new.append(span)
    if reading.expected & {"DATE"}:
        # In a manual, when is a release: "Changed in version 3.9: The encoding argument was
        # added.", "Available since Ninja 1.5."
        for m in _RELEASE.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), label="DATE", alignment_mode="expand")
            if span is not None and fold(m.group()) not in question:
                new.append(span)
    if not new:
        return 0.0, 0.0
    exact = any(e.label_ in reading.expected for e in new)
    strength = 1.0 if exact else 0.6
    if reading.expected & _PLACES:
        # A place is said where it is: "at Madison Square Garden", "in Leuven"; a league, a
        # show or a company the sentence names may be a place, more often it is not.
        located = [e for e in new if e.label_ in _PLACES]
        strength = 1.0 if any(_after_locative(e) for e in located) else 0.8 if located else 0.6
    anchors = [
        t.i for t in doc
        if stem(t.lemma_.lower()) in reading.terms or name_share(reading.names, t.text) > 0
    ]  # fmt: skip
    if not anchors:
        return strength, 0.0
    distance = min(min(abs(a - e.start), abs(a - (e.end - 1))) for e in new for a in anchors)
    return strength, 1.0 / (1.0 + distance / 5.0)


def counts_other(reading: Reading, doc: Doc, counts_asked: Callable[[str], bool]) -> bool:
    """Whether each number of a sentence counts a thing other than what "how many" asks about
    ("How many employees": "growing to just 20,000 registered users")."""
    if reading.kind != "how_many" or not reading.wanted:
        return False
    counted = [_counted(e) for e in doc.ents if e.label_ in ("CARDINAL", "QUANTITY")]
    return bool(counted) and all(c is not None and not counts_asked(c) for c in counted)


def _counted(entity: Span) -> str | None:
    """The noun a number counts, when the number stands before it: "20,000 registered users",
    "3,000 daily active users" (read without the parser: past a few adjectives); a score
    ("1-0 up") counts goals or points, not fans."""
    if _SCORE.match(entity.doc.text, entity.start_char):  # (the model may tag "1" of "1-0")
        return "score"
    doc = entity.doc
    i = entity.end
    while i < min(len(doc), entity.end + 3) and (
        doc[i].pos_ == "ADJ" or doc[i].tag_ in ("VBN", "VBG")
    ):
        i += 1
    if i < len(doc) and doc[i].pos_ == "NOUN":
        return str(doc[i].lemma_.lower())
    return None


def _after_locative(entity: Span) -> bool:
    """Whether a place stands after a preposition of place: "in Leuven", "at the Garden"."""
    # (Read without the parser: the word before it, past an article.)
    i = entity.start - 1
    while i >= 0 and entity.doc[i].tag_ == "DT":
        i -= 1
    return i >= 0 and entity.doc[i].lower_ in _LOCATIVE


_LOCATIVE = frozenset({"in", "at", "on", "near", "inside", "outside", "from", "to", "across"})


_PLACES = frozenset({"GPE", "LOC", "FAC"})
_AGE = re.compile(
    r"\b\d{1,3}[- ](?:years?|yrs?)[- ]old\b|\baged? \d{1,3}\b|(?<=, )\d{1,3}(?=,)"
    r"|\b(?:age|ages) (?:of )?\d{1,3}\b",
    re.IGNORECASE,
)
_RELEASE = re.compile(
    r"\b(?:versions?|releases?|since)\s+(?:[A-Z][\w.+-]*\s+)?v?\d+(?:\.\d+)+(?:[a-z]+\d*)?\b",
    re.IGNORECASE,
)
# A street of an address, which the small model often misses: "the public lot on Cannery
# Lane", "3 Wharf Road".
_STREET = re.compile(
    r"\b(?:\d+[A-Za-z]? )?(?:[A-Z][a-z]+ ){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|"
    r"Boulevard|Blvd\.|Drive|Way|Square|Place|Court|Terrace|Parkway|Highway|Quay|Wharf|Pier)\b"
)
_SCORE = re.compile(r"(?<![\d.,:-])\d{1,3} ?[-–] ?\d{1,3}(?![\d.,:-]?\d)")
_CLOCK = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])")
# A file system path, a web address or a mail address: "/run", "/usr/share/ppd",
# "https://lore.kernel.org", "debian-private@lists.debian.org" (where to send something).
_PATH = re.compile(
    r"(?<![\w/.])/(?=[\w.<>*-]*[A-Za-z])[\w.<>*-]+(?:/[\w.<>*-]+)*/?|https?://\S+[\w/]"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
)


_SHAPES = {
    "DATE": re.compile(
        r"\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
        r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:19|20)\d\d|today|tomorrow|yesterday"
        rf"|\d{{1,2}}(?::\d\d)?\s?[ap]\.?m\b|{_CLOCK.pattern})",
        re.IGNORECASE,
    ),
    "NUMBER": NUMBER,
}


_SUM = re.compile(
    r"(?:[$€£¥₹]\s?(?:US|A|C|NZ|HK)?|\b(?:NIS|USD|EUR|GBP|CHF|INR|Rs\.?|JPY|CNY)\s?)\d"
    r"|\b\d[\d,.]*\s?(?:%|per ?cent\b|(?:million |billion )?(?:dollars|euros|pounds|yen|"
    r"crowns|francs|cents|rupees|yuan|NIS|USD|EUR|GBP)\b)",
    re.IGNORECASE,
)


def looks_typed_date(text: str) -> bool:
    """Whether a text holds what reads as a date: a month and day, a weekday, a year."""
    return bool(_SHAPES["DATE"].search(text))


def looks_typed(reading: Reading, text: str) -> float:
    """A cheap first guess at `typed_entity` for every sentence, from its surface: a date, a number,
    or a capitalised word the question does not hold. spaCy's entities decide for the few
    sentences read closely."""
    if not reading.expected:
        return 0.0
    asked = fold(reading.text)
    if reading.kind == "how_old":
        return float(any(fold(m.group()) not in asked for m in _AGE.finditer(text)))
    if "score" in reading.kind_terms:
        return float(any(m.group() not in reading.text for m in _SCORE.finditer(text)))
    if reading.expected & {"DATE", "TIME"} and looks_typed_date(text):
        return 1.0
    if reading.expected <= {"MONEY", "PERCENT"}:
        # A sum says its currency or its per cent: "$2M", "four euros", "12%".
        return float(any(m.group().lower() not in asked for m in _SUM.finditer(text)))
    if reading.expected & {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
        return float(any(m.group().lower() not in asked for m in _SHAPES["NUMBER"].finditer(text)))
    if reading.expected & _PLACES and any(
        fold(m.group()) not in asked
        for m in itertools.chain(_PATH.finditer(text), _STREET.finditer(text))
    ):
        return 1.0
    if reading.expected & {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "WORK_OF_ART"}:
        capitalised = re.findall(r"(?<=[a-z,;:] )[A-Z][\w'’-]+", text)
        # A name with a word put after it ("TEX-related", "Google-owned") is that name.
        names = [re.sub(r"-[a-z][\w-]*$", "", w) for w in capitalised]
        return float(any(fold(w) not in asked for w in names))
    return 0.0


def titles_name(reading: Reading, doc: Doc) -> bool:
    """Whether the noun a "which" picks is the title of a name the sentence gives and the
    question does not ("which councilor": "Absent: Councilor Derek Olsen"; "what exhibition":
    "Our current exhibition, Lights Along the Shoal"): that name is the answer, as a person's
    is for "who"."""
    if reading.wanted is None:
        return False
    question = fold(reading.text)
    for entity in doc.ents:
        if entity.label_ not in NAME_LABELS or fold(entity.text) in question:
            continue
        # Its first word, the word before it, or the one before that comma.
        title = [entity[0], *doc[max(entity.start - 1, 0) : entity.start]]
        if title[-1].text == "," and entity.start >= 2:
            title.append(doc[entity.start - 2])
        if any(stem(t.lemma_.lower()) == reading.wanted for t in title):
            return True
    return False
