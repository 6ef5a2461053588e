"""Plain text -> blocks: paragraphs joined across their hard line wraps, headings underlined
("Concepts" over "--------") or set in capitals, list items with their indented continuation
lines, and indented tables and code kept as preformatted blocks, as a reader of the file sees
them. A README, a memo or a specification wraps its lines at 72 columns; without this each
wrap would end a sentence and show in every quote."""

from __future__ import annotations

import re

from rag.blocks import LIST_MARKER, Block

# A line of one repeated mark under a heading: "========", "--------", "~~~~".
_UNDERLINE = re.compile(r"\s*([=\-~^*#+])\1{2,}\s*")
# "DISCUSSION", "1. SCHEDULE", "3.2 INTERNALS": a line in capitals (with its section number).
_CAPITALS = re.compile(r"(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][A-Z0-9 ,&/()'’-]*[A-Z0-9)]")
# "TO:      All staff", "Author: Vinay Sajip": a field of a header, one to a line.
_FIELD = re.compile(r"[A-Za-z][\w .-]{0,24}:\s+\S")
# Two or more spaces inside a line: columns of a table or aligned code.
_COLUMNS = re.compile(r"\S {2,}\S")


def read_blocks(text: str) -> list[Block]:
    """The text's blocks in reading order."""
    blocks: list[Block] = []
    groups = _groups(text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8))
    if groups and len(groups[0]) > 1 and _titled(groups[0]):
        # A title on the first line, its text right below: "Café de la Gare" / "Le café ...".
        blocks.append(Block("heading", groups[0][0].strip()))
        groups[0] = groups[0][1:]
    for group in groups:
        for block in _group_blocks(group):
            if block.kind == "code" and blocks and blocks[-1].kind == "code":
                # A table or an example with a blank line inside stays one block.
                blocks[-1].text += "\n\n" + block.text
            else:
                blocks.append(block)
    return blocks


def _titled(lines: list[str]) -> bool:
    """Whether a file's first line is its title: short, no sentence or clause ending there,
    and a new sentence on the line below (a wrapped first line runs on)."""
    first, below = lines[0].strip(), lines[1].strip()
    return (
        len(first) <= 50
        and first[-1].isalnum()
        and below[:1].isupper()
        and not _UNDERLINE.fullmatch(below)
        and not LIST_MARKER.match(first)
    )


def _groups(text: str) -> list[list[str]]:
    """Runs of non-blank lines."""
    groups: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _group_blocks(lines: list[str]) -> list[Block]:
    # A heading underlined on the next line (an overline above it is dropped too).
    for i in range(1, len(lines)):
        if _UNDERLINE.fullmatch(lines[i]) and not _UNDERLINE.fullmatch(lines[i - 1]):
            level = 1 if lines[i].strip()[0] in "=#*" else 2
            before = [x for x in lines[: i - 1] if not _UNDERLINE.fullmatch(x)]
            return [
                *_group_blocks(before),
                Block("heading", lines[i - 1].strip(), level=level),
                *_group_blocks(lines[i + 1 :]),
            ]
    lines = [x for x in lines if not _UNDERLINE.fullmatch(x)]
    if not lines:
        return []
    if len(lines) == 1 and _CAPITALS.fullmatch(lines[0].strip()) and len(lines[0]) <= 60:
        return [Block("heading", lines[0].strip(), level=2)]
    if all(_FIELD.match(x.strip()) for x in lines) and len(lines) > 1:
        return [Block("paragraph", x.strip()) for x in lines]
    base = min(_indent(x) for x in lines)
    columns = sum(bool(_COLUMNS.search(x.strip())) for x in lines)
    if base >= 2 and not LIST_MARKER.match(lines[0].strip()) and columns * 2 >= len(lines):
        return [Block("code", "\n".join(x[base:] for x in lines))]
    return _items(lines)


def _items(lines: list[str]) -> list[Block]:
    """A paragraph, or list items: a line that opens with a marker starts one, and lines
    indented past its marker go on with it ("* Explicit triggers.  These can be activated
    by any program / by running dpkg-trigger")."""
    blocks: list[Block] = []
    current: list[str] = []
    kind = "paragraph"
    marker_indent = -1
    for line in lines:
        stripped = line.strip()
        starts = LIST_MARKER.match(stripped) is not None
        if starts and (kind == "paragraph" or _indent(line) <= marker_indent):
            if current:
                blocks.append(Block(kind, " ".join(current)))  # type: ignore[arg-type]
            current, kind, marker_indent = [stripped], "item", _indent(line)
        elif kind == "item" and _indent(line) <= marker_indent:
            # Back at the list's margin without a marker: a paragraph after the list.
            blocks.append(Block("item", " ".join(current)))
            current, kind, marker_indent = [stripped], "paragraph", -1
        else:
            current.append(stripped)
    if current:
        blocks.append(Block(kind, " ".join(current)))  # type: ignore[arg-type]
    return blocks
