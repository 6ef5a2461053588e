"""Files -> Documents -> Chunks: reading, metadata, sentence-aware splitting, character offsets."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rag.blocks import SECTION_PATH, heading_text, names_release, segments
from rag.errors import IngestFailed, InvalidInput
from rag.formats import SUPPORTED_SUFFIXES, as_text, read
from rag.language import sentence_spans
from rag.schema import Chunk, Document


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
    created = as_text(meta.get("created_at"))
    return Document(
        doc_id=doc_id,
        text=body,
        title=title,
        source=as_text(meta.get("source")),
        author=as_text(meta.get("author")),
        published_at=_day(as_text(meta.get("published_at") or meta.get("date"))),
        url=as_text(meta.get("url")),
        created_at=_day(created),
        page_starts=pages,
        ocr_pages=found.ocr_pages,
    )


def _day(value: str | None) -> str | None:
    """A timestamp as the day it names ("2024-03-05T10:00:00Z" -> "2024-03-05"): documents
    are dated by the day; any other form of date is kept as written."""
    if value and re.match(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)", value):
        return value[:10]
    return value


def _first_heading_or_line(body: str, path: Path) -> str:
    if path.suffix.lower() in (".md", ".markdown"):
        lines = [body[s.start : s.end] for s in segments(body) if s.kind == "heading"]
        levels = [len(line.strip()) - len(line.strip().lstrip("#")) for line in lines]
        if lines:
            # The first of several headings at the top level heads a section, not the
            # document (a README's "Background" before "License" and "Building"): the
            # file's name names it. One with headings under it first ("# Testing" /
            # "## Introduction") is the title, a later one at its level notwithstanding.
            alone = all(level > levels[0] for level in levels[1:])
            titled = alone or levels[1] > levels[0]
            # A changelog opens with its latest release ("## 7.0.4"), which names no document.
            titled = titled and not names_release(heading_text(lines[0]))
            return heading_text(lines[0]) if titled else path.stem
    first_line = body.split("\n", 1)[0].strip()
    # A short line may be a title ("Café résumé notes"); a paragraph's line is none (an OCR'd
    # diary opening "however, did not last long; ..."): the file's name names it then.
    if first_line and len(first_line) <= 80 and not first_line.endswith((".", ",", ";", ":")):
        return heading_text(first_line) if first_line.startswith("#") else first_line
    return path.stem.replace("_", " ")


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
    """Packs a document's sentences into chunks of about `chunk_size` embedding tokens, whole
    sentences only, neighbours sharing up to `chunk_overlap` tokens of them. A chunk never
    crosses a section (a heading starts a new one) or a page; each carries its section's
    heading and its page."""

    def __init__(
        self, token_counter: Callable[[str], list[int]], chunk_size: int, chunk_overlap: int
    ) -> None:
        if chunk_overlap >= chunk_size:
            raise InvalidInput("chunk_overlap must be smaller than chunk_size")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._count = token_counter

    @property
    def description(self) -> str:
        return f"SentenceChunker(chunk_size={self.chunk_size}, chunk_overlap={self.chunk_overlap})"

    def split(self, document: Document) -> list[Chunk]:
        """Chunks in document order, each an exact slice of `document.text`."""
        doc_hash = document_hash(document)
        pages = document.page_starts or []
        ocr = set(document.ocr_pages)
        # The header is embedded with every chunk, so it takes its share of the size.
        budget = max(self.chunk_size - len(self._count(embedding_header(document))), 16)
        chunks: list[Chunk] = []
        for start, end, section in _regions(document.text, pages):
            for a, b in self._pack(document.text, start, end, budget):
                page = bisect.bisect_right(pages, a) if pages else None
                chunk_key = f"{document.doc_id}\x1f{doc_hash}\x1f{len(chunks)}"
                chunks.append(
                    Chunk(
                        chunk_id=hashlib.sha256(chunk_key.encode("utf-8")).hexdigest()[:32],
                        doc_id=document.doc_id,
                        index=len(chunks),
                        text=document.text[a:b],
                        start=a,
                        end=b,
                        title=document.title,
                        source=document.source,
                        author=document.author,
                        published_at=document.published_at,
                        url=document.url,
                        created_at=document.created_at,
                        page=page,
                        section=section,
                        ocr=page in ocr,
                        doc_hash=doc_hash,
                    )
                )
        return chunks

    def _pack(self, text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
        units = [
            (a, b, n)
            for a, b in _units(text, start, end)
            for a, b, n in self._fit(text, a, b, budget)
        ]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(units):
            first, tokens = i, 0
            while i < len(units) and (i == first or tokens + units[i][2] <= budget):
                tokens += units[i][2]
                i += 1
            spans.append((units[first][0], units[i - 1][1]))
            if i < len(units):
                # Step back over whole sentences that fit in the overlap, always moving on.
                shared = 0
                while i - 1 > first and shared + units[i - 1][2] <= self.chunk_overlap:
                    i -= 1
                    shared += units[i][2]
        return spans

    def _fit(self, text: str, a: int, b: int, budget: int) -> list[tuple[int, int, int]]:
        """A unit as (start, end, tokens); one longer than the budget (a long table or code
        block, a run-on line) cut at line ends or spaces into pieces that fit."""
        tokens = len(self._count(text[a:b]))
        if tokens <= budget:
            return [(a, b, tokens)]
        pieces: list[tuple[int, int, int]] = []
        cuts = [m.end() for m in re.finditer(r"\n|\s", text[a:b])] or [b - a]
        begin, taken = a, 0
        for cut in cuts:
            size = len(self._count(text[begin : a + cut]))
            if size > budget and a + taken > begin:
                pieces.append((begin, a + taken, len(self._count(text[begin : a + taken]))))
                begin = a + taken
            taken = cut
        if begin < b:
            pieces.append((begin, b, len(self._count(text[begin:b]))))
        return [(x, y, n) for x, y, n in pieces if text[x:y].strip()]


def _regions(text: str, page_starts: list[int]) -> list[tuple[int, int, str | None]]:
    """(start, end, section) of each stretch that no chunk crosses: a section, cut where a
    page begins (pages begin at a block, so no sentence is cut).

    A heading with nothing under it but a sub-heading ("## 7.0.3" / "### Bug Fixes") opens
    its first sub-section rather than a chunk of its own, and a section under a release's
    heading is named with it ("7.0.3 › Bug Fixes"): a changelog has a "Bug Fixes" for every
    release, and a question names the release."""
    cuts = {0, len(text), *page_starts}
    headings: list[tuple[int, int, str]] = []  # start, level, text
    for segment in segments(text):
        if segment.kind == "heading":
            line = text[segment.start : segment.end].strip()
            level = len(line) - len(line.lstrip("#")) or 1
            cuts.add(segment.start)
            headings.append((segment.start, level, heading_text(line)))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    starts = {h[0] for h in headings}
    regions: list[tuple[int, int, str | None]] = []
    opened: int | None = None  # the start of a heading left without text of its own
    for a, b in itertools.pairwise(bounds):
        if not text[a:b].strip():
            continue
        if a in starts and b in starts and "\n" not in text[a:b].strip():
            # A heading alone: it goes with what follows (a heading, so there is some).
            opened = a if opened is None else opened
            continue
        above = [h for h in headings if h[0] <= a]
        regions.append((a if opened is None else opened, b, _section(above)))
        opened = None
    return regions


def _section(above: list[tuple[int, int, str]]) -> str | None:
    """The name of the section under the last of these headings: its own, after the release
    it is listed under, if any."""
    if not above:
        return None
    _, level, own = above[-1]
    for _, higher, heading in reversed(above[:-1]):
        if higher < level:
            if names_release(heading) and not names_release(own):
                return f"{heading}{SECTION_PATH}{own}"
            level = higher
    return own


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """What a chunk is made of, in order: headings, code blocks and tables whole, and the
    sentences of prose."""
    units: list[tuple[int, int]] = []
    for segment in segments(text[start:end]):
        a, b = start + segment.start, start + segment.end
        if segment.kind == "prose":
            units.extend((a + x, a + y) for x, y in sentence_spans(text[a:b]))
        else:
            units.append((a, b))
    return units


def embedding_header(document: Document | Chunk) -> str:
    """The metadata line embedded with each chunk: a question naming a title, section or
    outlet finds it."""
    section = getattr(document, "section", None) or ""
    parts = [document.title, section, document.source or "", (document.published_at or "")[:10]]
    return " | ".join(p for p in parts if p)


def embedding_text(chunk: Chunk) -> str:
    """What the embedding model sees for a chunk: its metadata line, then its text."""
    return f"{embedding_header(chunk)}\n{chunk.text}"
