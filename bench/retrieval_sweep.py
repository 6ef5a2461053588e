"""Each retrieval technique switched on in turn, on the MultiHop-RAG public queries.

Run: RAG_DATA_DIR=DIR python bench/retrieval_sweep.py [CONFIG ...]
(after `python -m rag eval multihop` has indexed the corpus into DIR)
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Settings, build_pipeline  # noqa: E402
from rag.cli import MULTIHOP_DIR  # noqa: E402
from rag.evaluate import MULTIHOP_COLLECTION, evaluate_multihop, load_queries  # noqa: E402
from rag.retrieve import (  # noqa: E402
    DenseRetriever,
    HybridOptions,
    HybridRetriever,
    Retriever,
)
from rag.snapshot import SnapshotCache  # noqa: E402

DEFAULT = HybridOptions()
PLAIN = replace(
    DEFAULT,
    date_boost=0.0,
    per_source=0,
    max_chunks_per_doc=0,
    clause_weight=0.0,
    sentence_weight=0.0,
)
CLAUSES = replace(DEFAULT, sentence_weight=0.0, order_by_clause=False, outlets_first=False)
SENTENCES = replace(DEFAULT, order_by_clause=False, outlets_first=False)
CLAUSE_ORDER = replace(DEFAULT, outlets_first=False)
CONFIGS: dict[str, HybridOptions | None] = {
    "dense, Chroma HNSW": None,
    "dense, exact": replace(PLAIN, dense_weight=1.0, lexical=False),
    "BM25 over title+source+date+text": replace(PLAIN, dense_weight=0.0),
    "fused 0.4 dense + 0.6 BM25": PLAIN,
    "+ date boost": replace(PLAIN, date_boost=DEFAULT.date_boost),
    "+ per-outlet decomposition": replace(CLAUSES, max_chunks_per_doc=0, clause_weight=0.0),
    "+ max 3 chunks per doc": replace(CLAUSES, clause_weight=0.0),
    "+ each outlet ranked by its clause too": CLAUSES,
    "+ each chunk's closest sentence": SENTENCES,
    "+ outlets' chunks placed by their clause ranking": CLAUSE_ORDER,
    "+ outlets' chunks first in each turn (default)": DEFAULT,
    "default, sentence weight 0.2": replace(DEFAULT, sentence_weight=0.2),
    "default, sentence weight 0.7": replace(DEFAULT, sentence_weight=0.7),
    "closest sentence, date boost not scaled": replace(DEFAULT, date_boost=1 / 1.4),
    "default, clause weight 0.3": replace(DEFAULT, clause_weight=0.3),
    "default, clause weight 0.7": replace(DEFAULT, clause_weight=0.7),
    "default, max 2 chunks per doc": replace(DEFAULT, max_chunks_per_doc=2),
    "default, dense weight 0.3": replace(DEFAULT, dense_weight=0.3),
    "default, dense weight 0.5": replace(DEFAULT, dense_weight=0.5),
}


def main() -> None:
    pipeline = build_pipeline(Settings())
    index = pipeline.index(MULTIHOP_COLLECTION)
    started = time.perf_counter()
    snapshot = SnapshotCache().get(index)
    print(f"snapshot of {len(snapshot)} chunks built in {time.perf_counter() - started:.1f} s")
    queries = load_queries(MULTIHOP_DIR / "queries.public.jsonl")
    for name in sys.argv[1:] or CONFIGS:
        options = CONFIGS[name]
        retriever: Retriever = (
            DenseRetriever(index, pipeline.embedder)
            if options is None
            else HybridRetriever(snapshot, pipeline.embedder, options)
        )
        report = evaluate_multihop(queries, lambda q, r=retriever: r.search(q, 10)).as_dict()
        o, lat = report["overall"], report["latency_ms"]
        metrics = [o["hits@4"], o["hits@10"], o["mrr@10"], o["evidence_recall@10"]]
        cells = [f"{m:.3f}" for m in metrics] + [str(lat["p50"]), str(lat["p95"])]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
