"""The natural-question benchmark (bench/natural/): questions typed the way people type them, over
MultiHop-RAG articles, the seed article and documents of other kinds, judged against short gold
answers. What a user of any collection would notice: right, wrongly refused, or made up."""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.condense import Turn
from rag.evaluate import load_queries
from rag.language import fold
from rag.schema import Answer

NATURAL_DIR = Path(__file__).resolve().parent.parent / "bench" / "natural"
# The collection each question's documents live in, and where they are read from.
COLLECTIONS = {"multihop": "multihop", "seed": "natural-seed", "docs": "natural-docs"}

Ask = Callable[[str, str, Sequence[Turn]], Answer]


@dataclass
class NaturalScores:
    """Counts for a group of questions."""

    answerable: int = 0
    correct: int = 0
    wrongly_refused: int = 0
    cites_gold: int = 0
    unanswerable: int = 0
    refused_unanswerable: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "answerable": self.answerable,
            "correct": share(self.correct, self.answerable),
            "wrongly_refused": share(self.wrongly_refused, self.answerable),
            "cites_gold": share(self.cites_gold, self.answerable),
            "unanswerable": self.unanswerable,
            "unanswerable_refused": share(self.refused_unanswerable, self.unanswerable),
            "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else 0.0,
        }


def _mentions(text: str, gold: str, *, punctuation: bool = True) -> bool:
    """A gold answer found in an answer: folded, on word boundaries ("3" is not in "30");
    without `punctuation`, only the words in order count ("Ian Murdock and his wife Debra" in
    "Ian Murdock, and his wife, Debra")."""
    if not punctuation:
        text, gold = (" ".join(re.findall(r"\w+", fold(x))) for x in (text, gold))
    return re.search(rf"(?<!\w){re.escape(fold(gold))}(?!\w)", fold(text)) is not None


def misspell(question: str, seed: str) -> str:
    """The question with one slip of the fingers in its longest word of five letters or more
    (not its first letter): a letter dropped, doubled, or swapped with the next; which slip
    and where follow from `seed`, so every run types the same."""
    import random

    found = list(re.finditer(r"[A-Za-z]{5,}", question))
    if not found:
        return question
    word = max(found, key=lambda m: len(m.group()))
    chance = random.Random(seed)
    at = chance.randrange(1, len(word.group()) - 1)
    text = word.group()
    slip = chance.choice(("drop", "double", "swap"))
    if slip == "drop":
        text = text[:at] + text[at + 1 :]
    elif slip == "double":
        text = text[: at + 1] + text[at:]
    else:
        text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return question[: word.start()] + text + question[word.end() :]


def same_document(doc_id: str, gold: str | None) -> bool:
    """The gold document, whether or not its id was written with the file's suffix."""
    return gold is not None and (doc_id == gold or doc_id.rsplit(".", 1)[0] == gold)


def judge(question: dict[str, Any], answer: Answer) -> bool:
    """Whether an answerable question was answered correctly.

    - summary: two or more cited sentences, all from the gold document;
    - yes/no: the right "Yes"/"No", or, when the answer does not say either, the sentence
      that settles it (its evidence phrase) quoted;
    - any other: one of the gold answers in the answer's text.
    """
    if answer.refused:
        return False
    text = answer.answer
    kind = question["kind"]
    if kind == "summary":
        gold = question["doc_id"]
        cited = answer.citations
        return len(cited) >= 2 and all(same_document(c.doc_id, gold) for c in cited)
    if kind == "yes_no":
        said = re.match(r"\s*(yes|no)\b", text, re.IGNORECASE)
        if said:
            return bool(said.group(1).lower() == question["answers"][0])
        return _mentions(text, str(question.get("evidence", "")))
    return any(_mentions(text, str(gold)) for gold in question["answers"])


@dataclass
class NaturalReport:
    overall: NaturalScores = field(default_factory=NaturalScores)
    by_kind: dict[str, NaturalScores] = field(default_factory=lambda: defaultdict(NaturalScores))
    by_collection: dict[str, NaturalScores] = field(
        default_factory=lambda: defaultdict(NaturalScores)
    )
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.row(),
            "by_kind": {k: s.row() for k, s in sorted(self.by_kind.items())},
            "by_collection": {k: s.row() for k, s in sorted(self.by_collection.items())},
        }


def evaluate_natural(
    questions: Sequence[dict[str, Any]], ask: Ask, warmup: int = 3
) -> NaturalReport:
    """Ask every question (with its history) and judge it."""
    report = NaturalReport()
    for q in questions[:warmup]:
        ask(q["question"], COLLECTIONS[q["collection"]], [])
    for q in questions:
        history = [Turn(role=t["role"], content=t["content"]) for t in q.get("history") or []]
        started = time.perf_counter()
        answer = ask(q["question"], COLLECTIONS[q["collection"]], history)
        elapsed = (time.perf_counter() - started) * 1000
        groups = [report.overall, report.by_kind[q["kind"]], report.by_collection[q["collection"]]]
        if q.get("followup"):
            groups.append(report.by_kind[f"followup ({q['followup']})"])
        right = False
        for scores in groups:
            scores.latencies_ms.append(elapsed)
            if q.get("should_refuse"):
                scores.unanswerable += 1
                scores.refused_unanswerable += answer.refused
                right = answer.refused
            else:
                right = judge(q, answer)
                scores.answerable += 1
                scores.correct += right
                scores.wrongly_refused += answer.refused
                cited = (same_document(c.doc_id, q["doc_id"]) for c in answer.citations)
                scores.cites_gold += any(cited)
        if not right:
            report.misses.append(
                {"id": q["id"], "kind": q["kind"], "question": q["question"],
                 "searched_for": answer.searched_for, "gold": q.get("answers"),
                 "refused": answer.refused, "answer": answer.answer[:400]}
            )  # fmt: skip
    return report


def load_natural(path: Path | None = None) -> list[dict[str, Any]]:
    return [dict(q) for q in load_queries(path or NATURAL_DIR / "questions.jsonl")]
