"""Question -> candidate chunks from indexes on disk, scored exactly on those alone: Chroma's
HNSW index finds them by meaning, a tantivy BM25 index (rag/word_index.py) by words, and only
the few hundred found are fetched and scored as rag/retrieve.py scores a whole snapshot. A
process then keeps no copy of the collection, and a question's cost does not grow with it. The
in-memory snapshot stays the exact mode for collections up to `Settings.exact_limit` chunks."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from rag.embed import Embedder
from rag.index import ChunkIndex, StoredChunks
from rag.retrieve import HybridOptions, HybridRetriever, mentions
from rag.schema import Passage
from rag.snapshot import SearchSnapshot
from rag.text import content_words
from rag.word_index import FORMAT, WordIndex

if TYPE_CHECKING:
    import numpy as np

# Candidates asked of each index per query (and per outlet the query names).
_DENSE_MANY = 100
_WORDS_MANY = 100
# Candidates read whole and scored by every signal: the best by meaning and words of the whole
# question's (at least 3 per passage asked for), and of each named outlet's.
_KEEP = 32
_KEEP_PER_OUTLET = 24
# A search within a few documents (a query of the word index each) of at most this many chunks
# reads their vectors and ranks them all, instead of asking Chroma's index with a filter (1.5 s
# at a million chunks).
_SCOPE_DOCUMENTS = 50
_SCOPE_READ = 5000
_SAMPLE = 2048
_T = TypeVar("_T")
# How long a reader leaves a new generation's delta to its writer, who writes it straight
# after the write (rag/pipeline.py): a reader that noticed the generation first and wrote the
# delta itself stalled its search 218 ms at 1M chunks. Past it, a reader writes it: the writer
# may have stopped, or may not keep a word index.
READER_GRACE = 1.0


class Store(Protocol):
    """How a retriever reads the collection: through the pipeline, which reconnects and reads
    again when another process's writes left its embedded Chroma client stale."""

    def read(self, read: Callable[[ChunkIndex], _T]) -> _T: ...


class _Remembered:
    """A word index's answers kept for one retriever (one request): a question's terms are
    scored first over every candidate, then again over the best of them, and for the scale."""

    def __init__(self, words: WordIndex) -> None:
        self._words = words
        self._scales: dict[tuple[str, ...], tuple[float, float]] = {}
        self._scores: dict[tuple[str, ...], tuple[set[str], dict[str, float]]] = {}

    def search(
        self,
        terms: Sequence[str],
        many: int,
        doc_ids: frozenset[str] | None = None,
        source: str | None = None,
    ) -> list[tuple[str, float]]:
        if doc_ids is not None or source is not None:
            return self._words.search(terms, many, doc_ids, source)
        best, self._scales[tuple(terms)] = self._words.search_and_scale(terms, many)
        return best

    def chunks_of(self, doc_ids: Iterable[str], most: int) -> list[str] | None:
        return self._words.chunks_of(doc_ids, most)

    def scale(self, terms: Sequence[str]) -> tuple[float, float]:
        key = tuple(terms)
        if key not in self._scales:
            self._scales[key] = self._words.scale(terms)
        return self._scales[key]

    def scores(self, terms: Sequence[str], ids: Sequence[str]) -> dict[str, float]:
        asked, found = self._scores.get(tuple(terms), (set(), {}))
        if not asked.issuperset(ids):
            asked, found = set(ids), self._words.scores(terms, ids)
            self._scores[tuple(terms)] = (asked, found)
        return found


class CollectionSample:
    """A fixed sample of a collection's chunks (their vectors, and their closest sentences'):
    what puts a question's candidates on the whole collection's scale, as a snapshot's
    standard deviations over every chunk do. Kept beside the word index."""

    def __init__(self, vectors: np.ndarray, sentences: tuple[np.ndarray, np.ndarray, np.ndarray]):
        self.vectors = vectors
        self.sentences = sentences

    @classmethod
    def of(cls, index: ChunkIndex, folder: Path, dimension: int, chunks: int) -> CollectionSample:
        """The sample saved in `folder`, or a new one if there is none, or if the collection
        (now `chunks` chunks) has grown past twice what it was when it was taken."""
        import uuid

        import numpy as np

        place = folder / "sample.npz"
        with contextlib.suppress(Exception):  # missing, cut short: taken again below
            saved = np.load(place)
            vectors = saved["vectors"].astype(np.float32)
            if 2 * len(vectors) >= min(chunks, _SAMPLE):
                sentences = saved["sentences"].astype(np.float32)
                return cls(vectors, (sentences, saved["at"], saved["has"]))
        rows = SearchSnapshot.partial(index.first(_SAMPLE), dimension)
        sample = cls(np.asarray(rows.vectors), rows.sample_sentences)
        fresh = folder / f"sample.{uuid.uuid4().hex}.npz"
        sentences, at, has = sample.sentences
        # Half precision on disk: a scale needs no more.
        half = np.float16
        np.savez(
            fresh,
            vectors=sample.vectors.astype(half),
            sentences=sentences.astype(half),
            at=at,
            has=has,
        )
        fresh.rename(place)
        return sample

    def dense(self, vector: np.ndarray) -> tuple[float, float]:
        """The mean and spread of the sample's cosines to `vector`."""
        if not len(self.vectors):
            return 0.0, 1.0
        cosines = self.vectors @ vector
        return float(cosines.mean()), float(cosines.std()) or 1.0


class CandidateRows(SearchSnapshot):
    """One question's candidate chunks, fetched from the store by id, scored on the whole
    collection's scale: cosines by the sample's, BM25 by the word index's."""

    _collection_sample: CollectionSample
    _words: _Remembered

    @classmethod
    def of(
        cls,
        stored: StoredChunks,
        dimension: int,
        sample: CollectionSample,
        words: _Remembered,
        sources: list[str],
    ) -> CandidateRows:
        rows = cls.partial(stored, dimension, sample.sentences)
        rows._collection_sample, rows._words = sample, words
        rows.sources = sources  # the collection's outlets, longest first
        return rows

    def dense(self, vector: np.ndarray) -> np.ndarray:
        mean, spread = self._collection_sample.dense(vector)
        return (self.vectors @ vector - mean) / spread  # type: ignore[no-any-return]

    def lexical(self, terms: list[str]) -> np.ndarray:
        import numpy as np

        found = self._words.scores(terms, self.ids)
        mean, spread = self._words.scale(terms)
        scores = np.array([found.get(i, 0.0) for i in self.ids], dtype=np.float32)
        return (scores - mean) / spread


class Fetched:
    """The sentence vectors of the passages an IndexedRetriever returned (StoredSentences):
    each search's candidates are kept until the retriever is dropped (one request)."""

    def __init__(self, store: Store, dimension: int, words: WordIndex | None = None) -> None:
        self._store = store
        self._dimension = dimension
        self._words = words
        self.rows: list[SearchSnapshot] = []

    def vectors_of(self, passage: Passage) -> dict[tuple[int, int], np.ndarray]:
        for rows in reversed(self.rows):
            if found := rows.vectors_of(passage):
                return found
        return {}

    def document(self, doc_id: str) -> list[Passage]:
        # Its chunks by id, as the word index lists them: Chroma finds them by their doc_id
        # only by reading every chunk's metadata (100-150 ms at a million chunks, 4 ms by id).
        ids = self._words.chunks_of([doc_id], _SCOPE_READ) if self._words is not None else None
        stored = self._store.read(lambda index: index.records(ids)) if ids else None
        if stored is None or ids is None or len(stored.ids) < len(ids):
            # Not in the word index yet, or changed since it was written.
            stored = self._store.read(lambda index: index.export(frozenset({doc_id})))
        rows = SearchSnapshot.partial(stored, self._dimension)
        self.rows.append(rows)
        return rows.document(doc_id)


class IndexedRetriever(HybridRetriever):
    """HybridRetriever's ranking, over candidates instead of the whole collection: the chunks
    nearest the question (and each clause naming an outlet) by Chroma's HNSW index and best by
    the word index, fetched by id and scored as a snapshot scores every chunk."""

    def __init__(
        self,
        store: Store,
        words: WordIndex,
        sample: CollectionSample,
        sources: list[str],
        embedder: Embedder,
        options: HybridOptions,
    ) -> None:
        self._store, self._words, self._sample = store, _Remembered(words), sample
        self._sources = sorted(sources, key=len, reverse=True)
        self._fetched = Fetched(store, embedder.dimension, words)
        super().__init__(
            CandidateRows.of(
                StoredChunks([], [], [], []), embedder.dimension, sample, self._words, []
            ),
            embedder,
            options,
        )

    @property
    def stored(self) -> Fetched:
        return self._fetched

    def has_documents(self, doc_ids: frozenset[str]) -> frozenset[str]:
        return self._store.read(lambda index: index.has_documents(doc_ids))

    def search(
        self, query: str, top_k: int, doc_ids: frozenset[str] | None = None
    ) -> list[Passage]:
        return self._store.read(lambda index: self._search(index, query, top_k, doc_ids))

    def _search(
        self, index: ChunkIndex, query: str, top_k: int, doc_ids: frozenset[str] | None
    ) -> list[Passage]:
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": sorted(doc_ids)}}
        # The whole question's candidates; with the news profile, each named outlet's too.
        asked: list[tuple[str | None, str, dict[str, Any] | None]] = [(None, query, where)]
        if self._options.per_source:
            for source, clause in mentions(query, self._sources):
                within: dict[str, Any] = {"source": source}
                asked.append((source, clause, {"$and": [where, within]} if where else within))
        found: list[dict[str, None]] = []  # per search, the ids found in order, once each
        vectors: dict[str, Any] = {}
        scope = self._scope(index, doc_ids)
        for outlet, clause, limit in asked:
            ids: dict[str, None] = {}
            for text in dict.fromkeys([query, clause]):
                vector = self._embedder.embed_query(text)
                if scope is not None and outlet is None:
                    near = _nearest(vector, scope, _DENSE_MANY)
                else:
                    near = index.nearest(vector, _DENSE_MANY, limit)
                vectors.update(near)
                hits = self._words.search(content_words(text), _WORDS_MANY, doc_ids, outlet)
                ids.update(dict.fromkeys(i for i, _ in near + hits))
            found.append(ids)
        # First by meaning and words alone, from the candidates' vectors (those the vector
        # index did not return are read: a few times cheaper than whole records); then the
        # best, read whole, by every signal.
        missing = [i for ids in found for i in ids if i not in vectors]
        vectors.update(zip(*index.vectors(list(dict.fromkeys(missing))), strict=True))
        every = [i for i in dict.fromkeys(i for ids in found for i in ids) if i in vectors]
        blank: list[Mapping[str, Any]] = [{"doc_id": ""}] * len(every)
        stored = StoredChunks(every, [""] * len(every), blank, [vectors[i] for i in every])
        self._snapshot = self._rows(stored)
        first = self.scores(query)
        row = {chunk: n for n, chunk in enumerate(every)}
        kept: dict[str, None] = {}
        for (outlet, clause, _), ids in zip(asked, found, strict=True):
            ranking = first
            if outlet is not None and self._options.clause_weight:
                weight = self._options.clause_weight
                ranking = (1 - weight) * first + weight * self.scores(clause)
            many = max(_KEEP, 3 * top_k) if outlet is None else _KEEP_PER_OUTLET
            best = sorted((row[i] for i in ids if i in row), key=lambda n: -ranking[n])[:many]
            kept.update(dict.fromkeys(every[n] for n in best))
        rows = self._rows(index.records(list(kept)))
        self._snapshot = rows
        self._fetched.rows.append(rows)
        return super().search(query, top_k, doc_ids)

    def _rows(self, stored: StoredChunks) -> CandidateRows:
        return CandidateRows.of(
            stored, self._embedder.dimension, self._sample, self._words, self._sources
        )

    def _scope(
        self, index: ChunkIndex, doc_ids: frozenset[str] | None
    ) -> tuple[list[str], np.ndarray] | None:
        """The ids and vectors of every chunk of a search's few documents, found by id through
        the word index; None when there is no scope, it is large, or the word index does not
        yet hold each document as stored (a write since: Chroma's filter then finds them)."""
        import numpy as np

        if doc_ids is None or len(doc_ids) > _SCOPE_DOCUMENTS:
            return None
        ids = self._words.chunks_of(doc_ids, _SCOPE_READ)
        if ids is None:
            return None
        read, vectors = index.vectors(ids)
        if len(read) < len(ids):
            return None
        return read, np.asarray(vectors, dtype=np.float32)


def _nearest(
    vector: Sequence[float], scope: tuple[list[str], np.ndarray], many: int
) -> list[tuple[str, Any]]:
    """The `many` chunks of the scope nearest `vector` by cosine, with their vectors."""
    import numpy as np

    ids, vectors = scope
    query = np.asarray(vector, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
    similarity = (vectors @ query) / np.maximum(norms, 1e-12)
    best = np.argsort(-similarity, kind="stable")[:many]
    return [(ids[i], vectors[i]) for i in best]


@dataclass
class _Opened:
    """A collection's word index and sample in this process."""

    uid: str
    words: WordIndex
    sample: CollectionSample | None = None
    sampled_at: str = ""  # the generation the sample was checked at


class WordIndexes:
    """Each collection's word index and sample, opened once per process, under `folder`
    (DATA_DIR/words/NAME/ID.vFORMAT)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._open: dict[str, _Opened] = {}
        self._lock = threading.Lock()

    def retriever(
        self,
        index: ChunkIndex,
        generation: str,
        embedder: Embedder,
        options: HybridOptions,
        store: Store,
        grace: float | None = None,
    ) -> IndexedRetriever:
        """A retriever over the collection as of `generation`, its word index brought up to
        date (a writer's at once, `grace` 0; a reader's leaves a new delta to its writer for
        READER_GRACE seconds, and searches the index as it is meanwhile)."""
        # Named by the collection's id and this format: a collection made again, or an index
        # another version wrote, is built anew (and the old folder removed).
        place = self._folder / index.name / f"{index.uid}.v{FORMAT}"
        with self._lock:
            opened = self._open.get(index.name)
            if opened is None or opened.uid != index.uid:
                for other in (self._folder / index.name).glob("*"):
                    if other != place:  # the collection's earlier lives
                        shutil.rmtree(other, ignore_errors=True)
                opened = self._open[index.name] = _Opened(index.uid, WordIndex(place))
        # Outside the lock: a search does not wait for an upload's word-index write.
        opened.words.follow(index, generation, READER_GRACE if grace is None else grace)
        with self._lock:
            sample = opened.sample
            # A sample of a collection that was small then is taken again as it grows.
            small = sample is not None and len(sample.vectors) < _SAMPLE
            if sample is None or (small and opened.sampled_at != generation):
                size = opened.words.size()
                sample = CollectionSample.of(index, place, embedder.dimension, size)
                opened.sample, opened.sampled_at = sample, generation
            words = opened.words
        return IndexedRetriever(store, words, sample, words.sources(), embedder, options)
