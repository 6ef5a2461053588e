"""The opt-in profile for news multi-hop benchmarks (`RAG_PROFILE=news-multihop`): the extractive
engine whose rules were fitted to MultiHop-RAG's and RGB's question templates (answer shapes read
off the question's wording, a focus word, the name several articles agree on), and the retrieval
switches that serve questions naming outlets and dates. `eval multihop` and `eval answers` use it;
the default reading step (rag/reading.py) is what a user with any collection gets."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

from rag.answer import Prompts
from rag.cite import cite
from rag.embed import Embedder
from rag.profiles.news_shape import AnswerShape, corroborated_name
from rag.reading import Extractive
from rag.retrieve import StoredSentences
from rag.schema import Answer, Citation, Passage
from rag.sentences import Sentence, similarities, split_sentences
from rag.text import content_terms, words
from rag.verify import Verifier

# Words that frame a question rather than name its subject ("What did X say?").
_FRAMING = frozenset(
    {
        "say", "said", "says", "tell", "told", "claim", "claimed", "claims", "mention",
        "mentioned", "state", "stated", "report", "reported", "according", "think", "thought",
        "describe", "explain", "know", "happen", "happened",
    }
)  # fmt: skip

_CORROBORATED_BONUS = 0.2  # enough to lead, short of outranking a much closer sentence


@functools.cache
def _framing_terms() -> frozenset[str]:
    # Done at the first answer, not when an ingest builds us.
    return frozenset(content_terms(" ".join(_FRAMING)))


class ExtractiveEngine(Extractive):
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
        super().__init__(embedder, prompts, verifier, max_sentences=max_sentences)
        self._similarity = answer_similarity
        self._similarity_with_terms = answer_similarity_with_terms
        self._term_coverage = answer_term_coverage
        self._corroboration = corroboration

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
        return similarities(self._embedder, question, sentences, stored)

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
        return cite(chosen)
