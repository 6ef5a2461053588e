"""Files -> Documents -> Chunks: reading, metadata, sentence-aware splitting, character offsets."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from rag.errors import IngestFailed, InvalidInput
from rag.schema import Chunk, Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# Tried in order; the last one decodes any byte string, so it must stay last.
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Yield `(file, root)` for every supported file under the given files and folders.

    Raises:
        InvalidInput: a path does not exist.
    """
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and file.suffix.lower() in SUPPORTED_SUFFIXES and not hidden:
                    yield file, path
        elif path.is_file():
            yield path, path.parent
        else:
            raise InvalidInput(f"No such file or folder: {path}")


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192]:
        raise IngestFailed(f"{path}: looks like a binary file, not text")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestFailed(f"{path}: unknown text encoding")  # pragma: no cover - latin-1 decodes all


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip() or None


def parse_document(raw: bytes, path: Path, doc_id: str) -> Document:
    """Read one file's bytes into a Document (front matter for Markdown, first line as title).

    Raises:
        IngestFailed: the file is binary, empty, or its front matter is broken.
    """
    text = _decode(raw, path).replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    if path.suffix.lower() in (".md", ".markdown"):
        match = _FRONT_MATTER.match(text)
        if match:
            try:
                loaded = yaml.safe_load(match.group(1))
            except yaml.YAMLError as exc:
                raise IngestFailed(f"{path}: front matter is not valid YAML ({exc})") from exc
            if not isinstance(loaded, dict):
                raise IngestFailed(f"{path}: front matter is not a mapping of fields")
            meta = loaded
            text = text[match.end() :]
    body = text.strip()
    if not body:
        raise IngestFailed(f"{path}: the file holds no text")
    title = _as_text(meta.get("title")) or _first_heading_or_line(body, path)
    return Document(
        doc_id=doc_id,
        text=body,
        title=title,
        source=_as_text(meta.get("source")),
        published_at=_as_text(meta.get("published_at") or meta.get("date")),
        url=_as_text(meta.get("url")),
    )


def _first_heading_or_line(body: str, path: Path) -> str:
    heading = _HEADING.search(body)
    if heading and path.suffix.lower() in (".md", ".markdown"):
        return heading.group(1)
    first_line = body.split("\n", 1)[0].strip()
    return first_line[:200] or path.stem


def doc_id_for(file: Path, root: Path) -> str:
    """A file's id is its path inside the folder it was ingested from: stable across runs."""
    return file.relative_to(root).as_posix()


def load_document(file: Path, doc_id: str) -> Document:
    """Read a file into a Document with the given id."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise IngestFailed(f"{file}: cannot be read ({exc.strerror})") from exc
    return parse_document(raw, file, doc_id)


def document_hash(document: Document) -> str:
    """Content hash of the text and metadata: a re-ingest of an unchanged file matches it."""
    payload = "\x1f".join(
        [
            document.text,
            document.title,
            document.source or "",
            document.published_at or "",
            document.url or "",
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Chunker:
    """Splits documents with llama-index's SentenceSplitter, counting the embedder's tokens."""

    def __init__(
        self, token_counter: Callable[[str], list[int]], chunk_size: int, chunk_overlap: int
    ) -> None:
        from llama_index.core.node_parser import SentenceSplitter

        if chunk_overlap >= chunk_size:
            raise InvalidInput("chunk_overlap must be smaller than chunk_size")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._splitter = SentenceSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            tokenizer=token_counter,
            include_metadata=False,
        )

    @property
    def description(self) -> str:
        return f"SentenceSplitter(chunk_size={self.chunk_size}, chunk_overlap={self.chunk_overlap})"

    def split(self, document: Document) -> list[Chunk]:
        """Chunks in document order, each an exact slice of `document.text`."""
        doc_hash = document_hash(document)
        texts = self._splitter.split_text_metadata_aware(
            document.text, metadata_str=embedding_header(document)
        )
        chunks: list[Chunk] = []
        cursor = 0
        for index, piece in enumerate(texts):
            # SentenceSplitter joins contiguous splits and strips them, so each piece is a
            # substring; overlap means the next one may begin before the previous one ended.
            start = document.text.find(piece, cursor)
            if start < 0:
                start = document.text.find(piece)
            if start < 0:
                raise IngestFailed(f"{document.doc_id}: could not place chunk {index} in the text")
            end = start + len(piece)
            cursor = start + 1
            chunk_key = f"{document.doc_id}\x1f{doc_hash}\x1f{index}"
            chunks.append(
                Chunk(
                    chunk_id=hashlib.sha256(chunk_key.encode("utf-8")).hexdigest()[:32],
                    doc_id=document.doc_id,
                    index=index,
                    text=piece,
                    start=start,
                    end=end,
                    title=document.title,
                    source=document.source,
                    published_at=document.published_at,
                    url=document.url,
                    doc_hash=doc_hash,
                )
            )
        return chunks


def embedding_header(document: Document | Chunk) -> str:
    """The metadata line embedded with each chunk: a question naming a title or outlet finds it."""
    parts = [document.title, document.source or "", (document.published_at or "")[:10]]
    return " | ".join(p for p in parts if p)


def embedding_text(chunk: Chunk) -> str:
    """What the embedding model sees for a chunk: its metadata line, then its text."""
    return f"{embedding_header(chunk)}\n{chunk.text}"
