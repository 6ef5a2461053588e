"""Question + Passages -> Answer: the extractive engine picks cited sentences, or refuses."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag.embed import Embedder
from rag.errors import RagError
from rag.schema import Answer, Citation, Passage
from rag.text import content_terms, stopwords, words

_TEMPLATES = {"extractive_answer": {"sentences"}, "refusal": set()}
# Words that frame a question rather than name its subject ("What did X say?").
_FRAMING = frozenset(
    {
        "say", "said", "says", "tell", "told", "claim", "claimed", "claims", "mention",
        "mentioned", "state", "stated", "report", "reported", "according", "think", "thought",
        "describe", "explain", "know", "happen", "happened",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Prompts:
    """The answer and refusal wording, loaded from `prompts/`."""

    extractive_answer: str
    refusal: str

    @classmethod
    def load(cls, folder: Path) -> Prompts:
        """Read every template and check it has exactly the placeholders the code fills.

        Raises:
            RagError: a template is missing or has other placeholders.
        """
        texts: dict[str, str] = {}
        for name, wanted in _TEMPLATES.items():
            path = folder / f"{name}.txt"
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise RagError(f"Prompt template {path} cannot be read: {exc.strerror}") from exc
            found = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            if found != wanted:
                raise RagError(
                    f"Prompt template {path} must use the placeholders {sorted(wanted)}, "
                    f"found {sorted(found)}"
                )
            texts[name] = text
        return cls(**texts)


class AnswerEngine(Protocol):
    """Turns a question and its retrieved passages into an Answer."""

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer: ...


@dataclass(frozen=True)
class _Sentence:
    passage: Passage
    start: int  # offset in passage.text
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


def split_sentences(passage: Passage) -> list[_Sentence]:
    """Sentence spans of a passage; a line break always ends a sentence (headlines, quotes)."""
    from llama_index.core.utils import globals_helper

    tokenizer = globals_helper.punkt_tokenizer
    sentences = []
    for line in re.finditer(r"[^\n]+", passage.text):
        spans: list[tuple[int, int]] = []
        for start, end in tokenizer.span_tokenize(line.group()):
            # A quotation split by the tokenizer stays whole, so a quote never starts mid-speech.
            if spans and _open_quote(line.group()[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        sentences += [_Sentence(passage, line.start() + a, line.start() + b) for a, b in spans]
    return sentences


def _open_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")


_NUMBER = re.compile(r"\b(?:q[1-4]|\d[\d,.]*)\b", re.IGNORECASE)
_YEAR_OR_DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z'’-]+")
_AMOUNT = re.compile(r"[$€£¥]\s?\d|\d\s?(?:%|percent|million|billion|trillion)\b", re.I)


@dataclass(frozen=True)
class AnswerShape:
    """What a sentence must hold to answer a question, read off the question itself: the
    numbers it names (a year, a quarter), and for who/when/where/how-many questions something
    new of that kind (a name, a date, a number) that the question does not already contain."""

    numbers: frozenset[str]
    kind: str | None
    question_words: frozenset[str]

    @classmethod
    def of(cls, question: str) -> AnswerShape:
        lowered = question.lower()
        kind = None
        if re.match(r"\s*(who|whom|whose)\b", lowered):
            kind = "name"
        elif re.match(r"\s*when\b", lowered) or re.search(
            r"\b(what|which) (year|date|day)\b", lowered
        ):
            kind = "date"
        elif re.match(r"\s*where\b", lowered) or re.search(r"\blocation\b", lowered):
            kind = "name"
        elif re.search(
            r"\bhow (many|much)\b|\b(revenue|price|cost|population|percentage)\b", lowered
        ):
            kind = "number"
        numbers = frozenset(n.lower().rstrip(".,") for n in _NUMBER.findall(question))
        return cls(numbers, kind, frozenset(words(question)))

    def fits(self, sentence: _Sentence) -> bool:
        text = sentence.text
        if text.rstrip().endswith("?"):
            return False  # a question in a document does not answer one
        context = f"{sentence.passage.title} {sentence.passage.text}".lower()
        if any(not re.search(rf"\b{re.escape(n)}\b", context) for n in self.numbers):
            return False
        new = [w for w in words(text) if w not in self.question_words]
        match self.kind:
            case "name":
                stop = stopwords()
                return any(
                    w.lower() not in self.question_words and w.lower() not in stop
                    for w in _CAPITALISED.findall(text)
                )
            case "date":
                return any(_YEAR_OR_DATE.fullmatch(w) for w in new)
            case "number":
                return bool(_AMOUNT.search(text)) or any(w[0].isdigit() for w in new)
        return True


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class ExtractiveEngine:
    """Answers with no LLM: the passages' sentences that best answer the question, each cited.

    A sentence is scored by its embedding similarity to the question, the share of the
    question's distinctive words it contains, and its passage's rank. It refuses unless some
    sentence is close in meaning, or fairly close and holding most of the question's key words.
    """

    def __init__(
        self,
        embedder: Embedder,
        prompts: Prompts,
        *,
        max_sentences: int = 3,
        answer_similarity: float = 0.5,
        answer_similarity_with_terms: float = 0.3,
        answer_term_coverage: float = 0.5,
    ) -> None:
        self._embedder = embedder
        self._prompts = prompts
        self._max_sentences = max_sentences
        self._similarity = answer_similarity
        self._similarity_with_terms = answer_similarity_with_terms
        self._term_coverage = answer_term_coverage
        self._framing = content_terms(" ".join(_FRAMING))

    def refusal(self, question: str, passages: Sequence[Passage]) -> Answer:
        return Answer(
            question=question,
            searched_for=question,
            answer=self._prompts.refusal,
            refused=True,
            citations=[],
            passages=list(passages),
        )

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        sentences = [s for p in passages for s in split_sentences(p) if len(s.text) >= 15]
        if not sentences:
            return self.refusal(question, passages)
        scores, semantic, coverage = self._score(question, sentences)
        shape = AnswerShape.of(question)
        answering = [
            (sem >= self._similarity
             or (sem >= self._similarity_with_terms and cov >= self._term_coverage))
            and shape.fits(s)
            for s, sem, cov in zip(sentences, semantic, coverage, strict=True)
        ]  # fmt: skip
        if not any(answering):
            return self.refusal(question, passages)
        chosen = self._choose(sentences, scores, answering)
        citations, parts = self._cite(chosen)
        text = self._prompts.extractive_answer.format(sentences=" ".join(parts))
        return Answer(
            question=question,
            searched_for=question,
            answer=text,
            refused=False,
            citations=citations,
            passages=list(passages),
        )

    def _score(
        self, question: str, sentences: Sequence[_Sentence]
    ) -> tuple[list[float], list[float], list[float]]:
        """Per sentence: overall score, similarity to the question, share of its key words."""
        question_vector = self._embedder.embed_query(question)
        vectors = self._embedder.embed_documents([s.text for s in sentences])
        semantic = [_cosine(question_vector, v) for v in vectors]
        terms = [content_terms(s.text) for s in sentences]
        asked = content_terms(question) - self._framing
        # Words rare among the candidates (a name) weigh more than words in every sentence.
        idf = {t: math.log(1 + len(terms) / (1 + sum(t in ts for ts in terms))) for t in asked}
        total = sum(idf.values()) or 1.0
        scores, coverage = [], []
        for sentence, sem, ts in zip(sentences, semantic, terms, strict=True):
            lexical = sum(idf[t] for t in asked & ts) / total if asked else 0.0
            coverage.append(lexical)
            scores.append(0.55 * sem + 0.35 * lexical + 0.10 / sentence.passage.rank)
        return scores, semantic, coverage

    def _choose(
        self, sentences: Sequence[_Sentence], scores: Sequence[float], answering: Sequence[bool]
    ) -> list[_Sentence]:
        order = sorted((i for i in range(len(sentences)) if answering[i]), key=lambda i: -scores[i])
        top = scores[order[0]]
        chosen: list[_Sentence] = []
        seen: list[set[str]] = []
        for i in order:
            if len(chosen) == self._max_sentences:
                break
            if scores[i] < 0.8 * top:
                break
            vocabulary = set(words(sentences[i].text))
            # The same sentence often sits in two overlapping chunks, or in two articles.
            if any(len(vocabulary & w) / max(1, len(vocabulary | w)) > 0.6 for w in seen):
                continue
            chosen.append(sentences[i])
            seen.append(vocabulary)
        return chosen

    def _cite(self, chosen: Sequence[_Sentence]) -> tuple[list[Citation], list[str]]:
        """Order sentences by document (best first) and position; adjacent ones share a citation."""
        doc_rank: dict[str, int] = {}
        for s in chosen:
            doc_rank.setdefault(s.passage.doc_id, len(doc_rank))
        ordered = sorted(
            chosen, key=lambda s: (doc_rank[s.passage.doc_id], s.passage.start + s.start)
        )
        spans: list[tuple[Passage, int, int]] = []
        for s in ordered:
            if spans:
                passage, start, end = spans[-1]
                if passage is s.passage and not passage.text[end : s.start].strip():
                    spans[-1] = (passage, start, s.end)
                    continue
            spans.append((s.passage, s.start, s.end))
        citations, parts = [], []
        for n, (passage, start, end) in enumerate(spans, start=1):
            quote = passage.text[start:end]
            citations.append(
                Citation(
                    n=n,
                    doc_id=passage.doc_id,
                    title=passage.title,
                    source=passage.source,
                    published_at=passage.published_at,
                    quote=quote,
                    passage=passage.text,
                    start=passage.start + start,
                    end=passage.start + end,
                    page=passage.page,
                )
            )
            parts.append(f"{_SPACE.sub(' ', quote).strip()} [{n}]")
        return citations, parts
