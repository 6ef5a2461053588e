"""Shared fixtures: settings in tmp_path, pipelines built the way production builds them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
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
        data_dir=tmp_path / "data", corpus_dir=ROOT / "corpus", answer_similarity_with_terms=0.0
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


def seed_folder(tmp_path: Path) -> Path:
    """A folder `docs` holding a copy of the seed article, for tests that ingest it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_DOC, folder)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str], seconds: float = 180) -> None:
    """Wait until something listens on the loopback port, failing if the process dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"process exited with {process.returncode}: {err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing listened on port {port} within {seconds} s")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on loopback for the session; yields its URL."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(port, process, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def subprocess_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for running the CLI or app as a user would, against a private data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra})
    return env
