"""Plain text -> blocks: paragraphs joined across their hard line wraps, headings underlined
("Concepts" over "--------") or set in capitals, list items with their indented continuation
lines, and indented tables and code kept as preformatted blocks, as a reader of the file sees
them. A README, a memo or a specification wraps its lines at 72 columns; without this each
wrap would end a sentence and show in every quote."""

from __future__ import annotations

import re
from collections import Counter

from rag.blocks import LIST_MARKER, Block

# A line of one repeated mark under a heading: "========", "--------", "~~~~".
_UNDERLINE = re.compile(r"\s*([=\-~^*#+])\1{2,}\s*")
# "DISCUSSION", "1. SCHEDULE", "3.2 INTERNALS": a line in capitals (with its section number).
_CAPITALS = re.compile(r"(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][A-Z0-9 ,:&/()'’-]*[A-Z0-9)]")
# "*** System features ***", "== Usage ==": a heading between runs of one mark.
_FRAMED = re.compile(r"\s*([*=#~-])\1+\s+(\S.*?)\s+\1{2,}\s*")
# "TO:      All staff", "Author: Vinay Sajip": a field of a header, one to a line.
_FIELD = re.compile(r":?[A-Za-z][\w .-]{0,24}:\s+\S")
# Two or more spaces inside a line: columns of a table or aligned code; not the two spaces
# many writers put after a full stop ("has been removed.  It was not working anyway").
_COLUMNS = re.compile(r"\S {2,}\S")
_SENTENCE_GAP = re.compile(r"[.!?:][\"')\]]? {2,3}[\"'(‘“\[]?[A-Za-z]")
# Emacs's mode line ("GNU gzip NEWS    -*- outline -*-"): how to edit the file, not its text.
_MODE_LINE = re.compile(r"\s*-\*-.*?-\*-\s*")
# In an outline file (GNU's NEWS files, Org), "* Noteworthy changes in release 1.12" and
# "** Bug fixes" are headings, their stars their level.
_OUTLINE_MODE = re.compile(r"-\*-.*\b(?:outline|org)\b.*-\*-", re.IGNORECASE)
_OUTLINE_HEADING = re.compile(r"(\*{1,6}) (\S.*)")


def read_blocks(text: str) -> list[Block]:
    """The text's blocks in reading order."""
    blocks: list[Block] = []
    first = True
    # A no-break space is a space to the layout ("5.1.\u00a0Header stanza").
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").expandtabs(8)
    outline = bool(_OUTLINE_MODE.search(text.split("\n", 1)[0]))
    head, _, rest = text.partition("\n")
    text = _MODE_LINE.sub(" ", head).rstrip() + "\n" + rest
    # Org's keywords: "#+TITLE: A Hacker's Guide to GnuPG" is the title; "#+STARTUP: showall"
    # and the like are settings for the editor.
    titled = _ORG_TITLE.search(text)
    if titled or re.search(r"^#\+begin_src\b", text, re.I | re.M):
        outline = True
        if titled:
            blocks.append(Block("heading", titled.group(1).strip()))
            first = False
        text = _ORG_COMMENT.sub("", _ORG_KEYWORD.sub("", text))
    text = _without_page_furniture(text.replace("\f", "\n"))
    vocabulary = set(re.findall(r"[a-z]{3,}", text.lower()))
    width = min(max((len(x.rstrip()) for x in text.split("\n")), default=0), 100)
    for kind, lines in _regions(text):
        if kind == "code":
            blocks.append(Block("code", "\n".join(lines).strip("\n")))
            continue
        groups = _groups(lines)
        if outline:
            groups = [part for group in groups for part in _outline_headings(group)]
        if first and groups and _titled(groups[0]):
            # A title on the first line, its text right below or after a blank line: "Café de
            # la Gare" / "Le café", "GNU gzip NEWS".
            blocks.append(Block("heading", groups[0][0].strip()))
            groups[0] = groups[0][1:]
            groups = [group for group in groups if group]
        elif first and (at := _centred_title(groups, width)) is not None:
            # A typescript's title centred under its head ("UNIFIED LOGIN WITH" / "PLUGGABLE
            # AUTHENTICATION MODULES (PAM)" under an RFC's authors and date, set in columns):
            # the head's columns read one by one, then the title.
            for group in groups[:at]:
                cells = [c for x in group for c in re.split(r" {6,}", x.strip())]
                blocks += [Block("paragraph", c) for c in cells if c]
            blocks.append(Block("heading", " ".join(x.strip() for x in groups[at])))
            groups = groups[at + 1 :]
        first = False
        # How far the text is set in: a line set in further is an example ("ps -o pid,comm"
        # under a FAQ's answer).
        margins = sorted(min(_indent(x) for x in group) for group in groups)
        margin = margins[len(margins) // 2] if margins else 0
        for at, group in enumerate(groups):
            introduced = at > 0 and groups[at - 1][-1].rstrip().endswith(":")
            if framed := _FRAMED.fullmatch(group[0]):
                blocks.append(Block("heading", framed.group(2), level=2))
                group = group[1:]
                if not group:
                    continue
            title = group[0].strip()
            if (
                len(group) > 1
                and len(title) <= 40
                and _CAPITALS.fullmatch(title)
                and _indent(group[0]) < min(_indent(x) for x in group[1:])
            ):
                # A manual page's section name over its indented text ("DESCRIPTION").
                blocks.append(Block("heading", title, level=2))
                group = group[1:]
                if len(group) == 1:
                    blocks.append(Block("paragraph", group[0].strip()))
                    continue
            heading = _OUTLINE_HEADING.fullmatch(group[0])
            if outline and heading and len(group) == 1 and not heading.group(2).endswith("."):
                blocks.append(Block("heading", heading.group(2), level=len(heading.group(1))))
                continue
            if _asks(group):
                blocks.append(Block("heading", group[0].strip(), level=2))  # a FAQ's question
                continue
            if _outdented(group, margin) and not introduced:
                # "1.1. Overall documentation" at the margin, over text set in: a subheading;
                # its section number's parts say how deep.
                number = re.match(r"\d+(?:\.\d+)*", group[0].strip())
                depth = number.group().count(".") + 2 if number else 3
                blocks.append(Block("heading", group[0].strip(), level=min(depth, 6)))
                continue
            if len(group) == 1 and _indent(group[0]) > margin and _SUBITEM.match(group[0].strip()):
                blocks.append(Block("paragraph", group[0].strip()))  # "4.1. Single-line values"
                continue
            if _example(group, margin, introduced=introduced) or _set_out(group, margin):
                block = _code(group)
                if blocks and blocks[-1].kind == "code":
                    blocks[-1].text += "\n\n" + block.text
                else:
                    blocks.append(block)
                continue
            for block in _group_blocks(group):
                if block.kind == "code" and blocks and blocks[-1].kind == "code":
                    # A table or an example with a blank line inside stays one block.
                    blocks[-1].text += "\n\n" + block.text
                else:
                    blocks.append(block)
    for block in blocks:
        if block.kind != "code":
            block.text = _BROKEN_WORD.sub(lambda m: _rejoined(m, vocabulary), block.text)
    return blocks


# A word broken at a line's end, as `_joined` leaves it ("mes-\u00adsage", "ease-of-\u00aduse").
_BROKEN_WORD = re.compile(r"([A-Za-z]+)-\u00ad([a-z]+)")


def _rejoined(match: re.Match[str], vocabulary: set[str]) -> str:
    """A word hyphenated at a line's end, whole where the text writes it whole elsewhere
    ("message"), else with its hyphen ("ease-of-use", "non-graphical")."""
    whole = match.group(1) + match.group(2)
    return whole if whole.lower() in vocabulary else f"{match.group(1)}-{match.group(2)}"


# A page's head or foot as a typewritten document repeats it: parts set far apart on one
# line ("Samar, Schemers          Page 12", "OSF-RFC 86.0     PAM     October 1995").
_SPREAD = re.compile(r"\S {3,}\S")


def _without_page_furniture(text: str) -> str:
    """The text without the heads and feet of its pages: a line set out across the page
    that recurs, page number aside, three times or more between blank lines. A paragraph
    that the page broke goes on across the break."""
    lines = text.split("\n")
    keys = [re.sub(r"\d+", "#", " ".join(x.split())) for x in lines]
    counts, exact = Counter(keys), Counter(" ".join(x.split()) for x in lines)

    def recurs(i: int) -> bool:
        line = lines[i].strip()
        return (
            counts[keys[i]] >= 3
            and bool(_SPREAD.search(line))
            and len(re.findall(r"[^\W\d_]{2,}", line)) >= 2  # words, not a row of numbers
        )

    def alone(i: int) -> bool:  # blank lines above and below, as a page's head and foot are
        return all(not (lines[j].strip() if 0 <= j < len(lines) else "") for j in (i - 1, i + 1))

    def numbered(i: int) -> bool:  # "Page 12": a number at an end changes from page to page
        line = " ".join(lines[i].split())
        ends = re.search(r"^\d+\b|\b\d+$", line)
        return bool(ends) and recurs(i) and alone(i) and exact[line] < counts[keys[i]]

    def near(i: int, step: int) -> bool:
        """Whether a numbered running line stands next to line i, blank lines between."""
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        return 0 <= j < len(lines) and numbered(j)

    # A running line: numbered, or beside one (a head over the foot of the page before).
    dropped = {
        i
        for i in range(len(lines))
        if lines[i].strip() and recurs(i) and (numbered(i) or near(i, -1) or near(i, 1))
    }
    if not dropped:
        return text
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i not in dropped:
            out.append(lines[i])
            i += 1
            continue
        # The break: blank lines and furniture, up to the next line of text.
        while out and not out[-1].strip():
            out.pop()
        while i < len(lines) and (i in dropped or not lines[i].strip()):
            i += 1
        before = out[-1].rstrip() if out else ""
        after = lines[i].lstrip() if i < len(lines) else ""
        goes_on = bool(before) and not re.search(r"[.:!?]$", before) and after[:1].islower()
        if not goes_on:
            out.append("")
    return "\n".join(out)


# A line that opens and closes a listing after a blank line (AsciiDoc's "-------------" or
# "....", reStructuredText's literal blocks set off the same way).
_DELIMITER = re.compile(r"\s*(-{4,}|\.{4,}|_{4,}|={4,}|\*{4,})\s*")


# Org's title and its other keyword lines ("#+OPTIONS: ^:{}"), which are no text.
_ORG_TITLE = re.compile(r"^#\+title:[ \t]*(\S[^\n]*)$", re.I | re.M)
_ORG_KEYWORD = re.compile(r"^#\+(?!begin_|end_)\w+:[^\n]*\n?", re.I | re.M)
_ORG_COMMENT = re.compile(r"^#(?: [^\n]*)?$\n?", re.M)  # "# HACKING": a comment in Org
_ORG_BEGIN = re.compile(r"\s*#\+begin_(\w+)\b.*", re.I)


def _regions(text: str) -> list[tuple[str, list[str]]]:
    """The text as runs of lines: delimited listings ("code", kept as they are; a quote set
    off by "____" is prose; Org's "#+begin_src" ... "#+end_src") and the rest ("text")."""
    lines = text.split("\n")
    regions: list[tuple[str, list[str]]] = [("text", [])]
    i = 0
    while i < len(lines):
        line = lines[i]
        org = _ORG_BEGIN.fullmatch(line)
        end = rf"\s*#\+end_{re.escape(org.group(1))}\s*" if org else ""
        ends = (j for j in range(i + 1, len(lines)) if re.fullmatch(end, lines[j], re.I))
        close = next(ends, None) if org else None
        if org and close is not None:
            kind = "text" if org.group(1).lower() in ("quote", "verse", "center") else "code"
            regions += [(kind, lines[i + 1 : close]), ("text", [])]
            i = close + 1
            continue
        opens = _DELIMITER.fullmatch(line) and (i == 0 or not lines[i - 1].strip())
        close = next((j for j in range(i + 1, len(lines)) if lines[j] == line), None)
        if opens and close is not None:
            # Rules that part a text's chapters (the Debian FAQ's) enclose prose, not a listing.
            listing = line.strip()[0] in "-." and not _prose(lines[i + 1 : close])
            kind = "code" if listing else "text"
            regions += [(kind, lines[i + 1 : close]), ("text", [])]
            i = close + 1
            continue
        regions[-1][1].append(line)
        i += 1
    return [(kind, lines) for kind, lines in regions if any(x.strip() for x in lines)]


# A line of words as prose wraps them: six or more, with none of code's marks.
_WORDS = re.compile(r"[^\s$=<>{}\[\]|;/\\]+(?: [^\s$=<>{}\[\]|;/\\]+){5,}")


def prose_lines(lines: list[str]) -> int:
    """How many of the lines are words as prose wraps them."""
    return sum(bool(_WORDS.fullmatch(" ".join(x.split()))) for x in lines if x.strip())


def _prose(lines: list[str]) -> bool:
    """Whether lines between two rules are mostly prose: ten or more, most of them words."""
    said = [x for x in lines if x.strip()]
    return len(said) >= 10 and prose_lines(said) >= 0.6 * len(said)


def _asks(group: list[str]) -> bool:
    """Whether a group is a FAQ's question: one line at the margin that asks ("Why does ps get
    signal 17?"), its answer below."""
    line = group[0]
    return (
        len(group) == 1
        and _indent(line) == 0
        and line.rstrip().endswith("?")
        and len(line) <= 150
        and not LIST_MARKER.match(line)
    )


def _outdented(group: list[str], margin: int) -> bool:
    """Whether a group is one short line set out from text that is set in, and not a
    sentence: a subheading ("1.1. Overall documentation" over its indented text)."""
    line = group[0].strip()
    return (
        len(group) == 1
        and margin >= 2
        and _indent(group[0]) < margin
        and len(line) <= 70
        and (line[-1:].isalnum() or (line.endswith(")") and "(" in line))  # "(once)"
        and not _FIELD.match(line)
    )


def _example(group: list[str], margin: int, *, introduced: bool = False) -> bool:
    """Whether a group of a line or two set in further than the text around it, not ending as
    a sentence does, is an example to type ("ps -o pid,user:19,comm"); more lines when the
    text before introduces it ("Testing can be done by installing xz into a temporary
    directory:" over "./configure ...", "make install")."""
    return (
        (len(group) <= 3 or introduced)
        and min(_indent(x) for x in group) >= margin + 4
        and not any(x.rstrip().endswith((".", ":", "?", "!", ",")) for x in group)
        and not LIST_MARKER.match(group[0].strip())
        and not _SUBITEM.match(group[0].strip())  # a contents entry ("4.1. Single-line values")
    )


def _set_out(group: list[str], margin: int) -> bool:
    """Whether a group is lines set out from text that is set in, none ending as a sentence
    does: an example, line by line ("Format: https://..." / "Source: ..." / "Upstream-Name:
    SOFTware" in a DocBook text dump)."""
    return (
        len(group) >= 2
        and margin >= 2
        and all(_indent(x) < margin for x in group)
        and not any(x.rstrip().endswith((".", "?", "!", ",", ":")) for x in group)
        and sum(len(x.split()) >= 8 for x in group) <= 1  # not prose wrapped at the margin
        and not LIST_MARKER.match(group[0].strip())
        and not any(_UNDERLINE.fullmatch(x) for x in group)  # an underlined heading
    )


def _centred_title(groups: list[list[str]], width: int) -> int | None:
    """Which of a text's first groups is its title set centred on the page: a line or three,
    each about as far from the right as from the left, none ending a sentence, after groups
    that are set in columns ("Open Software Foundation          V. Samar (SunSoft)")."""
    for at, group in enumerate(groups[:4]):
        centred = len(group) <= 3 and all(
            _indent(x) >= 8
            and abs(_indent(x) + len(x.strip()) / 2 - width / 2) <= 6
            and len(x.strip()) <= 70
            and not x.rstrip().endswith((".", ":", ","))
            for x in group
        )
        if centred:
            return at
        if not all(re.search(r"\S {6,}\S", x.strip()) or len(x.strip()) <= 40 for x in group):
            return None  # text before it: no title page
    return None


def _outline_headings(group: list[str]) -> list[list[str]]:
    """A group of lines with each outline heading ("** Bug fixes") a group of its own. A star
    line that ends a sentence, or goes on on the line below, is a list item ("* gunzip
    reported an error when extracting" / "  certain .z files.")."""
    parts: list[list[str]] = [[]]
    for at, line in enumerate(group):
        heading = _OUTLINE_HEADING.fullmatch(line)
        below = group[at + 1] if at + 1 < len(group) else ""
        goes_on = bool(below) and not _OUTLINE_HEADING.fullmatch(below)
        if heading and not heading.group(2).endswith(".") and not goes_on:
            parts += [[line], []]
        else:
            parts[-1].append(line)
    return [part for part in parts if part]


def _titled(lines: list[str]) -> bool:
    """Whether a file's first line is its title: short, no sentence or clause ending there,
    and a new sentence on the line below (a wrapped first line runs on)."""
    first, below = lines[0].strip(), lines[1].strip() if len(lines) > 1 else "A"
    return (
        len(first) <= 60
        and (not _FIELD.match(first) or bool(_CAPITALS.fullmatch(first)))  # "IJG JPEG LIBRARY: ..."
        and (first[-1].isalnum() or first[-1] == ")")  # "... Debian Project (v1.9)"
        and below[:1].isupper()
        and not _UNDERLINE.fullmatch(below)
        and not LIST_MARKER.match(first)
    )


def _groups(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _underlines(line: str, above: str) -> bool:
    """Whether a line of one mark underlines the line above as a heading: about as long as
    it ("Concepts" over "--------"; a listing's "-------------" under a command is not)."""
    mark, text = line.strip(), above.strip()
    return (
        bool(_UNDERLINE.fullmatch(line))
        and not _UNDERLINE.fullmatch(above)
        and 0.6 * len(text) <= len(mark) <= 1.5 * len(text) + 4
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _group_blocks(lines: list[str]) -> list[Block]:
    # A heading underlined on the next line (an overline above it is dropped too).
    for i in range(1, len(lines)):
        if _underlines(lines[i], lines[i - 1]):
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
    if fields := _fields(lines):
        return [Block("paragraph", field) for field in fields]
    base = min(_indent(x) for x in lines)
    columns = sum(bool(_COLUMNS.search(_SENTENCE_GAP.sub(". A", x.strip()))) for x in lines)
    # Set in from the margin, a table, a command at its prompt ("    $ git revert -m 1 M") or
    # a drawing ("---o---o---M") is preformatted; so is a block mostly not letters.
    body = "".join(x.strip() for x in lines)
    # (A line of words and numbers is no drawing: "Debian Policy 4.6.2.0, 2022-12-17".)
    drawn = sum(c.isalpha() for c in body) < 0.4 * len(body)
    drawn = drawn and (len(lines) > 1 or not re.search(r"[^\W\d_]{2,} [^\W\d_]{2,}", body))
    prompt = all(re.match(r"\s*[$#>] \S", x) for x in lines)
    if (
        base >= 1
        and not LIST_MARKER.match(lines[0].strip())
        and ((base >= 2 and columns * 2 >= len(lines)) or prompt or drawn)
    ):
        return [_code(lines)]
    return _items(lines)


def _fields(lines: list[str]) -> list[str]:
    """A header's fields, one to a line, each with its indented continuation lines ("Date: Fri,
    19 Dec 2008", "Abstract: Sometimes a branch ..." / " is later found to be faulty."), or
    none. ":Author: Christian Couder", as AsciiDoc writes a field, reads as "Author: ..."."""
    fields: list[str] = []
    for line in lines:
        if _indent(line) == 0 and _FIELD.match(line):
            fields.append(re.sub(r"^:([^:]+):", r"\1:", line.strip()))
        elif fields and _indent(line) > 0:
            fields[-1] += " " + line.strip()
        else:
            return []
    return fields if len(fields) > 1 else []


def _items(lines: list[str]) -> list[Block]:
    """A paragraph, or list items: a line that opens with a marker starts one, and lines
    indented past its marker go on with it ("* Explicit triggers.  These can be activated
    by any program / by running dpkg-trigger")."""
    blocks: list[Block] = []
    current: list[str] = []
    kind = "paragraph"
    marker_indent = -1
    text_indent = -1  # where the item's or paragraph's own text is set
    code: list[str] = []
    for line in lines:
        stripped = line.strip()
        if code and _indent(line) >= _indent(code[0]):
            code.append(line)
            continue
        if code:
            blocks.append(_code(code))
            code = []
        if (
            current
            and current[-1].endswith(":")
            and _indent(line) >= text_indent + 2
            and not (LIST_MARKER.match(stripped) or _SUBITEM.match(stripped))
            and _command_line(stripped)
        ):
            # Lines set in under a line that introduces them: a command to type ("get a
            # backtrace using gdb:" / "$ gdb /path/to/app-binary").
            blocks.append(Block(kind, _joined(current)))  # type: ignore[arg-type]
            current, code = [], [line]
            continue
        marker = LIST_MARKER.match(stripped) or _SUBITEM.match(stripped)
        starts = marker is not None
        # A numbered or bulleted line set in further is an item of a list inside the item
        # ("1. Documentation" / "   1.1. Overall documentation"); a dash may be the text's own.
        nested = starts and _indent(line) > marker_indent and stripped[0] not in "-–"
        if starts and (kind == "paragraph" or _indent(line) <= marker_indent or nested):
            if current:
                blocks.append(Block(kind, _joined(current)))  # type: ignore[arg-type]
            current, kind, marker_indent = [stripped], "item", _indent(line)
            text_indent = _indent(line) + len(marker.group()) if marker else _indent(line)
        elif (
            kind == "item"
            and _indent(line) <= marker_indent
            # (An item wrapped back to the margin goes on from a line that ends no sentence:
            # "1. Master control ... This has two" / "responsibilities:"; an "o" opens an item,
            # and an option or a table's row goes under one: "* New command-line options" /
            # "--configuration".)
            and (
                current[-1].endswith((".", ":", "!", "?"))
                or re.match(r"o\s|-", stripped)
                or _COLUMNS.search(_SENTENCE_GAP.sub(". A", stripped))
            )
        ):
            # Back at the list's margin without a marker: a paragraph after the list.
            if current:
                blocks.append(Block("item", _joined(current)))
            current, kind, marker_indent, text_indent = [stripped], "paragraph", -1, _indent(line)
        else:
            if not current:
                text_indent = _indent(line)
            current.append(stripped)
    if code:
        blocks.append(_code(code))
    if current:
        blocks.append(Block(kind, _joined(current)))  # type: ignore[arg-type]
    return blocks


def _joined(lines: list[str]) -> str:
    """Wrapped lines as one: a web address broken after its scheme ("(https:" /
    "//www.debian.org/...") is whole again, and a word broken at a line's hyphen is marked
    for `_rejoined`."""
    text = lines[0] if lines else ""
    for line in lines[1:]:
        broken = re.search(r"[A-Za-z]-$", text) and line[:1].islower()
        text += ("\u00ad" if broken else " ") + line
    return re.sub(r"\b(https?:) (?=//\S)", r"\1", text)


def _command_line(line: str) -> bool:
    """Whether a line set in is a command rather than words of a sentence: it has the marks
    of one ("$ gdb /path/to/app   # Load the app.", "(gdb) bt", "make -C po") and does not
    read as a wrapped sentence ("for a English Visual Studio (the default).")."""
    if line.endswith((".", "!", "?", ",")) and not re.search(r"[$#=/;<>{}]|--|\w\(", line):
        return False  # "rulename input1 input2.", a sentence's wrapped words
    marked = re.search(r"[$#=/;|<>{}]|--|\w\(|^\(\w+\)|\s-\w\b", line)
    return bool(marked) or not re.search(r"[^\W\d_]{2,}(?:\s+[^\W\d_]{2,}){3}", line)


# "1.1. Overall documentation": a numbered item of a list inside a numbered list.
_SUBITEM = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.\s")


def _code(lines: list[str]) -> Block:
    """Lines of code as a block, their common indent taken off."""
    base = min(_indent(x) for x in lines)
    return Block("code", "\n".join(x[base:] for x in lines))
