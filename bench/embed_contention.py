"""How long a query's embedding takes while the same process embeds an upload.

One thread embeds 3,000 sentences (documents); another embeds a short question every 50 ms
meanwhile. Prints the question's embedding time quiet and during the ingest (p50, p95,
slowest), with the question on its own one-thread session (as `embed_query` runs it) and, with
`--shared`, on the documents' session (as before).

    python bench/embed_contention.py [--shared]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Settings
from rag.embed import OnnxInt8Embedder, build_embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", action="store_true", help="questions on the documents' session")
    args = parser.parse_args()
    settings = Settings()
    embedder = build_embedder(settings.embed_model, "onnx-int8", settings.data_dir / "models", 32)
    assert isinstance(embedder, OnnxInt8Embedder)
    use = "documents" if args.shared else "query"
    question = "Where did the harbour ferry go after the storm?"
    texts = [
        f"The harbour ferry number {i} left at noon with forty passengers aboard, the captain "
        "said, after the storm had passed over the bay."
        for i in range(3000)
    ]

    def ms() -> float:
        began = time.perf_counter()
        embedder._encode([question], use)
        return (time.perf_counter() - began) * 1000

    embedder._load("documents")
    quiet = [ms() for _ in range(30)]
    done = threading.Event()
    took: list[float] = []

    def ingest() -> None:
        began = time.perf_counter()
        embedder.embed_documents(texts)
        took.append(time.perf_counter() - began)
        done.set()

    worker = threading.Thread(target=ingest)
    worker.start()
    busy = []
    while not done.is_set():
        busy.append(ms())
        time.sleep(0.05)
    worker.join()
    busy.sort()
    p95 = busy[int(0.95 * len(busy))]
    print(
        f"question on the {use} session: quiet p50 {statistics.median(quiet):.1f} ms; during "
        f"the ingest ({took[0]:.1f} s) p50 {statistics.median(busy):.1f}, p95 {p95:.1f}, "
        f"slowest {busy[-1]:.1f} ms over {len(busy)}"
    )


if __name__ == "__main__":
    main()
