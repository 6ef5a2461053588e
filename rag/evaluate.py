"""Benchmarks over the public data sets: MultiHop-RAG retrieval metrics (as in the paper), and
answer measurements: refusal and correctness on RGB and MultiHop-RAG."""

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
from rag.schema import Document, Passage

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


RGB_DIR_NAME = "rgb"


@dataclass
class AnswerScores:
    """Counts for one answer measurement: how many asked, refused, and answered correctly."""

    name: str
    asked: int = 0
    refused: int = 0
    correct: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        n = max(1, self.asked)
        ordered = sorted(self.latencies_ms)
        return {
            "asked": self.asked,
            "refused": round(self.refused / n, 4),
            "answered": round((self.asked - self.refused) / n, 4),
            "correct": round(self.correct / n, 4),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else 0.0,
        }


def _timed(ask: Callable[[str], Any], question: str, scores: AnswerScores) -> Any:
    started = time.perf_counter()
    answer = ask(question)
    scores.latencies_ms.append((time.perf_counter() - started) * 1000)
    scores.asked += 1
    scores.refused += bool(answer.refused)
    return answer


def rgb_documents(folder: Path) -> tuple[list[Document], list[Document]]:
    """RGB's passages as Documents: the negative-rejection pool (no passage holding any answer
    alternative of any question) and the answerable pool (positive and negative passages)."""
    passages = {str(p["pid"]): str(p["text"]) for p in load_queries(folder / "passages.jsonl")}
    rejection = load_queries(folder / "negative_rejection.public.jsonl")
    answerable = load_queries(folder / "queries.public.jsonl")
    answers = [
        _norm(str(alt))
        for q in [*rejection, *answerable]
        for group in q["answer_groups"]  # type: ignore[attr-defined]
        for alt in group
    ]
    pool = {str(pid) for q in rejection for pid in q["provided_pids"]}  # type: ignore[attr-defined]
    clean = sorted(p for p in pool if not any(a in _norm(passages[p]) for a in answers))
    both = sorted(
        {str(pid) for q in answerable for key in ("positive_pids", "negative_pids")
         for pid in q[key]}  # type: ignore[attr-defined]
    )  # fmt: skip

    def documents(pids: list[str]) -> list[Document]:
        return [Document(doc_id=pid, text=passages[pid], title="") for pid in pids]

    return documents(clean), documents(both)


def evaluate_rgb(folder: Path, ingest: Callable[[list[Document], str], None],
                 ask: Callable[[str, str], Any]) -> list[AnswerScores]:  # fmt: skip
    """RGB negative rejection (should refuse) and answerable questions (should answer, with
    every answer group matched by one alternative, case-insensitive, in the answer)."""
    rejection_docs, answerable_docs = rgb_documents(folder)
    ingest(rejection_docs, "rgb-rejection")
    ingest(answerable_docs, "rgb-answerable")
    rejection = AnswerScores("rgb negative rejection (should refuse)")
    for q in load_queries(folder / "negative_rejection.public.jsonl"):
        _timed(lambda text: ask(text, "rgb-rejection"), str(q["question"]), rejection)
    rejection.correct = rejection.refused
    answerable = AnswerScores("rgb answerable (should answer correctly)")
    for q in load_queries(folder / "queries.public.jsonl"):
        answer = _timed(lambda text: ask(text, "rgb-answerable"), str(q["question"]), answerable)
        text = _norm(answer.answer)
        groups = q["answer_groups"]
        assert isinstance(groups, list)
        if not answer.refused and all(any(_norm(str(a)) in text for a in g) for g in groups):
            answerable.correct += 1
    return [rejection, answerable]


# Gold answers that an answer does not quote: a verdict, not a fact in the passages.
_NOT_QUOTABLE = frozenset({"", "yes", "no", "insufficient information"})


def evaluate_null_queries(
    queries: Sequence[dict[str, object]], ask: Callable[[str], Any]
) -> list[AnswerScores]:
    """MultiHop-RAG: null queries should be refused; answerable ones should not be; and of
    those whose gold answer is a name or a phrase (not yes or no), the share whose answer
    quotes it (case-insensitive)."""
    null = AnswerScores("multihop null queries (should refuse)")
    answerable = AnswerScores("multihop answerable (should not refuse)")
    named = AnswerScores("multihop answerable, quotes the gold answer")
    for q in queries:
        scores = null if q.get("should_refuse") else answerable
        answer = _timed(ask, str(q["question"]), scores)
        gold = _norm(str(q.get("answer") or ""))
        if scores is answerable and gold not in _NOT_QUOTABLE:
            named.asked += 1
            named.refused += bool(answer.refused)
            named.correct += not answer.refused and gold in _norm(answer.answer)
            named.latencies_ms.append(answerable.latencies_ms[-1])
    null.correct = null.refused
    answerable.correct = answerable.asked - answerable.refused
    return [null, answerable, named]
