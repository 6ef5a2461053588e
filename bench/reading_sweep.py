"""Weights of the reading step's signals, swept over the natural questions (bench/natural/).

Retrieval and every sentence's signals are computed once per question; each configuration then
only re-weighs them, so a sweep of many takes seconds. Prints, per configuration, answered
correctly, wrongly refused and unanswerable refused, overall and for the multihop questions.

    RAG_DATA_DIR=DIR python bench/reading_sweep.py            # after `python -m rag eval natural`
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Settings, build_pipeline
from rag.cite import cite
from rag.condense import Turn
from rag.evaluate_natural import COLLECTIONS, judge, load_natural
from rag.pipeline import _distinct
from rag.question import read
from rag.reading import ReadingEngine
from rag.schema import Answer
from rag.selection import ReadingWeights, select
from rag.sentences import answers_anything, split_sentences


def cached(pipeline: Any, engine: ReadingEngine, questions: list[dict[str, Any]]) -> list[Any]:
    rows = []
    for q in questions:
        history = [Turn(**t) for t in q.get("history") or []]
        query = engine.condense(q["question"], history)
        retriever = pipeline.retriever(COLLECTIONS[q["collection"]])
        passages = _distinct(retriever, query, pipeline.settings.top_k)
        reading = read(query)
        if reading.kind == "summary":
            rows.append(
                (q, reading, passages, None, engine.answer(query, passages, retriever.stored))
            )
            continue
        sentences = [s for p in passages for s in split_sentences(p) if answers_anything(s)]
        rows.append(
            (q, reading, passages, engine.signals(reading, sentences, retriever.stored), None)
        )
    return rows


def score(rows: list[Any], weights: ReadingWeights, most: int) -> dict[str, float]:
    counts = {"n": 0, "right": 0, "refused": 0, "un": 0, "un_refused": 0}
    for q, reading, passages, found, summary in rows:
        if summary is not None:
            answer = summary
        else:
            picked = select(reading, found, weights, most, passages)
            if picked is None:
                answer = Answer(question="", searched_for="", answer="", refused=True,
                                citations=[], passages=passages)  # fmt: skip
            else:
                citations, parts = cite(picked[0])
                text = " ".join(parts)
                if picked[1]:
                    text = f"{picked[1]} {text}"
                answer = Answer(question="", searched_for="", answer=text, refused=False,
                                citations=citations, passages=passages)  # fmt: skip
        if q.get("should_refuse"):
            counts["un"] += 1
            counts["un_refused"] += answer.refused
        else:
            counts["n"] += 1
            counts["right"] += judge(q, answer)
            counts["refused"] += answer.refused
    return {
        "correct": round(counts["right"] / counts["n"], 3),
        "wrongly_refused": round(counts["refused"] / counts["n"], 3),
        "unanswerable_refused": round(counts["un_refused"] / max(1, counts["un"]), 3),
    }


def main() -> None:
    settings = Settings()
    pipeline = build_pipeline(settings)
    engine = pipeline.engine
    assert isinstance(engine, ReadingEngine)
    questions = load_natural()
    rows = cached(pipeline, engine, questions)
    base = engine.weights
    print("default", dataclasses.asdict(base), score(rows, base, settings.max_answer_sentences))
    grid: dict[str, list[Any]] = {
        "semantic": [0.8, 1.0],
        "typed": [0.4, 0.55],
        "near": [0.3],
        "min_lexical": [0.1, 0.2, 0.35, 0.5],
        "need_typed": [False, True],
        "min_context": [0.5, 1.0],
        "refuse_below": [0.4, 0.5, 0.55, 0.6],
    }
    results = []
    for values in itertools.product(*grid.values()):
        weights = dataclasses.replace(base, **dict(zip(grid, values, strict=True)))
        results.append((score(rows, weights, settings.max_answer_sentences), weights))
    # Best first by correct answers, among those that refuse at least 60% of the unanswerable.
    for floor in (0.6, 0.5, 0.0):
        print(f"unanswerable refused >= {floor}:")
        kept = [r for r in results if r[0]["unanswerable_refused"] >= floor]
        kept.sort(key=lambda r: -(r[0]["correct"] + 0.1 * r[0]["unanswerable_refused"]))
        for row, weights in kept[:8]:
            print(" ", row, {k: getattr(weights, k) for k in grid})


if __name__ == "__main__":
    main()
