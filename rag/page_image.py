"""A PDF page as the reader printed it: the page rendered to PNG by pdfium, with the quoted
words highlighted where they stand on the page, so a citation can be checked against the
original layout (tables, figures, columns) and not only against the extracted text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import DocumentNotFound, InvalidInput, PageNotFound
from rag.language import fold

if TYPE_CHECKING:
    from pypdfium2 import PdfTextPage

_HIGHLIGHT = (255, 214, 0, 105)  # translucent yellow, so the words stay readable
_MAX_WIDTH = 2000


def page_png(pdf: Path, page: int, quotes: Sequence[str] = (), width: int = 1100) -> bytes:
    """Page `page` (1-based) of `pdf` as a PNG `width` pixels wide, each quote highlighted.

    A quote is found by its letters and digits alone, because the indexed text differs from the
    page's characters in line breaks, hyphens undone and spacing; a quote not on the page
    is simply not highlighted.

    Raises:
        DocumentNotFound: the file is gone or pdfium cannot open it.
        InvalidInput: an unusable width.
        PageNotFound: no such page.
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    if not 100 <= width <= _MAX_WIDTH:
        raise InvalidInput(f"The width must be between 100 and {_MAX_WIDTH} pixels.")
    try:
        document = pdfium.PdfDocument(str(pdf))
    except (OSError, pdfium.PdfiumError) as exc:
        raise DocumentNotFound(f"The PDF {pdf.name} cannot be opened: {exc}") from exc
    try:
        if not 1 <= page <= len(document):
            raise PageNotFound(f"{pdf.name} has pages 1 to {len(document)}, not {page}.")
        sheet = document[page - 1]
        left, bottom, _, _ = sheet.get_cropbox()
        page_width, page_height = sheet.get_size()
        scale = width / page_width
        image = sheet.render(scale=scale).to_pil().convert("RGBA")
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        text = sheet.get_textpage()
        for first, last in _spans(text, quotes):
            for n in range(text.count_rects(first, last - first + 1)):
                x0, y0, x1, y1 = text.get_rect(n)
                box = (
                    (x0 - left) * scale,
                    (page_height - (y1 - bottom)) * scale,
                    (x1 - left) * scale,
                    (page_height - (y0 - bottom)) * scale,
                )
                draw.rectangle(box, fill=_HIGHLIGHT)
        out = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


def _folded(text: str) -> str:
    """The text's letters and digits, folded as names are compared (rag.language.fold)."""
    return "".join(c for c in fold(text) if c.isalnum())


def _spans(text: PdfTextPage, quotes: Sequence[str]) -> list[tuple[int, int]]:
    """The first and last character index, on the page, of each quote found there."""
    import pypdfium2.raw as raw

    textpage = text.raw
    letters: list[str] = []
    where: list[int] = []  # the page's character index of each letter
    for i in range(raw.FPDFText_CountChars(textpage)):
        for letter in _folded(chr(raw.FPDFText_GetUnicode(textpage, i))):
            letters.append(letter)
            where.append(i)
    page = "".join(letters)
    spans = []
    for quote in quotes:
        wanted = _folded(quote)
        at = page.find(wanted) if wanted else -1
        if at >= 0:
            spans.append((where[at], where[at + len(wanted) - 1]))
    return spans
