"""Markdown text -> the text its reader sees: headings written with `#` (underlined ones too),
paragraphs and list items whose source lines are joined, links as their words, HTML comments
and link definitions left out; code blocks, tables and block quotes kept line by line.

A README or a manual page in Markdown wraps its lines at 80 columns and hides notes for its
tools in comments ("<!-- YAML changes: ... -->"); without this the wraps show inside every
quote and the notes are quoted as answers."""

from __future__ import annotations

import re

from rag.blocks import segments
from rag.language import line_breaks_sentence

_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# "[CommonJS]: modules.md": where a reference link points, not text.
_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]+\S[^\n]*(?:\n|$)", re.MULTILINE)
_SHORTCUT = re.compile(r"(?<![!\]\\])\[([^\[\]\n]+)\](?![(\[:])")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_INLINE_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\)")
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+.!|<>-])")
_TABLE_RULE = re.compile(r"^ {0,3}\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?\|?[ \t]*\n", re.M)
_NESTED_ITEM = re.compile(r"[ \t]+(?:[-*+]|\d{1,9}[.)])[ \t]+\S")  # "    * Nightly releases"
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)\]]*\s*$")
# A line that opens a block of its own: a heading, a list item, a table row, a quote, an
# HTML line, a rule.
_BLOCK_START = re.compile(r" {0,3}(?:#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|\||>|<|(?:[-*_][ \t]*){3,}$)")


# A run-in title in bold over its text ("- **TurboJPEG API**<br>"): the title and the text
# read as one statement, "TurboJPEG API: This API provides ...".
_BOLD_TITLE = re.compile(r"^([ \t]*(?:[-*+][ \t]+)?)\*\*([^*\n]+?)\*\*[ \t]*<br\s*/?>[ \t]*$", re.M)
_BREAK = re.compile(r"[ \t]*<br\s*/?>[ \t]*$", re.M | re.I)  # a hard break, as two spaces are
_STRONG = re.compile(r"(?<![\w*])(\*\*|__)(?=[^\s*])([^\n]*?[^\s*])\1(?![\w*])")  # not "f***ing"
_EMPHASIS = re.compile(r"(?<![\w*_])([*_])(?=[^\s*_])([^\n*_]*?[^\s*_])\1(?![\w*_])")
# A code span, kept as written; split out with its backticks.
_CODE_SPAN = re.compile(r"((?<!`)`+(?!`)[^\n]*?(?<!`)`+(?!`))")
_ROLE = re.compile(r"\{([\w:-]+)\}(`+)([^`\n]+)\2")
# MyST's target for a cross-reference, a line of its own: "(labels/line-length)=".
_TARGET = re.compile(r"^ {0,3}\([\w/.:-]+\)=[ \t]*(?:\n|$)", re.M)
# A heading's attributes (attr_list, Pandoc, kramdown): "## Block Processors {: #blockprocessors }".
_ATTRIBUTES = re.compile(r"(?m)^(#{1,6}[ \t].*?)[ \t]*\{:?[ \t]*[#.][^{}\n]*\}[ \t]*$")
# An empty HTML anchor, a link's target ('<a id="rotate"></a>' over "## Log rotation").
_ANCHOR = re.compile(r"<a\s+(?:id|name)=[\"'][^\"'<>]*[\"']\s*(?:/>|>\s*</a>)", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")


def read_markdown(text: str) -> str:
    """The text of a Markdown document (its front matter already taken off); its fenced code
    blocks, as `segments` finds them, as they are."""
    out, at = [], 0
    parts = segments(text)
    prose = "".join(text[p.start : p.end] for p in parts if p.kind != "code")
    wrapped = _wrapped(prose)
    labels = frozenset(m.group(1).lower() for m in _DEFINITION.finditer(prose))
    for part in parts:
        if part.kind == "code":
            out += [_prose(text[at : part.start], wrapped, labels), text[part.start : part.end]]
            at = part.end
    out.append(_prose(text[at:], wrapped, labels))
    return "".join(out)


def _wrapped(text: str) -> bool:
    """Whether a file's prose is wrapped at a column (a README at 80), so that a line ending
    a sentence goes on into the next as Markdown reads it; a file that sets each paragraph on
    a line of its own has many long lines."""
    lines = [x for x in text.split("\n") if x.strip() and not re.match(r" {0,3}[|<]", x)]
    return len(lines) >= 10 and sum(len(x) > 100 for x in lines) < 0.05 * len(lines)


def _prose(text: str, wrapped: bool = False, labels: frozenset[str] = frozenset()) -> str:
    text = _ATTRIBUTES.sub(r"\1", _atx_headings(text))
    text = re.sub(rf"(?m)^[ \t]*{_ANCHOR.pattern}[ \t]*\n", "", text, flags=re.I)
    cut = _TARGET.sub("", _DEFINITION.sub("", _COMMENT.sub("", _ANCHOR.sub("", text))))
    # Where a comment or a definition stood alone, one blank line is left, not three.
    text = re.sub(r"\n{3,}", "\n\n", cut) if cut != text else text
    text = _TABLE_RULE.sub("", text)  # a table's row of dashes under its header is no row
    text = _IMAGE.sub(r"\1", text)
    text = _INLINE_LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    # A shortcut reference ("by [@samwyma] in [#456]", "## [1.0.0] - 2023-02-24") is its words
    # where a definition names it.
    text = _SHORTCUT.sub(lambda m: m.group(1) if m.group(1).lower() in labels else m.group(), text)
    # A MyST role is what it renders: {pep}`557` is "PEP 557", {obj}`collections.namedtuple`
    # the code it names.
    text = _ROLE.sub(
        lambda m: (
            f"{m.group(1).upper()} {m.group(3)}"
            if m.group(1) in ("pep", "rfc")
            else f"`{m.group(3)}`"
        ),
        text,
    )
    # Inline marks, outside code spans (`from __future__ import annotations` keeps its
    # underscores).
    parts = _CODE_SPAN.split(text)
    parts[::2] = [_inline(part) for part in parts[::2]]
    return _joined("".join(parts), wrapped)


def _inline(text: str) -> str:
    """Text without the marks Markdown renders: emphasis, hard breaks, escapes."""
    text = _BOLD_TITLE.sub(r"\1\2:", text)
    text = _BREAK.sub("  ", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)  # "_Black_ defaults to 88 characters"
    text = _AUTOLINK.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)  # "{string\[]}" is "{string[]}"


def _joined(text: str, wrapped: bool = False) -> str:
    """Each paragraph and list item on one line where its source wrapped it: a line goes on
    with the one above unless it opens a block, the one above is a heading, a table row or
    a quote or ends in a hard break (two spaces or a backslash), or the break ends a
    sentence as a reader sees it (a file that sets each paragraph on a line of its own,
    with a subheading between, keeps them apart)."""
    out: list[str] = []
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        lines = paragraph.split("\n")
        widest = max(len(x.rstrip()) for x in lines)
        kept: list[str] = []
        for line in lines:
            above = kept[-1] if kept else ""
            if (
                line.strip()
                and above.strip()
                and not _BLOCK_START.match(line)
                and not _NESTED_ITEM.match(line)
                and not re.match(r" {0,3}(?:#|\||>|<)", above)
                and not above.endswith(("  ", "\\"))
                and not (above.startswith("    ") and not _BLOCK_START.match(above.lstrip()))
                and (wrapped or not line_breaks_sentence(above, line, widest))
                and (wrapped or not _SENTENCE_END.search(above))
            ):
                kept[-1] = f"{above.rstrip()} {line.strip()}"
            else:
                kept.append(line)
        out.append("\n".join(kept))
    return "".join(out)


def _atx_headings(text: str) -> str:
    """Markdown's underlined headings ("What is libffi?" over "==========") written with `#`
    marks, as the rest of the app reads headings; a `---` after a blank line is a rule."""
    out: list[str] = []
    for line in text.split("\n"):
        under = _SETEXT.fullmatch(line)
        above = out[-1] if out else ""
        if (
            under
            and above.strip()
            and not above.lstrip().startswith(("#", "|", ">", "-", "*", "+"))
            and not (under.group(1)[0] == "-" and len(under.group(1)) < 3)
            and (len(out) < 2 or not out[-2].strip())  # a heading of one line
        ):
            out[-1] = f"{'#' if under.group(1)[0] == '=' else '##'} {above.strip()}"
            continue
        out.append(line)
    return "\n".join(out)
