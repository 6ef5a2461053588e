"""Question + Passages -> Answer: what every engine shares (prompts, the engine protocol, refusal),
and the LLM engine, which writes from fenced, numbered passages; its text is then verified, or it
refuses. The extractive engines are in rag/reading.py (with rag/sentences.py) and rag/profiles/."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag.condense import Turn, condense
from rag.errors import RagError
from rag.llm import ChatModel, Message
from rag.retrieve import StoredSentences
from rag.schema import Answer, Passage
from rag.text import words
from rag.verify import MarkerFilter, Verifier

_TEMPLATES = {
    "extractive_answer": {"sentences"},
    "refusal": set(),
    "llm_system": {"max_sentences", "refusal"},
    "llm_user": {"passages", "question"},
    "condense": {"history", "question"},
}
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


def refusal(prompts: Prompts, question: str, passages: Sequence[Passage]) -> Answer:
    """The refusal, still listing the passages that came closest."""
    return Answer(
        question=question,
        searched_for=question,
        answer=prompts.refusal,
        refused=True,
        citations=[],
        passages=list(passages),
    )


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
            refused = refusal(self._prompts, question, passages)
            yield refused.answer
            yield refused
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
            return refusal(self._prompts, question, passages)
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
    # Every field is data: a title or source cannot close the fence or start a line of its own,
    # and a passage cannot close its own fence early.
    meta = " ".join(
        f'{key}="{html.escape(_SPACE.sub(" ", value), quote=True)}"'
        for key, value in (
            ("title", passage.title),
            ("source", passage.source),
            ("date", (passage.published_at or "")[:10] or None),
        )
        if value
    )
    body = re.sub(r"</?\s*passages?\b", "(passage)", passage.text, flags=re.IGNORECASE)
    return f'<passage n="{n}" {meta}>\n{body}\n</passage>'


def _says_refusal(text: str, refusal: str) -> bool:
    said = set(words(text))
    wanted = set(words(refusal))
    return bool(wanted) and len(said & wanted) / len(wanted) >= 0.8 and len(said) <= 2 * len(wanted)
