"""Server mode: the same pipeline against a real `chroma run` server, and two app processes
sharing one index through it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, free_port, seed_folder, subprocess_env, wait_for_port
from fakes import HashingEmbedderFake

from rag import Settings, build_pipeline
from rag.errors import BackendUnavailable, CollectionNotFound, InvalidInput


def _server_settings(settings: Settings, url: str) -> Settings:
    # The server outlives each test, so each test works in a collection of its own.
    return settings.model_copy(
        update={"chroma_url": url, "collection": f"t-{uuid.uuid4().hex[:12]}"}
    )


def test_ingest_search_ask_and_delete_through_a_server(
    settings: Settings, chroma_server: str, tmp_path: Path
) -> None:
    folder = seed_folder(tmp_path)
    embedder = HashingEmbedderFake()
    pipeline = build_pipeline(_server_settings(settings, chroma_server), embedder=embedder)
    with pytest.raises(CollectionNotFound):
        pipeline.search("Volodin")

    assert pipeline.ingest([folder]).added == ["russia-venezuela.md"]
    embedded = embedder.embedded_texts
    assert pipeline.ingest([folder]).unchanged == ["russia-venezuela.md"]
    assert embedder.embedded_texts == embedded
    assert pipeline.health()["chroma"] == chroma_server

    answer = pipeline.ask("What did Blinken declare?")
    assert not answer.refused and "overwhelming evidence" in answer.citations[0].quote
    assert pipeline.delete_document("russia-venezuela.md") > 0
    assert pipeline.documents() == []


def test_embedded_and_server_modes_give_the_same_results(
    settings: Settings, chroma_server: str, tmp_path: Path
) -> None:
    folder = seed_folder(tmp_path)
    embedded = build_pipeline(settings, embedder=HashingEmbedderFake())
    served = build_pipeline(
        _server_settings(settings, chroma_server), embedder=HashingEmbedderFake()
    )
    for pipeline in (embedded, served):
        pipeline.ingest([folder])
    for question in ("What did Volodin write?", "Who is the ambassador?", "capital of Peru?"):
        assert embedded.ask(question) == served.ask(question)


def test_unreachable_or_malformed_server_url_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="http://HOST:PORT"):
        build_pipeline(settings.model_copy(update={"chroma_url": "localhost:8000"}))
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BackendUnavailable, match="chroma run"):
        build_pipeline(settings.model_copy(update={"chroma_url": closed}))


def _post(url: str, payload: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _upload(url: str, name: str, content: bytes) -> dict[str, object]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize("exact_limit", ["20000", "0"], ids=["in-memory copy", "indexes"])
def test_two_app_processes_share_one_index(
    chroma_server: str, tmp_path: Path, exact_limit: str
) -> None:
    """Two hosts (each its own DATA_DIR) on one Chroma server: with the collection copied into
    memory, or searched through Chroma's index and each host's own word index."""
    collection = f"shared-{uuid.uuid4().hex[:8]}"
    processes, ports = [], []
    try:
        for name in ("a", "b"):  # one after the other: the first indexes corpus/
            port = free_port()
            env = subprocess_env(
                tmp_path / f"data-{name}",
                RAG_PORT=str(port),
                RAG_CHROMA_URL=chroma_server,
                RAG_COLLECTION=collection,
                RAG_EXACT_LIMIT=exact_limit,
            )
            process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, text=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            processes.append(process)
            wait_for_port(port, process)
            ports.append(port)
        a, b = (f"http://127.0.0.1:{port}" for port in ports)

        question = {"question": "What did Volodin claim?"}
        assert _post(f"{a}/api/ask", question) == _post(f"{b}/api/ask", question)

        text = b"Harbour news\nThe lighthouse keeper, Ada Quint, retired after fifty winters."
        assert _upload(f"{a}/api/documents", "harbour.txt", text)["added"] == [
            "uploads/harbour.txt"
        ]
        found = _post(f"{b}/api/search", {"query": "lighthouse keeper retired"})
        passages = found["passages"]
        assert isinstance(passages, list) and passages[0]["doc_id"] == "uploads/harbour.txt"
        if exact_limit == "0":
            assert (tmp_path / "data-b" / "words" / collection).is_dir()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
