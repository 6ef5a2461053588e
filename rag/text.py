"""Words (stemmed, stopwords dropped), sentences and dates, as retrieval and answering read them."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import re
import threading
from collections.abc import Callable
from pathlib import Path

from rag.blocks import CODE_MARKS, POINT, segments
from rag.language import sentence_spans as sentence_spans

_WORD = re.compile(r"[a-z0-9]+")


@functools.cache
def stopwords() -> frozenset[str]:
    """NLTK's English stopwords, read from the copy llama-index bundles: nothing is downloaded,
    and neither llama-index nor nltk is imported (1 and 1.2 s) to read 179 words."""
    spec = importlib.util.find_spec("llama_index.core")
    assert spec is not None and spec.submodule_search_locations, "llama-index-core is missing"
    folder = Path(next(iter(spec.submodule_search_locations)))
    listed = folder / "_static" / "nltk_cache" / "corpora" / "stopwords" / "english"
    return frozenset(listed.read_text(encoding="utf-8").split())


_LOCAL = threading.local()  # a PyStemmer stemmer serves one thread at a time


def _stemmer() -> Callable[[str], str]:
    stem: Callable[[str], str] | None = getattr(_LOCAL, "stem", None)
    if stem is None:
        import Stemmer

        stem = _LOCAL.stem = Stemmer.Stemmer("english").stemWord
    return stem


# Stems by word ("" for a stopword): a snapshot of a collection reads every chunk's words, and
# one look-up per word is most of what that costs (a plain dict is the cheapest; it is emptied
# when it grows past the limit).
_STEMS: dict[str, str] = {}
_STEMS_KEPT = 500_000


def stem(word: str) -> str:
    """A word's stem (Snowball's English stemmer, "Porter2"), lower-cased, accents folded,
    British spelling made American and an ordinal its number, as `content_words` does."""
    lowered = _lowered(word)
    if lowered[:1].isdigit() and _ORDINAL.fullmatch(lowered):
        return lowered.rstrip("stndrh")  # "17th" is "17": "June 17" finds "JUNE 17TH"
    return _stemmer()(_american().get(lowered, lowered))


_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")


@functools.cache
def _american() -> dict[str, str]:
    """American spellings of British words ("licence": "license", "colour": "color"), from
    breame's list, so that a word is found whichever way it is spelt (Snowball stems "licence"
    "licenc" and "license" "licens")."""
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    spellings: dict[str, str] = BRITISH_ENGLISH_SPELLINGS
    return spellings


def _lowered(text: str) -> str:
    """Lower case, each word with accents folded ("Nicolás" is "nicolas", "garçon" is
    "garcon"), so that a word is found however it was typed; ASCII text costs nothing more."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    from rag.language import fold

    return _NON_ASCII_WORD.sub(lambda m: fold(m.group()), lowered)


_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words, in order."""
    return _WORD.findall(_lowered(text))


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning, in order and with repeats (for term frequencies)."""
    known, out = _STEMS, []
    for word in _WORD.findall(_lowered(text)):
        found = known.get(word)
        if found is None:
            if len(known) > _STEMS_KEPT:
                known.clear()
            found = known[word] = "" if word in stopwords() else stem(word)
        if found:
            out.append(found)
    return out


def content_terms(text: str) -> set[str]:
    """The distinct stemmed words of a text that carry meaning."""
    return set(content_words(text))


# Irregular forms, so that "won" finds "winner" and "wins".
_IRREGULAR = {
    "won": "win", "led": "lead", "wrote": "write", "written": "write", "made": "make",
    "took": "take", "taken": "take", "became": "become", "held": "hold", "bought": "buy",
    "sold": "sell", "began": "begin", "begun": "begin", "chose": "choose", "chosen": "choose",
    "ran": "run", "gave": "give", "given": "give", "found": "find", "left": "leave",
}  # fmt: skip


def root(word: str) -> str:
    """A word's stem, irregular forms mapped to their verb ("won" -> "win")."""
    word = word.lower()
    return _IRREGULAR.get(word) or _stemmer()(word)


def same_root(a: str, b: str) -> bool:
    """Whether two roots are one word's forms: equal, one extends the other (direct,
    director), or a short verb and its agent noun (win, winner; run, runner)."""
    short, long = sorted((a, b), key=len)
    if short == long:
        return True
    if not long.startswith(short):
        return False
    # Any short stem starts too many words ("win" starts "window"), so only a noun of the
    # doer, with or without the doubled consonant, counts for one under four letters.
    return len(short) >= 4 or long[len(short) :] in {"er", "or", short[-1] + "er"}


# A reference mark, as citations are written; not an index of code ("myfile.fits[1]").
_REFERENCE = re.compile(r"(?<!\w)\[(\d{1,3})\]")
_FENCE_MARK = re.compile(r"^\s*(?:```|~~~)[\w+-]*\s*$", re.MULTILINE)
MIN_SENTENCE_CHARS = 15  # shorter "sentences" are list debris: "Director.", "Read more"
_CODE = re.compile(rf"{CODE_MARKS}|^\s*[$>]\s")
_ENDS = tuple(".!?\"'”’)]")


def answer_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a text that can answer on their own: the ones retrieval stores vectors
    for and the extractive engine chooses from. Headings, code and table rows are not among
    them, and neither is a line that reads as a label or a line of code."""
    parts = segments(text, piece=True)
    found = [
        [(a + s.start, b + s.start) for a, b in sentence_spans(text[s.start : s.end])]
        if s.kind == "prose"
        else []
        for s in parts
    ]
    # A sentence that goes on past a displayed line of code ("you can use" / code / "to get
    # the numbers back.") is one sentence with the code in it; so is one that introduces the
    # code it ends in ("With apt, you can set a package to hold using" / "apt-mark hold").
    for i in range(len(parts) - 1):
        before, code = found[i], parts[i + 1]
        if not before or code.kind != "code" or text[code.start : code.end].count("\n") > 6:
            continue
        a, b = before[-1]
        if text[b : code.start].strip() or text[a:b].endswith(_ENDS):
            continue  # not the sentence just above the code, or it ended before it
        after = found[i + 2] if i + 2 < len(parts) else []
        if after and text[after[0][0]].islower():
            after[0] = (a, after[0][1])  # now the sentence of the prose after, for what follows it
            del before[-1]
        elif _introduces(text[a:b], text[code.start : code.end]) and _reads_as_prose(
            text[a : code.end]
        ):
            # (An example of some lines after "... in a sequence or iterable:" is no part of
            # the sentence, which answers without it.)
            before[-1] = (a, code.end)
    prose = [
        (a, b)
        for spans in found
        for a, b in spans
        if b - a >= MIN_SENTENCE_CHARS and _reads_as_prose(text[a:b])
    ]
    rows = [row for s in parts if s.kind == "table" for row in _rows(text, s.start, s.end)]
    signed = [
        (m.start(), m.end())
        for s in parts
        if s.kind == "prose"
        for m in _SIGNATURE.finditer(text, s.start, s.end)
        if text[: m.start()].rstrip().endswith((*_ENDS, ","))
    ]
    return sorted(prose + rows + signed)


# A letter's or report's signature, set below its last paragraph: a name and a title, on one
# line or two ("Ravi Menon" / "Chief Financial Officer"). It says who holds the post.
_NAME_WORD = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)"
_TITLE_WORD = r"(?:[A-Z][A-Za-z'’-]+|of|and|the|for|&)"
_SIGNED = (
    rf"{_NAME_WORD}(?:[ \t]{_NAME_WORD}){{1,2}},?[ \t]*\n?[ \t]*[A-Z][A-Za-z'’-]+"
    rf"(?:,?[ \t]{_TITLE_WORD}){{0,6}}"
)
_SIGNATURE = re.compile(rf"(?<=\n\n){_SIGNED}(?=[ \t]*(?:\n\n|\n?$))")
_SIGNATURE_ALONE = re.compile(_SIGNED)


def is_signature(sentence: str) -> bool:
    """Whether an answering sentence is a signature: a name and a title, no clause."""
    return _SIGNATURE_ALONE.fullmatch(sentence.strip()) is not None


_ROW = re.compile(r"[^\n]+")


def _rows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A table's rows under its header row, each a fact of its own ("| Adults | $14 |" under
    "| Ticket | Price |"), when its cells hold words or numbers."""
    lines = [(m.start() + start, m.end() + start) for m in _ROW.finditer(text[start:end])]
    return [(a, b) for a, b in lines[1:] if row_reading(text, a, b)]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def row_reading(text: str, start: int, end: int) -> str | None:
    """A table row as a reader reads it, each cell under its column's heading ("Ticket:
    Adults; Price: $14"), or None if `text[start:end]` is no row of a table with a header."""
    line = text[start:end]
    if not (line.startswith("|") and line.rstrip().endswith("|")):
        return None
    top = start
    while top > 0:
        above = text.rfind("\n", 0, top - 1) + 1
        if not text[above : top - 1].startswith("|"):
            break
        top = above
    header = _cells(text[top : text.find("\n", top) if "\n" in text[top:start] else start])
    cells = _cells(line)
    if top == start or len(header) != len(cells) or len(cells) < 2 or not any(cells[1:]):
        return None
    return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=True) if c)


def _introduces(prose: str, code: str) -> bool:
    """Whether a sentence says what to do with the code below it ("With apt, you can set a
    package to hold using" / apt-mark hold): a sentence of some words, not a list's label
    ("PDF specification (version 1.3):"), over a command, not a bare web address."""
    command = _FENCE_MARK.sub(" ", code).strip()
    return len(re.findall(r"[^\W\d_]{2,}", prose)) >= 6 and not re.fullmatch(r"\S+://\S+", command)


def flat(text: str) -> str:
    """A sentence on one line, as an answer quotes it: whitespace collapsed, the fences of code
    displayed inside it dropped ("use ```\nas.numeric(f)\n``` to" -> "use as.numeric(f) to"),
    and the document's own reference marks told apart from the answer's citations ("the LaTeX
    book [2]" -> "the LaTeX book [ref. 2]")."""
    return " ".join(_REFERENCE.sub(r"[ref. \1]", _FENCE_MARK.sub(" ", text)).split())


# A glossary's entry: a short term, a colon, and what it means ("%-: Previous job.").
_ENTRY = re.compile(r"\S{1,40}: \S.*[.!?]")


def _reads_as_prose(sentence: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", sentence)
    if len(words) < (2 if _ENTRY.fullmatch(sentence.strip()) else 3):
        return False
    ends = sentence.rstrip().endswith(_ENDS)
    if not ends and len(words) < 8 and ":" not in sentence and not re.search(r"\d", sentence):
        return False  # a heading or a label: "Installing the package"
    # A signature or a command ("int asn1_create(node_asn *root)"); not a clause that names a
    # call and introduces its example ("The subn() method does the same work, but returns a
    # 2-tuple containing ...:").
    clause = sentence.rstrip().endswith(":") and len(words) >= 8
    if not ends and not clause and _CODE.search(sentence) and not POINT.match(sentence):
        return False
    # Mostly words, spaces and numbers: a line of code is mostly marks ("{x[i] = 0;}"), and a
    # sentence may be mostly numbers ("1000…65533 and 65536…4294967294 → regular users").
    letters = sum(c.isalnum() or c.isspace() for c in sentence)
    return letters >= 0.6 * len(sentence)


def spelled_date(published_at: str | None) -> str:
    """An ISO date as questions name it ("2023-10-07..." -> "October 7, 2023"); "" if none."""
    try:
        day = dt.date.fromisoformat(str(published_at or "")[:10])
    except ValueError:
        return ""
    return f"{day:%B} {day.day}, {day.year}"


_MONTHS = {
    month: number
    for number, month in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
# A month as news writes it, in full or cut short: "September", "Sep", "Sept".
MONTH = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS) + "|sept"
DATE = re.compile(
    r"\b(" + "|".join(_MONTHS) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"
    # ISO, with the time a timestamp may carry ("2023-10-04T21:11:57+00:00")
    r"|\b(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
    # The day first, as British papers and many title pages write it: "12 January 1999".
    r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r")\.?,?\s+(\d{4})\b",
    re.IGNORECASE,
)
# What is part of a date or a time of day without being a calendar date of its own.
TIME_OR_DAY = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\b\.?)?"
    r"|\b(?:" + "|".join(_MONTHS) + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)


def dates_in(text: str) -> set[dt.date]:
    """The calendar dates a text spells out ("November 6, 2023", "6 November 2023",
    "2023-11-06")."""
    found = set()
    for m in DATE.finditer(text):
        try:
            if m.group(1):
                found.add(dt.date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
            elif m.group(7):
                found.add(dt.date(int(m.group(9)), _MONTHS[m.group(8).lower()], int(m.group(7))))
            else:
                found.add(dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6))))
        except ValueError:
            continue
    return found


def document_name(title: str | None, doc_id: str) -> str:
    """The words a reader may name a document by: its title, the title's initials ("LPPL" of
    "The LaTeX Project Public License") and its file's name ("uploads/lppl.pdf": "uploads lppl
    pdf"; "the regex howto" is regex.html)."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", title or "") if w[0].isupper()]
    words = [w for w in words if w.lower() not in ("the", "a", "an")]
    initials = "".join(w[0] for w in words) if len(words) >= 2 else ""
    file = re.sub(r"[\W_]+", " ", doc_id).strip()
    return f"{title or ''} {initials} {file}"
