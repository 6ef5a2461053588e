"""What on a PDF's pages is not the document's text: running headers and footers, page
numbers and stamps, which repeat from page to page; a figure's scattered letters and the
labels it repeats."""

from __future__ import annotations

import re
from collections import Counter

from rag.blocks import Block
from rag.pdf_lines import Line

PAGE_NUMBER = re.compile(
    r"(?:page\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|[-–]\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–]?",  # "-1-", "- i -"
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
    # A chapter's running header on its one page ("Acknowledgements 2") sits where the others
    # do, with a page number; a page's last line of text sits there too, without.
    for page in pages:
        ordered = sorted(page, key=lambda line: -line.top)
        for line in ordered[:1] + ordered[-1:]:
            words = re.sub(r"\d+", "#", line.text.lower().strip())
            if bands[round(line.top)] >= 2 and len(line.text) < 100 and _FOLIO.search(words):
                drop.add(id(line))
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
