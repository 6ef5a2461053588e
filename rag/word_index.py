"""Chunks -> a BM25 index on disk (tantivy) that several processes read and one at a time
brings up to date from the collection's delta: rag/candidates.py asks it for candidates by
words, and for a document's chunks by id."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.index import ChunkIndex
from rag.snapshot import header
from rag.text import content_words

if TYPE_CHECKING:
    import tantivy

# BM25 scores read to put the candidates' on the collection's scale: every chunk outside these
# counts as scoring 0, which holds for every chunk without the query's words.
SCALE_MANY = 2000
FORMAT = 5  # of the word index's schema and folder (2: Snowball English stems; 3: accents folded;
# 4: British spellings made American; 5: "17th" is "17")
# What tantivy's writer may buffer before it writes a segment (its floor is 15 MB per thread).
_WRITER_HEAP = 64_000_000


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError as exc:  # pragma: no cover - in requirements.txt
        from rag.errors import BackendUnavailable

        raise BackendUnavailable(
            "Searching a large collection needs tantivy: pip install -r requirements.txt"
        ) from exc
    return tantivy


class WordIndex:
    """BM25 over a collection's chunks on disk (tantivy): title, outlet, date and text as
    content words, the same words a snapshot's LexicalIndex counts. Several processes read it;
    the first that sees the collection's generation change applies the documents written since
    (the same delta snapshots follow), under a file lock, so each host keeps one up to date
    from the store it shares."""

    def __init__(self, folder: Path) -> None:
        tv = _tantivy()
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        builder = tv.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("doc_id", tokenizer_name="raw", index_option="basic")
        builder.add_text_field("source", tokenizer_name="raw", index_option="basic")
        builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
        self._schema = builder.build()
        self._index = tv.Index(self._schema, path=str(folder))
        self._seen: str | None = None  # the generation this process's reader was reloaded at
        self._noticed: tuple[str, float] = ("", 0.0)  # a generation first seen unwritten, when

    def size(self) -> int:
        """How many chunks the index holds."""
        return int(self._index.searcher().num_docs)

    def sources(self) -> list[str]:
        """Every outlet the collection's chunks name (and, until segments merge, some that
        only deleted chunks named: those find no candidates)."""
        searcher = self._index.searcher()
        return [str(term) for term, _ in searcher.terms_with_prefix("source", "") if term]

    def _recorded(self) -> str | None:
        """The collection generation the index holds, None if it was never built whole."""
        try:
            return (self._folder / "generation").read_text()
        except OSError:
            return None

    def follow(self, index: ChunkIndex, generation: str, grace: float = 0.0) -> None:
        """Bring the index to the collection's `generation`: the documents written since the
        one it holds, or every chunk when those are not known. While another thread or
        process is writing a delta, the index stays as it was and the next search looks
        again: a search that waited for the writer's commit stalled 60-130 ms at 1M chunks
        (`bench/scale.py`; the next search after the write finds it done). So it does for
        `grace` seconds after it first sees a generation no one has written yet."""
        if self._seen == generation:
            return
        recorded = self._recorded()
        if recorded != generation:
            if recorded is not None and not self._due(generation, grace):
                return
            # A first build is waited for: there is nothing yet to search with.
            with _locked(self._folder / "lock", wait=recorded is None) as taken:
                if not taken:
                    return
                held = self._recorded()
                if held != generation:
                    self._write(index, held)
        self._index.reload()
        self._seen = generation

    def _due(self, generation: str, grace: float) -> bool:
        """Whether `grace` seconds have passed since this process first saw `generation`
        unwritten."""
        now = time.monotonic()
        if self._noticed[0] != generation:
            self._noticed = (generation, now)
        return now - self._noticed[1] >= grace

    def _write(self, index: ChunkIndex, held: str | None) -> None:
        tv = _tantivy()
        delta = index.changes_since(held) if held is not None else None
        current = delta[0] if delta is not None else index.generation()
        writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        try:
            if delta is None:
                writer.delete_all_documents()
            for doc_id in delta[1] if delta is not None else ():
                writer.delete_documents_by_term("doc_id", doc_id)
            for page in index.pages(delta[1] if delta is not None else None, vectors=False):
                for chunk, text, metadata in zip(page.ids, page.texts, page.metadatas, strict=True):
                    words = content_words(header(metadata) + " " + text)
                    writer.add_document(
                        tv.Document(
                            id=chunk,
                            doc_id=str(metadata["doc_id"]),
                            source=str(metadata.get("source") or ""),
                            words=" ".join(words),
                        )
                    )
            writer.commit()
        finally:
            # Ends the writer and frees the index's lock, also when the write failed (its
            # changes are then dropped): an exception's traceback would keep it alive.
            writer.wait_merging_threads()
        # Recorded after the commit: a write cut short is done again by the next reader.
        (self._folder / "generation").write_text(current)

    def _query(
        self,
        terms: Sequence[str],
        doc_ids: frozenset[str] | None = None,
        source: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> tantivy.Query:
        tv = _tantivy()
        made: tantivy.Query
        query = tv.Query
        # A repeated term counts again, as in a snapshot's BM25.
        words = [(tv.Occur.Should, query.term_query(self._schema, "words", t)) for t in terms]
        limits = []
        if doc_ids is not None:
            limits.append(query.term_set_query(self._schema, "doc_id", sorted(doc_ids)))
        if source is not None:
            limits.append(query.term_query(self._schema, "source", source))
        if ids is not None:
            limits.append(query.term_set_query(self._schema, "id", list(ids)))
        if not limits:
            made = query.boolean_query(words)
            return made
        made = query.boolean_query(
            [
                (tv.Occur.Must, query.boolean_query(words)),
                # A limit adds nothing to the score.
                *((tv.Occur.Must, query.const_score_query(q, 0.0)) for q in limits),
            ]
        )
        return made

    def search(
        self,
        terms: Sequence[str],
        many: int,
        doc_ids: frozenset[str] | None = None,
        source: str | None = None,
    ) -> list[tuple[str, float]]:
        """The ids of the `many` chunks best by BM25 for the terms, with their scores."""
        return self._best(terms, many, many, doc_ids, source)[0]

    def search_and_scale(
        self, terms: Sequence[str], many: int
    ) -> tuple[list[tuple[str, float]], tuple[float, float]]:
        """`search` and `scale` in one query."""
        return self._best(terms, many, max(many, SCALE_MANY))

    def _best(
        self,
        terms: Sequence[str],
        many: int,
        scored: int,
        doc_ids: frozenset[str] | None = None,
        source: str | None = None,
    ) -> tuple[list[tuple[str, float]], tuple[float, float]]:
        """The ids of the `many` best chunks with their scores, and the mean and spread of
        every chunk's score from the best `scored` (the others counted as 0)."""
        import math

        if not terms:
            return [], (0.0, 1.0)
        searcher = self._index.searcher()
        hits = searcher.search(self._query(terms, doc_ids, source), scored, count=False).hits
        best = [(searcher.doc(address)["id"][0], float(score)) for score, address in hits[:many]]
        total = max(int(searcher.num_docs), 1)
        mean = sum(float(score) for score, _ in hits) / total
        square = sum(float(score) ** 2 for score, _ in hits) / total
        return best, (mean, math.sqrt(max(square - mean * mean, 0.0)) or 1.0)

    def scores(self, terms: Sequence[str], ids: Sequence[str]) -> dict[str, float]:
        """These chunks' BM25 scores for the terms (those without any of them are left out)."""
        if not terms or not ids:
            return {}
        searcher = self._index.searcher()
        query = self._query(terms, ids=ids)
        hits = searcher.search(query, len(ids), count=False).hits
        return {searcher.doc(address)["id"][0]: float(score) for score, address in hits}

    def scale(self, terms: Sequence[str]) -> tuple[float, float]:
        """The mean and spread of every chunk's BM25 score for the terms, from the best
        `SCALE_MANY` (the others counted as 0)."""
        return self._best(terms, 0, SCALE_MANY)[1]

    def chunks_of(self, doc_ids: Iterable[str], most: int) -> list[str] | None:
        """The ids of these documents' chunks as the index holds them; None when it holds
        none of one of them (written since), or more than `most` in all."""
        searcher = self._index.searcher()
        term = _tantivy().Query.term_query
        ids: list[str] = []
        for doc_id in doc_ids:
            query = term(self._schema, "doc_id", doc_id)
            held = searcher.search(query, 1, count=True).count
            if not held or len(ids) + held > most:
                return None
            ids += [searcher.doc(a)["id"][0] for _, a in searcher.search(query, held).hits]
        return ids


@contextlib.contextmanager
def _locked(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """One writer at a time, threads and processes alike (tantivy allows one writer per
    index): yields whether the lock was taken; without `wait`, False at once when another
    holds it."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
