"""Sync: files, uploads and Documents made in code -> a collection. Unchanged documents are
recognised by content hash, changed ones are chunked, embedded and replace their own chunks,
and documents gone from a synced folder are removed."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple, Protocol

from rag.documents_table import StoredDocument
from rag.embed import Embedder, load_token_counter
from rag.errors import FileTooLarge, IngestFailed, InvalidInput, UnsupportedFile
from rag.formats import SUPPORTED_SUFFIXES
from rag.index import ChunkIndex, pack_sentences
from rag.ingest import (
    Chunker,
    doc_id_for,
    document_hash,
    embedding_header,
    embedding_text,
    iter_files,
    load_document,
)
from rag.schema import Chunk, Document, IngestFailure, IngestProgress, IngestReport
from rag.settings import Settings
from rag.text import answer_sentences, row_reading

log = logging.getLogger(__name__)


class Entry(NamedTuple):
    """One document to sync: a label for reports, its id, where it came from, how to load it."""

    label: str
    doc_id: str
    origin: str
    load: Callable[[], Document]


# Called after each file of an ingest, and as a batch of them is embedded.
Progress = Callable[[IngestProgress], None]
# Texts embedded between two progress reports: small enough for a bar to move every few
# seconds, large enough to keep the model's batches full.
_PROGRESS_SLICE = 256
UPLOAD_PREFIX = "uploads/"


class OpenIndex(Protocol):
    """A collection (default from settings), opened once and checked (`Pipeline.index`)."""

    def __call__(self, collection: str | None = None, *, create: bool = False) -> ChunkIndex: ...


class Sync:
    """Brings a collection in line with files, uploads or Documents, one writer at a time.

    The Pipeline's methods of the same names delegate here; they hold the defaults and the
    documented contract, and pass every choice.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        model_path: Path | None,
        *,
        index: OpenIndex,
        recreate: Callable[[str], None],
        exists: Callable[[str], bool],
        writing: Callable[[], AbstractContextManager[None]],
        learn: Callable[[Iterable[str]], None] | None = None,
    ) -> None:
        """`index`, `recreate`, `exists` and `writing` are the Pipeline's handles on the store,
        not a client of the sync's own: a reconnect (after another process wrote) replaces
        the Pipeline's client and empties its cache of open indexes, and the write lock is
        also taken by the Pipeline's deletes. `learn` is shown the text of every chunk
        written (the reading engine stores their words' vectors)."""
        self._settings = settings
        self._embedder = embedder
        self._model_path = model_path
        self._index = index
        self._recreate = recreate
        self._exists = exists
        self._writing = writing
        self._learn = learn
        self._chunker: Chunker | None = None

    def chunker(self) -> Chunker:
        if self._chunker is None:
            if self._model_path is None:
                raise InvalidInput("This embedder has no tokenizer to count chunk tokens with.")
            self._chunker = Chunker(
                load_token_counter(self._model_path),
                self._settings.chunk_size,
                self._settings.chunk_overlap,
            )
        return self._chunker

    def ingest(
        self,
        paths: Iterable[Path],
        collection: str | None,
        *,
        rebuild: bool,
        prune: bool,
        dry_run: bool,
        progress: Progress | None,
    ) -> IngestReport:
        """Sync the files under `paths`; with `prune`, each folder's documents no longer in it
        are removed."""
        entries = []
        for file, root in iter_files(paths):
            doc_id = doc_id_for(file, root)
            entries.append(
                Entry(str(file), doc_id, str(root.resolve()), self._loader(file, doc_id))
            )
        folders = {str(p.resolve()) for p in paths if p.is_dir()} if prune else set()
        return self._sync(entries, collection, folders, rebuild, dry_run, progress)

    def add_documents(self, documents: Iterable[Document], collection: str) -> IngestReport:
        """Sync Documents made in code by the same rules as files; nothing is pruned."""
        entries = [Entry(d.doc_id, d.doc_id, "documents", _constant(d)) for d in documents]
        return self._sync(entries, collection, set())

    def ingest_upload(
        self, filename: str, data: bytes, collection: str | None, progress: Progress | None
    ) -> IngestReport:
        """Check an upload's name, type and size, keep it in the upload area and sync it as
        `uploads/<name>`; one that cannot be read is not kept."""
        name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename or "").name).strip(" .")
        if not name:
            raise InvalidInput("The upload has no file name.")
        # README, FAQ, NEWS, as documentation ships them without a suffix, are read as plain
        # text (if they are text), under their own names.
        if Path(name).suffix and Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            raise UnsupportedFile(
                f"{name}: unsupported file type; upload one of: {kinds}, or a text file "
                "without a suffix."
            )
        if len(data) > self._settings.max_upload_bytes:
            raise FileTooLarge(
                f"{name}: {len(data)} bytes is over the upload limit of "
                f"{self._settings.max_upload_bytes} bytes."
            )
        collection = collection or self._settings.collection
        # Check the name before writing anything; only the default collection is made by an
        # upload, others by an ingest (an API caller cannot litter the store with collections).
        self._index(collection, create=collection == self._settings.collection)
        doc_id = UPLOAD_PREFIX + name
        path = self._settings.data_dir / "uploads" / collection / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = Entry(str(path), doc_id, "upload", self._loader(path, doc_id))
        report = self._sync([entry], collection, set(), progress=progress)
        if report.failed:
            path.unlink(missing_ok=True)  # nothing was indexed from it: keep no orphan file
            reason = report.failed[0].reason.replace(str(path), name)
            log.warning("upload of %s into %s failed: %s", name, collection, reason)
            raise IngestFailed(reason)
        log.info("upload of %s: %s", name, report.summary())
        return report

    def upload_path(self, doc_id: str, collection: str) -> Path | None:
        """Where an uploaded document's file is kept; None for documents from elsewhere."""
        if not doc_id.startswith(UPLOAD_PREFIX):
            return None
        return self._settings.data_dir / "uploads" / collection / doc_id.removeprefix(UPLOAD_PREFIX)

    def _loader(self, file: Path, doc_id: str) -> Callable[[], Document]:
        max_bytes = self._settings.max_file_bytes
        return lambda: load_document(file, doc_id, max_bytes)

    def _sync(
        self,
        entries: Sequence[Entry],
        collection: str | None,
        prune_origins: set[str],
        rebuild: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        name = collection or self._settings.collection
        with self._writing():
            if rebuild and not dry_run:
                self._recreate(name)
            index = None if dry_run and not self._exists(name) else self._index(name, create=True)
            if index is None or (rebuild and dry_run):
                stored: dict[str, StoredDocument] = {}
            elif len(entries) <= _FEW and not prune_origins:
                # An upload or a few files: their own rows, and content hashes looked up one
                # by one, instead of the whole table (4 of an upload's 6 s at a million chunks).
                stored = index.stored_documents(e.doc_id for e in entries)
            else:
                stored = index.stored_documents()
            lookup = index.holder if index is not None and len(entries) <= _FEW else None
            report = IngestReport(collection=name, dry_run=dry_run)
            # Readers rebuild their view once, when the whole sync is written.
            with index.writing() if index is not None else contextlib.nullcontext():
                self._sync_entries(entries, index, stored, lookup, prune_origins, report, progress)
            return report

    def _sync_entries(
        self,
        entries: Sequence[Entry],
        index: ChunkIndex | None,
        stored: dict[str, StoredDocument],
        lookup: Callable[[str], str | None] | None,
        prune_origins: set[str],
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
        """`stored` holds at least the entries' own documents; `lookup` finds the holder of a
        content hash among the others when `stored` is not all of them."""
        seen: set[str] = set()
        holder = {h: d for d, known in stored.items() for h in known.chunks}
        # Changed documents wait here so the model embeds many at once (bigger, better
        # sorted batches); each is still written to Chroma as its own unit.
        pending: list[_Pending] = []
        for label, doc_id, origin, load in entries:
            # Each file is its own unit: one that fails is reported and the rest go on.
            try:
                document = load()
                seen.add(doc_id)
                known = stored.get(doc_id)
                doc_hash = document_hash(document)
                if doc_hash not in holder and lookup is not None:
                    holder[doc_hash] = lookup(doc_hash) or doc_id
                if holder.setdefault(doc_hash, doc_id) != doc_id:
                    report.duplicates.append(f"{doc_id}: same content as {holder[doc_hash]}")
                if known is not None and known.is_whole(doc_hash):
                    report.unchanged.append(doc_id)
                elif report.dry_run or index is None:
                    (report.updated if known else report.added).append(doc_id)
                else:
                    chunks = self.chunker().split(document)
                    pending.append(_Pending(label, document, origin, chunks, known is not None))
                    if sum(len(p.chunks) for p in pending) >= _EMBED_POOL:
                        self._flush(index, pending, report, progress)
                    continue
            except Exception as exc:
                seen.add(doc_id)  # a file still there but unreadable keeps what it had
                report.failed.append(_failure(label, exc))
            if progress is not None:
                progress(IngestProgress(doc_id=doc_id))
        if index is not None:
            self._flush(index, pending, report, progress)
        for doc_id, known in sorted(stored.items()):
            if known.origin in prune_origins and doc_id not in seen:
                if not report.dry_run and index is not None:
                    index.delete_document(doc_id)
                report.removed.append(doc_id)

    def _flush(
        self,
        index: ChunkIndex,
        pending: list[_Pending],
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
        """Embed the waiting documents together, then write each as a unit."""
        if not pending:
            return
        try:
            vectors, sentences = self._embed([c for p in pending for c in p.chunks], progress)
        except Exception as exc:
            for item in pending:
                report.failed.append(_failure(item.label, exc))
            pending.clear()
            return
        start = 0
        written: list[str] = []
        for item in pending:
            doc_id = item.document.doc_id
            count = len(item.chunks)
            try:
                index.replace_document(
                    doc_id,
                    item.chunks,
                    vectors[start : start + count],
                    item.origin,
                    sentences[start : start + count],
                )
                report.chunks += count
                written += (c.text for c in item.chunks)
                (report.updated if item.known else report.added).append(doc_id)
            except Exception as exc:
                report.failed.append(_failure(item.label, exc))
            start += count
            if progress is not None:
                progress(IngestProgress(doc_id=doc_id, chunks=count))
        pending.clear()
        if written and self._learn is not None:
            # What is written stays written whatever happens here: this only spares answers
            # to come some work (1 ms a word the store does not hold yet).
            try:
                self._learn(written)
            except Exception:
                log.warning("could not store the new chunks' words", exc_info=True)

    def _embed(
        self, chunks: Sequence[Chunk], progress: Progress | None = None
    ) -> tuple[list[list[float]], list[str | None]]:
        """Each chunk's vector, and its sentences' vectors packed for storage. Sentences are
        embedded one by one (retrieval ranks a chunk by its closest sentence too, which a
        whole chunk's vector blurs), and the chunk's vector is their mean plus a little of its
        metadata line's: as good for search as embedding the chunk whole, and faster, since
        short texts cost less per token. A chunk without a whole sentence is embedded whole."""
        import numpy as np

        spans = [answer_sentences(c.text) for c in chunks]
        texts = [
            row_reading(c.text, a, b) or c.text[a:b]
            for c, found in zip(chunks, spans, strict=True)
            for a, b in found
        ]
        headers = sorted({embedding_header(c) for c in chunks} - {""})
        whole = [i for i, found in enumerate(spans) if not found]
        every = [*texts, *headers, *(embedding_text(chunks[i]) for i in whole)]
        # Embedded in slices, for progress, taken in order of length so that each slice's
        # batches pad as little as one call over all of them would.
        order = sorted(range(len(every)), key=lambda i: len(every[i]))
        embedded: list[list[float]] = [[] for _ in every]
        for at in range(0, len(order), _PROGRESS_SLICE):
            part = order[at : at + _PROGRESS_SLICE]
            for i, vector in zip(
                part, self._embedder.embed_documents([every[i] for i in part]), strict=True
            ):
                embedded[i] = vector
            if progress is not None:
                done = len(chunks) * (at + len(part)) // len(every)
                progress(IngestProgress(embedded=done, to_embed=len(chunks)))
        matrix = np.asarray(embedded, dtype=np.float32).reshape(len(embedded), -1)
        after_headers = len(texts) + len(headers)
        header_vectors = dict(zip(headers, matrix[len(texts) : after_headers], strict=True))
        whole_vectors = dict(zip(whole, matrix[after_headers:], strict=True))
        vectors: list[list[float]] = []
        packed: list[str | None] = []
        at = 0
        for i, (chunk, found) in enumerate(zip(chunks, spans, strict=True)):
            if not found:
                vectors.append(whole_vectors[i].tolist())
                packed.append(None)
                continue
            rows = matrix[at : at + len(found)]
            at += len(found)
            vector = rows.mean(axis=0)
            header = header_vectors.get(embedding_header(chunk))
            if header is not None:
                vector = vector + _HEADER_SHARE * header
            vectors.append((vector / max(float(np.linalg.norm(vector)), 1e-12)).tolist())
            packed.append(pack_sentences(found, rows))
        return vectors, packed


# Up to this many documents, a sync reads their own rows of the documents table, not all of it.
_FEW = 32
# Chunks embedded together across documents during ingest.
_EMBED_POOL = 256
# How much of the metadata line's vector a chunk's vector holds beside its sentences' mean.
_HEADER_SHARE = 0.15


class _Pending(NamedTuple):
    label: str
    document: Document
    origin: str
    chunks: list[Chunk]
    known: bool


def _failure(label: str, exc: Exception) -> IngestFailure:
    if isinstance(exc, IngestFailed):
        return IngestFailure(path=label, reason=str(exc))
    log.error("ingest of %s failed", label, exc_info=exc)
    return IngestFailure(path=label, reason=f"{label}: {type(exc).__name__}: {exc}")


def _constant(document: Document) -> Callable[[], Document]:
    return lambda: document
