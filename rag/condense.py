"""Conversation -> standalone query: a follow-up that leans on earlier turns gets their subject."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’.-]*)*")
_NOT_NAMES = frozenset(
    {
        "what", "who", "whom", "whose", "when", "where", "which", "why", "how", "did", "does",
        "do", "is", "are", "was", "were", "will", "would", "can", "could", "should", "and",
        "but", "or", "the", "a", "an", "in", "on", "at", "of", "for", "to", "according",
    }
)  # fmt: skip
_PRONOUNS = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about)\s+(.+?)\s*\??\s*$", re.IGNORECASE)
_QUESTION_WORDS = re.compile(r"\b(what|who|whom|when|where|which|why|how|did|does|is|was)\b", re.I)


class Turn(BaseModel):
    """One earlier message of a conversation."""

    model_config = ConfigDict(frozen=True)

    role: str
    content: str


def names(text: str) -> list[str]:
    """Capitalised names in a text ("Volodin", "Antony Blinken"), in order, without repeats."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        words = match.group().split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words).rstrip(".")
        if name and name not in found:
            found.append(name)
    return found


def condense(question: str, history: Sequence[Turn]) -> str:
    """The query to search for: the question itself, or, for a follow-up that leans on earlier
    turns ("And Blinken?", "What did he say about the US?"), the question with their subject.
    """
    asked = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not asked:
        return question
    previous = asked[-1]
    elliptic = _ELLIPSIS.match(question)
    if elliptic and not _QUESTION_WORDS.search(elliptic.group(1)):
        # "And Blinken?" asks the previous question about someone else.
        subject = elliptic.group(1)
        earlier = names(previous)
        if earlier:
            return previous.replace(earlier[0], subject, 1)
        return f"{previous.rstrip(' ?')} {subject}?"
    if _PRONOUNS.search(question):
        carried = [n for n in names(previous) if n.lower() not in question.lower()]
        if carried:
            return f"{question} ({', '.join(carried)})"
    return question
