"""Question -> ranked Passages: dense, lexical and metadata signals fused over a collection's
snapshot (rag/snapshot.py) or over a large collection's candidates (rag/candidates.py), or
Chroma's own vector search."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rag.embed import Embedder
from rag.index import ChunkIndex
from rag.schema import Passage
from rag.snapshot import SearchSnapshot, passage_from_node
from rag.text import content_words, dates_in

if TYPE_CHECKING:
    import numpy as np


class StoredSentences(Protocol):
    """The sentence vectors computed at ingest, so that answering need not embed them again."""

    def vectors_of(self, passage: Passage) -> dict[tuple[int, int], np.ndarray]:
        """A passage's stored sentences, by their (start, end) in its text; {} if unknown."""
        ...

    def document(self, doc_id: str) -> list[Passage]:
        """Every chunk of a document as a passage, in the document's order ([] if unknown);
        their sentence vectors are known too (a summary reads the whole document)."""
        ...


class Retriever(Protocol):
    """Anything that ranks a collection's chunks for a query, and may hold the sentence
    vectors of the passages it returns."""

    @property
    def stored(self) -> StoredSentences | None: ...

    def search(
        self, query: str, top_k: int, doc_ids: frozenset[str] | None = None
    ) -> list[Passage]:
        """The best `top_k` passages; only of the documents `doc_ids` names, if given."""
        ...

    def has_documents(self, doc_ids: frozenset[str]) -> frozenset[str]:
        """Which of these document ids the collection holds."""
        ...


class DenseRetriever:
    """Nearest chunks by embedding similarity through Chroma's own index, best first."""

    def __init__(self, index: ChunkIndex, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder

    @property
    def stored(self) -> StoredSentences | None:
        """None: Chroma's search returns no sentence vectors."""
        return None

    def search(
        self, query: str, top_k: int, doc_ids: frozenset[str] | None = None
    ) -> list[Passage]:
        hits = self._index.query(self._embedder.embed_query(query), top_k, doc_ids)
        return [passage_from_node(hit, rank) for rank, hit in enumerate(hits, start=1)]

    def has_documents(self, doc_ids: frozenset[str]) -> frozenset[str]:
        return self._index.has_documents(doc_ids)


@dataclass(frozen=True)
class HybridOptions:
    """The switches of hybrid retrieval; each technique can be turned off on its own."""

    dense_weight: float = 0.4  # the rest goes to BM25; 1.0 is dense only, 0.0 BM25 only
    lexical: bool = True
    # Added to chunks of articles published on a date the query names, in units of the
    # signals' total weight, so that adding a signal does not drown the date.
    date_boost: float = 1.0
    per_source: int = 5  # chunks taken from each outlet the query names, in turn; 0: off
    clause_weight: float = 0.5  # an outlet's chunks ranked this much by the clause naming it
    # Within a turn, an outlet's chunk is placed by that clause-informed ranking too, not only
    # by the whole question's score.
    order_by_clause: bool = True
    # Within a turn, the chunks chosen for the outlets a question names come before the one
    # chosen by the whole question: a multi-hop question's evidence is in those outlets.
    outlets_first: bool = True
    sentence_weight: float = 0.4  # weight of a chunk's best sentence's similarity; 0: off
    # The sentence signal is computed for this many chunks, the best by the other signals (0:
    # every chunk): its cost then stays flat as the collection grows.
    sentence_candidates: int = 400
    max_chunks_per_doc: int = 3  # 0: no limit


def mentions(query: str, sources: list[str]) -> list[tuple[str, str]]:
    """The outlets of `sources` (longest first) a query names, in order, each with its clause:
    the words between the previous outlet's mention and the next one's ("X, according to
    Fortune, and Y, as The Age reported" gives Fortune "X, according to Fortune, and Y, as")."""
    spans: list[tuple[int, int, str]] = []
    for source in sources:  # longest first: "BBC News" before "BBC"
        pattern = rf"(?<!\w){re.escape(source)}(?!\w)"
        for m in re.finditer(pattern, query, re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), source))
    spans.sort()
    bounds = [0, *(start for start, _, _ in spans[1:]), len(query)]
    after = [0, *(end for _, end, _ in spans[:-1])]
    return [(source, query[after[k] : bounds[k + 1]]) for k, (_, _, source) in enumerate(spans)]


class HybridRetriever:
    """Dense similarity (of the chunk, and of its closest sentence) and BM25, each
    standardised and fused by weight, plus a boost for the date a question names. A question
    naming outlets ("according to TechCrunch ... and The Verge") is decomposed: each outlet's
    chunks are ranked by the question and by the clause that names the outlet, and take turns
    at the top, so every article a multi-hop question needs is represented; a cap on chunks
    per document keeps room for them."""

    def __init__(
        self, snapshot: SearchSnapshot, embedder: Embedder, options: HybridOptions
    ) -> None:
        self._snapshot = snapshot
        self._embedder = embedder
        self._options = options

    @property
    def stored(self) -> StoredSentences:
        """The sentence vectors of the passages this retriever returns."""
        return self._snapshot

    def scores(self, query: str) -> np.ndarray:
        import numpy as np

        snap, opt = self._snapshot, self._options
        vector = np.asarray(self._embedder.embed_query(query), dtype=np.float32)
        fused = opt.dense_weight * snap.dense(vector)
        weight = opt.dense_weight
        # The one sentence that matches, which the chunk's own vector averages away.
        sentences = snap.sentence_sample(vector) if opt.sentence_weight else None
        if sentences is not None:
            weight += opt.sentence_weight
        terms = content_words(query)
        if opt.lexical and opt.dense_weight < 1 and terms:
            fused = fused + (1 - opt.dense_weight) * snap.lexical(terms)
            weight += 1 - opt.dense_weight
        if opt.date_boost:
            days = dates_in(query)
            if days:
                near = {str(d + dt.timedelta(days=k)) for d in days for k in (-1, 0, 1)}
                boost = opt.date_boost * weight
                fused = fused + boost * np.isin(snap.day_of, list(near))
        if sentences is not None:
            # Only for the best candidates by the other signals, on the scale of the sample's;
            # the others are scored as if their closest sentence were average.
            many = opt.sentence_candidates or len(fused)
            if many < len(fused):
                chunks = np.argpartition(-fused, many - 1)[:many]
            else:
                chunks = np.arange(len(fused))
            best = snap.best_sentence(vector, chunks)
            mean, spread = sentences
            fused[chunks] += opt.sentence_weight * np.nan_to_num((best - mean) / spread)
        return fused

    def mentions(self, query: str) -> list[tuple[str, str]]:
        return mentions(query, self._snapshot.sources)

    def has_documents(self, doc_ids: frozenset[str]) -> frozenset[str]:
        return doc_ids & self._snapshot.doc_set

    def search(
        self, query: str, top_k: int, doc_ids: frozenset[str] | None = None
    ) -> list[Passage]:
        import numpy as np

        snap, opt = self._snapshot, self._options
        if not len(snap):
            return []
        scores = self.scores(query)
        if doc_ids is not None:
            # A question scoped to some documents: the others' chunks are never chosen.
            scores = np.where(np.isin(snap.doc_of, list(doc_ids)), scores, -np.inf)
        cap = opt.max_chunks_per_doc or top_k
        queues: list[list[int]] = []
        placed: dict[int, float] = {}  # a chunk's outlet ranking, where it is in an outlet's queue
        if opt.per_source:
            for source, clause in self.mentions(query):
                ranking = scores
                if opt.clause_weight:
                    # Each outlet is asked about its own part of a multi-hop question.
                    ranking = (1 - opt.clause_weight) * scores + opt.clause_weight * self.scores(
                        clause
                    )
                within = np.where(snap.source_of == source, ranking, -np.inf)
                best = [int(i) for i in np.argsort(-within)[: opt.per_source]]
                queues.append([i for i in best if np.isfinite(within[i])])
                for i in queues[-1]:
                    placed[i] = max(placed.get(i, -np.inf), float(within[i]))
        queues.append(
            [int(i) for i in np.argsort(-scores)[: max(top_k * 20, 200)] if np.isfinite(scores[i])]
        )
        by_clause = placed if opt.order_by_clause else {}
        order = {i: by_clause.get(i, float(scores[i])) for q in queues for i in q}

        chosen: list[int] = []
        per_doc: dict[str, int] = {}
        # One from each queue in turn (the outlets' best chunks, then the best overall), each
        # turn ordered by the score that chose its chunks: the whole question's, or an outlet's
        # ranking by its clause, which names that article's part of the question more exactly;
        # the outlets' chunks first, unless switched off.
        first = placed if opt.outlets_first else {}
        for row in itertools.zip_longest(*queues):
            turn: list[int] = []
            for i in row:
                if i is None or i in chosen or i in turn:
                    continue
                doc = str(snap.metadatas[i]["doc_id"])
                if per_doc.get(doc, 0) >= cap:
                    continue
                per_doc[doc] = per_doc.get(doc, 0) + 1
                turn.append(i)
            chosen += sorted(turn, key=lambda i: (i not in first, -order[i]))
            if len(chosen) >= top_k:
                break
        chosen = chosen[:top_k]
        return [snap.passage(i, rank, order[i]) for rank, i in enumerate(chosen, start=1)]
