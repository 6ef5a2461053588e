"""Words' vectors for the reading step: made once by the model, stored at ingest beside the
model's export, and read back by every process that answers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
from fakes import HashingEmbedderFake

from rag import build_pipeline
from rag.pipeline import Pipeline
from rag.schema import Document
from rag.settings import Settings
from rag.word_vectors import WordVectors, store_path, words_of

NOTE = (
    "The harbour master, Ada Quint, closed the north pier on Tuesday for repairs to the old "
    "crane. Fishing boats moored at the south quay until the crane was mended."
)


def _ingest(settings: Settings, embedder: HashingEmbedderFake) -> Pipeline:
    pipeline = build_pipeline(settings, embedder=embedder)
    report = pipeline.add_documents(
        [Document(doc_id="harbour.md", text=NOTE, title="Harbour notice")], "notes"
    )
    assert report.added == ["harbour.md"] and not report.failed, report
    return pipeline


def test_an_ingest_stores_its_words_for_the_answers_of_every_process(settings: Settings) -> None:
    """An answer reads its passages' words' vectors from what the ingest stored, where it had
    embedded each word again in every process (1.4 ms a word: 40 ms an answer)."""
    writer = HashingEmbedderFake()
    _ingest(settings, writer)
    assert words_of([NOTE]) <= set(writer.embedded)

    reader = HashingEmbedderFake()
    answer = build_pipeline(settings, embedder=reader).ask(
        "Who closed the north pier?", collection="notes"
    )
    assert not answer.refused and "Ada Quint" in answer.answer, answer
    assert not words_of([NOTE]) & set(reader.embedded), reader.embedded


def test_a_damaged_word_store_costs_nothing_but_time(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = HashingEmbedderFake()
    damaged = store_path(settings.data_dir / "models", embedder)
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="rag.word_vectors"):
        pipeline = _ingest(settings, embedder)
        answer = pipeline.ask("Who closed the north pier?", collection="notes")
    assert not answer.refused and "Ada Quint" in answer.answer, answer
    assert "word vectors kept in memory only" in caplog.text


class _NoModelFake:
    """An embedder that fails if used: what it is asked for must come from the store."""

    def __init__(self, real: object) -> None:
        self.name = real.name  # type: ignore[attr-defined]
        self.dimension = real.dimension  # type: ignore[attr-defined]
        self.file = getattr(real, "file", None)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        raise AssertionError(f"embedded {texts}")

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError(f"embedded {text}")


@pytest.mark.slow
def test_a_stored_words_vector_is_the_one_made_now(real_pipeline: Pipeline, tmp_path: Path) -> None:
    """Whether two words are close in meaning must not depend on whether a word was made in
    this process or read back from the store (float16 on disk)."""
    import numpy as np

    path = store_path(tmp_path, real_pipeline.embedder)
    made = WordVectors(real_pipeline.embedder, path).get(["licence", "permit"])
    read = WordVectors(_NoModelFake(real_pipeline.embedder), path).get(["licence", "permit"])  # type: ignore[arg-type]
    assert made.keys() == read.keys() == {"licence", "permit"}
    assert all(np.array_equal(made[w], read[w]) for w in made)
