"""Training questions for the sentence selector, made by rule from articles (never from any
evaluation question): a sentence's named entity is replaced by the question word its kind asks
for, the question is cut down to the words near it and thinned the way people shorten what
they type, and the other sentences of the same article are its negatives, the ones holding an
entity of the same kind first.

Articles: MultiHop-RAG's corpus less the 170 that bench/natural draws its questions from
(bench/natural/sample.txt) and less the seed article; RGB is never read (evaluation only).

Run: python scripts/selector_data.py [--corpus DIR] [--out data/selector/train.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.ingest import load_document  # noqa: E402
from rag.language import _model  # noqa: E402
from rag.text import answer_sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "bench" / "multihop" / "corpus"
EXCLUDED = ROOT / "bench" / "natural" / "sample.txt"

WH = {
    "PERSON": ["who", "which person", "who"],
    "ORG": ["which company", "which organization", "who"],
    "NORP": ["which group", "who"],
    "GPE": ["where", "which country", "which city"],
    "LOC": ["where"],
    "FAC": ["where", "which place"],
    "DATE": ["when", "what date", "when"],
    "TIME": ["when", "what time"],
    "CARDINAL": ["how many"],
    "QUANTITY": ["how much", "how many"],
    "MONEY": ["how much", "how much money"],
    "PERCENT": ["what percentage", "how much"],
    "EVENT": ["what event", "which event"],
    "PRODUCT": ["what product", "which product"],
    "WORK_OF_ART": ["what", "which title"],
}


_AUX = {"who": ["", "", "did"], "when": ["did", "was", "is"], "where": ["did", "is", "was"]}
_CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}


def question_for(sentence, entity, title: str, rng: random.Random) -> str | None:  # type: ignore[no-untyped-def]
    """A short question whose answer is `entity`: the question word its kind asks for and the
    sentence's words nearest the entity (verbs often in their base form), sometimes a word of
    the article's title the sentence lacks; the way people type a question about a fact."""
    wh = rng.choice(WH[entity.label_])
    content = [
        t
        for t in sentence
        if t.pos_ in _CONTENT
        and not t.is_stop
        and not (entity.start <= t.i < entity.end)
        and t.text.lower() not in entity.text.lower()
    ]
    if len(content) < 3:
        return None
    nearest = sorted(content, key=lambda t: abs(t.i - entity.root.i))[: rng.randint(3, 7)]
    words = [
        t.lemma_ if t.pos_ == "VERB" and rng.random() < 0.5 else t.text
        for t in sorted(nearest, key=lambda t: t.i)
    ]
    lower = sentence.text.lower()
    extra = [w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in lower]
    if extra and rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), rng.choice(extra))
    aux = rng.choice(_AUX.get(wh, ["", "did", "is", "are"]))
    text = " ".join(w for w in (wh, aux, *words) if w)
    return text[:1].upper() + text[1:] + "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "selector" / "train.jsonl")
    parser.add_argument("--per-article", type=int, default=14)
    parser.add_argument("--negatives", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    excluded = set(EXCLUDED.read_text().split())
    files = sorted(p for p in args.corpus.glob("*.md") if p.stem not in excluded)
    nlp = _model()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for file in files:
            doc = load_document(file, file.name)
            spans = [(a, b) for a, b in answer_sentences(doc.text) if b - a < 400]
            texts = [doc.text[a:b] for a, b in spans]
            parsed = list(nlp.pipe(texts))
            labels = [{e.label_ for e in p.ents} for p in parsed]
            candidates = [(i, e) for i, p in enumerate(parsed) for e in p.ents if e.label_ in WH]
            rng.shuffle(candidates)
            used: set[int] = set()
            for i, entity in candidates:
                if len(used) >= args.per_article or i in used:
                    continue
                question = question_for(parsed[i], entity, doc.title, rng)
                if question is None or entity.text.lower() in question.lower():
                    continue
                others = [j for j in range(len(texts)) if j != i and texts[j] != texts[i]]
                # Hard negatives: sentences holding an entity of the same kind.
                same = [j for j in others if entity.label_ in labels[j]]
                rest = [j for j in others if j not in same]
                rng.shuffle(same)
                rng.shuffle(rest)
                negatives = (same[: args.negatives // 2 + 1] + rest)[: args.negatives]
                if len(negatives) < 3:
                    continue
                used.add(i)
                row = {
                    "article": file.stem,
                    "question": question,
                    "label": entity.label_,
                    "answer": entity.text,
                    "positive": texts[i],
                    "negatives": [texts[j] for j in negatives],
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    print(f"{written} questions from {len(files)} articles -> {args.out}")


if __name__ == "__main__":
    main()
