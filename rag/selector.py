"""A learned sentence selector: reads a question together with one candidate sentence (its
document's title first) and says how likely the sentence answers it.

A cross-encoder made by `scripts/train_selector.py` from the packaged all-MiniLM-L6-v2, trained
on the reading step's own shortlists for questions people typed about MultiHop-RAG articles
outside the natural benchmark's (its TRAINING.md says what it learnt from). Exported to int8
ONNX and run by onnxruntime: a process that answers questions never imports torch.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import BackendUnavailable

MODEL_DIR = Path(__file__).resolve().parent / "models" / "selector"
MAX_TOKENS = 96  # as trained: a question and a sentence with its title; longer ones are cut


def pair_text(title: str, sentence: str) -> str:
    """A candidate as the selector reads it: its document's title, then the sentence."""
    return f"{title}: {sentence}" if title else sentence


class Selector:
    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        self.model_dir = model_dir
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: list[str] = []
        # Its own thread: the reading step parses the shortlist with spaCy, which holds the
        # interpreter's lock, while onnxruntime, which lets go of it, reads the pairs.
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="selector")

    def available(self) -> bool:
        return (self.model_dir / "model-int8.onnx").is_file()

    def load(self) -> None:
        """Open the model now rather than at the first question."""
        self._load()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                try:
                    import onnxruntime
                    from tokenizers import Tokenizer
                except ImportError as exc:
                    raise BackendUnavailable(
                        "The sentence selector needs: pip install onnxruntime tokenizers"
                    ) from exc
                tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.enable_padding()
                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3
                # Both cores, although spaCy reads the shortlist meanwhile: 30 ms less an
                # answer than one thread (the natural questions' p50 200 against 230 ms).
                options.intra_op_num_threads = 2
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                session = onnxruntime.InferenceSession(
                    str(self.model_dir / "model-int8.onnx"),
                    options,
                    providers=["CPUExecutionProvider"],
                )
                self._inputs = [i.name for i in session.get_inputs()]
                self._tokenizer, self._session = tokenizer, session
            return self._session, self._tokenizer

    def submit(self, question: str, candidates: Sequence[tuple[str, str]]) -> Future[list[float]]:
        """`chances` on the selector's thread, for the caller to collect when it needs them."""
        return self._worker.submit(self.chances, question, list(candidates))

    def chances(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[float]:
        """For each (title, sentence), the chance that it answers the question (0..1)."""
        if not candidates:
            return []
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch([(question, pair_text(t, s)) for t, s in candidates])
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {n: np.asarray(columns[n], dtype=np.int64) for n in self._inputs}
        logits = np.asarray(session.run(None, feed)[0], dtype=np.float64).reshape(-1)
        return [float(x) for x in 1.0 / (1.0 + np.exp(-logits))]
