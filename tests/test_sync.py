"""Incremental sync: prune, dry run, repair of half-written documents, and SIGKILL safety."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, seed_folder, subprocess_env

from rag import Settings, build_pipeline
from rag.errors import InvalidInput
from rag.pipeline import Pipeline


def _folder(tmp_path: Path, count: int = 3) -> Path:
    folder = seed_folder(tmp_path)
    for i in range(count):
        (folder / f"note-{i}.md").write_text(
            f'---\ntitle: "Note {i}"\n---\n\nHarbour note {i}: the ferry left at {i} o\'clock.\n'
        )
    return folder


def test_a_file_gone_from_the_folder_is_pruned_unless_told(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.md").write_text("Kept\n\nA document from another folder.")
    pipeline.ingest([folder])
    pipeline.ingest([other])
    (folder / "note-1.md").unlink()

    kept = pipeline.ingest([folder], prune=False)
    assert kept.removed == [] and "note-1.md" in {d.doc_id for d in pipeline.documents()}

    report = pipeline.ingest([folder])
    assert report.removed == ["note-1.md"]
    ids = {d.doc_id for d in pipeline.documents()}
    assert "note-1.md" not in ids
    assert "keep.md" in ids  # another folder's documents are not this folder's to prune


def test_dry_run_reports_and_changes_nothing(
    pipeline: Pipeline, embedder: object, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    first = pipeline.ingest([folder], dry_run=True)
    assert first.dry_run and len(first.added) == 4
    assert pipeline.collections() == {}  # not even the collection was created

    pipeline.ingest([folder])
    (folder / "note-0.md").write_text("Note zero\n\nRewritten.")
    (folder / "note-2.md").unlink()
    (folder / "new.md").write_text("New\n\nA new note.")
    before = pipeline.index().stored_documents()
    plan = pipeline.ingest([folder], dry_run=True)
    assert (plan.added, plan.updated, plan.removed) == (["new.md"], ["note-0.md"], ["note-2.md"])
    assert len(plan.unchanged) == 2 and plan.chunks == 0
    assert pipeline.index().stored_documents() == before
    assert "would be 1 added, 1 updated, 2 unchanged, 1 removed" in plan.summary()


def test_a_write_cut_short_is_written_again_or_pruned(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    text = " ".join(f"Sentence {i} about the harbour ferry timetable." for i in range(120))
    (folder / "long.md").write_text(f"Long\n\n{text}")
    (folder / "other.md").write_text(f"Other\n\n{text.replace('ferry', 'tram')}")
    pipeline.ingest([folder])
    index = pipeline.index()
    whole = sum(index.stored_documents()["long.md"].chunks.values())
    assert whole > 1
    # A new version whose write stops before the old version's chunks are dropped.
    (folder / "long.md").write_text(f"Long\n\n{text.replace('harbour', 'river')}")
    (folder / "other.md").write_text(f"Other\n\n{text.replace('ferry', 'bus')}")

    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(type(index._collection), "delete", killed)
    assert len(pipeline.ingest([folder]).failed) == 2
    monkeypatch.undo()
    assert len(index._ids_of("long.md")) > whole  # both versions' chunks are stored
    # The next sync writes the unfinished document again, and removes the other with its
    # unfinished chunks, as its file is gone.
    (folder / "other.md").unlink()
    report = pipeline.ingest([folder])
    assert (report.updated, report.removed) == (["long.md"], ["other.md"])
    assert len(index._ids_of("long.md")) == whole and index._ids_of("other.md") == []
    stored = index.stored_documents()["long.md"]
    assert stored.is_whole(next(iter(stored.chunks)))
    assert [d.doc_id for d in pipeline.documents()] == ["long.md"]


def test_a_store_from_before_the_documents_table_gets_one_at_its_next_sync(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    pipeline.ingest([folder])
    listed = pipeline.documents()
    assert [d.doc_id for d in listed] == sorted(p.name for p in folder.iterdir())
    client = pipeline.index()._client
    assert "corpus.documents" in [c.name for c in client.list_collections()]
    assert list(pipeline.collections()) == ["corpus"]  # the table is not a collection to users
    # A store written before the table existed: its documents are still listed, from their
    # chunks, and the next sync (nothing changed) builds the table without embedding anything.
    client.delete_collection("corpus.documents")
    reader = build_pipeline(pipeline.settings, embedder=pipeline.embedder)
    assert reader.documents() == listed
    report = reader.ingest([folder])
    assert report.chunks == 0 and len(report.unchanged) == len(listed)
    assert "corpus.documents" in [c.name for c in client.list_collections()]
    assert reader.documents() == listed
    with pytest.raises(InvalidInput, match="kept for the tables of documents"):
        reader.ingest([folder], collection="notes.documents")


def test_an_upload_finds_a_copy_in_a_table_from_before_content_hashes(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, count=1)
    pipeline.ingest([folder])
    # The documents table as written before records carried their content hash as metadata.
    client = pipeline.index()._client
    table = client.get_collection("corpus.documents")
    old = table.get(include=["documents", "embeddings"])
    marker = {k: v for k, v in (table.metadata or {}).items() if k != "rag_documents_hashed"}
    client.delete_collection("corpus.documents")
    table = client.create_collection("corpus.documents")
    table.add(ids=old["ids"], embeddings=old["embeddings"], documents=old["documents"])
    table.modify(metadata=marker)

    writer = build_pipeline(pipeline.settings, embedder=pipeline.embedder)
    data = (folder / "note-0.md").read_bytes()
    report = writer.ingest_upload("copy.md", data)
    assert report.duplicates == ["uploads/copy.md: same content as note-0.md"]
    again = writer.ingest_upload("copy.md", data)  # its own row: unchanged, not a copy of itself
    assert again.unchanged == ["uploads/copy.md"] and again.chunks == 0
    assert {d.doc_id for d in writer.documents()} == {p.name for p in folder.iterdir()} | {
        "uploads/copy.md"
    }


def test_the_document_list_follows_writes_reading_only_what_changed(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.documents_table import DocumentsTable

    folder = _folder(tmp_path)
    pipeline.ingest([folder])
    pipeline.documents()
    whole: list[str] = []
    listed = DocumentsTable.listed

    def spied(self: DocumentsTable, doc_ids: object = None) -> object:
        if doc_ids is None:
            whole.append(self._name)
        return listed(self, doc_ids) if doc_ids is not None else listed(self)

    monkeypatch.setattr(DocumentsTable, "listed", spied)
    pipeline.ingest_upload("tide.md", b"Tides\n\nHigh tide is at six in the morning.")
    pipeline.ingest_upload("pier.md", b"Pier\n\nThe pier closes at dusk in winter.")
    pipeline.delete_document("uploads/pier.md")
    (folder / "note-2.md").write_text("Note two\n\nThe ferry now leaves at ten o'clock.")
    pipeline.ingest([folder], prune=False)
    after = pipeline.documents()
    assert whole == []
    monkeypatch.undo()
    fresh = build_pipeline(pipeline.settings, embedder=pipeline.embedder).documents()
    assert after == fresh
    assert "uploads/tide.md" in {d.doc_id for d in after}
    assert "uploads/pier.md" not in {d.doc_id for d in after}
    assert next(d for d in after if d.doc_id == "note-2.md").title == "Note two"


@pytest.mark.slow
def test_sigkill_during_ingest_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """Kill real ingest processes at random moments; a final run leaves every document
    exactly once, whole, with no orphan chunks."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(40):
        body = " ".join(f"Fact {j} of article {i}: the ferry crossed the bay." for j in range(40))
        (folder / f"article-{i:02}.md").write_text(f'---\ntitle: "Article {i}"\n---\n\n{body}\n')
    env = subprocess_env(tmp_path / "data")
    command = [sys.executable, "-m", "rag", "ingest", str(folder), "--quiet"]
    rng = random.Random(7)
    for _ in range(3):
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        time.sleep(rng.uniform(3, 12))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr

    settings = Settings(data_dir=tmp_path / "data")
    pipeline = build_pipeline(settings)
    stored = pipeline.index().stored_documents()
    assert sorted(stored) == sorted(f"article-{i:02}.md" for i in range(40))
    for doc_id, doc in stored.items():
        (doc_hash,) = doc.chunks  # exactly one version
        assert doc.is_whole(doc_hash), doc_id
    count = pipeline.index().count()
    assert count == sum(sum(d.chunks.values()) for d in stored.values())
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "0 added, 0 updated, 40 unchanged" in again.stdout
