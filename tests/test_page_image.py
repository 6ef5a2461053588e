"""A cited PDF page shown as printed, the quoted words highlighted where they stand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageChops

from rag.errors import PageNotFound
from rag.page_image import page_png

TOP = "The harbour ferry left at noon with forty passengers aboard, the captain said."
LOW = ("The crossing took twenty minutes in calm weather, and the cafe on the upper deck "
       "stayed open for the whole trip across the bay.")  # fmt: skip


def _report(path: Path) -> None:
    pdf = FPDF()  # A4, 297 mm tall
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.set_y(20)
    pdf.multi_cell(0, 8, TOP)
    pdf.set_y(180)
    pdf.multi_cell(60, 8, LOW)  # a narrow column: the quote wraps over several lines
    pdf.add_page()
    pdf.multi_cell(0, 8, "Second page.")
    pdf.output(str(path))


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_quote_is_highlighted_where_it_stands_on_the_page(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _report(pdf)
    plain = _image(page_png(pdf, 1, [], width=600))
    # As the index holds it: the lines joined by spaces, whatever the page's line breaks.
    marked = _image(page_png(pdf, 1, [" ".join(LOW.split())], width=600))
    assert plain.size == marked.size and plain.width == 600
    changed = ImageChops.difference(plain, marked).getbbox()
    assert changed is not None
    left, top, right, bottom = changed
    # Only the lower paragraph, in its narrow column, on several lines: not the first one.
    assert top > 0.55 * plain.height and right < 0.45 * plain.width
    assert bottom - top > 3 * 8 / 297 * plain.height
    # Yellow over the words.
    r, g, b = marked.getpixel(((left + right) // 2, top + 2))
    assert r > 200 and g > 200 and b < 170


def test_a_quote_not_on_the_page_leaves_it_as_printed(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _report(pdf)
    plain = _image(page_png(pdf, 2, [], width=400))
    elsewhere = _image(page_png(pdf, 2, [TOP], width=400))
    assert ImageChops.difference(plain, elsewhere).getbbox() is None


def test_a_page_past_the_end_is_a_clear_error(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _report(pdf)
    with pytest.raises(PageNotFound, match="pages 1 to 2, not 3"):
        page_png(pdf, 3)
