"""Token lists -> BM25 scores: Lucene's BM25 (as bm25s scores it) over a sparse term-frequency
matrix, which keeps the counts themselves, so that a write's chunks can be dropped and added
without reading the whole collection again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csc_matrix


class LexicalIndex:
    """BM25 over a fixed list of documents (a snapshot's chunks, in its order)."""

    def __init__(
        self, vocab: dict[str, int], counts: csc_matrix, k1: float = 1.5, b: float = 0.75
    ) -> None:
        import numpy as np

        self._vocab = vocab
        self._counts = counts  # rows: documents; columns: terms; values: how often
        self._k1, self._b = k1, b
        n = counts.shape[0]
        lengths = np.asarray(counts.sum(axis=1), dtype=np.float32).ravel()
        mean = float(lengths.mean()) if n else 1.0
        # Each document's share of k1 in the denominator: longer ones need more of a term.
        self._norm = (k1 * (1 - b + b * lengths / max(mean, 1e-9))).astype(np.float32)
        present = np.diff(counts.indptr)  # documents holding each term (CSC: per column)
        self._idf = np.log(1 + (n - present + 0.5) / (present + 0.5)).astype(np.float32)

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> LexicalIndex:
        vocab: dict[str, int] = {}
        return cls(vocab, _counts(documents, vocab))

    def __len__(self) -> int:
        return int(self._counts.shape[0])

    @property
    def vocabulary(self) -> dict[str, int]:
        """Each term's column in `counts`."""
        return self._vocab

    @property
    def counts(self) -> csc_matrix:
        return self._counts

    def updated(self, keep: np.ndarray, added: Sequence[Sequence[str]]) -> LexicalIndex:
        """The index of the kept documents (a mask, in order) followed by the added ones."""
        from scipy.sparse import vstack

        vocab = dict(self._vocab)
        new = _counts(added, vocab)  # terms it brings widen the vocabulary
        kept = self._counts[keep.nonzero()[0], :]
        kept.resize((kept.shape[0], len(vocab)))
        return LexicalIndex(vocab, vstack([kept, new], format="csc"), self._k1, self._b)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Every document's BM25 score for the query's terms (a repeated term counts again)."""
        import numpy as np

        out = np.zeros(len(self), dtype=np.float32)
        columns = [self._vocab[t] for t in terms if t in self._vocab]
        if not columns or not len(self):
            return out
        for column in columns:
            start, end = self._counts.indptr[column], self._counts.indptr[column + 1]
            rows = self._counts.indices[start:end]
            tf = self._counts.data[start:end]
            out[rows] += self._idf[column] * tf / (tf + self._norm[rows])
        return out


def _counts(documents: Sequence[Sequence[str]], vocab: dict[str, int]) -> csc_matrix:
    """Term counts of `documents` as a sparse matrix; new terms are added to `vocab`."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[int] = []
    for tokens in documents:
        row: dict[int, int] = {}
        for token in tokens:
            column = vocab.setdefault(token, len(vocab))
            row[column] = row.get(column, 0) + 1
        indices += row.keys()
        data += row.values()
        indptr.append(len(indices))
    shape = (len(documents), len(vocab))
    matrix = csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=shape,
    )
    return matrix.tocsc()
