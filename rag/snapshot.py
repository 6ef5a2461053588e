"""What Chroma stores -> an in-memory copy for exact search (a snapshot): chunk vectors, int8
sentence vectors and BM25 counts, brought up to date by the documents each write changed, and
kept on disk between runs. llama-index nodes become Passages here, and only here."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from rag.index import (
    SENTENCES_KEY,
    ChunkIndex,
    StoredChunks,
    sentence_scales,
    stored_offsets,
    unpack_sentence_codes,
)
from rag.lexical import LexicalIndex
from rag.schema import Passage
from rag.text import content_words, spelled_date

if TYPE_CHECKING:
    import numpy as np
    from llama_index.core.schema import NodeWithScore


def passage_from_node(hit: NodeWithScore, rank: int) -> Passage:
    """Turn one llama-index search hit into our Passage."""
    node = hit.node
    # Our chunks are always TextNodes, which carry their offsets in the document.
    start, end = getattr(node, "start_char_idx", None), getattr(node, "end_char_idx", None)
    return _passage(node.metadata, node.get_content(), start, end, hit.score, rank)


def passage_from_stored(metadata: Mapping[str, Any], text: str, score: float, rank: int) -> Passage:
    """A stored chunk as our Passage, read from the metadata llama-index wrote for it without
    llama-index: importing it costs a process 1.2 s, which a one-shot search and the first
    question after start would otherwise pay."""
    start, end = stored_offsets(metadata)
    return _passage(metadata, text, start, end, score, rank)


def _passage(
    metadata: Mapping[str, Any],
    text: str,
    start_idx: int | None,
    end_idx: int | None,
    score: float | None,
    rank: int,
) -> Passage:
    start = start_idx if start_idx is not None else 0
    return Passage(
        rank=rank,
        doc_id=str(metadata["doc_id"]),
        title=str(metadata.get("title") or metadata["doc_id"]),
        source=metadata.get("source") or None,
        published_at=metadata.get("published_at") or None,
        text=text,
        start=start,
        end=end_idx if end_idx is not None else start + len(text),
        score=round(float(score or 0.0), 6),
        page=metadata.get("page"),
        section=metadata.get("section") or None,
        created_at=metadata.get("created_at") or None,
        ocr=bool(metadata.get("ocr")),
    )


@dataclass
class _Rows:
    """Chunks as a snapshot keeps them, in order: unit vectors, and sentence vectors (the rows
    of chunk i marked i in `owners`) as stored, int8, with what makes each a unit vector."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    vectors: np.ndarray
    spans: list[list[tuple[int, int]]]
    sentences: np.ndarray
    scales: np.ndarray
    owners: np.ndarray

    @classmethod
    def read(cls, stored: StoredChunks, dimension: int | None = None) -> _Rows:
        import numpy as np

        # A collection whose every document was deleted is empty, not missing: no rows at all.
        width = -1 if stored.ids else (dimension or 0)
        vectors = np.asarray(stored.vectors, dtype=np.float32).reshape(len(stored.ids), width)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-12)
        found, owners, spans = [], [], []
        for i, metadata in enumerate(stored.metadatas):
            these: list[tuple[int, int]] = []
            if packed := metadata.get(SENTENCES_KEY):
                these, matrix = unpack_sentence_codes(str(packed), vectors.shape[1])
                found.append(matrix)
                owners.append(np.full(len(matrix), i))
            spans.append(these)
        metadatas = [{k: v for k, v in m.items() if k != SENTENCES_KEY} for m in stored.metadatas]
        codes = np.concatenate(found) if found else np.zeros((0, vectors.shape[1]), np.int8)
        return cls(
            ids=list(stored.ids),
            texts=list(stored.texts),
            metadatas=metadatas,
            vectors=vectors,
            spans=spans,
            sentences=codes,
            scales=sentence_scales(codes),
            owners=np.concatenate(owners) if owners else np.zeros(0, dtype=int),
        )

    def words(self) -> list[list[str]]:
        """What BM25 counts of each chunk: its title, outlet and date, and its text."""
        return [
            content_words(header(m) + " " + t)
            for m, t in zip(self.metadatas, self.texts, strict=True)
        ]


def _standard(scores: np.ndarray) -> np.ndarray:
    """Scores in standard deviations from their mean: comparable across signals."""
    spread = float(scores.std())
    return (scores - scores.mean()) / (spread if spread > 0 else 1.0)  # type: ignore[no-any-return]


def header(metadata: Mapping[str, Any]) -> str:
    """What BM25 reads of a chunk besides its text: its document's title, outlet and date."""
    published = spelled_date(metadata.get("published_at"))
    return " ".join(str(x) for x in (metadata.get("title"), metadata.get("source"), published) if x)


class SearchSnapshot:
    """An in-memory copy of a collection for exact search: vectors, BM25 over metadata and
    text. Built from what Chroma stores, so every process (and server mode) sees the same; after
    a write, the documents it changed are read again and the rest is kept (`updated`)."""

    def __init__(self, stored: StoredChunks, generation: str, uid: str = "") -> None:
        rows = _Rows.read(stored)
        self.uid = uid  # the collection's id (it changes when a collection is made again)
        self._assemble(generation, rows, LexicalIndex.build(rows.words()))

    @classmethod
    def partial(
        cls,
        stored: StoredChunks,
        dimension: int,
        sample: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> Self:
        """A copy of some chunks only (a question's candidates, a sample), with no BM25 of
        its own; the closest sentences' scale from `sample` (default: these chunks')."""
        snapshot = object.__new__(cls)
        snapshot.uid = ""
        snapshot._assemble("", _Rows.read(stored, dimension), LexicalIndex.build([]), sample)
        return snapshot

    @property
    def sample_sentences(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sampled chunks' sentence vectors, where each chunk's begin, which have any."""
        return self._sample

    def save(self, folder: Path) -> None:
        """Write the snapshot to a new folder: arrays as .npy files (mapped when loaded), the
        rest as JSON."""
        import numpy as np

        folder.mkdir(parents=True)
        counts = self._lexical.counts
        arrays = {
            "vectors": self.vectors,
            "codes": self._sentence_codes,
            "scales": self._sentence_scales,
            "owners": self._sentence_owner,
            "data": counts.data,
            "indices": counts.indices,
            "indptr": counts.indptr,
        }
        for name, array in arrays.items():
            np.save(folder / f"{name}.npy", np.ascontiguousarray(array))
        vocabulary = sorted(self._lexical.vocabulary, key=self._lexical.vocabulary.__getitem__)
        rest = {
            "version": _SAVED_VERSION,
            "generation": self.generation,
            "uid": self.uid,
            "ids": self.ids,
            "texts": self.texts,
            "metadatas": self.metadatas,
            "spans": self.sentence_spans,
            "vocabulary": vocabulary,
        }
        (folder / "snapshot.json").write_text(json.dumps(rest))

    @classmethod
    def load(cls, folder: Path) -> SearchSnapshot:
        """A snapshot `save` wrote.

        Raises:
            ValueError: it is from another version of this format.
        """
        import numpy as np
        from scipy.sparse import csc_matrix

        rest = json.loads((folder / "snapshot.json").read_text())
        if rest.get("version") != _SAVED_VERSION:
            raise ValueError("a snapshot saved by another version")
        arrays = {p.stem: np.load(p, mmap_mode="r") for p in folder.glob("*.npy")}
        vocabulary = {term: i for i, term in enumerate(rest["vocabulary"])}
        counts = csc_matrix(
            (arrays["data"], arrays["indices"], arrays["indptr"]),
            shape=(len(rest["ids"]), len(vocabulary)),
        )
        rows = _Rows(
            ids=rest["ids"],
            texts=rest["texts"],
            metadatas=rest["metadatas"],
            vectors=arrays["vectors"],
            spans=[[(a, b) for a, b in spans] for spans in rest["spans"]],
            sentences=arrays["codes"],
            scales=arrays["scales"],
            owners=arrays["owners"],
        )
        snapshot = object.__new__(cls)
        snapshot.uid = str(rest["uid"])
        snapshot._assemble(str(rest["generation"]), rows, LexicalIndex(vocabulary, counts))
        return snapshot

    def updated(self, changed: set[str], stored: StoredChunks, generation: str) -> SearchSnapshot:
        """This snapshot with the chunks of the `changed` documents replaced by `stored`, their
        chunks as they are now (none for a deleted document)."""
        import numpy as np

        if not len(self):  # all there is now was written since
            return SearchSnapshot(stored, generation, self.uid)
        keep = ~np.isin(self.doc_of, sorted(changed))
        added = _Rows.read(stored, self.vectors.shape[1])
        kept_rows = np.flatnonzero(keep)
        sentence_keep = keep[self._sentence_owner]
        renumbered = np.cumsum(keep) - 1  # a kept chunk's new row
        rows = _Rows(
            ids=[self.ids[i] for i in kept_rows] + added.ids,
            texts=[self.texts[i] for i in kept_rows] + added.texts,
            metadatas=[self.metadatas[i] for i in kept_rows] + added.metadatas,
            vectors=np.concatenate([self.vectors[keep], added.vectors]),
            spans=[self.sentence_spans[i] for i in kept_rows] + added.spans,
            sentences=np.concatenate([self._sentence_codes[sentence_keep], added.sentences]),
            scales=np.concatenate([self._sentence_scales[sentence_keep], added.scales]),
            owners=np.concatenate(
                [renumbered[self._sentence_owner[sentence_keep]], added.owners + len(kept_rows)]
            ),
        )
        fresh = object.__new__(SearchSnapshot)
        fresh.uid = self.uid
        fresh._assemble(generation, rows, self._lexical.updated(keep, added.words()))
        return fresh

    def _assemble(
        self,
        generation: str,
        rows: _Rows,
        lexical: LexicalIndex,
        sample: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        import numpy as np

        self.generation = generation
        self.ids, self.texts, self.metadatas = rows.ids, rows.texts, rows.metadatas
        self.vectors = rows.vectors
        # Every chunk's sentence vectors in one int8 matrix, a chunk's rows together, in order.
        self.sentence_spans = rows.spans
        self._sentence_codes, self._sentence_scales = rows.sentences, rows.scales
        self._sentence_owner = rows.owners
        # Chunk i's rows in the matrix are first_row[i] to first_row[i + 1].
        self._first_row = np.cumsum([0, *(len(spans) for spans in self.sentence_spans)])
        # The chunks whose closest sentences stand for the whole collection's, to put a few
        # hundred candidates' on the same scale (the same sample for every query).
        if sample is None:
            many = np.sort(np.random.default_rng(0).permutation(len(rows.ids))[:_SAMPLE])
            sample = self._sentences_of(many)
        self._sample = sample
        # Which chunk each passage this snapshot made came from (a passage is a whole chunk).
        self._made: dict[tuple[str, int, int], int] = {}
        self._lexical = lexical
        self.sources = sorted(
            {str(m["source"]) for m in self.metadatas if m.get("source")}, key=len, reverse=True
        )
        self.source_of = np.array([str(m.get("source") or "") for m in self.metadatas])
        self.doc_of = np.array([str(m["doc_id"]) for m in self.metadatas])
        self.doc_set = frozenset(self.doc_of.tolist())  # checked by every scoped question
        self.day_of = [str(m.get("published_at") or "")[:10] for m in self.metadatas]

    def dense(self, vector: np.ndarray) -> np.ndarray:
        """Every chunk's cosine to `vector`, in standard deviations from the collection's mean."""
        return _standard(self.vectors @ vector)

    def lexical(self, terms: list[str]) -> np.ndarray:
        """Every chunk's BM25 score for the terms, over its title, outlet, date and text, in
        standard deviations from the collection's mean."""
        return _standard(self._lexical.scores(terms))

    def __len__(self) -> int:
        return len(self.ids)

    def _sentences_of(self, chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The unit vectors of these chunks' sentences, where each chunk's begin among them,
        and which of `chunks` have any."""
        import numpy as np

        starts, ends = self._first_row[chunks], self._first_row[chunks + 1]
        has = np.flatnonzero(ends > starts)
        lengths = (ends - starts)[has]
        at = np.cumsum(lengths) - lengths
        rows = np.repeat(starts[has] - at, lengths) + np.arange(int(lengths.sum()))
        vectors = self._sentence_codes[rows].astype(np.float32)
        return vectors * self._sentence_scales[rows, None], at, has

    def best_sentence(self, vector: np.ndarray, chunks: np.ndarray) -> np.ndarray:
        """Per chunk of `chunks` (rows), its closest sentence's cosine to `vector`; NaN for a
        chunk without sentences."""
        return self._best(vector, len(chunks), *self._sentences_of(chunks))

    @staticmethod
    def _best(
        vector: np.ndarray, count: int, vectors: np.ndarray, at: np.ndarray, has: np.ndarray
    ) -> np.ndarray:
        import numpy as np

        out = np.full(count, np.nan, dtype=np.float32)
        if len(has):
            out[has] = np.maximum.reduceat(vectors @ vector, at)
        return out

    def sentence_sample(self, vector: np.ndarray) -> tuple[float, float] | None:
        """The mean and spread of chunks' closest-sentence cosines to `vector`, from a fixed
        sample of chunks (their sentence vectors decoded once); None when none has sentences."""
        import numpy as np

        vectors, at, has = self._sample
        if not len(has):
            return None
        best = self._best(vector, len(has), vectors, at, np.arange(len(has)))
        return float(best.mean()), float(best.std()) or 1.0

    def passage(self, i: int, rank: int, score: float) -> Passage:
        made = passage_from_stored(self.metadatas[i], self.texts[i], score, rank)
        self._made[(made.doc_id, made.start, made.end)] = i
        return made

    def document(self, doc_id: str) -> list[Passage]:
        rows = [i for i, m in enumerate(self.metadatas) if m.get("doc_id") == doc_id]
        rows.sort(key=lambda i: int(self.metadatas[i].get("chunk_index", 0)))
        return [self.passage(i, rank, 0.0) for rank, i in enumerate(rows, start=1)]

    def vectors_of(self, passage: Passage) -> dict[tuple[int, int], np.ndarray]:
        i = self._made.get((passage.doc_id, passage.start, passage.end))
        if i is None:
            return {}
        first, spans = int(self._first_row[i]), self.sentence_spans[i]
        rows = slice(first, first + len(spans))
        vectors = self._sentence_codes[rows].astype("float32") * self._sentence_scales[rows, None]
        return dict(zip(spans, vectors, strict=True))


_SAMPLE = 2048
# 2: words stemmed by Snowball English; 3: accents folded; 4: "licence" is "license"; 5: "17th"
# is "17"
_SAVED_VERSION = 5


class SnapshotCache:
    """One SearchSnapshot per collection, brought up to date when the collection's generation
    changes: by the documents written since, or whole when those are not known.

    With a `folder`, snapshots are also kept on disk between runs: a new process starts from
    the saved one and reads only the documents written since, instead of every chunk (tens of
    seconds for a large collection); its arrays are mapped from the files, not copied."""

    def __init__(self, folder: Path | None = None) -> None:
        self._snapshots: dict[str, SearchSnapshot] = {}
        self._lock = threading.Lock()
        self._folder = folder
        self._saving: set[str] = set()  # collections whose snapshot is being saved

    def get(self, index: ChunkIndex, generation: str | None = None) -> SearchSnapshot:
        """The collection's snapshot as of `generation` (default: the collection's now)."""
        generation = index.generation() if generation is None else generation
        snapshot = self._snapshots.get(index.name)
        if snapshot is not None and snapshot.generation == generation:
            return snapshot
        with self._lock:
            snapshot = self._snapshots.get(index.name)
            if snapshot is None or snapshot.uid != index.uid:
                snapshot = self._load(index)
            if snapshot is not None and snapshot.generation != generation:
                # A few writes behind: read again only the documents they changed.
                delta = index.changes_since(snapshot.generation)
                if delta is not None:
                    current, changed = delta
                    snapshot = snapshot.updated(set(changed), index.export(changed), current)
                    generation = current
            if snapshot is None or snapshot.generation != generation:
                snapshot = SearchSnapshot(index.export(), generation, index.uid)
                # Saved only when built whole: a save holds the interpreter most of its 2 s at
                # 30k chunks, which a running app's questions would feel after every few
                # writes; a process that starts too far behind the saved one saves anew.
                self._save_soon(index, snapshot)
            self._snapshots[index.name] = snapshot
        return snapshot

    def _folder_of(self, index: ChunkIndex) -> Path | None:
        """Where the collection's saved snapshots are: one folder per generation."""
        return self._folder / index.name / index.uid if self._folder else None

    def _load(self, index: ChunkIndex) -> SearchSnapshot | None:
        """The newest saved snapshot that loads whole, if any."""
        folder = self._folder_of(index)
        if folder is None or not folder.is_dir():
            return None
        saved = [p for p in folder.iterdir() if ".new-" not in p.name]
        for place in sorted(saved, key=_modified, reverse=True):
            try:
                return SearchSnapshot.load(place)
            except Exception:  # cut short, from another version, removed while read
                continue
        return None

    def _save_soon(self, index: ChunkIndex, snapshot: SearchSnapshot) -> None:
        """Save in a thread of its own (one per collection at a time): a large collection's
        snapshot takes seconds to write, which no question should wait for. Not a daemon
        thread: a one-shot command finishes the save before it exits."""
        folder = self._folder_of(index)
        if folder is None or index.name in self._saving:
            return
        self._saving.add(index.name)

        def save() -> None:
            try:
                _save(folder, snapshot)
            finally:
                self._saving.discard(index.name)

        threading.Thread(target=save, name=f"save-{index.name}").start()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _save(folder: Path, snapshot: SearchSnapshot) -> None:
    """Write the snapshot into a folder named by its generation, under a temporary name first;
    then remove the older ones (a process that was loading one builds its copy from the store
    instead; one that mapped its files keeps them) and the collection's earlier lives'."""
    import shutil
    import time
    import uuid

    place = folder / (snapshot.generation or "empty")
    fresh = folder / f"{place.name}.new-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        snapshot.save(fresh)
        fresh.rename(place)
    except OSError:  # saved by another process already, or the disk is full
        shutil.rmtree(fresh, ignore_errors=True)
    for other in folder.parent.iterdir():
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    saved = sorted(folder.iterdir(), key=_modified, reverse=True)
    done = [p for p in saved if ".new-" not in p.name]
    # A temporary folder is another process's save in progress, unless it is an hour old.
    stale = [p for p in saved if ".new-" in p.name and time.time() - _modified(p) > 3600]
    for old in done[1:] + stale:
        shutil.rmtree(old, ignore_errors=True)
