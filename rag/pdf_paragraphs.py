"""A page's lines -> paragraphs: the lines of one block (same style, close below each other,
no bullet), footnotes apart, a double-spaced document's lines kept together. rag/pdf_reader.py
makes them blocks."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter

from rag.blocks import LIST_MARKER
from rag.pdf_lines import Line

SENTENCE_END = re.compile(r"[.!?:;\"'”’)\]]$")
# A sentence's end for certain: its mark, then any closing quotes and brackets. A bracket alone
# may close an aside mid-sentence ("PNG (libpng-devel)" / "and OpenSSL ... will be required").
SURE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
# A section's number and the first word of its title: "3.1. Creating", "12.5 Results" (not a
# numbered line of a listing, "19 ⟨color4⟩ \dimen@ii").
SECTION_HEAD = re.compile(r"(?:\d+\.)+\d*\s+[A-Z][a-z]")


_NOTE_MARK = re.compile(r"^[\d¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3}(?=[A-Z][a-z])")


def notes_apart(group: list[Line], body: float) -> list[list[Line]]:
    """Footnotes in small type that the grouping ran together, one block each, without the
    mark that opens each ("11The default package name ..." is a note of its own)."""
    if group[0].size >= body * 0.92 or not _NOTE_MARK.match(group[0].text):
        return [group]
    notes: list[list[Line]] = []
    for line in group:
        mark = _NOTE_MARK.match(line.text)
        if mark:
            notes.append([dataclasses.replace(line, text=line.text[mark.end() :])])
        else:
            notes[-1].append(line)
    return notes


def line_spacing(pages: list[list[Line]], body: float) -> float:
    """How far apart, over their type's size, the document sets its body lines: 1.2 in most.
    A manuscript set double-spaced (1.65 and more, told by ten lines and more, most of them
    so set; a title page's few lines say nothing of it) has its paragraphs' lines as far
    apart as other documents' paragraphs."""
    steps: Counter[float] = Counter()
    for lines in pages:
        for above, below in itertools.pairwise(lines):
            step = above.bottom - below.bottom
            if (
                abs(above.size - body) < 0.08 * body
                and abs(below.size - body) < 0.08 * body
                and 0 < step < 3 * body
                and abs(above.left - below.left) < body
            ):
                steps[round(step * 2) / 2] += 1
    if not steps:
        return 1.2
    step, count = steps.most_common(1)[0]
    spaced = count >= 10 and count >= 0.5 * steps.total() and step / body >= 1.65
    return step / body if spaced else 1.2


def paragraphs(lines: list[Line], spacing: float = 1.2) -> list[list[Line]]:
    """Consecutive lines of one block: same style, close below each other, no bullet."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and _same_block(groups[-1], line, spacing):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _same_block(group: list[Line], line: Line, spacing: float = 1.2) -> bool:
    prev = group[-1]
    # A monospaced face is often set a point smaller than the prose it stands in: a path on a
    # line of its own inside a paragraph ("/usr/share/mime/text/html.xml, ..., and").
    leeway = 0.15 if prev.mono != line.mono and not group[0].mono else 0.08
    if abs(prev.size - line.size) > leeway * max(prev.size, line.size):
        return False
    # Bottoms, not tops: pdfium sometimes reports two visual lines as one tall line.
    step = prev.bottom - line.bottom
    if abs(step) < 0.3 * line.size and 0 <= line.left - prev.right < 2 * line.size:
        return True  # the rest of the same visual line, which pdfium broke at a raised mark
    code = group[0].mono
    if code != line.mono:
        if code:
            return False
        # A monospaced line inside prose is a path or a command the paragraph wrapped onto it.
        if not (0 < step <= 1.6 * line.size and abs(line.left - prev.left) < line.size):
            return False
    elif code:
        return 0 < step < 3.0 * line.size  # code keeps its blank lines
    # (A document set double-spaced, `spacing` its lines' step over their size, steps further
    # from line to line.)
    if step <= 0 or step > max(1.6, 1.15 * spacing) * max(prev.size, line.size):
        return False  # a new column, or a gap between paragraphs
    if LIST_MARKER.match(line.text):
        return False
    # A line that goes on with the sentence above ("The toc_sections," / "toc_printed_sections,
    # and ... control", the names in bold) is no heading under it or over it.
    goes_on = not SENTENCE_END.search(prev.text) and line.text[:1].islower()
    if prev.bold != line.bold and (len(group) == 1 or all(g.bold for g in group)) and not goes_on:
        return False  # a heading in bold, over a line or two
    if len(group) == 1 and prev.italic and not line.italic and SECTION_HEAD.match(prev.text):
        return False  # a numbered heading in italics ("3.5. Assigning a colour to links")
    if (
        prev.font != line.font
        and len(group) == 1
        and prev.right - prev.left < 0.8 * (line.right - line.left)
    ):
        return False  # a heading line in another typeface, shorter than the text below
    widest = max(g.right for g in group)
    ends = bool(SENTENCE_END.search(prev.text))
    if (
        ends
        and len(group) > 1
        and abs(line.left - group[0].left) < 0.3 * line.size
        and all(g.left > group[0].left + line.size for g in group[1:])
        and line.font == group[0].font != group[1].font
    ):
        # A description list's items hang: the term at the margin in its own face, the rest
        # indented under it; a line back at the term's margin, in the term's face, is the next
        # item ("amscd Provides a CD environment ..." after "... is recommended instead.").
        return False
    if ends and prev.right < widest - 3 * prev.size and len(group) > 1:
        return False  # a short last line: the paragraph ended
    # An indented first line; but a closing quote or bracket with no full stop before it,
    # and a line that goes on in lower case, is the rest of a description list's item hanging
    # under its term ("adds a ‘.’ to it if the last non‘}’" / "character isn’t ...").
    hangs = line.text[:1].islower() and not SURE_END.search(prev.text)
    return not (ends and not hangs and line.left > prev.left + 1.2 * line.size)
