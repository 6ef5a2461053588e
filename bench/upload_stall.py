"""Where a search's time goes while the same process uploads a document, on a `chroma run`
over a store `bench/scale.py` built (default: its 1M store).

A thread keeps searching MultiHop questions while another pipeline of the same process uploads
one short document, three times; each search during an upload is printed with its milliseconds
and, per step, what it spent: the collection's generation, bringing the word index up to date
(`follow`), the query's embedding, Chroma's nearest neighbours, and reading vectors and
records.

    python bench/upload_stall.py [--store /tmp/rag-scale/1000000] [--source /work/shared]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale

from rag import Settings, build_pipeline
from rag.index import ChunkIndex
from rag.word_index import WordIndex

Spent = dict[int, list[tuple[str, float]]]


def _timed(owner: Any, name: str, label: str, spent: Spent) -> None:
    """Record each call's milliseconds under `label`, per thread."""
    call: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            took = (time.perf_counter() - began) * 1000
            spent.setdefault(threading.get_ident(), []).append((label, round(took)))

    setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/rag-scale/1000000"))
    parser.add_argument("--source", type=Path, default=Path(__file__).parents[2] / "shared")
    args = parser.parse_args()
    queries = args.source / "bench" / "multihop" / "queries.public.jsonl"
    with queries.open(encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle][:50]
    server, url = scale._serve(args.store)
    try:
        settings = Settings(data_dir=args.store, collection="multihop", exact_limit=0,
                            chroma_url=url)  # fmt: skip
        reader, writer = build_pipeline(settings), build_pipeline(settings)
        reader.warm_up()
        writer.ingest_upload("harbour-notice.md", scale.NOTE)  # a writer's first write
        writer.delete_document("uploads/harbour-notice.md")
        reader.search("harbour master pier", 5)
        spent: Spent = {}
        _timed(reader.embedder, "embed_query", "embed", spent)
        _timed(WordIndex, "follow", "follow", spent)
        for name in ("generation", "nearest", "vectors", "records"):
            _timed(ChunkIndex, name, name, spent)
        for run in range(3):
            during: list[tuple[int, list[tuple[str, float]]]] = []
            writing = threading.Event()

            def keep_searching(
                during: list[tuple[int, list[tuple[str, float]]]] = during,
                writing: threading.Event = writing,
            ) -> None:
                n = 0
                while not writing.is_set():
                    spent[threading.get_ident()] = []
                    began = time.perf_counter()
                    reader.search(questions[n % len(questions)], 5)
                    took = round((time.perf_counter() - began) * 1000)
                    during.append((took, spent[threading.get_ident()]))
                    n += 1

            searching = threading.Thread(target=keep_searching)
            searching.start()
            began = time.perf_counter()
            writer.ingest_upload("harbour-notice.md", scale.NOTE + b"Again." * (run + 1))
            upload = round((time.perf_counter() - began) * 1000)
            writing.set()
            searching.join()
            print(json.dumps({"upload_ms": upload, "searches": during}))
            writer.delete_document("uploads/harbour-notice.md")
            reader.search("harbour master pier", 5)
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
