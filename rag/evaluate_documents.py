"""The real-documents benchmark (bench/documents/): PDFs and web pages nobody on the team wrote,
as a user drops them in. Measures what reading them costs a reader: sentences cut apart,
running headers and page numbers inside passages, answers right or wrong, the answer in the
top three passages, and cited quotes that are not whole sentences."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.blocks import BULLET, LIST_MARKER
from rag.evaluate_natural import _mentions as mentions
from rag.schema import Answer

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "bench" / "documents"
COLLECTION = "real-documents"

Ask = Callable[[str], Answer]


def normalised(text: str) -> str:
    """Text compared as a reader compares it: ligatures and widths folded (NFKC), soft hyphens
    dropped, typographic quotes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"[‘’‛′]", "'", re.sub(r"[“”„″]", '"', text))
    return re.sub(r"\s+", " ", text).strip()


def _mentions(text: str, gold: str) -> bool:
    """A gold answer in a text, its words in order, case, accents and punctuation aside."""
    return mentions(text, gold, punctuation=False)


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", normalised(text).lower())


def running_noise(chunk: str, running: Iterable[str]) -> bool:
    """Whether a chunk holds a running header or footer (a line that is one, or one glued to a
    page number inside the text), or a bare page number on a line of its own."""
    # A heading line ("## Acknowledgements") is the document's own, even where a running
    # header repeats its words.
    lines = [normalised(ln) for ln in chunk.split("\n") if not ln.lstrip().startswith("#")]
    if any(re.fullmatch(r"(?:page\s*)?[-–]?\s*\d{1,4}(?:\s*(?:/|of)\s*\d+)?\s*[-–]?", ln, re.I)
           for ln in lines):  # fmt: skip
        return True
    flat = _masked("\n".join(lines))
    for line in running:
        mark = _masked(line)
        if not mark:
            continue
        if any(_masked(ln).strip() == mark.strip() for ln in lines):
            return True
        if re.search(rf"(?:#\s+{re.escape(mark)}|{re.escape(mark)}\s+#)(?!\w)", flat):
            return True
    return False


def whole_sentence(quote: str, before: str = "", after: str | None = None) -> bool:
    """A quote that starts as a sentence (or a list item) starts and ends as one ends: not
    with a lower-case function word that shows it was cut from a longer one ("which was
    voted ...", "with certain exceptions ..."); a lower-case name may start one ("babelbib
    has been developed ..."). `before` and `after` are the passage's text around it: its
    bullet may be before it, and a line quoted whole, from its start (or its list marker) to
    its end, is whole as written with no full stop ("• 1.1 Buzz released June 1996 (474
    packages, ...)", "Author: Gordon McMillan")."""
    from rag.text import stopwords

    # A list item may start in lower case.
    bullet = BULLET.match(quote.strip())
    item = bullet or BULLET.match(before.rstrip(" \t")[-1:] + " ")
    text = quote.strip()[bullet.end() if bullet else 0 :]
    first = re.match(r"[\"'“‘(\[]?(\w+)", text)
    if first is None or (not item and first.group(1) in stopwords()):
        return False
    if re.search(r"[.!?:]['\"”’)\]]?$", text):
        return True
    # A whole line, unless it ends in a function word: then a line break cut it ("... founded by").
    line_start = before.rsplit("\n", 1)[-1]
    last = re.search(r"(\w+)\W*$", text)
    return (
        after is not None
        and (not line_start.strip() or bool(LIST_MARKER.fullmatch(line_start.lstrip())))
        and (not after.strip(" \t") or after.lstrip(" \t").startswith("\n"))
        and not (last and last.group(1).lower() in stopwords())
    )


@dataclass
class DocumentsReport:
    sentences: int = 0
    intact: int = 0
    broken: list[dict[str, Any]] = field(default_factory=list)
    chunks: int = 0
    noisy_chunks: int = 0
    noisy: list[dict[str, Any]] = field(default_factory=list)
    answerable: int = 0
    correct: int = 0
    wrongly_refused: int = 0
    gold_in_top3: int = 0
    answer_words_in_top3: int = 0
    unanswerable: int = 0
    refused_unanswerable: int = 0
    quotes: int = 0
    whole_quotes: int = 0
    partial_quotes: list[str] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "sentences": self.sentences,
            "sentences_intact": share(self.intact, self.sentences),
            "chunks": self.chunks,
            "chunks_with_running_lines": self.noisy_chunks,
            "answerable": self.answerable,
            "correct": share(self.correct, self.answerable),
            "wrongly_refused": share(self.wrongly_refused, self.answerable),
            "gold_in_top3": share(self.gold_in_top3, self.answerable),
            "answer_words_in_top3": share(self.answer_words_in_top3, self.answerable),
            "unanswerable": self.unanswerable,
            "unanswerable_refused": share(self.refused_unanswerable, self.unanswerable),
            "quotes": self.quotes,
            "quotes_whole_sentences": share(self.whole_quotes, self.quotes),
        }


def _file_of(doc_id: str) -> str:
    return doc_id.rsplit("/", 1)[-1]


def check_text(
    report: DocumentsReport,
    chunks_by_file: dict[str, list[str]],
    sentences: Sequence[dict[str, Any]],
    noise: dict[str, Any],
) -> None:
    """Sentences intact in some chunk, and chunks holding running lines, per file."""
    # Case aside: a logo's letters ("LaTeX") come out of a PDF as their glyphs' ("LATEX").
    flat = {
        name: [normalised(c).casefold() for c in texts] for name, texts in chunks_by_file.items()
    }
    for row in sentences:
        report.sentences += 1
        wanted = normalised(row["sentence"]).casefold()
        if any(wanted in chunk for chunk in flat.get(row["file"], [])):
            report.intact += 1
        else:
            report.broken.append({"file": row["file"], "sentence": row["sentence"][:160]})
    for name, texts in chunks_by_file.items():
        running = (noise.get(name) or {}).get("running_lines") or []
        for text in texts:
            report.chunks += 1
            if running_noise(text, running):
                report.noisy_chunks += 1
                report.noisy.append({"file": name, "chunk": text[:160]})


def ask_questions(report: DocumentsReport, questions: Sequence[dict[str, Any]], ask: Ask) -> None:
    for q in questions:
        answer = ask(q["question"])
        golds = [g for g in [q.get("answer"), *(q.get("alternatives") or [])] if g]
        right = False
        if not golds:
            report.unanswerable += 1
            report.refused_unanswerable += answer.refused
            right = answer.refused
        else:
            report.answerable += 1
            right = not answer.refused and any(_mentions(answer.answer, g) for g in golds)
            report.correct += right
            report.wrongly_refused += answer.refused
            top3 = " ".join(p.text for p in answer.passages[:3])
            # The answer is in a passage when its words are, or the sentence that says it is:
            # a count ("ten" languages, listed) or a paraphrase ("the primary license under
            # which ...") is not written as the short gold answer.
            said = any(_mentions(top3, g) for g in golds)
            report.answer_words_in_top3 += said
            sentence = q.get("gold_sentence")
            report.gold_in_top3 += said or bool(sentence and _mentions(top3, sentence))
        for citation in answer.citations:
            report.quotes += 1
            at = citation.passage.find(citation.quote)
            before, after = "", None
            if at >= 0:
                before, after = citation.passage[:at], citation.passage[at + len(citation.quote) :]
            if whole_sentence(citation.quote, before, after):
                report.whole_quotes += 1
            else:
                report.partial_quotes.append(citation.quote[:200])
        if not right:
            report.misses.append(
                {"id": q["id"], "question": q["question"], "gold": golds or None,
                 "refused": answer.refused, "answer": answer.answer[:300]}
            )  # fmt: skip


def load(directory: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    def rows(name: str) -> list[dict[str, Any]]:
        with (directory / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    noise = json.loads((directory / "noise.json").read_text(encoding="utf-8"))
    return rows("questions.jsonl"), rows("sentences.jsonl"), noise
