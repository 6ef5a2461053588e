"""Question -> ranked Passages; llama-index nodes become Passages here, and only here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.embed import Embedder
from rag.index import ChunkIndex
from rag.schema import Passage

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore


def passage_from_node(hit: NodeWithScore, rank: int) -> Passage:
    """Turn one llama-index search hit into our Passage."""
    node = hit.node
    metadata = node.metadata
    text = node.get_content()
    # Our chunks are always TextNodes, which carry their offsets in the document.
    start_idx, end_idx = getattr(node, "start_char_idx", None), getattr(node, "end_char_idx", None)
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
        score=round(float(hit.score or 0.0), 6),
    )


class DenseRetriever:
    """Nearest chunks by embedding similarity (cosine), best first."""

    def __init__(self, index: ChunkIndex, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder

    def search(self, query: str, top_k: int) -> list[Passage]:
        hits = self._index.query(self._embedder.embed_query(query), top_k)
        return [passage_from_node(hit, rank) for rank, hit in enumerate(hits, start=1)]
