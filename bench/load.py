"""Load on one app process: N concurrent clients each sending M `POST /api/ask` requests.

Run: python bench/load.py [--clients 16] [--requests 25] [--data-dir DIR]

The app indexes the seed corpus and the MultiHop-RAG corpus (../shared/bench/multihop/corpus)
into one collection under DIR first; that takes ~10 minutes once and nothing on later runs.
Questions are the first public MultiHop-RAG queries plus the seed questions, in turn.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MULTIHOP = ROOT.parent / "shared" / "bench" / "multihop"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _questions(n: int) -> list[str]:
    seed = ["What did Volodin claim?", "What did Blinken say?", "What is the capital of Peru?"]
    lines = (MULTIHOP / "queries.public.jsonl").read_text().splitlines()
    return seed + [json.loads(line)["question"] for line in lines[:n]]


def _index(data_dir: Path, collection: str) -> None:
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_COLLECTION": collection}
    command = [
        sys.executable,
        "-m",
        "rag",
        "ingest",
        str(ROOT / "corpus"),
        str(MULTIHOP / "corpus"),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data-bench")
    parser.add_argument("--collection", default="multihop")
    args = parser.parse_args()

    _index(args.data_dir, args.collection)
    port = _free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(args.data_dir), "RAG_COLLECTION": args.collection,
           "RAG_PORT": str(port)}  # fmt: skip
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/api/ask"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or app.poll() is not None:
                    raise SystemExit("the app did not start") from None
                time.sleep(0.5)
        questions = _questions(60)
        ask = lambda q: urllib.request.urlopen(  # noqa: E731
            urllib.request.Request(url, data=json.dumps({"question": q}).encode(),
                                   headers={"Content-Type": "application/json"}),
            timeout=300,
        ).read()  # fmt: skip
        for q in questions[:3]:  # warm-up: model load, tokenizers
            ask(q)

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(number: int) -> None:
            for i in range(args.requests):
                question = questions[(number * args.requests + i) % len(questions)]
                start = time.perf_counter()
                try:
                    ask(question)
                    with lock:
                        latencies.append(time.perf_counter() - start)
                except Exception as exc:
                    with lock:
                        errors.append(repr(exc))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        app.terminate()
        app.wait(timeout=30)

    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
    total = args.clients * args.requests
    print(f"{args.clients} clients x {args.requests} requests = {total}: {len(errors)} errors")
    print(f"latency p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"throughput {len(latencies) / elapsed:.1f} requests/s over {elapsed:.1f} s")
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
