"""File bytes -> text and metadata, one reader per format (Markdown, text, HTML, PDF, DOCX)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rag.blocks import Block, render
from rag.errors import BackendUnavailable, IngestFailed
from rag.markdown_reader import read_markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Byte-order marks, the longest first (UTF-32's starts with UTF-16's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)  # fmt: skip
MARKDOWN = (".md", ".markdown")
SUPPORTED_SUFFIXES = (*MARKDOWN, ".txt", ".html", ".htm", ".pdf", ".docx")


@dataclass
class Extracted:
    """What a reader found: the text, metadata fields, where each page starts and which pages
    were read by OCR (PDF)."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    page_starts: list[int] | None = None
    ocr_pages: list[int] = field(default_factory=list)


def decode(raw: bytes, path: Path) -> str:
    """A text file's text: UTF-8, or UTF-16/32 with a byte-order mark, or Windows' Western
    code page (cp1252) when it reads as Western text; otherwise the encoding that
    charset-normalizer tells when it recognises a language in it (KOI8-R, cp1251, Shift-JIS...).
    Text in an encoding it cannot tell is refused with a message, not indexed garbled."""
    return _decoded(raw, path).replace("\r\n", "\n")


def _decoded(raw: bytes, path: Path) -> str:
    for mark, encoding in _BOMS:
        if raw.startswith(mark):
            return raw[len(mark) :].decode(encoding, errors="replace")
    if b"\x00" in raw[:8192]:
        raise IngestFailed(f"{path}: looks like a binary file, not text")
    with contextlib.suppress(UnicodeDecodeError):
        return raw.decode("utf-8")
    with contextlib.suppress(UnicodeDecodeError):
        western = raw.decode("cp1252")
        letters = [c for c in western if c.isalpha()]
        # Western European text is mostly ASCII letters; KOI8-R or Greek read as cp1252 is
        # mostly accented ones ("óÏ×ÅÝÁÎÉÅ").
        if sum(not c.isascii() for c in letters) <= 0.3 * len(letters):
            return western
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw[:200_000]).best()
    if best is None or not best.coherence:
        raise IngestFailed(
            f"{path}: the text is not UTF-8 and its encoding could not be told; save it as "
            "UTF-8 and add it again"
        )
    return raw.decode(best.encoding, errors="replace")


def as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip() or None


def _requires(module: str, package: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        if exc.name == module:
            raise BackendUnavailable(
                f"Reading this format needs {package}: pip install {package}"
            ) from exc
        # Installed, but something it imports is missing or broken: name that, not the reader.
        raise BackendUnavailable(
            f"Reading this format needs {package}, which is installed but failed to import "
            f"{exc.name or 'a module'}: {exc}. Reinstall with: pip install -r requirements.txt"
        ) from exc


def read(raw: bytes, path: Path) -> Extracted:
    """Dispatch on the file's suffix.

    Raises:
        IngestFailed: the file is not what its suffix says, or holds no text.
    """
    match path.suffix.lower():
        case ".pdf":
            return _pdf(raw, path)
        case ".docx":
            return _docx(raw, path)
        case ".html" | ".htm":
            return _html(raw, path)
        case suffix if suffix in MARKDOWN:
            return _markdown(decode(raw, path), path)
        case _:
            from rag.text_reader import read_blocks

            blocks = read_blocks(decode(raw, path))
            # The first heading near the top, after any header fields ("Date: ...").
            title = next((b.text for b in blocks[:12] if b.kind == "heading"), None)
            return _rendered(blocks, {"title": " ".join(title.split())} if title else {})


def _markdown(text: str, path: Path) -> Extracted:
    match = _FRONT_MATTER.match(text)
    if not match:
        return Extracted(read_markdown(text))
    try:
        loaded = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise IngestFailed(f"{path}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(loaded, dict):
        raise IngestFailed(f"{path}: front matter is not a mapping of fields")
    return Extracted(read_markdown(text[match.end() :]), loaded)


def _html(raw: bytes, path: Path) -> Extracted:
    from rag.html_reader import read_blocks

    _requires("lxml.html", "lxml")
    blocks, meta = read_blocks(decode(raw, path), str(path))
    return _rendered(blocks, meta)


def _pdf(raw: bytes, path: Path) -> Extracted:
    from rag.pdf_reader import read_blocks

    blocks, meta = read_blocks(raw, str(path))
    return _rendered(blocks, meta)


def _rendered(blocks: list[Block], meta: dict[str, Any]) -> Extracted:
    text, page_starts, ocr_pages = render(blocks)
    return Extracted(text, meta, page_starts, ocr_pages)


def _docx(raw: bytes, path: Path) -> Extracted:
    from rag.docx_reader import read_docx

    blocks, meta = read_docx(_requires("docx", "python-docx"), raw, path)
    return _rendered(blocks, meta)
