"""Files -> Documents -> Chunks: reading, metadata, sentence-aware splitting, character offsets."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rag.errors import IngestFailed, InvalidInput
from rag.formats import SUPPORTED_SUFFIXES, as_text, read
from rag.schema import Chunk, Document

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


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


def parse_document(raw: bytes, path: Path, doc_id: str) -> Document:
    """Read one file's bytes into a Document: its text, and metadata where the file has it.

    Raises:
        IngestFailed: the file is binary, empty, broken, or not what its suffix says.
    """
    found = read(raw, path)
    lead = len(found.text) - len(found.text.lstrip())
    body = found.text.strip()
    if not body:
        raise IngestFailed(f"{path}: the file holds no text")
    meta = found.meta
    title = as_text(meta.get("title")) or _first_heading_or_line(body, path)
    pages = None
    if found.page_starts is not None:
        # Offsets move with the stripped leading whitespace; pages before it start at 0.
        pages = [max(0, start - lead) for start in found.page_starts]
    return Document(
        doc_id=doc_id,
        text=body,
        title=title,
        source=as_text(meta.get("source")),
        author=as_text(meta.get("author")),
        published_at=as_text(meta.get("published_at") or meta.get("date")),
        url=as_text(meta.get("url")),
        page_starts=pages,
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


def load_document(file: Path, doc_id: str, max_bytes: int | None = None) -> Document:
    """Read a file into a Document with the given id.

    Raises:
        IngestFailed: unreadable, over `max_bytes`, or not a document (see parse_document).
    """
    try:
        size = file.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestFailed(
                f"{file}: {size:,} bytes is over the limit of {max_bytes:,} (RAG_MAX_FILE_BYTES)"
            )
        raw = file.read_bytes()
    except OSError as exc:
        raise IngestFailed(f"{file}: cannot be read ({exc.strerror})") from exc
    return parse_document(raw, file, doc_id)


def document_hash(document: Document) -> str:
    """Content hash of the text and metadata: a re-ingest of an unchanged file matches it."""
    payload = document.model_dump_json(exclude={"doc_id"})
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
        """Chunks in document order, each an exact slice of `document.text`; a paged document
        (PDF) is split page by page, so that every chunk, and every quote, has one page."""
        doc_hash = document_hash(document)
        bounds = [0, len(document.text)]
        if document.page_starts:
            bounds = [*document.page_starts, len(document.text)]
        chunks: list[Chunk] = []
        for page, (begin, finish) in enumerate(itertools.pairwise(bounds), start=1):
            for start, end in self._spans(document, begin, finish):
                chunk_key = f"{document.doc_id}\x1f{doc_hash}\x1f{len(chunks)}"
                chunks.append(
                    Chunk(
                        chunk_id=hashlib.sha256(chunk_key.encode("utf-8")).hexdigest()[:32],
                        doc_id=document.doc_id,
                        index=len(chunks),
                        text=document.text[start:end],
                        start=start,
                        end=end,
                        title=document.title,
                        source=document.source,
                        author=document.author,
                        published_at=document.published_at,
                        url=document.url,
                        page=page if document.page_starts else None,
                        doc_hash=doc_hash,
                    )
                )
        return chunks

    def _spans(self, document: Document, begin: int, finish: int) -> list[tuple[int, int]]:
        text = document.text[begin:finish]
        if not text.strip():
            return []
        pieces = self._splitter.split_text_metadata_aware(
            text, metadata_str=embedding_header(document)
        )
        spans = []
        cursor = 0
        for piece in pieces:
            # SentenceSplitter joins contiguous splits and strips them, so each piece is a
            # substring; overlap means the next one may begin before the previous one ended.
            start = text.find(piece, cursor)
            if start < 0:
                start = text.find(piece)
            if start < 0:
                raise IngestFailed(f"{document.doc_id}: could not place a chunk in the text")
            cursor = start + 1
            spans.append((begin + start, begin + start + len(piece)))
        return spans


def embedding_header(document: Document | Chunk) -> str:
    """The metadata line embedded with each chunk: a question naming a title or outlet finds it."""
    parts = [document.title, document.source or "", (document.published_at or "")[:10]]
    return " | ".join(p for p in parts if p)


def embedding_text(chunk: Chunk) -> str:
    """What the embedding model sees for a chunk: its metadata line, then its text."""
    return f"{embedding_header(chunk)}\n{chunk.text}"
