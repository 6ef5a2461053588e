"""Blocks -> document text: the structure every reader finds (headings, paragraphs, list items,
tables, code), written as light Markdown so that one text carries it for every format. Offsets
of citations point into this text; headings, table rows and code are kept out of prose."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["heading", "paragraph", "item", "table", "code"]


@dataclass
class Block:
    """One unit of a document in reading order; `page` is 1-based (PDF), `ocr` if read from a
    page image."""

    kind: Kind
    text: str
    page: int | None = None
    level: int = 1
    ocr: bool = False


# A list item's marker at the start of a line: a bullet, "1." / "2)" or "(a)".
_BULLETS = "•◦▪▸►‣∙·●○■□◆◇➢➤✓✔*–-"
# A list item's bullet, with the space after it (not its number: "1." is a word of the item).
BULLET = re.compile(rf"^[{_BULLETS}]\s+")
LIST_MARKER = re.compile(rf"(?:[{_BULLETS}]|\(?\d{{1,2}}[.)]|\(?[a-z][.)])\s")
# A version number: "1.12", "5.1.0b2".
VERSION = re.compile(r"\b\d+\.\d+(?:\.\d+)*[a-z\d]*\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def squash(text: str) -> str:
    """Source line wraps and runs of spaces as single spaces: how a paragraph reads."""
    return _SPACE.sub(" ", text.replace("\n", " ")).strip()


def render(blocks: Iterable[Block]) -> tuple[str, list[int] | None, list[int]]:
    """The document text, where each page begins in it (None without pages), and the pages
    read by OCR. Blocks are separated by a blank line; a heading is `#`-marked by its level,
    code is fenced, and a table's rows are `|`-separated lines."""
    parts: list[str] = []
    page_starts: list[int] = []
    ocr_pages: set[int] = set()
    paged = False
    length = 0
    for block in blocks:
        text = _markup(block)
        if not text:
            continue
        if parts:
            length += 2  # the "\n\n" before this block
        if block.page is not None:
            paged = True
            while len(page_starts) < block.page:
                page_starts.append(length)
            if block.ocr:
                ocr_pages.add(block.page)
        parts.append(text)
        length += len(text)
    return "\n\n".join(parts), (page_starts if paged else None), sorted(ocr_pages)


def _markup(block: Block) -> str:
    match block.kind:
        case "heading":
            # (Less a link's mark copied with it: a Sphinx page's "Error Log ¶".)
            text = squash(block.text).lstrip("#").rstrip("¶ ").strip()
            return f"{'#' * min(max(block.level, 1), 6)} {text}" if text else ""
        case "code":
            code = block.text.strip("\n")
            return f"```\n{code}\n```" if code.strip() else ""
        case "table":
            rows = [squash(row) for row in block.text.split("\n")]
            return "\n".join(f"| {row} |" for row in rows if row)
        case _:
            text = squash(block.text)
            # A paragraph that opens with "# " would read as a heading in the document text:
            # it is a comment of code set in the text's face ("## 2-tailed p-value ...").
            return f"```\n{text}\n```" if re.match(r"#{1,6}\s", text) else text


@dataclass(frozen=True)
class Segment:
    """A stretch of document text of one kind: `prose`, a `heading` line, a fenced `code`
    block, or `table` rows. Only prose is read as sentences."""

    start: int
    end: int
    kind: Literal["prose", "heading", "code", "table"]


_LINE = re.compile(r"[^\n]*\n?")
_ATX = re.compile(r" {0,3}#{1,6}\s+\S")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def segments(text: str, *, piece: bool = False) -> list[Segment]:
    """The text's headings, code, tables and prose, in order, as the Markdown that `render`
    writes (and that Markdown files hold) marks them. An unclosed fence runs to the end; a
    `piece` of a document (a chunk) may start inside a code block."""
    found: list[Segment] = []
    # A chunk of a document may begin inside a code block whose fence it does not hold.
    fence: str | None = "```" if piece and _starts_in_code(text) else None
    for match in _LINE.finditer(text):
        start, end = match.start(), match.end()
        if start == end:
            break
        line = match.group().rstrip("\n")
        opening = _FENCE.match(line)
        if fence is not None:
            kind = "code"
            if opening and opening.group(1) == fence:
                fence = None
        elif opening:
            fence, kind = opening.group(1), "code"
        elif _ATX.match(line):
            kind = "heading"
        elif line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            kind = "table"
        else:
            kind = "prose"
        stop = start + len(line)
        if found and found[-1].kind == kind and kind != "heading":
            found[-1] = Segment(found[-1].start, stop, kind)
        else:
            found.append(Segment(start, stop, kind))  # type: ignore[arg-type]
    return [s for s in found if text[s.start : s.end].strip()]


# What marks a line as code: brackets and semicolons, a call, an operator ...
CODE_MARKS = r"[{};]|\w\(|::|->|=>|=="
# ... a prompt or a comment at its start.
_CODE_LINE = re.compile(rf"{CODE_MARKS}|^\s*(?:[$>#]|--|/\*|\*/|//)")


_PROSE_END = re.compile(r"[.!?:][\"'”’)\]]*\s*$")
# A list's point of some words, which says something whatever marks it holds.
POINT = re.compile(rf"\s*(?:{LIST_MARKER.pattern})(?:[^\W\d_]{{2,}}\W+){{4}}")


def _starts_in_code(text: str) -> bool:
    """Whether a piece of a document (a chunk) starts inside a code block: it reads as code
    and has no fence, or its fences do not pair up and the lines before the first read as
    code more than the lines after the last (else it ends inside one, as an unclosed fence
    already says)."""
    fences = [m for m in _LINE.finditer(text) if _FENCE.match(m.group())]

    def code(part: str) -> float:
        # A heading ("## Bug fixes") is neither: a shell comment looks the same.
        lines = [x for x in part.split("\n") if x.strip() and not _ATX.match(x)]
        # Prose mentions calls ("use foo() to ..."), but ends as sentences end; a list's
        # point may not ("- Fix daemon failing to boot; switched to bare specifiers").
        coded = [
            x
            for x in lines
            if _CODE_LINE.search(x) and not _PROSE_END.search(x) and not POINT.match(x)
        ]
        return len(coded) / len(lines) if lines else 0.0

    if not fences:
        return code(text) >= 0.6  # a piece of a code block too long for one chunk
    head, tail = code(text[: fences[0].start()]), code(text[fences[-1].end() :])
    if len(fences) % 2:
        # Lines run together without a blank line between are a listing's (a log's "[quotes]
        # DEBUG: Saved file quotes-2.html" / "2016-12-16 ... INFO: Closing spider"): the text
        # writes each paragraph on a line of its own, with a blank line after it.
        return max(head, _run_on(text[: fences[0].start()])) > tail
    return head >= 0.6 and tail >= 0.6  # from inside one code block into another


def _run_on(part: str) -> float:
    """The share of a text's lines that run on from the line before, with no blank line."""
    lines = part.strip("\n").split("\n")
    if len(lines) < 2:
        return 0.0
    run = sum(
        bool(a.strip() and b.strip()) and not b.lstrip().startswith("|")  # a table's rows
        for a, b in itertools.pairwise(lines)
    )
    return run / (len(lines) - 1)


def heading_text(line: str) -> str:
    """A heading line's words, without its `#` marks."""
    return line.strip().lstrip("#").strip().rstrip("#").strip()


# A section under a release's heading is named after it: "7.0.3 › Bug Fixes".
SECTION_PATH = " › "


def names_release(heading: str) -> bool:
    """Whether a heading names a release of a changelog or release notes ("7.0.3", "1.2.0 -
    2025-10-26"), its own section number aside ("4.9 The 8.x Releases" does not)."""
    heading = _SECTION_NUMBER.sub("", heading)
    return bool(VERSION.search(heading) or _ISO_DATE.search(heading))
