"""Whether a sentence says what a thing is or who someone is ("X is a ...", "X, the ...",
"President X", "... is tmerge, which ..."), for "What is X?" and "Who is X?"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.language import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc

_NOUN_TAGS = ("NN", "NNS", "NNP", "NNPS")
_APPOSITION = r"\s*(?:,|\(|—|–|-)\s*(?:the|a|an|who|which|whose|[a-z]+'s|[a-z]+ of)\b"
COPULA = (
    r"\s+(?:is|was|are|were|has been|had been|serves as|served as|became)\s+"
    r"(?:the|a|an|one of)\b"
)
# "X means ...", "called zoo which stands for Z's ordered observations".
_DEFINES = (
    r"\s*(?:,?\s*(?:which|that)\s+)?"
    r"(?:means|refers to|stands for|denotes|is short for|is an acronym for)\b"
)


_PLURAL = r"(?:s|es)?"  # a term's plural: "generator expressions" of "generator expression"


def may_describe(subject: str, text: str) -> bool:
    """A cheap guess at `describes`, without spaCy: the text says "X (a noun or two) is a
    ..." ("The LDL software package is a set of ...")."""
    said = re.escape(fold(subject))
    folded = fold(text)
    # A person's surname says it too, written as a name: "Cue is one of the ..." of Eddy Cue.
    surname = _surname(subject)
    return bool(
        re.search(rf"(?<![\w-]){said}{_PLURAL}(?![\w-])(?:\s+[a-z]+){{0,2}}{COPULA}", folded)
        or re.match(rf"{KIND_FIRST}{said}(?![\w-])", folded, re.IGNORECASE)
        or (
            surname and re.search(rf"(?<![\w-]){surname}(?![\w-]){COPULA}", fold(text, lower=False))
        )
    )


def _surname(subject: str) -> str:
    """The last of a person's names, capitalised, as a pattern; "" for one word."""
    words = fold(subject).split()
    return re.escape(words[-1].capitalize()) if len(words) >= 2 and len(words[-1]) >= 3 else ""


# What it is first, then its name: "A useful function for building data sets is tmerge, ...".
KIND_FIRST = r"(?:an?|the|one)\s[^,;:.]{3,80}?\s(?:is|was)\s+(?:called\s+)?"


def says_who_after(subject: str, said: str, before: tuple[set[str], str] | None) -> bool:
    """Whether a sentence says who someone is by a pronoun, just after the sentence that names
    them ("... would be Joe Espada, age 48." / "Since 2018, he has been the bench coach for the
    Astros.")."""
    if before is None or not _WHO_AFTER.search(said):
        return False
    last = fold(subject).split()[-1]
    return (
        len(last) >= 3
        and re.search(rf"(?<!\w){re.escape(last)}(?!\w)", fold(before[1])) is not None
    )


# A pronoun's copula and what it is: "He is the ...", ", she has been a ...".
_WHO_AFTER = re.compile(
    r"(?:^|,\s)(?:he|she)\s+(?:is|was|has been|had been)\s+(?:a|an|the)\s", re.IGNORECASE
)


def describes(subject: str, doc: Doc) -> float:
    """How plainly a sentence says what `subject` is: "X, the ...", "X is a ...", "the
    Philippine Education Development Fund (X)" (1); a role before the name, "President X",
    "World Rugby's director of high-performance X" (0.8); or only mentions it (0.3)."""
    text = doc.text
    folded, target = fold(text), fold(subject)
    last = target.split()[-1]
    # A word of a longer hyphenated one is another term: "Depends" is not "Pre-Depends".
    surname = _surname(subject)  # ("Cue", written as a name)
    # What a kind of thing is, is said of them all: "Generator expressions return an ...".
    found = (
        re.search(rf"(?<![\w-]){re.escape(target)}{_PLURAL}(?![\w-])", folded)
        or (len(last) >= 4 and re.search(rf"(?<![\w-]){re.escape(last)}{_PLURAL}(?![\w-])", folded))
        or (surname and re.search(rf"(?<![\w-]){surname}(?![\w-])", fold(text, lower=False)))
    )
    if not found:
        return 0.0
    after, before = folded[found.end() :], text[: found.start()]
    # Its abbreviation may stand between: "The LaTeX Project Public License (LPPL) is the ...".
    # (In quotes, or spelt out: 'An "MCU" (minimum coded unit) is an interleaved set ...'.)
    abbreviation = re.match(r"[\"”’']?\s*\([^()]{1,40}\)", after)
    end = found.end() + (abbreviation.end() if abbreviation else 0)
    after = folded[end:]
    apposition = re.match(_APPOSITION, after)
    if apposition and not _clause_after(doc, end + apposition.end()):
        return 1.0
    if re.match(COPULA, after) or re.match(_DEFINES, after):
        return 1.0
    if _plural_kind(doc, found.group(), end, after):
        return 1.0
    if re.fullmatch(KIND_FIRST, before, re.IGNORECASE) and re.match(r"\s*(?:[,.;]|$)", after):
        return 1.0
    # The name of a tool or a term set before the noun of its kind: "The debmake command is
    # the helper script ...", "the globstar option means ...".
    # (Two nouns too: "The LDL software package is a set of ...".)
    kind = re.match(r"\s+([a-z]+)(?:\s+([a-z]+))?", after)
    for nouns in (1, 2):
        if kind is None or kind.group(nouns) is None:
            break
        if not re.match(f"{COPULA}|{_DEFINES}", after[kind.end(nouns) :]):
            continue
        starts = {end + kind.start(n) for n in range(1, nouns + 1)}
        if all(any(t.idx == at and t.pos_ == "NOUN" for t in doc) for at in starts):
            return 1.0
    # A glossary's entry: the term, or terms, and a colon ("nit: Denotes a small issue"); a
    # command's or an option's with its arguments ("apply [--index] [<stash>]: Like pop").
    others = r"(?:[\w\s/'-]{1,40},\s*)*"  # the other terms of a list of them, comma-separated
    arguments = r"(?:\s+(?:\[[^\]]{0,40}\]|<[^>]{0,40}>|-{1,2}[\w-]+(?:=\S+)?))*"
    if re.fullmatch(others, before) and re.match(
        rf"{arguments}(?:\s*,[\w\s/'-]{{1,40}})*\s*(?::|[-–—]\s)", after
    ):
        return 1.0
    # The name given to what the sentence describes: "a modification of LaTeX to produce a
    # system called fsfTeX", "a trigger known as a file trigger".
    # (In quotes too: 'This is called the "hotlist", a list of buffers ...'.)
    called = r"\b(?:called|named|known as|termed|dubbed)\s+(?:an?\s+|the\s+)?[\"“‘']?$"
    if re.search(called, before):
        return 1.0
    # Or its short form after the long: "Each table or image is called a Header-Data Unit, or
    # HDU."
    if re.search(called[:-1] + r"[\w\s-]{1,60},?\s+or\s+$", before):
        return 1.0
    # An abbreviation after what it stands for.
    spelled_out = re.search(r"[A-Z][\w.&-]*(?:\s+[A-Z&][\w.&-]*)+\s*\($", before)
    if spelled_out and re.match(r"\s*\)", after):
        return 1.0
    # A title or role just before the name, by spaCy's tagger a noun: "Venezuelan President
    # Nicolas Maduro", "CEO Sam Altman", "coach Sherrone Moore"; not a verb, a preposition or
    # an opening "When" ("said Moore", "by Moore", "When Maduro won").
    start = found.start()
    for entity in doc.ents:  # from the name's own start: "Peter" of "Peter Horne" is no title
        if entity.start_char <= start < entity.end_char and entity.label_ == "PERSON":
            start = entity.start_char
    preceding = [t for t in doc if t.idx + len(t) <= start]
    if not re.search(r"\b[A-Z][a-z]", text[found.start() : found.end()]):
        return 0.3  # a term, not a name: "output" of "the output HDU" is no role
    if preceding and preceding[-1].tag_ in _NOUN_TAGS:
        return 0.8
    # The same role set off by a comma, the name closing it: "the incumbent president,
    # Maduro." (not "After the election, Maduro said").
    if (
        len(preceding) > 1
        and preceding[-1].text == ","
        and preceding[-2].tag_ in _NOUN_TAGS
        and re.match(r"\s*(?:[.,;:)]|$)", after)
    ):
        return 0.8
    return 0.3


def _plural_kind(doc: Doc, said: str, end: int, after: str) -> bool:
    """Whether a kind of thing named in the plural is said to be things of another kind, with
    no article: "Quantum dots are tiny particles of ..." (not "... are surrounded by ...", nor
    "... are preferable in ...")."""
    copula = re.match(r"\s+(?:are|were)\s+", after)
    if not said.endswith("s") or copula is None:
        return False
    following = [t for t in doc if t.idx >= end + copula.end()]
    words = 0
    while words < len(following) and words < 3 and following[words].pos_ in ("ADJ", "ADV"):
        words += 1
    return words < len(following) and following[words].pos_ == "NOUN"


def _clause_after(doc: Doc, at: int) -> bool:
    """Whether the words from `at` are the subject of a clause, not an apposition: "On
    completion of the MCU, the permanent state is updated." (against "Maduro, the president
    of Venezuela, said")."""
    phrase = ("DET", "ADJ", "NOUN", "PROPN", "NUM", "ADP", "PART", "CCONJ")
    following = [t for t in doc if t.idx >= at]
    for token, after in zip(following, [*following[1:], None], strict=True):
        modifier = token.tag_ in ("VBN", "VBG") and after is not None and after.pos_ in phrase
        if token.pos_ not in phrase and not modifier:  # "a retired Army general" goes on
            return token.pos_ in ("VERB", "AUX")
    return False
