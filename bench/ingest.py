"""Ingest speed against its floor: raw SentenceTransformer.encode (torch fp32) of the same chunks,
then ingestion with the configured backend (RAG_EMBED_BACKEND, default onnx-int8) in process and
as the full `python -m rag ingest` command, then a re-ingest of the unchanged folder.

Run: python bench/ingest.py [--limit N] [--corpus DIR] [--batch-size 16]
(the whole 609-article MultiHop-RAG corpus takes ~20 minutes here; --limit 100 about 4)
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.embed import load_token_counter, resolve_model_path  # noqa: E402
from rag.ingest import Chunker, embedding_text, iter_files, load_document  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.wiring import build_pipeline  # noqa: E402

MULTIHOP = ROOT.parent / "shared" / "bench" / "multihop" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=MULTIHOP)
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files = [f for f, _ in iter_files([args.corpus])][: args.limit]
        for file in files:
            shutil.copy(file, folder / file.name)

        model_path = resolve_model_path(settings.embed_model)
        chunker = Chunker(
            load_token_counter(model_path), settings.chunk_size, settings.chunk_overlap
        )
        texts = [embedding_text(c) for f in sorted(folder.iterdir())
                 for c in chunker.split(load_document(f, f.name))]  # fmt: skip

        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(model_path), device="cpu")
        model.encode(texts[:64], batch_size=args.batch_size)  # warm-up
        started = time.perf_counter()
        model.encode(texts, batch_size=args.batch_size)
        raw = len(texts) / (time.perf_counter() - started)
        print(f"{len(files)} articles, {len(texts)} chunks")
        batch = args.batch_size
        print(f"raw SentenceTransformer.encode, torch fp32, batch {batch}: {raw:.1f} chunks/s")
        del model

        # The pipeline with its model already loaded: what ingestion adds around encode.
        cache = Path(tmp) / "models"
        pipeline = build_pipeline(settings.model_copy(update={
            "data_dir": Path(tmp) / "inprocess", "embed_batch_size": args.batch_size,
            "model_cache_dir": cache}))  # fmt: skip
        started = time.perf_counter()
        pipeline.embedder.embed_documents(texts[:64])
        print(f"backend {settings.embed_backend}: model ready (export included, once per "
              f"machine) in {time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        pipeline.ingest([folder], "bench")
        rate = len(texts) / (time.perf_counter() - started)
        print(f"pipeline.ingest, model loaded: {rate:.1f} chunks/s = {rate / raw:.2f} of raw")
        del pipeline

        env = {**os.environ, "RAG_DATA_DIR": str(Path(tmp) / "data"),
               "RAG_EMBED_BATCH_SIZE": str(args.batch_size),
               "RAG_MODEL_CACHE_DIR": str(cache)}  # fmt: skip
        command = [sys.executable, "-m", "rag", "ingest", str(folder), "--quiet"]
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        full = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rate = len(texts) / full
        ratio = rate / raw
        print(f"full ingest, process start and model load included: {full:.1f} s = "
              f"{rate:.1f} chunks/s = {ratio:.2f} of raw; peak {peak_mb:.0f} MB")  # fmt: skip

        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        print(f"re-ingest of the unchanged folder: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
