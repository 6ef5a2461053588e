"""What a sentence must hold to answer a question, read off the question itself (the kind of
answer, the word it turns on, the numbers and dates it names), and the name that several of the
passages' articles agree on."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.schema import Passage
from rag.sentences import Sentence
from rag.text import (
    DATE,
    MONTH,
    TIME_OR_DAY,
    dates_in,
    root,
    same_root,
    stopwords,
    words,
)

_NUMBER = re.compile(r"\b(?:q[1-4]|\d[\d,.]*)\b", re.IGNORECASE)
_YEAR_OR_DATE = re.compile(rf"\b(?:1[89]\d\d|20\d\d|{MONTH})\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z'’-]+")
# Capitalised, but a time, not a name: "Dec 8, 2022 ..." does not say who.
_CALENDAR_WORD = re.compile(
    rf"(?:{MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)day)", re.IGNORECASE
)
# A snippet's dateline ("Apr 13, 2017 ... "): when it was written, not when the thing happened,
# unless the sentence speaks of that day ("... is out today").
_DATELINE = re.compile(r"\s*[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\s*(?:\.\.\.|…|-|—)")
_THAT_DAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening|week))\b", re.I)
# A run of capitalised words: a name ("Sam Bankman-Fried", "The Verge", "OpenAI").
_NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_YES_NO = re.compile(
    r"\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|would|will|should)\b", re.I
)
_AUXILIARY = frozenset(
    {
        "is", "was", "are", "were", "be", "been", "did", "does", "do", "will", "would", "can",
        "could", "has", "have", "had", "the", "a", "an",
    }
)  # fmt: skip
# Nouns that say what kind of answer is wanted, not what it is about.
_LIGHT = frozenset(
    {
        "name", "names", "date", "day", "year", "time", "place", "location", "title", "number",
        "person", "people", "individual", "company", "companies", "entity", "organization",
        "organisation", "figure", "one",
    }
)  # fmt: skip
_QUALIFIER = frozenset({"new", "current", "first", "last", "former"})
_MULTI_PART_WORDS = 20  # a factoid question is short; one about several articles runs longer
_AMOUNT = re.compile(r"[$€£¥]\s?\d|\d\s?(?:%|percent|million|billion|trillion)\b", re.I)


_CARDINALS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty",
)  # fmt: skip
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip


def _spellings(number: str) -> list[str]:
    """How a text may write a number a question names: "11" as "eleven", "eleventh" or
    "11th"; "q3" as "third quarter" or "third-quarter"."""
    if re.fullmatch(r"q[1-4]", number):
        return [number, rf"{_ORDINALS[int(number[1]) - 1]}[\s-]quarter"]
    if number.isdigit() and 1 <= int(number) <= len(_CARDINALS):
        n = int(number)
        return [number, _CARDINALS[n - 1], _ORDINALS[n - 1], rf"{n}(?:st|nd|rd|th)"]
    return [re.escape(number)]


def _holds(text: str, number: str) -> bool:
    return any(re.search(rf"\b{form}\b", text) for form in _spellings(number))


@dataclass(frozen=True)
class AnswerShape:
    """What a sentence must hold to answer a question, read off the question itself: the
    numbers it names (a year, a quarter), and for who/when/where/how-many questions something
    new of that kind (a name, a date, a number) that the question does not already contain.
    Of the calendar dates it names, one must be found among the passages, not in each one: a
    multi-hop question names one date per article, and its articles may not all be among the
    passages read. For the same reason the other numbers of a long, multi-part question
    ("Week 13 ... 2,000-plus yards") are not asked for at all."""

    numbers: frozenset[str]
    kind: str | None
    question_words: frozenset[str]
    focus: str | None = None  # root of the word an answer must hold: "win" for "who won"
    dates: frozenset[dt.date] = frozenset()
    yes_no: bool = False

    @classmethod
    def of(cls, question: str) -> AnswerShape:
        lowered = question.lower()
        kind = None
        if re.match(r"\s*(who|whom|whose)\b", lowered):
            kind = "name"
        elif re.match(r"\s*when\b", lowered) or re.search(
            r"\b(what|which) (year|date|day)\b"
            r"|^\s*what (is|was|will be) the (\w+ )?(year|date|day)\b",
            lowered,
        ):
            kind = "date"
        elif (
            re.match(r"\s*where\b", lowered)
            or re.search(r"\blocation\b", lowered)
            or re.match(r"\s*what (is|was|are|were) the names?\b", lowered)
            or re.match(r"\s*which (\w+) (\w+)\b", lowered)
        ):
            kind = "name"
        elif re.search(r"\bhow (many|much)\b", lowered) or re.match(
            # "What was Tesla's revenue ...?", not "Which company's revenue ...?" (a name)
            r"\s*what (is|was|are|were)\b.{0,40}\b(revenue|price|cost|population|percentage)\b",
            lowered,
        ):
            kind = "number"
        undated = TIME_OR_DAY.sub(" ", DATE.sub(" ", question))
        numbers = frozenset(n.lower().rstrip(".,") for n in _NUMBER.findall(undated))
        multi_part = len(question.split()) > _MULTI_PART_WORDS
        return cls(
            frozenset() if multi_part else numbers,
            kind,
            frozenset(words(question)),
            _focus(lowered),
            frozenset(dates_in(question)),
            bool(_YES_NO.match(question)),
        )

    @property
    def asks_for_name(self) -> bool:
        """Whether the answer is a thing or a person (who, which, what), not yes or no, a date
        or an amount."""
        return self.kind in ("name", None) and not self.yes_no

    def dates_found(self, passages: Sequence[Passage]) -> bool:
        """Whether the question names no date, or one of its dates is a passage's publication
        day (give or take one, for time zones) or spelled out in its text."""
        if not self.dates:
            return True
        found: set[dt.date] = set()
        for passage in passages:
            found |= dates_in(f"{(passage.published_at or '')[:10]} {passage.text}")
        near = {day + dt.timedelta(days=k) for day in found for k in (-1, 0, 1)}
        return bool(self.dates & near)

    def fits(self, sentence: Sentence) -> bool:
        text = sentence.text
        if text.rstrip().endswith("?"):
            return False  # a question in a document does not answer one
        passage = sentence.passage
        context = f"{passage.title} {passage.text}".lower()
        if not all(_holds(context, n) for n in self.numbers):
            return False
        dateline = _DATELINE.match(text)
        if dateline and not _THAT_DAY.search(text):
            text = text[dateline.end() :]
        new = [w for w in words(text) if w not in self.question_words]
        if self.focus and not any(same_root(self.focus, root(w)) for w in words(text)):
            return False
        match self.kind:
            case "name":
                stop = stopwords()
                return any(
                    w.lower() not in self.question_words
                    and w.lower() not in stop
                    and not _CALENDAR_WORD.fullmatch(w)
                    for w in _CAPITALISED.findall(text)
                )
            case "date":
                return any(_YEAR_OR_DATE.fullmatch(w) for w in new)
            case "number":
                return bool(_AMOUNT.search(text)) or any(w[0].isdigit() for w in new)
        return True


def corroborated_name(question: str, passages: Sequence[Passage]) -> str | None:
    """The name that the most of the passages' articles mention, of those the question does
    not: what a question drawing on several sources asks for, when at least two agree on it.
    A later mention by the last word alone ("Altman", "Altman's") counts for the full name."""
    asked = {root(w) for w in words(question)}
    stop = stopwords()
    lowercase = {w for p in passages for w in re.findall(r"\b[a-z][a-z'’-]+\b", p.text)}
    articles: dict[str, set[str]] = {}
    for passage in passages:
        for found in _NAME_RUN.finditer(passage.text):
            name = _POSSESSIVE.sub("", found.group(0).rstrip("."))
            name_words = words(name)
            if (
                not name_words
                or all(w in stop or root(w) in asked for w in name_words)
                or _CALENDAR_WORD.fullmatch(name)
                # "Choose ..." opening a sentence: a word the passages also write in lower case
                or (len(name_words) == 1 and name.lower() in lowercase)
            ):
                continue
            articles.setdefault(name, set()).add(passage.doc_id)
    for name in [n for n in articles if " " in n]:
        articles[name] |= articles.get(name.rsplit(" ", 1)[1], set())
    if not articles:
        return None
    best = max(articles, key=lambda name: (len(articles[name]), len(name)))
    return best if len(articles[best]) >= 2 else None


def _focus(question: str) -> str | None:
    """The root of the word a short factoid question turns on, which its answer must hold:
    the verb after who ("who won"), the noun after who is ("who is the director"), the verb
    ending a when question ("when was X released"), the verb after which/what and a noun
    ("which city hosted"). None for other questions: their shape is not this simple."""
    found = re.match(r"\s*(who|when|which|what)\b(.*)", question)
    if not found:
        return None
    wh, rest = found.group(1), words(found.group(2))
    if len(question.split()) > _MULTI_PART_WORDS:
        return None
    if wh == "when":
        word = rest[-1] if rest and rest[0] in _AUXILIARY else None
    elif wh == "who":
        word = next((w for w in rest if w not in _AUXILIARY and w not in _QUALIFIER), None)
    elif rest and rest[0] in _AUXILIARY:
        # "what is the release date of X": the event whose date is asked
        dated = [a for a, b in itertools.pairwise(rest) if b == "date"]
        word = dated[0] if dated else None
    else:
        word = rest[1] if len(rest) > 1 else None  # "which city hosted"
    if word is None or word in _LIGHT or word[0].isdigit():
        return None
    if word in stopwords() and root(word) == word:  # "won" is a stopword ("won't")
        return None
    return root(word)
