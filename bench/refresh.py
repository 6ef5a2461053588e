"""What a reader pays for another pipeline's one-document write: the first search after it,
now that the reader reads again only the documents the write changed, against building its
copy of the collection whole (as every write cost before).

    python bench/refresh.py --data /tmp/mh --collection multihop

Works on a copy of DATA's store (the collection there is not changed): a reader searches,
a writer uploads one short document and then deletes it, and after each write the reader's
next search is timed. Needs a store already indexed (e.g. by `python -m rag eval multihop`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Settings, build_pipeline  # noqa: E402
from rag.snapshot import SearchSnapshot  # noqa: E402

NOTE = b"""# Harbour notice

The harbour master, Ada Quint, closed the north pier on Tuesday for repairs to the old crane.
"""


T = TypeVar("T")


def _timed(action: Callable[[], T]) -> tuple[float, T]:
    began = time.perf_counter()
    result = action()
    return (time.perf_counter() - began) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True, help="a RAG_DATA_DIR to copy")
    parser.add_argument("--collection", default="multihop")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(args.data / "chroma", work / "chroma")
        if (args.data / "models").is_dir():
            shutil.copytree(args.data / "models", work / "models")
        settings = Settings(data_dir=work, collection=args.collection)
        reader = build_pipeline(settings)
        writer = build_pipeline(settings)
        reader.embedder.embed_query("warm up")
        first, _ = _timed(lambda: reader.search("harbour master pier", 5))
        chunks = reader.index().count()
        steady, _ = _timed(lambda: reader.search("harbour master pier", 5))
        write, _ = _timed(lambda: writer.ingest_upload("harbour-notice.md", NOTE))
        after_add, found = _timed(lambda: reader.search("harbour master pier", 5))
        top = found.passages[0].doc_id
        delete, _ = _timed(lambda: writer.delete_document("uploads/harbour-notice.md"))
        after_delete, gone = _timed(lambda: reader.search("harbour master pier", 5))
        # The first write built the collection's documents table if the copy had none (a store
        # from before it); from now on a write reads one record per document.
        again, _ = _timed(lambda: writer.ingest_upload("harbour-notice.md", NOTE))
        after_again, _ = _timed(lambda: reader.search("harbour master pier", 5))
        listed, documents = _timed(lambda: writer.documents())
        index = reader.index()
        whole, _ = _timed(lambda: SearchSnapshot(index.export(), index.generation()))
        print(f"collection {args.collection}: {chunks} chunks")
        print(f"first search (copy built whole)        {first:8.0f} ms")
        print(f"search, nothing changed                {steady:8.0f} ms")
        print(f"writer: upload one document            {write:8.0f} ms  (builds a missing table)")
        print(f"first search after the upload          {after_add:8.0f} ms  (top: {top})")
        print(f"writer: delete it                      {delete:8.0f} ms")
        still = any(p.doc_id.startswith("uploads/") for p in gone.passages)
        print(f"first search after the delete          {after_delete:8.0f} ms  (found: {still})")
        print(f"writer: upload it again                {again:8.0f} ms")
        print(f"first search after that upload         {after_again:8.0f} ms")
        print(f"list the documents ({len(documents)})              {listed:8.0f} ms")
        print(f"the same copy built whole, for scale   {whole:8.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
