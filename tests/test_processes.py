"""Several processes on one embedded store: a writer process ingests, changes and deletes while
this process answers questions; nothing fails, nothing is lost, the next query sees the change."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, seed_folder
from fastapi.testclient import TestClient

from rag import Settings, build_pipeline
from rag.api import create_api
from tests.fakes import HashingEmbedderFake

# The writer: another process with its own pipeline on the same data folder (the hashing fake
# embeds, as here). It syncs the folder round after round for SECONDS (at least ROUNDS times),
# changing and deleting some of its NOTES each round.
WRITER = """
import sys, time
from pathlib import Path
from fakes import HashingEmbedderFake
from rag import Settings, build_pipeline

data, folder = Path(sys.argv[1]), Path(sys.argv[2])
rounds, notes, seconds = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
pipeline = build_pipeline(Settings(data_dir=data), embedder=HashingEmbedderFake())
start, r = time.monotonic(), 0
while r < rounds or time.monotonic() - start < seconds:
    r += 1
    for n in range(notes):
        note = folder / f"note{n}.md"
        if (n + r) % 4 == 0:
            note.unlink(missing_ok=True)
        else:
            note.write_text(f"---\\ntitle: Ferry note {n}\\n---\\n\\nFerry {n} leaves the harbour "
                            f"at {r} pm from pier {n}, round {r}.\\n")
    report = pipeline.ingest([folder])
    assert not report.failed, report.failed
print("writer done")
"""


def _writer(
    data: Path, folder: Path, rounds: int, notes: int, seconds: float
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    args = [str(data), str(folder), str(rounds), str(notes), str(seconds)]
    command = [sys.executable, "-c", WRITER, *args]
    pipe = subprocess.PIPE
    return subprocess.Popen(command, env=env, text=True, stdout=pipe, stderr=pipe)


UPLOAD = b"---\ntitle: Upload\n---\n\nThe upload says ferry 3 is cancelled today.\n"


@pytest.mark.parametrize(
    ("askers", "rounds", "notes", "seconds", "exact_limit"),
    [
        (4, 6, 10, 0.0, 20_000),
        # The same, the collection searched through its indexes (rag/candidates.py).
        (4, 6, 10, 0.0, 0),
        # The soak: 8 askers for a minute while the writer churns 50 documents and the web app
        # uploads and deletes.
        pytest.param(8, 1, 50, 60.0, 20_000, marks=pytest.mark.slow),
    ],
)
def test_a_writer_process_beside_the_app_breaks_nothing(
    tmp_path: Path, askers: int, rounds: int, notes: int, seconds: float, exact_limit: int
) -> None:
    settings = Settings(data_dir=tmp_path / "data", answer_threshold=0.0, exact_limit=exact_limit)
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([seed_folder(tmp_path)])
    folder = tmp_path / "notes"
    folder.mkdir()
    statuses: list[int] = []
    cited: set[str] = set()
    stop = threading.Event()

    def ask(client: TestClient) -> None:
        while not stop.is_set():
            response = client.post("/api/ask", json={"question": "When does ferry 3 leave?"})
            statuses.append(response.status_code)
            if response.status_code == 200:
                cited.update(c["doc_id"] for c in response.json()["citations"])

    def upload_and_delete(client: TestClient) -> None:
        while not stop.is_set():
            files = {"file": ("cancelled.md", UPLOAD, "text/markdown")}
            statuses.append(client.post("/api/documents", files=files).status_code)
            statuses.append(client.delete("/api/documents/uploads/cancelled.md").status_code)

    with TestClient(create_api(pipeline), raise_server_exceptions=False) as client:
        threads = [threading.Thread(target=ask, args=(client,)) for _ in range(askers)]
        if seconds:
            threads.append(threading.Thread(target=upload_and_delete, args=(client,)))
        for thread in threads:
            thread.start()
        writer = _writer(settings.data_dir, folder, rounds, notes, seconds)
        _, err = writer.communicate(timeout=600)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert writer.returncode == 0, err[-3000:]
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
        known = {"russia-venezuela.md", "uploads/cancelled.md"}
        assert cited <= known | {f"note{n}.md" for n in range(notes)}
        # The next query sees exactly what the folder holds, and nothing was lost.
        listed = {d["doc_id"] for d in client.get("/api/documents").json()["documents"]}
        assert listed == {"russia-venezuela.md", *(p.name for p in folder.iterdir())}
        found = client.post("/api/search", json={"query": "Ferry harbour pier", "top_k": 10})
        assert {p["doc_id"] for p in found.json()["passages"]} - {"russia-venezuela.md"}


def test_one_sync_changes_the_generation_once(tmp_path: Path) -> None:
    pipeline = build_pipeline(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedderFake())
    pipeline.ingest([seed_folder(tmp_path)])
    index = pipeline.index()
    before = index.generation()
    with index.writing():
        index.delete_document("russia-venezuela.md")
        assert index.generation() == before  # readers keep their view mid-sync...
    assert index.generation() != before  # ...and rebuild it once, at the end
