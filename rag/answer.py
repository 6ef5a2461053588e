"""Question + Passages -> Answer: the extractive engine picks cited sentences; LLM engines write
from fenced, numbered passages; every engine's text is then verified, or it refuses."""

from __future__ import annotations

import functools
import math
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag.answer_shape import AnswerShape, Sentence, corroborated_name, split_sentences
from rag.condense import Turn, condense
from rag.embed import Embedder
from rag.errors import RagError
from rag.llm import ChatModel, Message
from rag.retrieve import StoredSentences
from rag.schema import Answer, Citation, Passage
from rag.text import content_terms, words
from rag.verify import MarkerFilter, Verifier, citation

_TEMPLATES = {
    "extractive_answer": {"sentences"},
    "refusal": set(),
    "llm_system": {"max_sentences", "refusal"},
    "llm_user": {"passages", "question"},
    "condense": {"history", "question"},
}
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
    llm_system: str
    llm_user: str
    condense: str

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
    """Turns a question and its retrieved passages into an Answer, streamed: text deltas as
    they are produced, then the final, verified Answer (whose text may differ: checked).
    `stored`, when retrieval has it, holds the passages' sentence vectors (extractive uses it)."""

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Iterator[str | Answer]: ...

    def condense(self, question: str, history: Sequence[Turn]) -> str: ...


def final_answer(events: Iterable[str | Answer]) -> Answer:
    """The Answer at the end of an engine's stream."""
    for event in events:
        if isinstance(event, Answer):
            return event
    raise RagError("The answer engine ended without an answer.")


def _refusal(prompts: Prompts, question: str, passages: Sequence[Passage]) -> Answer:
    return Answer(
        question=question,
        searched_for=question,
        answer=prompts.refusal,
        refused=True,
        citations=[],
        passages=list(passages),
    )


_CORROBORATED_BONUS = 0.2  # enough to lead, short of outranking a much closer sentence


@functools.cache
def _framing_terms() -> frozenset[str]:
    # Stemming loads nltk (seconds): done at the first answer, not when an ingest builds us.
    return frozenset(content_terms(" ".join(_FRAMING)))


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
        verifier: Verifier,
        *,
        max_sentences: int = 3,
        answer_similarity: float = 0.5,
        answer_similarity_with_terms: float = 0.3,
        answer_term_coverage: float = 0.5,
        corroboration: bool = True,
    ) -> None:
        self._embedder = embedder
        self._prompts = prompts
        self._verifier = verifier
        self._max_sentences = max_sentences
        self._similarity = answer_similarity
        self._similarity_with_terms = answer_similarity_with_terms
        self._term_coverage = answer_term_coverage
        self._corroboration = corroboration

    def refusal(self, question: str, passages: Sequence[Passage]) -> Answer:
        return _refusal(self._prompts, question, passages)

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        return condense(question, history)

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Iterator[str | Answer]:
        answer = self.answer(question, passages, stored)
        yield answer.answer
        yield answer

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Answer:
        """The cited answer, or a refusal; `stored` saves embedding sentences that retrieval
        already has vectors for."""
        sentences = [s for p in passages for s in split_sentences(p)]
        shape = AnswerShape.of(question)
        if not sentences or not shape.dates_found(passages):
            return self.refusal(question, passages)
        scores, semantic, coverage = self._score(question, sentences, stored)
        fits = [shape.fits(s) for s in sentences]
        answering = [
            (sem >= self._similarity
             or (sem >= self._similarity_with_terms and cov >= self._term_coverage))
            and fit
            for fit, sem, cov in zip(fits, semantic, coverage, strict=True)
        ]  # fmt: skip
        if not any(answering):
            return self.refusal(question, passages)
        if self._corroboration and shape.asks_for_name:
            # A multi-source answer is the name its sources share, and the sentence holding it
            # is often less like the long question than one that merely echoes it.
            name = corroborated_name(question, passages)
            names = re.compile(rf"\b{re.escape(name)}\b") if name else None
            for i, sentence in enumerate(sentences):
                if (
                    names
                    and fits[i]
                    and semantic[i] >= self._similarity_with_terms
                    and names.search(sentence.text)
                ):
                    answering[i] = True
                    scores[i] += _CORROBORATED_BONUS
        chosen = self._choose(sentences, scores, answering)
        citations, parts = self._cite(chosen)
        checked = self._verifier.check(parts, citations)
        text = self._prompts.extractive_answer.format(sentences=checked.text)
        return Answer(
            question=question,
            searched_for=question,
            answer=text,
            refused=False,
            citations=checked.citations,
            passages=list(passages),
            claims=checked.claims,
        )

    def _score(
        self,
        question: str,
        sentences: Sequence[Sentence],
        stored: StoredSentences | None,
    ) -> tuple[list[float], list[float], list[float]]:
        """Per sentence: overall score, similarity to the question, share of its key words."""
        semantic = self._similarities(question, sentences, stored)
        terms = [content_terms(s.text) for s in sentences]
        asked = content_terms(question) - _framing_terms()
        # Words rare among the candidates (a name) weigh more than words in every sentence.
        idf = {t: math.log(1 + len(terms) / (1 + sum(t in ts for ts in terms))) for t in asked}
        total = sum(idf.values()) or 1.0
        scores, coverage = [], []
        for sentence, sem, ts in zip(sentences, semantic, terms, strict=True):
            lexical = sum(idf[t] for t in asked & ts) / total if asked else 0.0
            coverage.append(lexical)
            scores.append(0.55 * sem + 0.35 * lexical + 0.10 / sentence.passage.rank)
        return scores, semantic, coverage

    def _similarities(
        self, question: str, sentences: Sequence[Sentence], stored: StoredSentences | None
    ) -> list[float]:
        """Each sentence's cosine to the question: from the vectors stored at ingest where
        there are any, the rest embedded now."""
        import numpy as np

        known: dict[tuple[int, int, int], np.ndarray] = {}
        if stored is not None:
            for passage in {id(s.passage): s.passage for s in sentences}.values():
                for (a, b), vector in stored.vectors_of(passage).items():
                    known[(id(passage), a, b)] = vector
        keys = [(id(s.passage), s.start, s.end) for s in sentences]
        missing = [s.text for s, key in zip(sentences, keys, strict=True) if key not in known]
        fresh = iter(self._embedder.embed_documents(missing) if missing else [])
        rows = [known[key] if key in known else np.asarray(next(fresh)) for key in keys]
        matrix = np.asarray(rows, dtype=np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        query = np.asarray(self._embedder.embed_query(question), dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        return [float(x) for x in matrix @ query]

    def _choose(
        self, sentences: Sequence[Sentence], scores: Sequence[float], answering: Sequence[bool]
    ) -> list[Sentence]:
        order = sorted((i for i in range(len(sentences)) if answering[i]), key=lambda i: -scores[i])
        top = scores[order[0]]
        chosen: list[Sentence] = []
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

    def _cite(self, chosen: Sequence[Sentence]) -> tuple[list[Citation], list[str]]:
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
            citations.append(citation(n, passage, start, end))
            parts.append(f"{_SPACE.sub(' ', passage.text[start:end]).strip()} [{n}]")
        return citations, parts


class LLMEngine:
    """Answers with a chat model (llama.cpp in process, or an OpenAI-compatible server).

    The passages go to the model fenced and numbered; its `[n]` markers stream through as it
    writes (markers to no passage dropped), then every sentence is verified against what it
    cites. Refusal is decided on the verified text, not left to the model's judgement: an
    answer with no supported sentence is a refusal.
    """

    def __init__(
        self,
        llm: ChatModel,
        prompts: Prompts,
        verifier: Verifier,
        *,
        max_sentences: int = 3,
        max_tokens: int = 256,
    ) -> None:
        self._llm = llm
        self._prompts = prompts
        self._verifier = verifier
        self._max_sentences = max_sentences
        self._max_tokens = max_tokens

    def messages(self, question: str, passages: Sequence[Passage]) -> list[Message]:
        """The conversation sent to the model: rules, then the fenced passages and question."""
        system = self._prompts.llm_system.format(
            max_sentences=self._max_sentences, refusal=self._prompts.refusal
        )
        fenced = "\n".join(_fence(n, p) for n, p in enumerate(passages, start=1))
        user = self._prompts.llm_user.format(passages=fenced, question=question)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Iterator[str | Answer]:
        if not passages:
            refusal = _refusal(self._prompts, question, passages)
            yield refusal.answer
            yield refusal
            return
        markers = MarkerFilter(len(passages))
        parts: list[str] = []
        for delta in self._llm.chat(self.messages(question, passages), self._max_tokens):
            parts.append(delta)
            if shown := markers.feed(delta):
                yield shown
        if tail := markers.flush():
            yield tail
        yield self._finish(question, passages, "".join(parts))

    def _finish(self, question: str, passages: Sequence[Passage], text: str) -> Answer:
        checked = self._verifier.verify(text, passages)
        if _says_refusal(text, self._prompts.refusal) or not any(
            c.supported for c in checked.claims
        ):
            return _refusal(self._prompts, question, passages)
        return Answer(
            question=question,
            searched_for=question,
            answer=checked.text,
            refused=False,
            citations=checked.citations,
            passages=list(passages),
            claims=checked.claims,
        )

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        lines = "\n".join(f"{t.role}: {_SPACE.sub(' ', t.content)[:500]}" for t in history[-6:])
        prompt = self._prompts.condense.format(history=lines, question=question)
        reply = "".join(self._llm.chat([{"role": "user", "content": prompt}], 64)).strip()
        first = reply.splitlines()[0].strip() if reply else ""
        # A model that wanders off gives no usable query; the rule-based rewrite still does.
        return first if 3 <= len(first) <= 300 else condense(question, history)


def _fence(n: int, passage: Passage) -> str:
    meta = " ".join(
        f'{key}="{value.replace(chr(34), chr(39))}"'
        for key, value in (
            ("title", passage.title),
            ("source", passage.source),
            ("date", (passage.published_at or "")[:10] or None),
        )
        if value
    )
    # A passage cannot close its own fence early.
    body = re.sub(r"</?\s*passages?\b", "(passage)", passage.text, flags=re.IGNORECASE)
    return f'<passage n="{n}" {meta}>\n{body}\n</passage>'


def _says_refusal(text: str, refusal: str) -> bool:
    said = set(words(text))
    wanted = set(words(refusal))
    return bool(wanted) and len(said & wanted) / len(wanted) >= 0.8 and len(said) <= 2 * len(wanted)
