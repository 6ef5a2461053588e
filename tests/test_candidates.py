"""A collection larger than `exact_limit` is searched through its indexes (Chroma's HNSW and the
word index on disk), scoring candidates only; run with the limit at 0 on real Chroma and
tantivy, with the hashing fake for embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import HashingEmbedderFake

from rag import Pipeline, Settings, build_pipeline, candidates
from rag.index import ChunkIndex

TOPICS = {
    "bakery": ("Daily Crumb", "The town bakery won the national sourdough prize for its crust."),
    "lighthouse": ("Town Herald", "The lighthouse keeper retired after forty years on the rock."),
    "ferry": ("Town Herald", "A new harbour ferry sails at dawn and carries forty cars."),
    "chess": ("Daily Crumb", "The chess club beat the county champions in the final round."),
    "tram": ("Harbour Post", "The council voted to extend the tram line to the eastern docks."),
    "library": ("Harbour Post", "The library opens late on Thursdays for the reading circle."),
}
QUESTIONS = {
    "bakery": "Which bakery won the sourdough prize?",
    "lighthouse": "When did the lighthouse keeper retire?",
    "ferry": "How many cars does the harbour ferry carry?",
    "tram": "Where will the tram line go?",
}


def _write(folder: Path, name: str, source: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    title = name.title()
    (folder / f"{name}.md").write_text(
        f'---\ntitle: "{title}"\nsource: "{source}"\npublished_at: "2024-03-01"\n---\n\n{body}\n'
    )


def _corpus(folder: Path) -> Path:
    for name, (source, body) in TOPICS.items():
        _write(folder, name, source, body)
    return folder


def _indexed(settings: Settings, **update: object) -> Pipeline:
    return build_pipeline(
        settings.model_copy(update={"exact_limit": 0, **update}), embedder=HashingEmbedderFake()
    )


def _pages_read(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str] | None]:
    """Which documents' chunks are read page by page from now on (None: all of them)."""
    read: list[frozenset[str] | None] = []
    pages = ChunkIndex.pages

    def counted(index: ChunkIndex, doc_ids: frozenset[str] | None = None, **how):  # type: ignore[no-untyped-def]
        read.append(doc_ids)
        return pages(index, doc_ids, **how)

    monkeypatch.setattr(ChunkIndex, "pages", counted)
    return read


def test_a_large_collection_is_searched_through_its_indexes_as_its_copy_would_be(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _corpus(tmp_path / "docs")
    exact = build_pipeline(settings, embedder=HashingEmbedderFake())
    exact.ingest([docs])
    expected = {q: [p.doc_id for p in exact.search(q, 3).passages] for q in QUESTIONS.values()}
    export = ChunkIndex.export
    exported: list[object] = []
    monkeypatch.setattr(
        ChunkIndex, "export", lambda index, ids=None: (exported.append(ids), export(index, ids))[1]
    )
    indexed = _indexed(settings)
    for name, question in QUESTIONS.items():
        found = indexed.search(question, top_k=3).passages
        assert found[0].doc_id == f"{name}.md"
        assert [p.doc_id for p in found] == expected[question]
    assert exported == []  # no copy of the collection was made
    assert (settings.data_dir / "words" / settings.collection).is_dir()
    # Scoped to documents, only theirs are found.
    scoped = indexed.search("harbour", top_k=5, doc_ids=["ferry.md", "tram.md"]).passages
    assert scoped and {p.doc_id for p in scoped} <= {"ferry.md", "tram.md"}


def test_the_word_index_follows_writes_by_the_documents_they_changed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer keeps no word index (its collection is under its exact limit), so the reader
    # writes the deltas; it does so at once with no grace left to the writer.
    monkeypatch.setattr(candidates, "READER_GRACE", 0.0)
    docs = _corpus(tmp_path / "docs")
    writer = build_pipeline(settings, embedder=HashingEmbedderFake())
    writer.ingest([docs])
    reader = _indexed(settings)
    reader.search("sourdough prize")  # the word index is built whole, once
    read = _pages_read(monkeypatch)
    _write(docs, "bakery", "Daily Crumb", "The bakery closed for good after the flood.")
    writer.ingest([docs])
    (docs / "lighthouse.md").unlink()
    writer.ingest([docs])
    _write(docs, "zoo", "Town Herald", "The zoo welcomed twin otters named Pip and Moss.")
    writer.ingest([docs])
    assert reader.search("twin otters at the zoo").passages[0].doc_id == "zoo.md"
    assert reader.search("bakery closed flood").passages[0].doc_id == "bakery.md"
    assert "lighthouse.md" not in {p.doc_id for p in reader.search("lighthouse keeper").passages}
    # Only the documents the writes changed were read again.
    changed = {"bakery.md", "lighthouse.md", "zoo.md"}
    assert read and all(r is not None and r <= changed for r in read)
    # A writer searched through indexes brings the word index up to date itself: the next
    # question reads no chunk for it.
    _write(docs, "yacht", "Town Herald", "A yacht named Petrel won the regatta.")
    _indexed(settings).ingest([docs])
    read.clear()
    assert reader.search("yacht regatta").passages[0].doc_id == "yacht.md"
    assert read == []
    # A new process finds the word index up to date and reads no chunk for it.
    read.clear()
    later = _indexed(settings)
    assert later.search("twin otters").passages[0].doc_id == "zoo.md"
    assert read == []


def test_a_named_outlet_is_preferred_through_the_indexes(
    settings: Settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    body = "The town bakery won the national sourdough prize. Judges praised the crust."
    _write(docs, "crumb", "Daily Crumb", body)
    _write(docs, "herald", "Town Herald", body)
    pipeline = _indexed(settings, profile="news-multihop")
    pipeline.ingest([docs])
    for outlet, doc in (("Town Herald", "herald.md"), ("Daily Crumb", "crumb.md")):
        asked = f"What did {outlet} report about the sourdough prize?"
        assert pipeline.search(asked).passages[0].doc_id == doc


def test_answers_and_summaries_read_the_fetched_chunks_sentences(
    settings: Settings, tmp_path: Path
) -> None:
    docs = _corpus(tmp_path / "docs")
    _write(
        docs,
        "harbour",
        "Town Herald",
        "The harbour festival drew ten thousand visitors. Boats paraded at noon. "
        "Fireworks closed the night over the water.",
    )
    pipeline = _indexed(settings)
    pipeline.ingest([docs])
    answer = pipeline.ask("How many cars does the harbour ferry carry?")
    assert not answer.refused and answer.citations[0].doc_id == "ferry.md"
    summary = pipeline.ask("What is this article about?", doc_ids=["harbour.md"])
    assert not summary.refused
    assert len(summary.citations) >= 2
    assert {c.doc_id for c in summary.citations} == {"harbour.md"}


def test_an_empty_collection_searched_through_its_indexes_finds_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    docs = _corpus(tmp_path / "docs")
    pipeline = _indexed(settings)
    pipeline.ingest([docs])
    for name in TOPICS:
        pipeline.delete_document(f"{name}.md")
    assert pipeline.search("sourdough prize").passages == []
    assert pipeline.ask("Who won the sourdough prize?").refused


def _reader_after_another_write(settings: Settings, tmp_path: Path) -> Pipeline:
    """A reader with its word index built, after a writer that keeps none (its collection is
    under its exact limit) added zoo.md."""
    docs = _corpus(tmp_path / "docs")
    reader = _indexed(settings)
    reader.ingest([docs])
    reader.search("sourdough prize")  # the word index is built whole, once
    writer = build_pipeline(settings, embedder=HashingEmbedderFake())
    _write(docs, "zoo", "Town Herald", "The zoo welcomed twin otters named Pip and Moss.")
    writer.ingest([docs])
    return reader


def test_a_search_does_not_wait_while_another_writes_the_word_index(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import threading

    monkeypatch.setattr(candidates, "READER_GRACE", 0.0)  # the lock is what this is about
    reader = _reader_after_another_write(settings, tmp_path)
    folder = next((settings.data_dir / "words" / settings.collection).iterdir())
    held, done, released = threading.Event(), threading.Event(), threading.Event()

    def another_writer() -> None:  # holds the word index's lock, as a writer of the delta does
        with (folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            held.set()
            done.wait(10)
            released.set()
            fcntl.flock(lock, fcntl.LOCK_UN)

    holder = threading.Thread(target=another_writer)
    holder.start()
    held.wait()
    reader.search("twin otters at the zoo")  # goes on with the word index as it is
    assert not released.is_set()  # it did not wait for the lock
    done.set()
    holder.join()
    # With the lock free, the next search brings the word index up to date.
    assert reader.search("twin otters at the zoo").passages[0].doc_id == "zoo.md"


def test_a_reader_leaves_a_new_delta_to_its_writer_for_a_moment(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr(candidates, "READER_GRACE", 0.5)
    reader = _reader_after_another_write(settings, tmp_path)
    read = _pages_read(monkeypatch)
    reader.search("twin otters at the zoo")  # the writer may be writing the delta right now
    assert read == []  # so this search did not write it (nor wait)
    time.sleep(0.5)
    # The writer never did: past the grace the reader writes it, and finds the new document.
    assert reader.search("twin otters at the zoo").passages[0].doc_id == "zoo.md"
    assert read == [frozenset({"zoo.md"})]


def test_a_search_within_documents_reads_their_chunks_by_id(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search within a few documents ("Ask about this document", a follow-up's first try)
    asked Chroma's index with a filter by document, and "what is X" read X's document by the
    same filter: 1.5 s and 0.15 s at a million chunks. The word index lists a document's
    chunks; they are read by id and ranked all, and only a document it does not hold yet is
    found by the filter."""
    docs = _corpus(tmp_path / "docs")
    exact = build_pipeline(settings, embedder=HashingEmbedderFake())
    exact.ingest([docs])
    scope = ["ferry.md", "tram.md"]
    expected = [(p.doc_id, p.start) for p in exact.search("harbour", 5, doc_ids=scope).passages]
    filtered: list[object] = []
    nearest, export = ChunkIndex.nearest, ChunkIndex.export
    monkeypatch.setattr(
        ChunkIndex,
        "nearest",
        lambda index, vector, many, where=None: (
            filtered.append(where),
            nearest(index, vector, many, where),
        )[1],
    )
    monkeypatch.setattr(
        ChunkIndex, "export", lambda index, ids=None: (filtered.append(ids), export(index, ids))[1]
    )
    monkeypatch.setattr(candidates, "READER_GRACE", 3600.0)  # the word index stays as it is
    reader = _indexed(settings)
    found = reader.search("harbour", top_k=5, doc_ids=scope).passages
    assert [(p.doc_id, p.start) for p in found] == expected
    assert not reader.ask("What is the ferry?", doc_ids=["ferry.md"]).refused
    assert all(f is None for f in filtered)  # no filter by document
    # A document written since the word index was: found by the filter.
    _write(docs, "zoo", "Town Herald", "The zoo welcomed twin otters named Pip and Moss.")
    exact.ingest([docs])
    found = reader.search("twin otters", top_k=3, doc_ids=["zoo.md"]).passages
    assert found and found[0].doc_id == "zoo.md"
    assert any(f for f in filtered)
