"""Embedding backends side by side on the same MultiHop-RAG chunks: torch fp32 (the floor),
int8 ONNX with unsigned weights (plain AVX2) and with signed weights (VNNI); speed, and cosine
of each int8 vector to its fp32 vector.

Run: python bench/embed_backends.py [--articles 20] [--model all-MiniLM-L6-v2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.embed import (  # noqa: E402
    OnnxInt8Embedder,
    export_onnx_int8,
    load_token_counter,
    resolve_model_path,
)
from rag.ingest import Chunker, embedding_text, iter_files, load_document  # noqa: E402

MULTIHOP = ROOT.parent / "shared" / "bench" / "multihop" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    path = resolve_model_path(args.model)
    files = [f for f, _ in iter_files([MULTIHOP])][200 : 200 + args.articles]
    chunker = Chunker(load_token_counter(path), 256, 32)
    texts = [embedding_text(c) for f in files for c in chunker.split(load_document(f, f.name))]
    print(f"{len(texts)} chunks of {len(files)} articles, model {args.model}")

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu")
    model.encode(texts[:32], batch_size=args.batch_size)
    started = time.perf_counter()
    fp32 = model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True)
    floor = len(texts) / (time.perf_counter() - started)
    print(f"| torch fp32 | {floor:.1f} | 1.00 | 1.000 | 1.000 |")
    with tempfile.TemporaryDirectory() as tmp:
        for label, signed in (("onnx int8, unsigned weights", False),
                              ("onnx int8, signed weights", True)):  # fmt: skip
            embedder = OnnxInt8Embedder(args.model, path, Path(tmp), args.batch_size)
            embedder.file = Path(tmp) / f"{label[-16:].replace(' ', '-')}.onnx"
            export_onnx_int8(path, embedder.file, signed)
            embedder.embed_documents(texts[:32])
            started = time.perf_counter()
            vectors = np.array(embedder.embed_documents(texts))
            rate = len(texts) / (time.perf_counter() - started)
            cosine = (vectors * fp32).sum(axis=1)
            print(f"| {label} | {rate:.1f} | {rate / floor:.2f} | {cosine.mean():.3f} | "
                  f"{cosine.min():.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
