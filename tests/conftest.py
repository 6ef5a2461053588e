"""Shared fixtures: settings in tmp_path, pipelines built the way production builds them."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashingEmbedderFake

from rag import Pipeline, Settings, build_pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

SEED_DOC = ROOT / "corpus" / "russia-venezuela.md"

# The int8 ONNX export of the packaged model, made once and shared by the tests' pipelines and
# processes (a fresh-checkout test leaves it out to go through the export as a user does).
MODEL_CACHE = Path(tempfile.gettempdir()) / f"rag-test-models-{os.getuid()}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for pipelines on the hashing fake, whose bag-of-words similarities run lower
    than a language model's; the real model's calibration is tested in test_integration.py."""
    return Settings(
        data_dir=tmp_path / "data",
        corpus_dir=ROOT / "corpus",
        answer_similarity_with_terms=0.0,
        answer_threshold=0.0,
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
    settings = Settings(data_dir=data, corpus_dir=ROOT / "corpus", model_cache_dir=MODEL_CACHE)
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


@contextlib.contextmanager
def serve(command: list[str], port: int, log: Path, seconds: float = 60) -> Iterator[None]:
    """Run a server process until the block ends; its output goes to `log` (a pipe nobody
    reads would fill and stall it), whose tail explains a server that never listened."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            try:
                wait_for_port(port, process, seconds)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{log.read_text()[-2000:]}") from None
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on loopback for the session; yields its URL."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    folder = tmp_path_factory.mktemp("chroma-server")
    command = [str(chroma), "run", "--path", str(folder / "db"),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with serve(command, port, folder / "server.log"):
        yield f"http://127.0.0.1:{port}"


def subprocess_env(data_dir: Path, *, fresh: bool = False, **extra: str) -> dict[str, str]:
    """Environment for running the CLI or app as a user would, against a private data dir;
    `fresh`: without the shared model export, as on a new machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)})
    if not fresh:
        env["RAG_MODEL_CACHE_DIR"] = str(MODEL_CACHE)
    env.update(extra)
    return env
