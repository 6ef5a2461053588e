"""Benchmarks over the public data sets: MultiHop-RAG retrieval metrics, as in the paper."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import InvalidInput
from rag.schema import Passage

MULTIHOP_COLLECTION = "multihop"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class RetrievalScores:
    """Sums of the paper's retrieval metrics over a group of queries."""

    queries: int = 0
    hits4: int = 0
    hits10: int = 0
    reciprocal_rank: float = 0.0
    evidence_recall: float = 0.0

    def add(self, facts: Sequence[str], passages: Sequence[Passage]) -> None:
        texts = [_norm(p.text) for p in passages[:10]]
        facts = [_norm(f) for f in facts]
        first = next((i for i, t in enumerate(texts) if any(f in t for f in facts)), None)
        self.queries += 1
        self.hits4 += first is not None and first < 4
        self.hits10 += first is not None
        self.reciprocal_rank += 0.0 if first is None else 1.0 / (first + 1)
        self.evidence_recall += sum(any(f in t for t in texts) for f in facts) / len(facts)

    def row(self) -> dict[str, float]:
        n = max(1, self.queries)
        return {
            "queries": self.queries,
            "hits@4": round(self.hits4 / n, 4),
            "hits@10": round(self.hits10 / n, 4),
            "mrr@10": round(self.reciprocal_rank / n, 4),
            "evidence_recall@10": round(self.evidence_recall / n, 4),
        }


@dataclass
class MultihopReport:
    overall: RetrievalScores = field(default_factory=RetrievalScores)
    by_type: dict[str, RetrievalScores] = field(
        default_factory=lambda: defaultdict(RetrievalScores)
    )
    latencies_ms: list[float] = field(default_factory=list)
    passage_chars: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0
        return {
            "overall": self.overall.row(),
            "by_type": {t: s.row() for t, s in sorted(self.by_type.items())},
            "latency_ms": {
                "p50": round(statistics.median(ordered), 1) if ordered else 0.0,
                "p95": round(p95, 1),
            },
            "mean_passage_chars": round(statistics.mean(self.passage_chars), 1)
            if self.passage_chars
            else 0.0,
        }


def load_queries(path: Path) -> list[dict[str, object]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"Cannot read queries {path}: {exc.strerror}") from exc
    return [json.loads(line) for line in lines if line.strip()]


def evaluate_multihop(
    queries: Sequence[dict[str, object]],
    search: Callable[[str], list[Passage]],
    warmup: int = 5,
) -> MultihopReport:
    """Run every answerable query through `search` (top 10) and score it; null queries are
    left out, as in the paper."""
    report = MultihopReport()
    answerable = [q for q in queries if q.get("evidence")]
    for query in answerable[:warmup]:
        search(str(query["question"]))
    for query in answerable:
        started = time.perf_counter()
        passages = search(str(query["question"]))
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        evidence = query["evidence"]
        assert isinstance(evidence, list)
        facts = [str(e["fact"]) for e in evidence]
        report.overall.add(facts, passages)
        report.by_type[str(query.get("question_type", "unknown"))].add(facts, passages)
        report.passage_chars += [len(p.text) for p in passages[:10]]
    return report
