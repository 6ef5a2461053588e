"""The one wiring point: build_pipeline(settings) picks the backends and returns a Pipeline."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rag.answer import AnswerEngine, ExtractiveEngine, Prompts
from rag.embed import Embedder, HuggingFaceEmbedder, load_token_counter, resolve_model_path
from rag.errors import IngestFailed, InvalidInput
from rag.index import BuildInfo, ChunkIndex, collection_exists, connect
from rag.ingest import Chunker, document_hash, embedding_text, iter_files, load_document
from rag.retrieve import DenseRetriever
from rag.schema import Answer, Document, SearchResult
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest did: documents added, updated, left alone, and files that failed."""

    collection: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0

    def summary(self) -> str:
        return (
            f"{self.collection}: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.chunks} chunks embedded)"
        )


class Pipeline:
    """Ingest, search and ask over one collection; faces (CLI, UI, API) call only this."""

    def __init__(
        self,
        settings: Settings,
        client: ClientAPI,
        embedder: Embedder,
        model_path: Path | None,
        engine_factory: type[ExtractiveEngine] = ExtractiveEngine,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._model_path = model_path
        self._chunker: Chunker | None = None
        self._indexes: dict[str, ChunkIndex] = {}
        self.build_info = BuildInfo(
            embed_model=embedder.name,
            dimension=embedder.dimension,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            splitter="SentenceSplitter",
        )
        self.engine: AnswerEngine = engine_factory(
            embedder,
            Prompts.load(settings.prompts_dir),
            max_sentences=settings.max_answer_sentences,
            answer_similarity=settings.answer_similarity,
            answer_similarity_with_terms=settings.answer_similarity_with_terms,
            answer_term_coverage=settings.answer_term_coverage,
        )

    def index(self, collection: str | None = None, *, create: bool = False) -> ChunkIndex:
        """The named collection (default from settings), opened once and checked."""
        name = collection or self.settings.collection
        if name not in self._indexes:
            self._indexes[name] = ChunkIndex.open(self._client, name, self.build_info, create)
        return self._indexes[name]

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
        self, paths: Iterable[Path], collection: str | None = None, *, rebuild: bool = False
    ) -> IngestReport:
        """Index files and folders; unchanged documents are recognised by hash and not re-embedded.

        Raises:
            InvalidInput: a path does not exist.
        """
        name = collection or self.settings.collection
        if rebuild:
            self._indexes[name] = ChunkIndex.rebuild(self._client, name, self.build_info)
        index = self.index(name, create=True)
        report = IngestReport(collection=name)
        stored = index.doc_hashes()
        for file, root in list(iter_files(paths)):
            # Each file is its own unit: one that fails is reported and the rest go on.
            try:
                document = load_document(file, root)
                known = stored.get(document.doc_id)
                if known == {document_hash(document)}:
                    report.unchanged.append(document.doc_id)
                    continue
                report.chunks += self._write(index, document)
                (report.updated if known else report.added).append(document.doc_id)
            except IngestFailed as exc:
                report.failed.append((str(file), str(exc)))
            except Exception as exc:  # reported per file, so the rest of the folder goes on
                log.exception("ingest of %s failed", file)
                report.failed.append((str(file), f"{file}: {type(exc).__name__}: {exc}"))
        return report

    def _write(self, index: ChunkIndex, document: Document) -> int:
        chunks = self.chunker().split(document)
        vectors = self.embedder.embed_documents([embedding_text(c) for c in chunks])
        index.replace_document(document.doc_id, chunks, vectors)
        return len(chunks)

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
        self, query: str, top_k: int | None = None, collection: str | None = None
    ) -> SearchResult:
        """Ranked passages for a query.

        Raises:
            InvalidInput: empty or overlong query, or top_k outside 1..50.
            CollectionNotFound: the collection does not exist.
        """
        query = self._check_text(query, "query")
        retriever = DenseRetriever(self.index(collection), self.embedder)
        return SearchResult(query=query, passages=retriever.search(query, self._top_k(top_k)))

    def ask(self, question: str, top_k: int | None = None, collection: str | None = None) -> Answer:
        """Answer a question from the collection, with citations, or refuse.

        Raises:
            InvalidInput: empty or overlong question, or top_k outside 1..50.
            CollectionNotFound: the collection does not exist.
        """
        question = self._check_text(question, "question")
        retriever = DenseRetriever(self.index(collection), self.embedder)
        passages = retriever.search(question, self._top_k(top_k))
        return self.engine.answer(question, passages)


def build_pipeline(settings: Settings, *, embedder: Embedder | None = None) -> Pipeline:
    """Build the pipeline the settings describe; `embedder` overrides the model (tests).

    Raises:
        BackendUnavailable: the embedding model or a backend package is not installed.
    """
    model_path: Path | None
    if embedder is None:
        model_path = resolve_model_path(settings.embed_model)
        embedder = HuggingFaceEmbedder(
            settings.embed_model, model_path, batch_size=settings.embed_batch_size
        )
    else:
        model_path = getattr(embedder, "model_path", None)
    match settings.engine:
        case "extractive":
            engine_factory = ExtractiveEngine
    return Pipeline(settings, connect(settings.data_dir), embedder, model_path, engine_factory)
