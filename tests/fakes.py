"""Fakes for what tests need to run fast; each says it is one in its name."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from rag.embed import resolve_model_path

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedderFake:
    """A deterministic bag-of-words embedding: fast, and similar texts share words.

    It is not a language model; tests that need meaning use the real packaged model. The real
    model's tokenizer is still used for chunking, so chunk boundaries match production.
    """

    name = "hashing-fake"
    dimension = 256

    def __init__(self) -> None:
        self.model_path: Path = resolve_model_path("all-MiniLM-L6-v2")
        self.embedded: list[str] = []

    @property
    def embedded_texts(self) -> int:
        return len(self.embedded)

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class ScriptedChatFake:
    """A chat model that writes what a script says, in small pieces as a real one streams.

    It stands in for an LLM, which cannot run here at a useful size; `script` sees the
    messages sent, so a test can answer from the passages it was given. Real tiny models are
    tested in test_llm.py too, for the mechanics.
    """

    name = "scripted-chat-fake"

    def __init__(self, script: Callable[[list[dict[str, str]]], str]) -> None:
        self._script = script
        self.calls: list[list[dict[str, str]]] = []

    def chat(self, messages: Sequence[dict[str, str]], max_tokens: int) -> Iterator[str]:
        self.calls.append(list(messages))
        reply = self._script(list(messages))
        for i in range(0, len(reply), 3):
            yield reply[i : i + 3]
