"""Single words' vectors, for a question's word that a sentence says in other words ("get wrong":
"incorrectly"): made by the embedding model one word at a time, kept for the process and on
disk beside the model's export, where every process and every collection that the model
embeds shares them.

An ingest stores its documents' words, so that a question finds made nearly every word of the
passages it reads: made while answering, at 1.4 ms a word, they had cost 40 ms an answer on
average and 80 ms at p95 (`python bench/scale.py`, docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from rag.embed import Embedder

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# A word as spaCy's tokens have it: letters only ("Stafford's" is "stafford" and "s").
_WORD = re.compile(r"[^\W\d_]+")
_LONGEST = 40  # letters; longer runs are no words a question asks about
_BATCH = 500  # words per SQLite statement, under its limit on parameters


# Two words whose MiniLM vectors are this close say nearly the same ("wrong": "incorrectly"
# 0.74, "missed": "absent" 0.61, "main": "primary" 0.60), where unrelated words of one story
# stay under 0.45 ("wrong": "Oscars" 0.20, "ticket": "parking" 0.43); docs/benchmarks.md.
RELATED = 0.6


def words_of(texts: Iterable[str]) -> set[str]:
    """The distinct words of some texts, in lower case."""
    found: set[str] = set()
    for text in texts:
        found.update(w for w in _WORD.findall(text.lower()) if len(w) <= _LONGEST)
    return found


def store_path(cache_dir: Path, embedder: Embedder) -> Path:
    """Where a model's word vectors are kept: beside its export, named as the export is (the
    model, its weights' fingerprint and the kind of int8), or by the model's name."""
    export = getattr(embedder, "file", None)
    name = export.stem if isinstance(export, Path) else embedder.name
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-").lower() or "model"
    return cache_dir / f"words-{slug}-{embedder.dimension}.sqlite"


class WordVectors:
    """Unit vectors of single words (float16, as stored, so that a word's vector is the same
    whether it was made now or read back), made by the embedding model; `path` keeps them on
    disk for every process, and the process keeps up to `size` of them in memory."""

    def __init__(self, embedder: Embedder, path: Path | None = None, size: int = 20_000) -> None:
        self._embedder = embedder
        self._path = path
        self._size = size
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._workers: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        self._db_failed = path is None

    def close(self, word: str, other: str) -> bool:
        """Whether two words are within RELATED in meaning ("staff" and "employee")."""
        vectors = self.get({word, other})
        return (
            word in vectors
            and other in vectors
            and float(vectors[word] @ vectors[other]) >= RELATED
        )

    def get(self, words: Iterable[str]) -> dict[str, np.ndarray]:
        """The vectors of `words`: from memory, from disk, or made now (and stored)."""
        wanted = set(words)
        with self._lock:
            missing = {w for w in wanted if w not in self._vectors}
            found = self._read(missing) if missing else {}
        made = self._make(sorted(missing - found.keys()))
        with self._lock:
            if made:
                self._write(made)
            if len(self._vectors) + len(found) + len(made) > self._size:
                self._vectors.clear()
            self._vectors.update(found)
            self._vectors.update(made)
            return {w: v for w in wanted if (v := self._vectors.get(w)) is not None}

    def learn(self, texts: Iterable[str]) -> int:
        """Make and store the vectors of the texts' words that are not stored yet (an ingest's
        documents); how many were new. Without a store on disk, nothing is made."""
        with self._lock:
            if self._connection() is None:
                return 0
        words = sorted(words_of(texts))
        new: list[str] = []
        for start in range(0, len(words), _BATCH):
            part = words[start : start + _BATCH]
            with self._lock:
                known = self._read(set(part))
            new += [w for w in part if w not in known]
        for start in range(0, len(new), _BATCH):
            made = self._make(new[start : start + _BATCH])
            with self._lock:
                self._write(made)
        return len(new)

    def _make(self, words: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        if not words:
            return {}
        # One word at a time: the int8 model scales its activations over the whole batch, so
        # a word's vector depended on the words embedded beside it (cosine up to 0.03 apart),
        # and whether two words are close in meaning on what had been asked before (the same
        # question answered, then refused). 1.4 ms a word, on two threads at once (the runtime
        # lets go of the interpreter's lock).
        made = np.asarray(
            list(self._pool().map(lambda word: self._embedder.embed_documents([word])[0], words)),
            dtype=np.float32,
        )
        made /= np.maximum(np.linalg.norm(made, axis=1, keepdims=True), 1e-12)
        rounded = made.astype(np.float16).astype(np.float32)
        return dict(zip(words, rounded, strict=True))

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(2, thread_name_prefix="word-vectors")
            return self._workers

    # The store on disk: the caller holds the lock. A store that cannot be opened or written
    # (a read-only cache folder, a damaged file) leaves the vectors to the process's memory.

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._db_failed and self._path is not None:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self._path, timeout=5.0, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, vector BLOB NOT NULL)"
                    " WITHOUT ROWID"
                )
                db.commit()
                self._db = db
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
        return self._db

    def _read(self, words: set[str]) -> dict[str, np.ndarray]:
        import numpy as np

        db = self._connection()
        if db is None or not words:
            return {}
        found = {}
        listed = sorted(words)
        try:
            for start in range(0, len(listed), _BATCH):
                part = listed[start : start + _BATCH]
                rows = db.execute(
                    f"SELECT word, vector FROM words WHERE word IN ({','.join('?' * len(part))})",
                    part,
                ).fetchall()
                for word, blob in rows:
                    if len(blob) == 2 * self._embedder.dimension:
                        found[word] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def _write(self, made: dict[str, np.ndarray]) -> None:
        import numpy as np

        db = self._connection()
        if db is None or not made:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR IGNORE INTO words VALUES (?, ?)",
                    [(w, v.astype(np.float16).tobytes()) for w, v in made.items()],
                )
        except sqlite3.OperationalError as exc:
            # Another process's write held the store for longer than the timeout: these
            # words are made again by whoever needs them next.
            log.debug("words not stored this time: %s", exc)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        log.warning("word vectors kept in memory only: %s: %s", self._path, exc)
        self._db_failed = True
        if self._db is not None:
            self._db.close()
            self._db = None
