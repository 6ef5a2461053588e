"""Answer text + Passages -> checked citations and claims: every engine's output passes here."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.embed import Embedder
from rag.schema import Citation, Claim, Passage
from rag.text import content_terms, flat, sentence_spans

# (Not an index of code: "myfile.fits[1]", "argv[2]".)
MARKER = re.compile(r"\s?(?<!\w)\[(\d{1,3})\]")
# An answer sentence ends at . ! ? (and any closing quote or markers after it) before a space.
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*(?:\s?\[\d{1,3}\])*|$)")


@dataclass(frozen=True)
class Verified:
    """An answer after checking: its text (bad markers removed), citations and claims."""

    text: str
    citations: list[Citation]
    claims: list[Claim]


def drop_unknown_markers(text: str, known: int) -> str:
    """Remove `[n]` markers that point to no passage (n outside 1..known)."""
    return MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= known else "", text)


class MarkerFilter:
    """Streams text through `drop_unknown_markers`, holding back only an unfinished `[..`."""

    def __init__(self, known: int) -> None:
        self._known = known
        self._held = ""

    def feed(self, delta: str) -> str:
        text = self._held + delta
        cut = text.rfind("[")
        if cut == -1 or "]" in text[cut:] or len(text) - cut > 5:
            cut = len(text)  # no unfinished marker
        # A trailing space is held too, since an unknown marker after it takes it with it.
        if cut > 0 and text[cut - 1] == " ":
            cut -= 1
        self._held, text = text[cut:], text[:cut]
        return drop_unknown_markers(text, self._known)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return drop_unknown_markers(text, self._known)


def answer_sentences(text: str) -> list[str]:
    """The answer's sentences, each with the markers that follow it."""
    return [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]


def _passage_sentences(passage: Passage) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in sentence_spans(passage.text) if b - a >= 3]
    return spans or [(0, len(passage.text))]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class Verifier:
    """Checks each answer sentence against the passages it cites.

    A sentence's support is half lexical (the share of its content words found in the cited
    passages) and half semantic (embedding similarity to the best-matching cited sentence);
    below `threshold` it is flagged unsupported, and in `strict` mode removed. Citations are
    numbered as the passages were (`[n]` is passage n), so streamed text and sources agree.
    """

    def __init__(self, embedder: Embedder, *, threshold: float = 0.55, strict: bool = False):
        self._embedder = embedder
        self.threshold = threshold
        self.strict = strict

    def verify(self, text: str, passages: Sequence[Passage]) -> Verified:
        """Check an answer whose `[n]` markers number the passages (LLM engines)."""
        text = drop_unknown_markers(text, len(passages)).strip()
        sentences = answer_sentences(text)
        citations: dict[int, Citation] = {}
        for sentence in sentences:
            terms = content_terms(MARKER.sub("", sentence))
            for n in _cited(sentence):
                if n not in citations:
                    start, end = _best_span(passages[n - 1], terms)
                    citations[n] = citation(n, passages[n - 1], start, end)
        return self.check(sentences, list(citations.values()))

    def check(self, sentences: Sequence[str], citations: Sequence[Citation]) -> Verified:
        """Score each sentence against the citations its markers name; flag (or, strict,
        drop) the unsupported ones, and keep only the citations still cited."""
        by_n = {c.n: c for c in citations}
        cited = [[n for n in _cited(s) if n in by_n] for s in sentences]
        bare = [MARKER.sub("", s).strip() for s in sentences]
        # A sentence found verbatim in its quote (the extractive engine's, where adjacent
        # sentences share one quote) needs no embedding to match it.
        pairs = {(text, by_n[n].quote) for text, ns in zip(bare, cited, strict=True) for n in ns
                 if not _within(text, by_n[n].quote)}  # fmt: skip
        texts = sorted({t for pair in pairs for t in pair})
        vector_of = dict(zip(texts, self._embedder.embed_documents(texts), strict=True))

        def similarity(text: str, quote: str) -> float:
            if _within(text, quote):
                return 1.0
            return cosine(vector_of[text], vector_of[quote])

        claims: list[Claim] = []
        kept: list[str] = []
        for sentence, text, ns in zip(sentences, bare, cited, strict=True):
            score = 0.0
            if ns:
                best = max(similarity(text, by_n[n].quote) for n in ns)
                terms = content_terms(text)
                found = set().union(*(content_terms(by_n[n].passage) for n in ns))
                lexical = len(terms & found) / len(terms) if terms else 1.0
                score = round(0.5 * lexical + 0.5 * best, 4)
            supported = score >= self.threshold
            if supported or not self.strict:
                claims.append(Claim(text=text, citations=ns, supported=supported, score=score))
                kept.append(sentence)
        still = {n for c in claims for n in c.citations}
        return Verified(" ".join(kept), [c for c in citations if c.n in still], claims)


def _norm(text: str) -> str:
    return flat(text)


def _within(text: str, quote: str) -> bool:
    """Whether `text` is the quote or a run of its words, whitespace aside."""
    return f" {_norm(text)} " in f" {_norm(quote)} "


def _cited(sentence: str) -> list[int]:
    return list(dict.fromkeys(int(n) for n in MARKER.findall(sentence)))


def _best_span(passage: Passage, terms: set[str]) -> tuple[int, int]:
    """The passage sentence sharing most of the claim's content words: the quote shown."""
    spans = _passage_sentences(passage)
    return max(spans, key=lambda s: len(terms & content_terms(passage.text[s[0] : s[1]])))


def citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    """Citation n: the passage's text from start to end (offsets in the passage) as its quote."""
    return Citation(
        n=n,
        doc_id=passage.doc_id,
        title=passage.title,
        source=passage.source,
        published_at=passage.published_at,
        quote=passage.text[start:end],
        passage=passage.text,
        start=passage.start + start,
        end=passage.start + end,
        page=passage.page,
        section=passage.section,
        created_at=passage.created_at,
        ocr=passage.ocr,
    )
