"""Shared fixtures: settings in tmp_path, pipelines built the way production builds them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashingEmbedderFake

from rag import Pipeline, Settings, build_pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

SEED_DOC = ROOT / "corpus" / "russia-venezuela.md"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for pipelines on the hashing fake, whose bag-of-words similarities run lower
    than a language model's; the real model's calibration is tested in test_integration.py."""
    return Settings(
        data_dir=tmp_path / "data", corpus_dir=ROOT / "corpus", answer_similarity_with_terms=0.1
    )


@pytest.fixture
def embedder() -> HashingEmbedderFake:
    return HashingEmbedderFake()


@pytest.fixture
def pipeline(settings: Settings, embedder: HashingEmbedderFake) -> Pipeline:
    return build_pipeline(settings, embedder=embedder)


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The production pipeline with the packaged model, over the seed corpus (built once)."""
    data = tmp_path_factory.mktemp("real-data")
    settings = Settings(data_dir=data, corpus_dir=ROOT / "corpus")
    pipeline = build_pipeline(settings)
    pipeline.ingest([settings.corpus_dir])
    yield pipeline


def subprocess_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for running the CLI or app as a user would, against a private data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra})
    return env
