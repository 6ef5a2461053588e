"""Questions while another process writes: ask latency with the store quiet, then while a
`python -m rag ingest` in a second process adds articles to the same embedded store.

    python bench/writes.py [--articles 30]

Prints p50/p95/max of each phase and the errors (there should be none). Uses a temporary data
folder, the packaged model, and MultiHop-RAG articles from ../shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Settings, build_pipeline  # noqa: E402

CORPUS = ROOT.parent / "shared" / "bench" / "multihop" / "corpus"
QUESTIONS = ["What did Volodin claim?", "Who is Nicolás Maduro?", "What is this article about?",
             "When was the election?", "How much of the vote did Maduro get?"]  # fmt: skip


def _row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (f"{name:24} asks {len(ordered):4}  p50 {statistics.median(ordered):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    articles = sorted(CORPUS.glob("*.md"))
    first, second = work / "first", work / "second"
    for folder, chosen in ((first, articles[: args.articles]),
                           (second, articles[args.articles : 2 * args.articles])):  # fmt: skip
        folder.mkdir()
        for path in chosen:
            shutil.copy(path, folder)
    settings = Settings(data_dir=work / "data")
    pipeline = build_pipeline(settings)
    pipeline.ingest([ROOT / "corpus", first])
    for question in QUESTIONS:  # warm up
        pipeline.ask(question)

    def ask_for(seconds: float | None, writer: subprocess.Popen[str] | None) -> list[float]:
        times: list[float] = []
        start = time.monotonic()
        while True:
            if writer is not None and writer.poll() is not None:
                break
            if seconds is not None and time.monotonic() - start > seconds:
                break
            began = time.perf_counter()
            pipeline.ask(QUESTIONS[len(times) % len(QUESTIONS)])
            times.append((time.perf_counter() - began) * 1000)
        return times

    quiet = ask_for(20, None)
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir)}
    started = time.monotonic()
    writer = subprocess.Popen([sys.executable, "-m", "rag", "ingest", "--quiet", str(second)],
                              cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)  # fmt: skip
    during = ask_for(None, writer)
    out, err = writer.communicate()
    write_seconds = time.monotonic() - started
    began = time.perf_counter()
    after = pipeline.search("anything", 5)  # the first query after the write rebuilds the view
    first_after = (time.perf_counter() - began) * 1000
    print(f"writer: {out.strip()} ({write_seconds:.1f} s, exit {writer.returncode}) {err[-300:]}")
    print(_row("quiet", quiet))
    print(_row("while another process ingests", during))
    print(
        f"first query after the write: {first_after:.0f} ms; "
        f"documents now {len(pipeline.documents())}, passages {len(after.passages)}"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
