"""The Pipeline: ingest (sync files into a collection), search, ask, and documents, over the
backends rag/wiring.py chose; the faces (CLI, UI, API) call only this."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from rag.answer import AnswerEngine, final_answer
from rag.condense import Turn
from rag.embed import Embedder, load_token_counter
from rag.errors import (
    DocumentNotFound,
    FileTooLarge,
    IngestFailed,
    InvalidInput,
    StoreChanged,
    UnsupportedFile,
)
from rag.formats import SUPPORTED_SUFFIXES
from rag.index import (
    BuildInfo,
    ChunkIndex,
    StaleStore,
    StoredDocument,
    collection_exists,
    collection_sizes,
    connect,
    pack_sentences,
    store_lock,
)
from rag.ingest import (
    Chunker,
    doc_id_for,
    document_hash,
    embedding_header,
    embedding_text,
    iter_files,
    load_document,
)
from rag.reading import Extractive
from rag.retrieve import DenseRetriever, HybridOptions, HybridRetriever, Retriever, SnapshotCache
from rag.schema import (
    Answer,
    Chunk,
    Document,
    DocumentInfo,
    IngestFailure,
    IngestProgress,
    IngestReport,
    Passage,
    SearchResult,
)
from rag.settings import Settings
from rag.text import answer_sentences

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

log = logging.getLogger(__name__)
_T = TypeVar("_T")


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


class Pipeline:
    """Ingest, search and ask over collections; faces (CLI, UI, API) call only this."""

    def __init__(
        self,
        settings: Settings,
        client: ClientAPI,
        embedder: Embedder,
        model_path: Path | None,
        engine: AnswerEngine,
        hybrid: HybridOptions,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.engine = engine
        self._client = client
        self._model_path = model_path
        self._chunker: Chunker | None = None
        self._indexes: dict[str, ChunkIndex] = {}
        self._snapshots = SnapshotCache()
        self.hybrid = hybrid
        # One writer at a time per process: the API serves requests from a thread pool.
        self._write_lock = threading.Lock()
        # Reconnecting to a store another process changed: one thread at a time, once.
        self._reconnect_lock = threading.RLock()
        self._epoch = 0
        self.build_info = BuildInfo(
            embed_model=embedder.name,
            dimension=embedder.dimension,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            splitter="SentenceSplitter",
        )

    def index(self, collection: str | None = None, *, create: bool = False) -> ChunkIndex:
        """The named collection (default from settings), opened once and checked.

        Raises:
            CollectionNotFound: it does not exist and `create` is not set.
            IndexMismatch: it was built with other settings.
        """
        name = collection or self.settings.collection
        index = self._indexes.get(name)
        # Another process may have dropped or rebuilt it; the name alone is not proof.
        if index is None or not index.is_alive():
            index = ChunkIndex.open(self._client, name, self.build_info, create)
            self._indexes[name] = index
        return index

    def retriever(self, collection: str | None = None) -> Retriever:
        """The retrieval the settings choose, over a collection's current contents."""

        def build() -> Retriever:
            index = self.index(collection)
            match self.settings.retrieval:
                case "dense":
                    return DenseRetriever(index, self.embedder)
                case "hybrid":
                    return HybridRetriever(self._snapshots.get(index), self.embedder, self.hybrid)

        return self._fresh(build)

    def _fresh(self, read: Callable[[], _T]) -> _T:
        """Run a read of the store; if another process's writes left this process's embedded
        Chroma client stale, reconnect and read again, the last time once no writer holds
        the store.

        Raises:
            StoreChanged: it stayed stale (should not happen; the message says to retry).
        """
        for _ in range(2):
            epoch = self._epoch
            try:
                return read()
            except StaleStore:
                self._reconnect(unless_since=epoch)
        # Still stale: a writer is at work. Wait until it is done, then start afresh.
        with store_lock(self.settings.data_dir, self.settings.chroma_url, shared=True):
            self._reconnect()
            try:
                return read()
            except StaleStore:
                pass
        raise StoreChanged("Another process is changing the index right now; try again.")

    def _reconnect(self, unless_since: int | None = None) -> None:
        """A new client on the store, one thread at a time (Chroma's client cache is not safe
        to rebuild from two threads at once); skipped when another thread has reconnected
        since `unless_since`."""
        with self._reconnect_lock:
            if unless_since is not None and self._epoch != unless_since:
                return
            self._client = connect(self.settings.data_dir, self.settings.chroma_url, fresh=True)
            self._indexes.clear()
            self._epoch += 1

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time, in this process and across processes on the embedded store;
        the writer starts from what is on disk now, whoever wrote it."""
        with self._write_lock, store_lock(self.settings.data_dir, self.settings.chroma_url):
            if not self.settings.chroma_url:
                self._reconnect()
            yield

    def collections(self) -> dict[str, int]:
        """Every collection in the store with its chunk count, whatever settings built it."""
        return collection_sizes(self._client)

    def index_corpus_if_missing(self) -> IngestReport | None:
        """First run: index `settings.corpus_dir` when the default collection does not exist yet."""
        name = self.settings.collection
        if collection_exists(self._client, name) or not self.settings.corpus_dir.is_dir():
            return None
        return self.ingest([self.settings.corpus_dir], name)

    def chunker(self) -> Chunker:
        if self._chunker is None:
            if self._model_path is None:
                raise InvalidInput("This embedder has no tokenizer to count chunk tokens with.")
            self._chunker = Chunker(
                load_token_counter(self._model_path),
                self.settings.chunk_size,
                self.settings.chunk_overlap,
            )
        return self._chunker

    def ingest(
        self,
        paths: Iterable[Path],
        collection: str | None = None,
        *,
        rebuild: bool = False,
        prune: bool = True,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Sync files and folders into a collection. Unchanged documents are recognised by
        content hash before any model loads; a changed one replaces exactly its own chunks;
        with `prune`, documents that disappeared from a given folder are removed. With
        `dry_run`, the report says what would happen and nothing changes.

        Raises:
            InvalidInput: a path does not exist.
        """
        entries = []
        for file, root in iter_files(paths):
            doc_id = doc_id_for(file, root)
            entries.append(
                Entry(str(file), doc_id, str(root.resolve()), self._loader(file, doc_id))
            )
        folders = {str(p.resolve()) for p in paths if p.is_dir()} if prune else set()
        return self._sync(entries, collection, folders, rebuild, dry_run, progress)

    def add_documents(self, documents: Iterable[Document], collection: str) -> IngestReport:
        """Index Documents made in code (benchmarks, integrations), by the same rules as files."""
        entries = [Entry(d.doc_id, d.doc_id, "documents", _constant(d)) for d in documents]
        return self._sync(entries, collection, set())

    def _loader(self, file: Path, doc_id: str) -> Callable[[], Document]:
        max_bytes = self.settings.max_file_bytes
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
        name = collection or self.settings.collection
        with self._writing():
            if rebuild and not dry_run:
                self._indexes[name] = ChunkIndex.rebuild(self._client, name, self.build_info)
            if dry_run and not collection_exists(self._client, name):
                stored: dict[str, StoredDocument] = {}
                index = None
            else:
                index = self.index(name, create=True)
                stored = {} if rebuild and dry_run else index.stored_documents()
            report = IngestReport(collection=name, dry_run=dry_run)
            # Readers rebuild their view once, when the whole sync is written.
            with index.writing() if index is not None else contextlib.nullcontext():
                self._sync_entries(entries, index, stored, prune_origins, report, progress)
            return report

    def _sync_entries(
        self,
        entries: Sequence[Entry],
        index: ChunkIndex | None,
        stored: dict[str, StoredDocument],
        prune_origins: set[str],
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
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
                (report.updated if item.known else report.added).append(doc_id)
            except Exception as exc:
                report.failed.append(_failure(item.label, exc))
            start += count
            if progress is not None:
                progress(IngestProgress(doc_id=doc_id, chunks=count))
        pending.clear()

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
        texts = [c.text[a:b] for c, found in zip(chunks, spans, strict=True) for a, b in found]
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
                part, self.embedder.embed_documents([every[i] for i in part]), strict=True
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

    def ingest_upload(
        self,
        filename: str,
        data: bytes,
        collection: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Keep an uploaded file in the upload area and index it as `uploads/<name>`.

        Raises:
            UnsupportedFile: the type is not one ingestion reads, or it is over the size limit.
            IngestFailed: the file could not be read as a document; nothing else changed.
        """
        name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename or "").name).strip(" .")
        if not name:
            raise InvalidInput("The upload has no file name.")
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            raise UnsupportedFile(f"{name}: unsupported file type; upload one of: {kinds}.")
        if len(data) > self.settings.max_upload_bytes:
            raise FileTooLarge(
                f"{name}: {len(data)} bytes is over the upload limit of "
                f"{self.settings.max_upload_bytes} bytes."
            )
        collection = collection or self.settings.collection
        # Check the name before writing anything; only the default collection is made by an
        # upload, others by an ingest (an API caller cannot litter the store with collections).
        self.index(collection, create=collection == self.settings.collection)
        doc_id = UPLOAD_PREFIX + name
        path = self.settings.data_dir / "uploads" / collection / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = Entry(str(path), doc_id, "upload", self._loader(path, doc_id))
        report = self._sync([entry], collection, set(), progress=progress)
        if report.failed:
            path.unlink(missing_ok=True)  # nothing was indexed from it: keep no orphan file
            raise IngestFailed(report.failed[0].reason.replace(str(path), name))
        return report

    def _upload_path(self, doc_id: str, collection: str) -> Path | None:
        """Where an uploaded document's file is kept; None for documents from elsewhere."""
        if not doc_id.startswith(UPLOAD_PREFIX):
            return None
        return self.settings.data_dir / "uploads" / collection / doc_id.removeprefix(UPLOAD_PREFIX)

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        """The documents in a collection, with their metadata."""
        return self._fresh(lambda: self.index(collection).documents())

    def document(self, doc_id: str, collection: str | None = None) -> Document:
        """A whole document as ingested, so a citation's offsets can be shown in context.

        Raises:
            DocumentNotFound: no such document in the collection.
        """
        document = self._fresh(lambda: self.index(collection).document(doc_id))
        if document is None:
            name = collection or self.settings.collection
            raise DocumentNotFound(f"No document {doc_id!r} in collection {name!r}.")
        return document

    def delete_document(self, doc_id: str, collection: str | None = None) -> int:
        """Remove a document's chunks; returns how many.

        Raises:
            DocumentNotFound: no such document in the collection.
        """
        with self._writing():
            index = self.index(collection)
            removed = index.delete_document(doc_id)
        if not removed:
            raise DocumentNotFound(f"No document {doc_id!r} in collection {index.name!r}.")
        upload = self._upload_path(doc_id, index.name)
        if upload is not None:
            upload.unlink(missing_ok=True)
        return removed

    def _check_text(self, text: str, what: str) -> str:
        text = text.strip()
        if not text:
            raise InvalidInput(f"The {what} is empty: type a {what}.")
        if len(text) > self.settings.max_question_chars:
            raise InvalidInput(
                f"The {what} is {len(text)} characters long; the limit is "
                f"{self.settings.max_question_chars}."
            )
        return text

    def _top_k(self, top_k: int | None) -> int:
        k = self.settings.top_k if top_k is None else top_k
        if not 1 <= k <= 50:
            raise InvalidInput(f"top_k must be between 1 and 50, not {k}.")
        return k

    def search(
        self,
        query: str,
        top_k: int | None = None,
        collection: str | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> SearchResult:
        """Ranked passages for a query, from the documents `doc_ids` names if given.

        Raises:
            InvalidInput: empty or overlong query, top_k outside 1..50, or an unknown doc id.
            CollectionNotFound: the collection does not exist.
        """
        query = self._check_text(query, "query")
        k = self._top_k(top_k)
        retriever = self.retriever(collection)
        scope = self._scope(retriever, doc_ids, collection)
        return SearchResult(query=query, passages=_distinct(retriever, query, k, scope))

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        collection: str | None = None,
        history: Sequence[Turn] = (),
        doc_ids: Sequence[str] | None = None,
    ) -> Answer:
        """Answer a question from the collection (only from the documents `doc_ids` names, if
        given), with citations, or refuse. With `history`, a follow-up is first made
        standalone; the Answer's `searched_for` says how.

        Raises:
            InvalidInput: empty or overlong question, top_k outside 1..50, or an unknown doc id.
            CollectionNotFound: the collection does not exist.
        """
        return final_answer(self.ask_stream(question, top_k, collection, history, doc_ids))

    def ask_stream(
        self,
        question: str,
        top_k: int | None = None,
        collection: str | None = None,
        history: Sequence[Turn] = (),
        doc_ids: Sequence[str] | None = None,
    ) -> Iterator[str | Answer]:
        """`ask`, streamed: text deltas as the engine writes, then the verified Answer.
        Bad input is refused before anything streams.

        Raises:
            InvalidInput: empty or overlong question, top_k outside 1..50, or an unknown doc id.
            CollectionNotFound: the collection does not exist.
        """
        question = self._check_text(question, "question")
        k = self._top_k(top_k)
        retriever = self.retriever(collection)
        scope = self._scope(retriever, doc_ids, collection)
        return self._stream(question, k, retriever, history, scope)

    def _scope(
        self, retriever: Retriever, doc_ids: Sequence[str] | None, collection: str | None
    ) -> frozenset[str] | None:
        """The documents a question is limited to (None: all), each checked to exist."""
        if doc_ids is None:
            return None
        wanted = frozenset(doc_ids)
        if not wanted:
            raise InvalidInput("doc_ids is empty: name at least one document, or leave it out.")
        missing = sorted(wanted - retriever.has_documents(wanted))
        if missing:
            name = collection or self.settings.collection
            raise InvalidInput(
                f"No document {', '.join(repr(m) for m in missing[:5])} in collection {name!r}; "
                "list them with python -m rag documents or GET /api/documents."
            )
        return wanted

    def _stream(
        self,
        question: str,
        k: int,
        retriever: Retriever,
        history: Sequence[Turn],
        scope: frozenset[str] | None = None,
    ) -> Iterator[str | Answer]:
        query = self.engine.condense(question, history)
        if query != question and isinstance(self.engine, Extractive):
            # A follow-up is first answered from the document the conversation is about
            # ("How long was the kick?" from the article that named the kicker), then from
            # all of them; one that the documents cannot answer with the earlier topic added
            # may stand on its own ("Who is the lighthouse keeper who retired?" after a
            # question about Australia): it is then asked as it was typed. (An extractive
            # answer comes whole, so nothing has been shown yet.)
            topic = _conversation_document(retriever, history, scope)
            tries: list[tuple[str, frozenset[str] | None]] = (
                [(query, frozenset({topic}))] if topic else []
            )
            tries += [(query, scope), (question, scope)]
            shown: tuple[str, Answer] | None = None
            for asked, within in tries:
                passages = _distinct(retriever, asked, k, within)
                answer = final_answer(self.engine.stream(asked, passages, retriever.stored))
                if not answer.refused:
                    shown = (asked, answer)
                    break
                if within is scope and asked == query:
                    shown = (asked, answer)  # the refusal to show lists the closest passages
            assert shown is not None
            query, first = shown
            yield first.answer
            yield first.model_copy(update={"question": question, "searched_for": query})
            return
        passages = _distinct(retriever, query, k, scope)
        for event in self.engine.stream(query, passages, retriever.stored):
            if isinstance(event, Answer):
                yield event.model_copy(update={"question": question, "searched_for": query})
            else:
                yield event

    def health(self) -> dict[str, Any]:
        """What is running: collections and their sizes, model, engine, versions."""
        from importlib.metadata import PackageNotFoundError, version

        versions: dict[str, str | None] = {}
        for package in ("chromadb", "llama-index-core", "gradio", "sentence-transformers",
                        "onnxruntime", "llama-cpp-python"):  # fmt: skip
            try:
                versions[package] = version(package)
            except PackageNotFoundError:
                versions[package] = None
        return {
            "status": "ok",
            "collections": self.collections(),
            "default_collection": self.settings.collection,
            "embed_model": self.embedder.name,
            "dimension": self.embedder.dimension,
            "engine": self.settings.engine,
            "chroma": self.settings.chroma_url or "embedded",
            "versions": versions,
        }


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


def _conversation_document(
    retriever: Retriever, history: Sequence[Turn], scope: frozenset[str] | None
) -> str | None:
    """The document a conversation is about: the one that best matches its last question
    together with the reply to it."""
    asked = [i for i, t in enumerate(history) if t.role == "user" and t.content.strip()]
    if not asked:
        return None
    last = asked[-1]
    reply = next((t.content for t in history[last + 1 :] if t.role == "assistant"), "")
    found = retriever.search(f"{history[last].content} {reply[:500]}", 1, scope)
    return found[0].doc_id if found else None


def _distinct(
    retriever: Retriever, query: str, k: int, scope: frozenset[str] | None = None
) -> list[Passage]:
    """The top `k` passages (of the `scope` documents, if given), none with the same text as
    a better one (the same file indexed twice, under two names, must not fill an answer with
    copies)."""
    wanted = k
    while True:
        found = retriever.search(query, wanted, scope)
        seen: set[str] = set()
        kept = []
        for passage in found:
            text = " ".join(passage.text.split())
            if text not in seen:
                seen.add(text)
                kept.append(passage)
        if len(kept) >= k or len(found) < wanted or wanted >= k + 20:
            return [p.model_copy(update={"rank": n}) for n, p in enumerate(kept[:k], start=1)]
        wanted += len(found) - len(kept)  # as many more as were copies


def _failure(label: str, exc: Exception) -> IngestFailure:
    if isinstance(exc, IngestFailed):
        return IngestFailure(path=label, reason=str(exc))
    log.error("ingest of %s failed", label, exc_info=exc)
    return IngestFailure(path=label, reason=f"{label}: {type(exc).__name__}: {exc}")


def _constant(document: Document) -> Callable[[], Document]:
    return lambda: document
