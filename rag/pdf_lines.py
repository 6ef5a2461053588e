"""PDF page -> Lines: pdfium's characters grouped into the lines a reader sees, each with its box,
type size, weight, typeface and whether it is code, footnote marks taken out; a page without a
text layer is read by OCR (tesseract) when it is installed. `rag/pdf_reader.py` makes blocks of
them."""

from __future__ import annotations

import ctypes
import dataclasses
import re
import statistics
import unicodedata
from dataclasses import dataclass
from typing import Any

from rag.blocks import LIST_MARKER
from rag.errors import BackendUnavailable

# (TeX's typewriter faces: upright "cmtt", "sftt"; slanted "cmsltt", "sfst", in which Sweave
# sets the commands it echoes; italic "cmitt", "sfit".)
_MONO = re.compile(
    r"mono|nimbusmon|courier|typewriter|consol|code|menlo|cmtt|sftt|tt\d|sfst\d|sfit\d", re.I
)
BOLD_FACE = re.compile(r"bold|medi|black|heavy|demi|bx\d|cmb\d", re.I)
# A font that names itself regular: pdfium's weight for it is not to be trusted (LaTeX's
# "LMRoman10-Regular" reports 744, as heavy as bold).
_ITALIC = re.compile(r"italic|oblique|slant", re.I)
_PLAIN = re.compile(r"regular|book|light|[-,](?:roman|italic|oblique)\b", re.I)
_OCR_DPI = 300
_CLOSING = frozenset(".,;:!?)]’”\"'")
_MARKER = re.compile(r"[\d*†‡§¶∗]{1,3}")
_LOOSE_ACCENT = re.compile(r"\s+(?=[\u0300-\u036f])")
# TeX sets an accent as a glyph of its own, after the letter ("Thê´" is "Thế") or before it.
_COMBINING = dict(
    zip(
        "´¨ˆ˜ˇ˘˙˚¸˛˝",
        "\u0301\u0308\u0302\u0303\u030c\u0306\u0307\u030a\u0327\u0328\u030b",
        strict=True,
    )
)
# A gap between two characters of a line wider than this many times the type size parts two
# columns (a justified line's widest space between words is about one).
_COLUMN_GAP = 1.5
_CELL = "\t"
# A TeX font with no map to Unicode leaves its own codes, control characters, where its
# ligatures and dashes are: "\x1cnd" is "find", "65\x1585%" is "65–85%". A bitmap font (an
# unnamed "Type 3", from dvips or Sweave) is in Cork (T1) encoding; Computer Modern's text
# fonts are in OT1, which has only the ligatures there. A symbol font's codes are symbols.
_T1_CODES = {
    0x10: "\u201c", 0x11: "\u201d", 0x12: "\u201e", 0x13: "\u00ab", 0x14: "\u00bb",
    0x15: "\u2013", 0x16: "\u2014", 0x19: "i", 0x1A: "j",
    0x1B: "ff", 0x1C: "fi", 0x1D: "fl", 0x1E: "ffi", 0x1F: "ffl",
}  # fmt: skip
_OT1_CODES = {0x0B: "ff", 0x0C: "fi", 0x0D: "fl", 0x0E: "ffi", 0x0F: "ffl"}
_CM_TEXT = re.compile(r"(?:[A-Z]{6}\+)?CM(?:R|BX|TI|SL|SS|SSBX|SSI|TT|CSC|B|U|BXTI|DUNH)\d")


def _tex_code(code: int, font: str) -> str:
    """What a TeX font's control character stands for, or "" if it is none of these."""
    if not font:
        return _T1_CODES.get(code, "")
    return _OT1_CODES.get(code, "") if _CM_TEXT.match(font) else ""


_SPACING_ACCENT = re.compile(r"([^\W\d_])\s?([´¨ˆ˜ˇ˘˙˚¸˛˝])")


@dataclass
class Line:
    """One line of a page, as pdfium lays it out; y grows upwards (PDF space)."""

    text: str
    page: int
    left: float
    bottom: float
    right: float
    top: float
    size: float
    bold: bool = False
    italic: bool = False
    mono: bool = False
    ocr: bool = False
    hyphenated: bool = False  # ends with a hyphen pdfium marked as a line-end break
    runin: str = ""  # a bold heading that opens the line, run in with the text after it
    font: str = ""  # the family of its first character's font ("LMSans10")
    # A line set in columns, with wide gaps between them (a table's row, a term beside its
    # definition): each column's left edge and text; empty for a line of one column.
    cells: tuple[tuple[float, str], ...] = ()


def text_lines(page: Any, number: int) -> list[Line]:
    import pypdfium2.raw as c

    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = c.FPDFText_CountChars(raw)
        font = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        rect = c.FS_RECTF()
        lines: list[Line] = []
        chars: list[str] = []
        boxes: list[tuple[float, float, float, float]] = []
        sizes: list[float] = []
        fixeds: list[bool] = []  # whether each character is set in a monospaced face
        # each character's size, bottom and left edge
        placed: list[tuple[float, float, float] | None] = []
        bold = mono = slanted = 0
        opens_mono = False
        lead = 0  # how many of the line's first characters are bold, before the first that isn't
        leading = True
        family = ""
        lefts: list[float] = []  # the left edge of each column after the first
        rules = _underscores(page)

        def close() -> None:
            nonlocal bold, mono, slanted, lead, leading, family, opens_mono
            _drop_note_marks(chars, placed)
            text = "".join(chars)
            runin = _run_in(chars, lead, len(sizes))
            # pdfium's mark for a soft hyphen: a hyphen where it ends the line, nothing inside
            # one ("(Re\x02quired)" is "(Required)").
            hyphenated = text.rstrip().endswith("\x02")
            text = text.rstrip().removesuffix("\x02") + ("-" if hyphenated else "")
            text = text.replace("\x02", "").replace("\ufffe", "").strip()
            # A combining accent set as a character of its own: "Thê ́" is "Thế".
            text = _LOOSE_ACCENT.sub("", text)
            text = _SPACING_ACCENT.sub(lambda m: m.group(1) + _COMBINING[m.group(2)], text)
            text = unicodedata.normalize("NFC", text)
            # A bullet a font maps to a control character ("\x88 ldl numeric: given Lp").
            text = re.sub(r"^[\x80-\x9f](?=\s)", "•", text)
            # Doxygen's LaTeX marks where it may break a long word with an arrow
            # ("Post←-Script", "EXCLUDE_←-PATTERNS"); at a line's end, as a hyphen would.
            if re.search(r"\S←-?$", text):
                text, hyphenated = re.sub(r"←-?$", "-", text), True
            text = re.sub(r"(?<=\S)←-?\s?(?=[\w./_-])", "", text)
            cells: tuple[tuple[float, str], ...] = ()
            if lefts and boxes and text.count(_CELL) == len(lefts):
                parts = [" ".join(part.split()) for part in text.split(_CELL)]
                cells = tuple(
                    (left, part)
                    for left, part in zip([min(b[0] for b in boxes), *lefts], parts, strict=True)
                    if part
                )
            text = " ".join(text.replace(_CELL, " ").split()) if lefts else text
            is_mono = (
                mono >= 0.8 * len(sizes) or (opens_mono and mono * 2 > len(sizes))
            ) and not LIST_MARKER.match(text)
            # Prose is measured by its own type: a command or a name in a monospaced face,
            # often set a point smaller, that opens the line ("magic-deleteall is used to
            # ...") is no change of size or face from the line above.
            prose = [size for size, fixed in zip(sizes, fixeds, strict=True) if not fixed]
            measured = sizes if is_mono or not prose else prose
            if text and boxes:
                lines.append(
                    Line(
                        text=text,
                        page=number,
                        # Where its first kept character stands: a footnote mark taken
                        # out of its start leaves the gap before the word it was raised
                        # over ("collaborators⁶" / "or using it").
                        left=min((p[2] for p in placed if p is not None), default=boxes[0][0]),
                        bottom=min(b[2] for b in boxes),
                        right=max(b[1] for b in boxes),
                        top=max(b[3] for b in boxes),
                        # Its first characters' size: a note in smaller type at the end of
                        # a line ("verso pages. (github issue 704)") is not what the line is.
                        size=round(statistics.median(measured[:8]), 1),
                        bold=bold * 2 > len(sizes),
                        italic=slanted * 2 > len(sizes),
                        # A bulleted line is a list item, whatever its font. A line that
                        # opens in prose is prose, with a setting in it ("Nodes are drawn, by
                        # default, with shape=ellipse, width=.75"); code may end in a comment
                        # set in another face ("a <- b[1] # creates an array").
                        mono=is_mono,
                        hyphenated=hyphenated,
                        runin=runin if text.startswith(runin) else "",
                        font=family,
                        cells=cells if len(cells) > 1 else (),
                    )
                )
            chars.clear()
            lefts.clear()
            placed.clear()
            boxes.clear()
            sizes.clear()
            fixeds.clear()
            bold = mono = slanted = lead = 0
            opens_mono = False
            leading = True
            family = ""

        for i in range(count):
            code = c.FPDFText_GetUnicode(raw, i)
            if code == 10:
                close()
                continue
            char = ""
            if 0x0B <= code <= 0x1F and c.FPDFText_IsGenerated(raw, i) != 1:
                c.FPDFText_GetFontInfo(raw, i, font, 128, ctypes.byref(flags))
                char = _tex_code(code, font.value.decode("latin-1"))
            if code == 13 and not char:
                continue
            char = char or chr(code)
            if char.isspace() or c.FPDFText_IsGenerated(raw, i) == 1:
                chars.append(char)
                placed.append(None)
                continue
            c.FPDFText_GetLooseCharBox(raw, i, rect)
            if boxes and (rect.top <= boxes[-1][2] or rect.bottom >= boxes[-1][3]):
                close()  # wholly below or above the last character: pdfium ran lines together
            size = c.FPDFText_GetFontSize(raw, i)
            if boxes and rules and _ruled(rules, boxes[-1], rect.left, size):
                # An underscore TeX draws as a rule, not a character: "MPI_COMM_WORLD", which
                # pdfium reads as "MPI COMM WORLD".
                if chars[-1].isspace():
                    chars[-1] = "_"
                else:
                    chars.append("_")
                    placed.append(None)
            if boxes and rect.left - boxes[-1][1] > _COLUMN_GAP * size:
                # Wider than any space between words: the next column of a table.
                chars.append(_CELL)
                placed.append(None)
                lefts.append(rect.left)
            # An accent TeX set before its letter, over it ("Wirtschaftsuniversit¨at"): the
            # letter goes first, so that the accent joins it and not the one before.
            over = bool(chars) and chars[-1] in _COMBINING and placed[-1] is not None
            over = over and rect.left <= (boxes[-1][0] + boxes[-1][1]) / 2 <= rect.right
            chars.append(char)
            boxes.append((rect.left, rect.right, rect.bottom, rect.top))
            sizes.append(size)
            placed.append((sizes[-1], rect.bottom, rect.left))
            if over:
                chars[-2:] = chars[:-3:-1]
                boxes[-2:] = boxes[:-3:-1]
                sizes[-2:] = sizes[:-3:-1]
                placed[-2:] = placed[:-3:-1]
            c.FPDFText_GetFontInfo(raw, i, font, 128, ctypes.byref(flags))
            name = font.value.decode("latin-1")
            if not family:
                family = re.split(r"[-,]", re.sub(r"^[A-Z]{6}\+", "", name))[0]
            weight = c.FPDFText_GetFontWeight(raw, i)
            heavy = bool(BOLD_FACE.search(name)) or (weight >= 600 and not _PLAIN.search(name))
            bold += heavy
            slanted += bool(flags.value & 64) or bool(_ITALIC.search(name))  # flag 7: Italic
            leading = leading and heavy
            lead += leading
            fixed = bool(_MONO.search(name)) or bool(flags.value & 1)  # FixedPitch
            fixeds.append(fixed)
            if over:
                fixeds[-2:] = fixeds[:-3:-1]
            opens_mono = opens_mono or (fixed and len(sizes) == 1)
            mono += fixed
        close()
        return _fragments_joined(_markers_joined(lines))
    finally:
        textpage.close()


def _underscores(page: Any) -> list[tuple[float, float, float, float]]:
    """The page's short, thin horizontal rules (left, bottom, right, top): where a typesetter
    drew an underscore instead of setting one."""
    import pypdfium2.raw as c

    found = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(c.FPDFPage_CountObjects(page.raw)):
        item = c.FPDFPage_GetObject(page.raw, i)
        if c.FPDFPageObj_GetType(item) != c.FPDF_PAGEOBJ_PATH:
            continue
        if not c.FPDFPageObj_GetBounds(item, left, bottom, right, top):
            continue
        if top.value - bottom.value <= 1.5 and 1.0 <= right.value - left.value <= 20.0:
            found.append((left.value, bottom.value, right.value, top.value))
    return found


def _ruled(
    rules: list[tuple[float, float, float, float]],
    before: tuple[float, float, float, float],
    left: float,
    size: float,
) -> bool:
    """Whether an underscore's rule fills the gap between a character and the next one, at the
    foot of the line."""
    gap = left - before[1]
    return gap > 0.2 * size and any(
        r[0] >= before[1] - 1.0
        and r[2] <= left + 1.0
        and r[2] - r[0] >= 0.5 * gap
        and before[2] - 1.0 <= r[1] <= before[2] + 0.5 * size
        for r in rules
    )


def _drop_note_marks(chars: list[str], placed: list[tuple[float, float, float] | None]) -> None:
    """Footnote marks taken out of a line: digits or daggers set smaller and raised ("the
    boot loader.³", "³Some systems ..." at the foot of the page). Left in, they glue to the
    words ("loader.3", "3Some"). A raised digit after a digit is an exponent and stays."""
    kept = [p for p in placed if p is not None]
    if len(kept) < 2:
        return
    size = statistics.median(p[0] for p in kept)
    base = statistics.median(p[1] for p in kept)
    # Smaller and a little raised, or raised well above the line (a mark in the note's own
    # type size); a font with a shallower descent alone does not raise a digit that far.
    marked = [
        p is not None and _MARKER.fullmatch(ch) is not None
        and (p[1] >= base + 0.35 * size or (p[0] <= 0.8 * size and p[1] >= base + 0.15 * size))
        for ch, p in zip(chars, placed, strict=True)
    ]  # fmt: skip
    at = 0
    while at < len(chars):
        if not marked[at]:
            at += 1
            continue
        end = at
        while end < len(chars) and marked[end]:
            end += 1
        before = "".join(chars[:at]).rstrip()[-1:]
        # After a word or the end of a phrase, or opening the line; not after a number or a
        # sign ("10⁻³").
        if end - at <= 3 and (not before or before.isalpha() or before in _CLOSING):
            del chars[at:end], placed[at:end], marked[at:end]
        else:
            at = end
    _drop_affiliation_marks(chars, placed, size, base)


def _drop_affiliation_marks(
    chars: list[str], placed: list[tuple[float, float, float] | None], size: float, base: float
) -> None:
    """A title page's affiliation marks taken out: one small raised letter after a name
    ("Dirk Eddelbuettelᵃ", "Balamutaᵇ") or before its affiliation ("ᵃDebian and R Projects").
    A raised letter after a short word ("eˣ") is an exponent and stays."""
    for at in range(len(chars) - 1, -1, -1):
        p = placed[at]
        if (
            p is None
            or not ("a" <= chars[at] <= "z")
            or p[0] > 0.8 * size
            or p[1] < base + 0.3 * size
        ):
            continue
        word = re.search(r"(\w*)\s*$", "".join(chars[:at])).group(1)  # type: ignore[union-attr]
        after = "".join(chars[at + 1 :]).lstrip()[:1]
        neighbours = [
            placed[i] for i in (at - 1, at + 1) if 0 <= i < len(chars) and chars[i].isalpha()
        ]
        if any(q is not None and q[1] >= base + 0.3 * size for q in neighbours):
            continue  # a raised word, not a mark
        if (len(word) >= 3 and word[:1].isupper()) or (not word and after[:1].isupper()):
            del chars[at], placed[at]


def _run_in(chars: list[str], lead: int, total: int) -> str:
    """A bold run-in heading that opens a line of plain text ("Class proc supports twoside
    The document class proc ..."): its words, or ""."""
    if not 0 < lead < total:
        return ""
    seen, cut = 0, len(chars)
    for at, char in enumerate(chars, start=1):
        seen += not char.isspace()
        if seen == lead:
            cut = at
            break
    head, rest = "".join(chars[:cut]).strip(), "".join(chars[cut:]).strip()
    if not 2 <= len(head.split()) <= 12 or not rest[:1].isupper():
        return ""
    if re.search(r"\(\d{4}[a-z]?\)\.?$", head):
        return ""  # a reference's authors and year in bold ("Bates D (2022).") head nothing
    return head


def _markers_joined(lines: list[Line]) -> list[Line]:
    """Footnote marks that pdfium gives a line of their own, dropped: a raised mark ("³") in
    front of the text beside it (the note's own number: "³Some systems ..." would glue to its
    first word), and a mark in smaller type than the lines around it, left over from the line
    it was raised above."""
    out: list[Line] = []
    for at, line in enumerate(lines):
        before = out[-1] if out else None
        if (
            before is not None
            and _MARKER.fullmatch(before.text)
            and before.size < line.size * 0.95
            and line.bottom < before.top
            and line.top > before.bottom
            and line.left >= before.right - 1
        ):
            line.left = before.left
            out[-1] = line
            continue
        following = lines[at + 1] if at + 1 < len(lines) else None
        if (
            _MARKER.fullmatch(line.text)
            and before is not None
            and following is not None
            and line.size < 0.85 * min(before.size, following.size)
        ):
            continue
        out.append(line)
    return out


def _fragments_joined(lines: list[Line]) -> list[Line]:
    """Pieces of one visual line that pdfium gave as lines of their own, joined: a superscript
    and the text after it ("exp(x) e" "x" ", base-e exponential of x"), a table's cells drawn
    one by one. A wide gap between two pieces parts two columns."""
    out: list[Line] = []
    for line in lines:
        before = out[-1] if out else None
        if (
            before is None
            or line.ocr
            or not (line.bottom < before.top and line.top > before.bottom)
            or line.left < before.right - 1
        ):
            out.append(line)
            continue
        gap = line.left - before.right
        size = max(before.size, line.size)
        cells = list(before.cells or [(before.left, before.text)])
        if gap > _COLUMN_GAP * size:
            cells += line.cells or [(line.left, line.text)]
            text = f"{before.text} {line.text}"
        else:
            # A word in capitals after one in lower case starts a new word, however close
            # ("-qc" set in its box, "This suppresses ..." after it).
            word = before.text[-1:].islower() and bool(re.match(r"[A-Z][a-z]", line.text))
            glue = "" if gap < 0.15 * size and not word else " "
            head, *rest = line.cells or [(line.left, line.text)]
            cells[-1] = (cells[-1][0], cells[-1][1] + glue + head[1])
            cells += rest
            text = before.text + glue + line.text
        # The longer piece says what the line is: a superscript does not make it small type,
        # nor a command at its start code.
        main = max(before, line, key=lambda piece: len(piece.text))
        out[-1] = dataclasses.replace(
            before,
            text=text,
            right=max(before.right, line.right),
            top=max(before.top, line.top),
            bottom=main.bottom,
            size=main.size,
            bold=main.bold,
            mono=main.mono,
            hyphenated=line.hyphenated,
            cells=tuple(cells) if len(cells) > 1 else (),
        )
    return out


def has_images(page: Any) -> bool:
    import pypdfium2.raw as c

    return any(obj.type == c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def ocr_lines(page: Any, number: int, height: float) -> list[Line]:
    """A page image read by tesseract, line by line, in PDF coordinates.

    Raises:
        BackendUnavailable: pytesseract or the tesseract program is missing.
    """
    try:
        import pytesseract
    except ImportError as exc:
        raise BackendUnavailable(
            "reading it needs OCR: apt-get install tesseract-ocr && pip install pytesseract"
        ) from exc
    scale = _OCR_DPI / 72
    image = page.render(scale=scale).to_pil()
    try:
        data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise BackendUnavailable(
            "reading it needs OCR: apt-get install tesseract-ocr (Debian/Ubuntu)"
        ) from exc
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if str(word).strip() and float(data["conf"][i]) >= 0:
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            grouped.setdefault(key, []).append(i)
    lines = []
    for indices in grouped.values():
        tops = [data["top"][i] for i in indices]
        bottoms = [data["top"][i] + data["height"][i] for i in indices]
        heights = sorted(data["height"][i] for i in indices)
        text = " ".join(str(data["text"][i]) for i in indices)
        lines.append(
            Line(
                text=text,
                page=number,
                left=min(data["left"][i] for i in indices) / scale,
                right=max(data["left"][i] + data["width"][i] for i in indices) / scale,
                top=height - min(tops) / scale,
                bottom=height - max(bottoms) / scale,
                size=round(heights[len(heights) // 2] / scale * 1.4, 1),
                ocr=True,
            )
        )
    return lines
