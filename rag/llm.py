"""Chat models behind one small interface: a local GGUF (llama-cpp-python) or an OpenAI-compatible
server (vLLM, llama.cpp's server, Ollama). Imported lazily; each streams text deltas."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from rag.errors import BackendUnavailable, InvalidInput

Message = dict[str, str]


class ChatModel(Protocol):
    """Streams the reply to a conversation as text deltas."""

    name: str

    def chat(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]: ...


class LlamaCppChat:
    """A GGUF model run in this process by llama-cpp-python, loaded on first use."""

    def __init__(self, model_path: Path, context: int = 4096) -> None:
        self.name = model_path.name
        self._path = model_path
        self._context = context
        self._model: Any = None
        # One llama.cpp context serves one generation at a time.
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendUnavailable(
                    "The llamacpp engine needs llama-cpp-python: "
                    "pip install -r requirements-llm.txt"
                ) from exc
            if not self._path.is_file():
                raise BackendUnavailable(f"RAG_LLM_MODEL_PATH {self._path} is not a GGUF file.")
            self._model = Llama(model_path=str(self._path), n_ctx=self._context, verbose=False)
        return self._model

    def chat(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        with self._lock:
            model = self._load()
            # Generation must stop inside the context: llama.cpp is not to be trusted past
            # its end. The chat template adds a few tokens per message, hence the margin.
            text = "\n".join(m["content"] for m in messages).encode("utf-8", "replace")
            prompt = len(model.tokenize(text)) + 16 * len(messages)
            room = model.n_ctx() - prompt
            if room < 16:
                raise InvalidInput(
                    f"The question and passages take {prompt} tokens, more than the model's "
                    f"context of {model.n_ctx()}: raise RAG_LLM_CONTEXT or lower RAG_TOP_K."
                )
            stream = model.create_chat_completion(
                messages=list(messages),
                stream=True,
                temperature=0.0,
                max_tokens=min(max_tokens, room),
            )
            for chunk in stream:
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta


class OpenAIChat:
    """Any server speaking OpenAI's /v1/chat/completions, streamed over server-sent events."""

    def __init__(
        self, base_url: str, model: str, api_key: SecretStr | None = None, timeout: float = 120.0
    ) -> None:
        self.name = model
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._api_key = api_key  # a SecretStr: shown nowhere, revealed only into the header
        self._timeout = timeout

    def chat(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        import httpx

        body = {
            "model": self._model,
            "messages": list(messages),
            "stream": True,
            "temperature": 0.0,
            "max_tokens": max_tokens,
        }
        headers = {}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
        try:
            with httpx.stream(
                "POST", self._url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise BackendUnavailable(
                        f"The LLM server at {self._url} answered {response.status_code}: "
                        f"{response.text[:300]}"
                    )
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line.removeprefix("data:").strip()
                    if data == "[DONE]":
                        break
                    choices = json.loads(data).get("choices") or [{}]
                    delta = (choices[0].get("delta") or {}).get("content")
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise BackendUnavailable(
                f"The LLM server at {self._url} cannot be reached: {exc}"
            ) from exc
