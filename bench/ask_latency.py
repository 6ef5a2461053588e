"""Answer latency of `ask` on the seed corpus with the real model: p50/p95 after warm-up.

Run: python bench/ask_latency.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Settings, build_pipeline  # noqa: E402

QUESTIONS = [
    "What did Volodin claim?",
    "What did Blinken say?",
    "Who is the Russian ambassador to Venezuela?",
    "What share of the vote did Maduro get?",
    "What is the capital of Australia?",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=ROOT / "corpus")
        t0 = time.perf_counter()
        pipeline = build_pipeline(settings)
        report = pipeline.ingest([settings.corpus_dir])
        print(f"index seed corpus: {report.summary()} in {time.perf_counter() - t0:.1f} s")
        for q in QUESTIONS:  # warm-up: loads the model and the sentence tokenizer
            pipeline.ask(q)
        timings = []
        for _ in range(args.repeat):
            for q in QUESTIONS:
                t = time.perf_counter()
                pipeline.ask(q)
                timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"ask: n={len(timings)} p50={statistics.median(timings):.0f} ms p95={p95:.0f} ms")


if __name__ == "__main__":
    main()
