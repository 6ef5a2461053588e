"""The MultiHop-RAG metrics, on hand-made rankings and through `python -m rag eval`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SHARED
from fakes import HashingEmbedderFake

from rag import Settings, cli
from rag.evaluate import RetrievalScores
from rag.pipeline import build_pipeline
from rag.schema import Passage


def _passages(*texts: str) -> list[Passage]:
    return [Passage(rank=i, doc_id=f"d{i}", title="t", text=t, start=0, end=len(t), score=0.0)
            for i, t in enumerate(texts, start=1)]  # fmt: skip


def test_metrics_follow_the_paper_definitions() -> None:
    scores = RetrievalScores()
    ranking = _passages("nothing here", "still nothing", "The  FIRST fact\nis here.", "x", "y",
                        "the second fact is here", "z")  # fmt: skip
    scores.add(["the first fact is here", "the second fact is here", "a missing fact"], ranking)
    scores.add(["never retrieved"], ranking)
    row = scores.row()
    assert row["queries"] == 2
    assert row["hits@4"] == 0.5 and row["hits@10"] == 0.5
    assert row["mrr@10"] == pytest.approx((1 / 3) / 2, abs=1e-4)
    assert row["evidence_recall@10"] == pytest.approx((2 / 3) / 2, abs=1e-4)


def test_eval_command_scores_a_small_multihop_slice(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    multihop = SHARED / "bench" / "multihop"
    queries = [json.loads(line) for line in (multihop / "queries.public.jsonl").open()]
    chosen = [q for q in queries if q["evidence"]][:4]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc_id in {d for q in chosen for d in q["gold_doc_ids"]}:
        shutil.copy(multihop / "corpus" / f"{doc_id}.md", corpus)
    query_file = tmp_path / "q.jsonl"
    query_file.write_text("".join(json.dumps(q) + "\n" for q in chosen))
    embedder = HashingEmbedderFake()
    monkeypatch.setattr(cli, "build_pipeline", lambda s: build_pipeline(s, embedder=embedder))

    argv = ["eval", "multihop", "--queries", str(query_file), "--corpus", str(corpus), "--json"]
    assert cli.main(argv, settings=settings) == 0
    report = json.loads(capsys.readouterr().out)
    overall = report["overall"]
    assert overall["queries"] == 4
    # every gold article is in this tiny corpus, so the right chunks are easy to find
    assert overall["hits@10"] == 1.0
    assert 0 < overall["evidence_recall@10"] <= 1
    assert report["mean_passage_chars"] <= 1400
