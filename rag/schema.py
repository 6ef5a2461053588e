"""The shared vocabulary handed between stages: Document, Chunk, Passage, Citation, Answer."""

from __future__ import annotations

from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, computed_field


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Document(_Value):
    """One source file as ingested; `text` is what every offset points into."""

    doc_id: str
    text: str
    title: str
    source: str | None = None
    author: str | None = None
    published_at: str | None = None
    url: str | None = None
    # When the file (not its content) was made: a PDF's or DOCX's creation date, shown as
    # "created"; `published_at` holds only a date the document states as its publication.
    created_at: str | None = None
    page_starts: list[int] | None = None  # where each page begins in `text` (PDF)
    ocr_pages: list[int] = []  # pages read from their image by OCR


class Chunk(_Value):
    """A slice of a document, `text == document.text[start:end]`."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    title: str
    source: str | None = None
    author: str | None = None
    published_at: str | None = None
    url: str | None = None
    created_at: str | None = None
    page: int | None = None
    section: str | None = None  # the heading this chunk sits under
    ocr: bool = False
    doc_hash: str


class Passage(_Value):
    """A retrieved chunk, ranked best first (rank 1); `score` is its similarity to the query."""

    rank: int
    doc_id: str
    title: str
    source: str | None = None
    published_at: str | None = None
    text: str
    start: int
    end: int
    score: float
    page: int | None = None
    section: str | None = None
    created_at: str | None = None
    ocr: bool = False


class Citation(_Value):
    """What `[n]` in an answer points to: `quote` is `document.text[start:end]`."""

    n: int
    doc_id: str
    title: str
    source: str | None = None
    published_at: str | None = None
    quote: str
    passage: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    created_at: str | None = None
    ocr: bool = False


class Claim(_Value):
    """One sentence of an answer, the citations it names, and how well they support it."""

    text: str
    citations: list[int]
    supported: bool
    score: float


class Answer(_Value):
    """The reply to a question, with the citations its `[n]` markers resolve to."""

    question: str
    searched_for: str
    answer: str
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    claims: list[Claim] = []


class DocumentInfo(_Value):
    """One indexed document, as listed to users: its metadata and how many chunks it has."""

    doc_id: str
    title: str
    source: str | None = None
    published_at: str | None = None
    url: str | None = None
    created_at: str | None = None
    author: str | None = None
    chars: int | None = None  # the text's length (unknown for chunks indexed before 2026-12-04)
    indexed_at: str | None = None  # when this version of the document was indexed (UTC)
    chunks: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def format(self) -> str:
        """The file's type, from its name: "pdf", "html", "md"."""
        return PurePosixPath(self.doc_id).suffix.lstrip(".").lower()


class IngestFailure(_Value):
    """A file that was not indexed, and why."""

    path: str
    reason: str


class IngestProgress(_Value):
    """Where an ingest is: after each document, its id and the chunks written for it; while a
    batch of documents is embedded (`doc_id` empty), `embedded` of its `to_embed` chunks."""

    doc_id: str = ""
    chunks: int = 0
    embedded: int = 0
    to_embed: int = 0


class IngestReport(BaseModel):
    """What an ingest did: documents added, updated, left alone, and files that failed."""

    collection: str
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    removed: list[str] = []
    failed: list[IngestFailure] = []
    # "<doc id>: same content as <other doc id>": indexed all the same, reported so a user
    # can remove the copy (answers never show the same passage twice either way).
    duplicates: list[str] = []
    chunks: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        counts = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.failed)} failed"
        )
        same = "".join(f"; {line}" for line in self.duplicates)
        if self.dry_run:
            return f"{self.collection} (dry run, nothing changed): would be {counts}{same}"
        return f"{self.collection}: {counts} ({self.chunks} chunks embedded){same}"


class SearchResult(_Value):
    """What `search` returns: the query and its ranked passages."""

    query: str
    passages: list[Passage]
