"""A .docx -> blocks (headings, paragraphs, lists, code, tables) and its metadata.

Word processors and converters also use tables for layout: LibreOffice's DocBook FAQ put each
question and its answer in a table's rows, its section headings in cells, and its navigation
bar in a table of links. Such a table is read as the text it lays out, not as rows of data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rag.blocks import Block
from rag.errors import IngestFailed


def read_docx(docx: Any, raw: bytes, path: Path) -> tuple[list[Block], dict[str, Any]]:
    import io

    try:
        try:
            document = docx.Document(io.BytesIO(raw))
        except KeyError:  # a relationship to a part the file does not hold
            document = docx.Document(io.BytesIO(_without_dangling_links(raw)))
    except Exception as exc:  # python-docx raises zip and XML errors alike
        raise IngestFailed(f"{path}: not a readable .docx ({type(exc).__name__})") from exc
    reader = _Reader(docx, document)
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            reader.paragraph(docx.text.paragraph.Paragraph(element, document))
        elif tag == "tbl":
            reader.table(docx.table.Table(element, document))
    props = document.core_properties
    byline = _byline(reader.blocks)
    if byline is not None:
        # Pandoc sets a DocBook page's author as a heading under the title ("### John Fleck"):
        # the document's byline, not a section.
        at, names = byline
        reader.blocks[at] = Block("paragraph", names)
    meta = {
        "title": props.title or reader.title,
        "author": props.author or (byline[1] if byline else None),
        # A .docx records when the file (or its template) was created, not a publication.
        "created_at": props.created,
    }
    return reader.blocks, meta


def _without_dangling_links(raw: bytes) -> bytes:
    """The package with each relationship to a part it does not hold marked external.

    LibreOffice writes a link to an anchor in the same page ("#page-header", from an HTML
    page's "back to top" arrows) as a relationship to a part of that name; Word opens such a
    file, python-docx looks for the part and fails."""
    import io
    import posixpath
    import zipfile

    from lxml import etree

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as package, zipfile.ZipFile(out, "w") as fixed:
        names = set(package.namelist())
        for item in package.infolist():
            data = package.read(item)
            if item.filename.endswith(".rels"):
                # "word/_rels/document.xml.rels" holds the links of "word/document.xml".
                base = posixpath.dirname(posixpath.dirname(item.filename))
                rels = etree.fromstring(data)
                for rel in rels:
                    target = rel.get("Target", "")
                    inside = posixpath.normpath(posixpath.join(base, target)).lstrip("/")
                    if rel.get("TargetMode") != "External" and inside not in names:
                        rel.set("TargetMode", "External")
                data = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
            fixed.writestr(item, data)
    return out.getvalue()


class _Reader:
    def __init__(self, docx: Any, document: Any) -> None:
        self.docx = docx
        self.document = document
        self.blocks: list[Block] = []
        self.title: str | None = None
        self.level = 1  # the level of the last heading

    def paragraph(self, paragraph: Any, label: str = "") -> None:
        text = paragraph.text.strip()
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if not text:
            return
        runs = [run for run in paragraph.runs if run.text.strip()]
        if not style.startswith(("Heading", "Title")) and _link_bar(paragraph):
            return  # a web page's navigation, converted with it
        if _MONOSPACED.search(style) or (runs and all(_monospaced(run) for run in runs)):
            # Code: a paragraph in a code style, or all in a monospaced face (as pandoc and
            # word processors set a listing), keeps its lines.
            code = paragraph.text.strip("\n")
            if self.blocks and self.blocks[-1].kind == "code":
                # A listing written a line per paragraph (LibreOffice's, from a <pre>)
                self.blocks[-1] = Block("code", f"{self.blocks[-1].text}\n{code.rstrip()}")
            else:
                self.blocks.append(Block("code", code if "\n" in code else code.strip()))
        elif style == "Title" and self.title is None:
            self.title = text  # shown as the title, not repeated in the body
        elif style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            self.level = level
            self.blocks.append(Block("heading", f"{label} {text}".strip(), level=level))
        elif style.startswith("List") or (
            paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        ):
            self.blocks.append(Block("item", f"- {text}"))  # marked as Markdown marks it
        else:
            self.blocks.append(Block("paragraph", f"{label} {text}".strip()))

    def table(self, table: Any) -> None:
        rows = [_cells(row) for row in table.rows]
        if _navigation(rows):
            return  # "<< Valgrind FAQ | Up | Valgrind Technical Documentation >>"
        if not _laid_out(rows):
            # A cell's paragraphs (a list in it: "ErrorLog", "LogLevel") are one cell's text.
            lines = [" | ".join(_cell_text(cell) for cell in row.cells) for row in table.rows]
            if any(line.strip(" |") for line in lines):
                self.blocks.append(Block("table", "\n".join(lines)))
            return
        for row in rows:
            filled = [cell for cell in row if cell.paragraphs and _cell_text(cell)]
            label = ""
            if len(filled) == 2 and _LABEL.fullmatch(_cell_text(filled[0])):
                label, filled = _cell_text(filled[0]), filled[1:]
                paragraphs = [p for p in filled[0].paragraphs if p.text.strip()]
                if len(paragraphs) == 1 and paragraphs[0].text.strip().endswith("?"):
                    # A numbered question on a row of its own heads the rows of its answer
                    # ("1.1." | "How do you pronounce "Valgrind"?"), as a FAQ's heading does.
                    text = f"{label} {paragraphs[0].text.strip()}"
                    self.blocks.append(Block("heading", text, level=self.level + 1))
                    continue
            for cell in filled:
                for paragraph in cell.paragraphs:
                    self.paragraph(paragraph, label)
                    label = ""


def _byline(blocks: list[Block]) -> tuple[int, str] | None:
    """A heading of people's names just under the title, before any paragraph: its place and
    the names."""
    from rag.language import analyse, people_share

    for at, block in enumerate(blocks[:4]):
        if block.kind != "heading":
            return None
        if at > 0 and len(block.text) <= 120 and people_share(analyse([block.text])[0]) >= 0.6:
            return at, block.text
    return None


def _cells(row: Any) -> list[Any]:
    """A row's cells, each once: python-docx gives a cell merged across columns once per
    column ("1. Background | 1. Background")."""
    seen: list[Any] = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def _laid_out(rows: list[list[Any]]) -> bool:
    """Whether a table lays out text rather than holding data: a heading in a cell, one cell
    of text in the whole table, or two columns with paragraphs of prose in them and rows that
    fill one cell only (a question's number beside it, its answer under it)."""
    paragraphs = [p for row in rows for cell in row for p in cell.paragraphs if p.text.strip()]
    if any((p.style.name if p.style is not None else "").startswith("Heading") for p in paragraphs):
        return True
    filled = [cell for row in rows for cell in row if _cell_text(cell)]
    if len(filled) == 1:
        return True
    # (A glossary, a term beside each long definition, fills both cells of every row: data.)
    return (
        max((len(row) for row in rows), default=0) <= 2
        and any(len([c for c in row if _cell_text(c)]) == 1 for row in rows)
        and any(len(p.text) >= 150 and _SENTENCE_END.search(p.text.strip()) for p in paragraphs)
    )


def _navigation(rows: list[list[Any]]) -> bool:
    """Whether a table is a bar of links: every cell's text is a link's ("Up", "Home",
    "<< Valgrind FAQ")."""
    cells = [cell for row in rows for cell in row if _cell_text(cell)]
    if not cells or len(rows) > 3:
        return False
    for cell in cells:
        linked = "".join(_link_texts(cell._tc))
        if len(_bare(linked)) < 0.5 * len(_bare(_cell_text(cell))):
            return False
    return True


def _link_bar(paragraph: Any) -> bool:
    """Whether a paragraph is a web page's navigation, converted with it: a bar of links
    ("Modules | Directives | FAQ", "Apache > HTTP Server > Documentation > Version 2.4",
    "Available Languages: en | fr | ko", "Next: Time, Up: Top [Contents]"), or a lone link
    within the document ("top")."""
    text = paragraph.text.strip()
    p = paragraph._p
    if p.pPr is not None and p.pPr.numPr is not None:
        return False  # a list item: a page's contents are kept
    links = _link_texts(p)
    if len(links) == 1 and links[0] == text:
        # A link within the document alone: "top" back to the page's head, or a line of its
        # contents (pandoc's anchors, LibreOffice's "#page-header"); or an arrow ("<-")
        rels = paragraph.part.rels
        targets = [rels[r].target_ref for r in p.xpath("./w:hyperlink/@r:id") if r in rels]
        return (
            bool(p.xpath("./w:hyperlink/@w:anchor"))
            or any(target.startswith("#") for target in targets)
            or not re.search(r"\w", text)
        )
    parts = [part.strip() for part in _BAR.split(text)]
    if len([link for link in links if link]) < 2:
        return False
    # Or links with labels alone between them: "Next: Reporting bugs, Previous: Time, Up:
    # Time [Contents][Index]" (a makeinfo manual's).
    rest = text
    for link in sorted(filter(None, links), key=len, reverse=True):
        rest = rest.replace(link, " ")
    return (
        len(parts) >= 3
        and all(len(part.split()) <= 5 for part in parts)
        and 2 * sum(part in links for part in parts) >= len(parts)
    ) or _LABELS_ONLY.fullmatch(rest) is not None


def _link_texts(element: Any) -> list[str]:
    """The text of each link in a paragraph or cell."""
    links = element.xpath(".//w:hyperlink")
    return ["".join(link.xpath(".//w:t/text()")).strip() for link in links]


def _bare(text: str) -> str:
    return re.sub(r"[\s<>«»\u00a0]+", "", text)


# A row's label: a question's number, or "Q:" and "A:".
_LABEL = re.compile(r"(?:\d+(?:\.\d+)*\.?|[QA]\d*[.:])")
_BAR = re.compile(r"\s+[|>»·]\s+")
_LABELS_ONLY = re.compile(r"(?:[\W_]*\b[^\W\d_]+(?: [^\W\d_]+)?:)+[\W_]*")
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]*$")
# A paragraph style for code: pandoc's "Source Code", Word's "HTML Preformatted", "Code".
_MONOSPACED = re.compile(r"\b(?:source code|code|preformatted|verbatim)\b", re.IGNORECASE)
_MONOSPACED_FONT = re.compile(r"mono|courier|consol|menlo", re.IGNORECASE)


def _monospaced(run: Any) -> bool:
    style = run.style
    font = run.font.name or (style.font.name if style is not None else None) or ""
    name = (style.name if style is not None else None) or ""
    return bool(_MONOSPACED_FONT.search(font) or _MONOSPACED.search(name))


def _cell_text(cell: Any) -> str:
    return "; ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()).replace("|", "/")
