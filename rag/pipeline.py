"""The Pipeline, the one facade the faces (CLI, UI, API) call: search, ask, documents and ingest
(done by rag/sync.py), over the backends rag/wiring.py chose; it keeps the store's client, its
open indexes and the write lock."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rag.answer import AnswerEngine, final_answer
from rag.candidates import WordIndexes
from rag.condense import Turn, stands_alone
from rag.embed import Embedder
from rag.errors import DocumentNotFound, InvalidInput, RagError, StoreChanged
from rag.index import BuildInfo, ChunkIndex
from rag.ingest import Chunker
from rag.page_image import page_png
from rag.question import QUESTION_OPENERS
from rag.reading import Extractive
from rag.retrieve import DenseRetriever, HybridOptions, HybridRetriever, Retriever
from rag.schema import Answer, Document, DocumentInfo, IngestReport, Passage, SearchResult
from rag.settings import Settings
from rag.snapshot import SnapshotCache
from rag.store import (
    StaleStore,
    collection_exists,
    collection_sizes,
    connect,
    next_write,
    store_lock,
)
from rag.sync import UPLOAD_PREFIX, Progress, Sync

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

log = logging.getLogger(__name__)
_T = TypeVar("_T")


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
        self._indexes: dict[str, ChunkIndex] = {}
        self._snapshots = SnapshotCache(settings.data_dir / "snapshots")
        self._words = WordIndexes(settings.data_dir / "words")
        self._sizes: dict[str, tuple[str, int]] = {}  # by collection id: generation, chunks
        self.hybrid = hybrid
        # One writer at a time per process: the API serves requests from a thread pool.
        self._write_lock = threading.Lock()
        # Reconnecting to a store another process changed: one thread at a time, once.
        self._reconnect_lock = threading.RLock()
        self._epoch = 0
        self._stamp: str | None = None  # the write stamp this process's last write took
        self._reading_prepared = False
        self.build_info = BuildInfo(
            embed_model=embedder.name,
            dimension=embedder.dimension,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            splitter="SentenceSplitter",
        )
        self._sync = Sync(
            settings,
            embedder,
            model_path,
            index=self.index,
            recreate=self._recreate,
            exists=lambda name: collection_exists(self._client, name),
            writing=self._writing,
            learn=engine.learn if isinstance(engine, Extractive) else None,
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

    def _recreate(self, name: str) -> None:
        """Drop and re-create a collection, and keep the new one where `index` finds it."""
        self._indexes[name] = ChunkIndex.rebuild(self._client, name, self.build_info)

    def retriever(self, collection: str | None = None) -> Retriever:
        """The retrieval the settings choose, over a collection's current contents."""

        def build() -> Retriever:
            index = self.index(collection)
            match self.settings.retrieval:
                case "dense":
                    return DenseRetriever(index, self.embedder)
                case "hybrid":
                    generation = index.generation()
                    if self._size(index, generation) > self.settings.exact_limit:
                        return self._words.retriever(
                            index, generation, self.embedder, self.hybrid, _Reads(self, collection)
                        )
                    snapshot = self._snapshots.get(index, generation)
                    return HybridRetriever(snapshot, self.embedder, self.hybrid)

        return self._fresh(build)

    def _size(self, index: ChunkIndex, generation: str) -> int:
        """How many chunks the collection holds, counted once per generation (Chroma's count
        grows with the collection)."""
        known = self._sizes.get(index.uid)
        if known is None or known[0] != generation:
            known = self._sizes[index.uid] = (generation, index.count())
        return known[1]

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
                # Only when another process wrote since this one last did: a new client
                # loads the collection's indexes from disk again, seconds on a large one.
                self._stamp, others = next_write(self.settings.data_dir, self._stamp)
                if others:
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
        return self._sync.chunker()

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
        report = self._sync.ingest(
            paths, collection, rebuild=rebuild, prune=prune, dry_run=dry_run, progress=progress
        )
        if not dry_run:
            self._after_write(collection)
        return report

    def add_documents(self, documents: Iterable[Document], collection: str) -> IngestReport:
        """Index Documents made in code (benchmarks, integrations), by the same rules as files."""
        return self._sync.add_documents(documents, collection)

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
        report = self._sync.ingest_upload(filename, data, collection, progress)
        self._after_write(collection)
        return report

    def _after_write(self, collection: str | None) -> None:
        """A collection searched through indexes gets its word index brought up to date by
        the writer, so that no question waits for it (rag/candidates.py; on a host that shares
        a Chroma server, this host's). A copy in memory is left to readers: a writer may never
        search. The write stands if this fails; the next search tries again."""
        if self.settings.retrieval != "hybrid":
            return

        def update() -> None:
            if not collection_exists(self._client, collection or self.settings.collection):
                return  # nothing was written
            index = self.index(collection)
            generation = index.generation()
            if self._size(index, generation) > self.settings.exact_limit:
                store = _Reads(self, collection)
                self._words.retriever(
                    index, generation, self.embedder, self.hybrid, store, grace=0.0
                )

        try:
            self._fresh(update)
        except Exception:  # logged, not raised: the documents are written
            log.warning("could not update the word index after a write", exc_info=True)

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

    def page_image(
        self,
        doc_id: str,
        page: int,
        quotes: Sequence[str] = (),
        collection: str | None = None,
        *,
        width: int = 1100,
    ) -> bytes:
        """Page `page` of a PDF document as printed (PNG), each of `quotes` highlighted on it,
        read from the file the document was ingested from.

        Raises:
            DocumentNotFound: no such document, or its file is no longer where it was read.
            InvalidInput: not a PDF.
            PageNotFound: the PDF has no such page.
        """
        index = self.index(collection)
        origin = self._fresh(lambda: index.origin(doc_id))
        if origin is None:
            raise DocumentNotFound(f"No document {doc_id!r} in collection {index.name!r}.")
        if not doc_id.lower().endswith(".pdf"):
            raise InvalidInput(f"{doc_id} is not a PDF: only a PDF's pages are shown as printed.")
        file = self._sync.upload_path(doc_id, index.name)
        if file is None and origin not in ("upload", "documents"):
            file = Path(origin) / doc_id
        if file is None or not file.is_file():
            raise DocumentNotFound(
                f"The file of {doc_id} is no longer where it was read: ingest it again."
            )
        return page_png(file, page, quotes, width)

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
        upload = self._sync.upload_path(doc_id, index.name)
        if upload is not None:
            upload.unlink(missing_ok=True)
        log.info("deleted %s from %s (%d chunks)", doc_id, index.name, removed)
        self._after_write(collection)
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
        self._prepare_reading()
        k = self._top_k(top_k)
        retriever = self.retriever(collection)
        scope = self._scope(retriever, doc_ids, collection)
        return self._stream(question, k, retriever, history, scope)

    def _prepare_reading(self) -> None:
        """At a process's first question, spaCy and the selector load on another thread while
        the passages are searched for: the first answer of a script or of the CLI comes 0.1 s
        sooner (1.8 of 1.9 s at a million chunks). The app's warm-up has loaded them already."""
        # (Two questions at once may both start one: loading is once only, under locks.)
        if self._reading_prepared or not isinstance(self.engine, Extractive):
            return
        self._reading_prepared = True
        threading.Thread(target=self._load_reading, name="load-reading", daemon=True).start()

    def _load_reading(self) -> None:
        """spaCy, and the extractive engine's models beyond the embedding model."""
        from rag.language import parse

        try:
            parse("What is this?")
            if isinstance(self.engine, Extractive):
                self.engine.warm_up()
        except Exception:  # the question itself meets the failure, and reports it
            log.debug("loading the reading step ahead failed", exc_info=True)

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
        as_typed, question = question, _punctuated(question)
        if scope is None:
            scope = _named_files(retriever, question)
        query = self.engine.condense(question, history)
        if query != question and isinstance(self.engine, Extractive):
            # A follow-up is first answered from the document the conversation is about
            # ("How long was the kick?" from the article that named the kicker), then from
            # all of them; one that the documents cannot answer with the earlier topic added
            # may stand on its own ("Who is the lighthouse keeper who retired?" after a
            # question about Australia): it is then asked as it was typed, unless it has
            # nothing of its own ("Where did they work?" is refused, not answered at random).
            # (An extractive answer comes whole, so nothing has been shown yet.)
            topic = _conversation_document(retriever, history, scope)
            tries: list[tuple[str, frozenset[str] | None]] = (
                [(query, frozenset({topic}))] if topic else []
            )
            tries += [(query, scope)] + ([(question, scope)] if stands_alone(question) else [])
            shown: tuple[str, Answer] | None = None
            for asking, within in tries:
                asked, passages = _found(retriever, asking, k, within)
                answer = final_answer(self.engine.stream(asked, passages, retriever.stored))
                if not answer.refused:
                    shown = (asked, answer)
                    break
                if within is scope and asking == query:
                    shown = (asked, answer)  # the refusal to show lists the closest passages
            assert shown is not None
            query, first = shown
            yield first.answer
            yield first.model_copy(update={"question": as_typed, "searched_for": query})
            return
        query, passages = _found(retriever, query, k, scope)
        for event in self.engine.stream(query, passages, retriever.stored):
            if isinstance(event, Answer):
                yield event.model_copy(update={"question": as_typed, "searched_for": query})
            else:
                yield event

    def warm_up(self) -> None:
        """Load what a first question needs: the embedding model, the default collection's
        search structures (a copy in memory, or Chroma's HNSW index and the word index),
        spaCy and the sentence selector. The app calls it in a thread at start, so the first
        person to ask does not wait for them. A failure is left for that question to report."""
        with contextlib.suppress(RagError):
            self.search("What is this collection about?", 1)
        self._reading_prepared = True
        self._load_reading()

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


class _Reads:
    """One collection read through a pipeline, a stale client reconnected (rag/candidates.py's
    Store)."""

    def __init__(self, pipeline: Pipeline, collection: str | None) -> None:
        self._pipeline, self._collection = pipeline, collection

    def read(self, read: Callable[[ChunkIndex], _T]) -> _T:
        return self._pipeline._fresh(lambda: read(self._pipeline.index(self._collection)))


def _punctuated(question: str) -> str:
    """A question typed without its question mark, given one: the embedding model reads "what
    did russia warn against" and "... against?" a little apart, enough to tip an answer into a
    refusal, and people often leave the mark out."""
    words = question.split()
    ended = question.rstrip().endswith(("?", ".", "!"))
    if words and words[0].lower() in QUESTION_OPENERS and not ended:
        return question.rstrip() + "?"
    return question


def _found(
    retriever: Retriever, query: str, k: int, scope: frozenset[str] | None = None
) -> tuple[str, list[Passage]]:
    """The query as searched and its passages: with a typo ("ambasador") put right from the
    words of the passages it found, and searched again, when it has one. Meaning still finds
    the passages despite a typo, but the words no longer match, and reading refuses."""
    from rag.spelling import respell

    passages = _distinct(retriever, query, k, scope)
    fixed = respell(query, (f"{p.title} {p.source or ''} {p.text}" for p in passages))
    if fixed == query:
        return query, passages
    return fixed, _distinct(retriever, fixed, k, scope)


def _distinct(
    retriever: Retriever, query: str, k: int, scope: frozenset[str] | None = None
) -> list[Passage]:
    """The top `k` passages (of the `scope` documents, if given), none with the same text as
    a better one (the same file indexed twice, under two names, must not fill an answer with
    copies), and all of a copied text's passages from the one copy ranked first."""
    wanted = k
    while True:
        found = retriever.search(query, wanted, scope)
        # Copies score alike, so which copy's passage comes first is a toss-up: the copy
        # ranked first anywhere gives all of them, and an answer cites one file, not both.
        first: dict[str, int] = {}
        for at, passage in enumerate(found):
            first.setdefault(passage.doc_id, at)
        best: dict[str, Passage] = {}
        for passage in found:
            text = " ".join(passage.text.split())
            held = best.get(text)
            if held is None or first[passage.doc_id] < first[held.doc_id]:
                best[text] = passage
        kept = list(best.values())  # in the order each text was first found
        if len(kept) >= k or len(found) < wanted or wanted >= k + 20:
            return [p.model_copy(update={"rank": n}) for n, p in enumerate(kept[:k], start=1)]
        wanted += len(found) - len(kept)  # as many more as were copies


# A file's name as a question types it: "summarize PROGRAMMING.md", "what does report.pdf say".
_FILE_NAME = re.compile(r"[\w.-]+\.(?:md|markdown|pdf|html?|txt|docx)\b", re.IGNORECASE)


def _named_files(retriever: Retriever, question: str) -> frozenset[str] | None:
    """The documents a question names by their files' names, uploaded or ingested; None when
    it names none the collection holds."""
    names = {m.group() for m in _FILE_NAME.finditer(question)}
    # A file without a suffix goes by its name in capitals: "what is the HACKING file about".
    names |= set(re.findall(r"\b[A-Z][A-Z0-9_-]{3,}\b", question))
    if not names:
        return None
    held = retriever.has_documents(frozenset(names | {UPLOAD_PREFIX + n for n in names}))
    return held or None
