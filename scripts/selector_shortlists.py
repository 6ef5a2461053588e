"""Training groups for the sentence selector from the reading step's own shortlists.

For each question of `scripts/selector_questions.jsonl` (written by helpers about MultiHop-RAG
articles outside bench/natural/sample.txt), ask the default engine as a user would and keep the
sentences it weighed, best first by its own signals: the ones that hold the question's short
answer and come from the question's article are positives, the others negatives. So the selector
learns to tell the answer from what the reading step really confuses it with: sentences of other
articles the search found as well as the article's neighbours. Sentences of the natural
benchmark's articles are left out, as negatives too.

Needs a store of the MultiHop corpus (`RAG_DATA_DIR=DIR python -m rag eval natural` builds one).

    RAG_DATA_DIR=DIR python scripts/selector_shortlists.py [--keep 8] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Settings, build_pipeline  # noqa: E402
from rag import reading as reading_module  # noqa: E402
from rag.language import fold  # noqa: E402

QUESTIONS = ROOT / "scripts" / "selector_questions.jsonl"
EXCLUDED = ROOT / "bench" / "natural" / "sample.txt"
OUT = ROOT / "data" / "selector" / "shortlists.jsonl"


def holds(text: str, answer: str) -> bool:
    return (
        bool(answer)
        and re.search(rf"(?<!\w){re.escape(fold(answer))}(?!\w)", fold(text)) is not None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=int, default=8, help="candidates kept per question")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="questions to ask")
    args = parser.parse_args()
    excluded = set(EXCLUDED.read_text().split())
    rows = [json.loads(line) for line in args.questions.open(encoding="utf-8")]
    if {r["article"] for r in rows} & excluded:
        raise SystemExit("training questions name articles of the natural benchmark")

    seen: dict[str, Any] = {}
    select = reading_module.select

    def capture(reading, found, weights, most, passages=()):  # type: ignore[no-untyped-def]
        seen.setdefault("found", (list(found), weights))
        return select(reading, found, weights, most, passages)

    reading_module.select = capture  # type: ignore[assignment]
    pipeline = build_pipeline(Settings())
    groups, skipped = [], 0
    for r in rows:
        seen.clear()
        pipeline.ask(r["question"], None, "multihop")
        if "found" not in seen:
            skipped += 1  # a summary, or nothing weighed
            continue
        found, weights = seen["found"]
        found = [s for s in found if s.sentence.passage.doc_id.removesuffix(".md") not in excluded]
        found.sort(key=lambda s: -reading_module.combine(s, weights))

        def positive(s: Any, r: dict[str, Any] = r) -> bool:
            own = s.sentence.passage.doc_id.removesuffix(".md") == r["article"]
            return own and not r["unanswerable"] and holds(s.sentence.text, r["answer"])

        good = [s for s in found if positive(s)]
        if not r["unanswerable"] and not good:
            skipped += 1  # the search did not find the answer: nothing to learn here
            continue
        bad = [s for s in found if not positive(s)]
        kept = good[:2] + bad[: args.keep - len(good[:2])]
        kept.sort(key=found.index)  # the reading step's own order, to compare against
        groups.append(
            {
                "article": r["article"],
                "question": r["question"],
                "candidates": [
                    {
                        "title": s.sentence.passage.title,
                        "text": s.sentence.text,
                        "positive": positive(s),
                    }
                    for s in kept
                ],
            }
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in groups))
    print(f"{len(groups)} groups ({skipped} questions skipped) -> {args.out}")


if __name__ == "__main__":
    main()
