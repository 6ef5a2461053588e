"""A PDF page's lines set in columns -> table and definition-list blocks (`rag/pdf_reader.py`
groups the other lines into paragraphs). A line's columns are the gaps `rag/pdf_lines.py`
found in it; lines whose columns line up are rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rag.blocks import LIST_MARKER, Block
from rag.pdf_lines import Line

# How a cell's text goes on onto a wrapped line: the reader's join (line-end hyphens undone).
Join = Callable[[str, str, Line], str]


def tables(
    lines: list[Line], join: Join, page_number: re.Pattern[str]
) -> Iterator[list[Line] | Block]:
    """A page's lines, with the runs of them set in columns made blocks: a term beside its
    definition ("round(x)    rounding x to nearest integer") is an item that says the term and
    then its definition, as an HTML definition list reads; three columns or more, or two under
    a header in bold, make a table. A line in one of the columns alone goes on with the row above
    it. Other lines come as they are, for grouping into paragraphs."""
    plain: list[Line] = []
    at = 0
    while at < len(lines):
        rows, end = _rows(lines, at, join)
        # A contents page's titles beside their page numbers, and a bulleted list with a gap
        # after each item's first words, are not tables.
        contents = all(page_number.fullmatch(row[-1]) for row in rows)
        # Code keeps its own spacing, and its margin may carry a mark ("{ duplicate$ empty$
        # ←"), which defines nothing; a table may set a column in a typewriter face.
        code = all(line.mono for line in lines[at:end]) or (
            max(len(row) for row in rows) == 2
            and not all(any(c.isalpha() for c in row[-1]) for row in rows)
        )
        if len(rows) < 2 or contents or code or LIST_MARKER.match(rows[0][0] + " "):
            plain.append(lines[at])
            at += 1
            continue
        if plain:
            yield plain
            plain = []
        page = lines[at].page
        headed = lines[at].bold and not any(line.bold for line in lines[at + 1 : end])
        if max(len(row) for row in rows) > 2 or headed:
            yield Block("table", "\n".join(" | ".join(row) for row in rows), page)
        else:
            for row in rows:
                term, said = row[0], " ".join(row[1:])
                yield Block("item", f"{term}{'' if term.endswith(':') else ':'} {said}", page)
        at = end
    if plain:
        yield plain


def _rows(lines: list[Line], at: int, join: Join) -> tuple[list[list[str]], int]:
    """The rows of the columns that start at `lines[at]` (none if it is not set in columns),
    and the index of the first line after them."""
    first = lines[at]
    if not first.cells:
        return [], at
    columns = [left for left, _ in first.cells]
    rows = [[text for _, text in first.cells]]
    end = at + 1
    for line in lines[end:]:
        previous = lines[end - 1]
        step = previous.bottom - line.bottom
        if not 0 < step <= 2.5 * line.size or abs(line.size - first.size) > 0.1 * first.size:
            break
        near = line.size * 0.3
        placed = [
            next((i for i, x in enumerate(columns) if abs(left - x) <= near), None)
            for left, _ in line.cells
        ]
        if line.cells and placed[0] == 0 and None not in placed:
            # Each cell under its column; an empty cell leaves a gap ("ordering", no default,
            # "out").
            row = [""] * len(columns)
            for column, (_, text) in zip(placed, line.cells, strict=True):
                row[column or 0] = text
            rows.append(row)
        elif line.cells and placed[0] == 0 and len(line.cells) == len(columns):
            rows.append([text for _, text in line.cells])  # numbers set flush right
        elif not line.cells and (
            column := next((i for i, x in enumerate(columns) if abs(line.left - x) <= near), 0)
        ):
            # A cell's text wrapped onto a line of its own, under its column.
            cells = rows[-1]
            cells[min(column, len(cells) - 1)] = join(
                cells[min(column, len(cells) - 1)], line.text, line
            )
        else:
            break
        end += 1
    return rows, end
