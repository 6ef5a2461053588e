"""What on a PDF's pages is not the document's text: running headers and footers, page
numbers and stamps, which repeat from page to page; a figure's scattered letters and the
labels it repeats; a table of contents set as headings, and a back-of-book index."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from rag.blocks import Block
from rag.pdf_lines import Line

PAGE_NUMBER = re.compile(
    r"(?:page\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|[-–—]\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?",  # "-1-", "- i -", a signature's "—4"
    re.I,
)
# A page number at either end of a running line: "A Brief History of Debian ii", "2 / 21".
_FOLIO = re.compile(
    r"^(?:[ivxlcdm]+|#)(?:\s*(?:/|of)\s*#)?\s+|\s+(?:[ivxlcdm]+|#)(?:\s*(?:/|of)\s*#)?$"
)


def _normalised(line: Line) -> tuple[str, float, int]:
    """A line as it repeats from page to page: its words with numbers masked, its size (a title
    on page one is not the running header that repeats it in small type) and its height on
    the page (a sentence that ends two pages is not a footer)."""
    words = re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.text.lower())).strip()
    return _FOLIO.sub("", words).strip(), line.size, round(line.top)


def _margin_lines(page: list[Line], depth: int = 2) -> list[Line]:
    ordered = sorted(page, key=lambda line: -line.top)
    return ordered[:depth] + ordered[-depth:] if len(ordered) > depth * 2 else ordered


def running_lines(pages: list[list[Line]]) -> set[int]:
    """ids of the lines that are running headers, footers or page numbers: in a page's top or
    bottom two lines, and either a bare page number or repeated (digits aside) on other pages."""
    seen: Counter[tuple[str, float, int]] = Counter()
    anywhere: Counter[tuple[str, float]] = Counter()
    for page in pages:
        seen.update({_normalised(line) for line in _margin_lines(page)})
        anywhere.update({_normalised(line)[:2] for line in page})
    drop = set()
    bands: Counter[int] = Counter()  # heights where running lines sit, page after page
    for page in pages:
        for line in _margin_lines(page):
            # A repeated line of code's punctuation ("}") is no running line.
            if PAGE_NUMBER.fullmatch(line.text.strip()) or (
                len(pages) > 1 and seen[_normalised(line)] >= 2 and re.search(r"\w", line.text)
            ):
                drop.add(id(line))
                bands[round(line.top)] += 1
        # A stamp or watermark ("DRAFT") repeats on most pages wherever it sits; a line of
        # code does too ("}", "// [[Rcpp::export]]"), and is no stamp.
        for line in page:
            if (
                len(pages) >= 3
                and anywhere[_normalised(line)[:2]] * 2 >= len(pages)
                and not line.mono
                and (
                    re.search(r"[^\W\d_]{2}", line.text) or PAGE_NUMBER.fullmatch(line.text.strip())
                )
            ):
                drop.add(id(line))
    # A page's header read by OCR with a slip ("50 THE SIEGE OF VICKSBUEG.") is the one the
    # other pages carry, at about their height and size.
    found = [(_normalised(x)[0], x) for page in pages for x in page if id(x) in drop]
    for page in pages:
        for line in _margin_lines(page):
            text = _normalised(line)[0]
            if (
                id(line) not in drop
                and len(text) >= 8
                and any(
                    abs(line.top - x.top) <= 2 * x.size
                    and abs(line.size - x.size) <= 0.2 * x.size
                    and _alike(text, known)
                    for known, x in found
                )
            ):
                drop.add(id(line))
    drop |= _line_numbers(pages)
    # A chapter's running header on its one page ("Acknowledgements 2") sits where the others
    # do, with a page number; a page's last line of text sits there too, without.
    for page in pages:
        ordered = sorted(page, key=lambda line: -line.top)
        for line in ordered[:1] + ordered[-1:]:
            words = re.sub(r"\d+", "#", line.text.lower().strip())
            if bands[round(line.top)] >= 2 and len(line.text) < 100 and _FOLIO.search(words):
                drop.add(id(line))
    return drop


def _alike(one: str, other: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(one, other) >= 85


def _line_numbers(pages: list[list[Line]]) -> set[int]:
    """ids of the numbers a page sets in its margin beside each line (a specification's or a
    draft's "9", "10", "11" left of the text): bare numbers, counting up down the page, none
    inside the text's own width."""
    drop: set[int] = set()
    columns: set[int] = set()  # where they stand, by their right edge
    margins = []
    for page in pages:
        text = [x for x in page if not re.fullmatch(r"\d{1,5}", x.text.strip())]
        numbers = sorted(
            (x for x in page if re.fullmatch(r"\d{1,5}", x.text.strip())), key=lambda x: -x.top
        )
        if not numbers or not text:
            continue
        left, right = min(x.left for x in text), max(x.right for x in text)
        margin = [x for x in numbers if x.right <= left + 1 or x.left >= right - 1]
        margins.append(margin)
        values = [int(x.text) for x in margin]
        if len(margin) >= 5 and all(a < b for a, b in itertools.pairwise(values)):
            drop |= {id(x) for x in margin}
            columns |= {round(x.right) for x in margin}
    # A page with few lines (a contents page) numbers them in the same column.
    for margin in margins:
        drop |= {id(x) for x in margin if round(x.right) in columns}
    return drop


def scattered_dropped(blocks: list[Block]) -> list[Block]:
    """A figure's letters left out: on a page where most blocks are a few characters each
    ("Dat", "a", "Ty", "p", "e": a plot's rotated labels set letter by letter), those blocks
    read as nothing and would fill the index with noise."""
    tiny = Counter(b.page for b in blocks if len(b.text.strip()) <= 3)
    pages = Counter(b.page for b in blocks)
    scattered = {page for page, n in tiny.items() if n >= 20 and n >= 0.5 * pages[page]}
    return [b for b in blocks if not (b.page in scattered and len(b.text.strip()) <= 3)]


def labels_demoted(blocks: list[Block]) -> list[Block]:
    """A figure's labels in a heading's type, repeated from figure to figure ("(0,0) the
    Origin", seven times), are text of the figures, not sections. A section's heading that
    recurs ("Examples") has no coordinates or numbers in it."""
    headings = Counter(b.text for b in blocks if b.kind == "heading")
    for block in blocks:
        if (
            block.kind == "heading"
            and headings[block.text] >= 3
            and (re.search(r"[\d()]", block.text) or len(block.text) <= 3)
        ):
            block.kind = "paragraph"
    return blocks


# "2.1 ", "Chapter 4 ", "Appendix A " before a heading's words (lower case).
_SECTION_NUMBER = re.compile(
    r"^(?:(?:chapter|section|part|appendix)\s+(?:\d+|[a-z])|\d+(?:\.\d+)*)\.?(?:\s+|$)"
)
_TRAILING_PAGE = re.compile(r"^(.*\S)\s+(?:\d{1,4}|[ivxlcdm]{1,7})$", re.I)


# Where one contents entry ends and the next begins: after a page number, before a word.
_AFTER_PAGE = re.compile(
    r"(?:(?<=\s\d)|(?<=\s\d\d)|(?<=\s\d{3}))\s+(?=[^\d\s])"  # (lookbehinds of one width each)
)


def contents_dropped(blocks: list[Block]) -> list[Block]:
    """Without a table of contents set as headings: a heading that ends in a page number and
    repeats a heading further on ("Introduction 1" before "Introduction") is an entry of the
    contents, not a section of its own."""

    def plain(text: str) -> str:
        """Its words in lower case, without a leading "Chapter 2" or "2.1"."""
        words = " ".join(re.sub(r"[^\w\s.]", " ", text).lower().split())
        return _SECTION_NUMBER.sub("", words).strip(" .")

    later: set[str] = set()
    dropped: set[int] = set()
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.kind != "heading":
            continue
        # (Entries set close may run together into one: "11 Additional information 33
        # References 35 Index 36".)
        found = [_TRAILING_PAGE.match(part) for part in re.split(_AFTER_PAGE, block.text)]
        if not all(found):
            found = []  # one entry, or no entries at all
        found.append(_TRAILING_PAGE.match(block.text))  # ("version 2 and 3 16" is one)
        # An appendix's entry may keep its letter ("A The Debian Manifesto 20").
        entries = {
            form
            for entry in found
            if entry
            for form in (plain(entry.group(1)), re.sub(r"^[a-z] ", "", plain(entry.group(1))))
        }
        if entries & later:
            dropped.add(index)
        else:
            later.add(plain(block.text))
    kept = [block for index, block in enumerate(blocks) if index not in dropped]
    # The contents' own heading, its entries gone, heads nothing.
    return [
        block
        for index, block in enumerate(kept)
        if not (
            block.kind == "heading"
            and _CONTENTS_HEADING.fullmatch(block.text.strip())
            and index + 1 < len(kept)
            and kept[index + 1].kind == "heading"
        )
    ]


_CONTENTS_HEADING = re.compile(r"(?:table of )?contents", re.IGNORECASE)


# A back-of-book index's heading: "Index", "Concept Index", "Environment variable index".
_INDEX_HEADING = re.compile(r"(?:[\w-]+ (?:and )?){0,3}index", re.IGNORECASE)
# An index's entry ends in its pages: "-qc option 2", "title pages, fonts for 9, 10".
_INDEX_ENTRY = re.compile(r"\d+(?:\s*[-–]\s*\d+)?(?:,\s*\d+(?:\s*[-–]\s*\d+)?)*$")


def index_dropped(blocks: list[Block]) -> list[Block]:
    """Without a back-of-book index: its terms and page numbers answer nothing, and searches
    for a term find the index first ("what does the -q option do" against "-q option 2, 3").
    An index runs from its heading through its letters' headings ("Symbols", "B") while what
    they head is entries."""

    def listed(part: Sequence[Block]) -> bool:
        """Whether blocks are an index's entries (headings aside)."""
        text = [b.text for b in part if b.kind != "heading"]
        lines = [x for b in text for x in re.split(r"(?<=\d)\s+(?=[^\d\s,–-])", b)]
        found = sum(bool(_INDEX_ENTRY.search(x)) for x in lines)
        return not lines or found >= 0.6 * len(lines)

    def entries(at: int) -> bool:
        """Whether the blocks after a heading, up to the next one, are an index's entries."""
        return listed(list(itertools.takewhile(lambda b: b.kind != "heading", blocks[at + 1 :])))

    out: list[Block] = []
    skipping = False
    for at, block in enumerate(blocks):
        if block.kind == "heading":
            # At the back of the book, entries to its end ("3.10 Index" of a package's code,
            # with prose after it, is a section).
            named = _INDEX_HEADING.fullmatch(re.sub(r"^[\d.]+\s+", "", block.text.strip()))
            if named and listed(blocks[at + 1 :]):
                skipping = True
            elif skipping:
                skipping = entries(at)
        if not skipping:
            out.append(block)
    return out
