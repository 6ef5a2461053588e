"""File bytes -> text and metadata, one reader per format (Markdown, text, HTML, PDF, DOCX)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rag.errors import BackendUnavailable, IngestFailed

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Tried in order; the last one decodes any byte string, so it must stay last.
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
MARKDOWN = (".md", ".markdown")
SUPPORTED_SUFFIXES = (*MARKDOWN, ".txt", ".html", ".htm", ".pdf", ".docx")


@dataclass
class Extracted:
    """What a reader found: the text, metadata fields, and where each page starts (PDF)."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    page_starts: list[int] | None = None


def decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192]:
        raise IngestFailed(f"{path}: looks like a binary file, not text")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    raise IngestFailed(f"{path}: unknown text encoding")  # pragma: no cover - latin-1 decodes all


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
            return Extracted(decode(raw, path))


def _markdown(text: str, path: Path) -> Extracted:
    match = _FRONT_MATTER.match(text)
    if not match:
        return Extracted(text)
    try:
        loaded = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise IngestFailed(f"{path}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(loaded, dict):
        raise IngestFailed(f"{path}: front matter is not a mapping of fields")
    return Extracted(text[match.end() :], loaded)


def _html(raw: bytes, path: Path) -> Extracted:
    trafilatura = _requires("trafilatura", "trafilatura")
    found = trafilatura.bare_extraction(
        decode(raw, path), with_metadata=True, include_comments=False, include_tables=True
    )
    if found is None or not (found.text or "").strip():
        raise IngestFailed(f"{path}: no article text found in the HTML")
    meta = {
        "title": found.title,
        "author": found.author,
        "published_at": found.date,
        "url": found.url,
        "source": found.sitename or found.hostname,
    }
    return Extracted(found.text, meta)


def _pdf(raw: bytes, path: Path) -> Extracted:
    pypdf = _requires("pypdf", "pypdf")
    try:
        # pypdf logs what it repairs ("EOF marker not found") without the file's name; the
        # failure, if any, is reported below with it.
        with _quiet("pypdf"):
            reader = pypdf.PdfReader(io.BytesIO(raw))
            pages = [(page.extract_text() or "").strip() for page in reader.pages]
            info = reader.metadata or {}
    except Exception as exc:  # pypdf raises many types for broken files
        raise IngestFailed(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += page + "\n\n"
    meta = {
        "title": info.get("/Title"),
        "author": info.get("/Author"),
        "published_at": _pdf_date(info.get("/CreationDate")),
    }
    return Extracted(text, meta, starts)


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        log.setLevel(level)


def _pdf_date(value: Any) -> str | None:
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(value or ""))
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def _docx(raw: bytes, path: Path) -> Extracted:
    docx = _requires("docx", "python-docx")
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises zip and XML errors alike
        raise IngestFailed(f"{path}: not a readable .docx ({type(exc).__name__})") from exc
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    props = document.core_properties
    meta = {"title": props.title, "author": props.author, "published_at": props.created}
    return Extracted("\n\n".join(paragraphs), meta)
