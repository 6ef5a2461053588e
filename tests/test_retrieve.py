"""Hybrid retrieval: outlets and dates a question names, documents capped, other processes'
writes seen; run on real Chroma with the hashing fake for embeddings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fakes import HashingEmbedderFake

from rag import Pipeline, Settings, build_pipeline
from rag.index import ChunkIndex, StoredChunks


def _article(folder: Path, name: str, title: str, source: str, date: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(
        f'---\ntitle: "{title}"\nsource: "{source}"\npublished_at: "{date}"\n---\n\n{body}\n'
    )


def _switched(settings: Settings, **update: object) -> Pipeline:
    """A pipeline on the hashing fake with some settings changed (a technique switched off)."""
    return build_pipeline(settings.model_copy(update=update), embedder=HashingEmbedderFake())


BODY = "The town bakery won the national sourdough prize. Judges praised the crust and crumb."


@pytest.mark.parametrize(
    ("written", "typed", "text", "question"),
    [
        # accents, however they were typed
        ("Nicolás Maduro's garçon", "Nicolas Maduro's garcon",
         "The naïve garçon ordered crème brûlée at the bar.",
         "what did the garcon order, creme brulee?"),
        # British or American spelling
        ("the licence colours", "the license colors",
         "The software license permits copying and changes.", "what does the licence permit?"),
        # an ordinal or its number
        ("on June 17th", "on june 17",
         "JUNE 17TH.—I was detailed to guard prisoners.", "what happened on june 17"),
    ],
)  # fmt: skip
def test_words_are_found_however_they_are_typed(
    settings: Settings, tmp_path: Path, written: str, typed: str, text: str, question: str
) -> None:
    from rag.text import content_terms

    assert content_terms(written) == content_terms(typed)
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Café notes", "Daily Crumb", "2024-03-01", text)
    _article(docs, "b.md", "Bakery wins", "Town Herald", "2024-03-01", BODY)
    _article(docs, "c.md", "Ferry times", "Town Herald", "2024-03-02", "The ferry leaves at noon.")
    pipeline = _switched(settings, dense_weight=0.0)  # the words alone (the fake hashes them)
    pipeline.ingest([docs])
    assert pipeline.search(question).passages[0].doc_id == "a.md"


def test_a_named_outlet_is_preferred(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery wins", "Daily Crumb", "2024-03-01", BODY)
    _article(docs, "b.md", "Prize for bakery", "Town Herald", "2024-03-01", BODY)
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    for outlet in ("Town Herald", "Daily Crumb"):
        top = pipeline.search(f"What did {outlet} report about the sourdough prize?").passages[0]
        assert top.source == outlet


def test_a_named_date_is_preferred(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery wins", "Daily Crumb", "2024-03-01T09:00:00+00:00", BODY)
    _article(docs, "b.md", "Bakery wins", "Daily Crumb", "2024-06-20T09:00:00+00:00", BODY)
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    for spelled, doc in (("June 20, 2024", "b.md"), ("March 1, 2024", "a.md")):
        top = pipeline.search(f"Which bakery won the prize, as published on {spelled}?")
        assert top.passages[0].doc_id == doc


def test_each_named_outlet_is_asked_its_own_part_of_the_question(
    settings: Settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    _article(docs, "crumb-bakery.md", "Bakery wins", "Daily Crumb", "2024-03-01", BODY)
    _article(docs, "herald-bakery.md", "Bakery wins", "Town Herald", "2024-03-01", BODY)
    _article(docs, "herald-vote.md", "Mayor elected", "Town Herald", "2024-03-02",
             "Jane Ortiz won the election.")  # fmt: skip
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    question = (
        "Which bakery won the sourdough prize according to Daily Crumb, and who won the "
        "election as reported by the Town Herald?"
    )
    top = [p.doc_id for p in pipeline.search(question, top_k=2).passages]
    assert sorted(top) == ["crumb-bakery.md", "herald-vote.md"]


def test_each_outlets_article_is_placed_by_its_own_part_of_the_question(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"profile": "news-multihop"})  # outlet turns
    docs = tmp_path / "docs"
    _article(
        docs,
        "crumb-bakery.md",
        "Bakery wins",
        "Daily Crumb",
        "2024-03-01",
        "The Mill Street bakery won the national sourdough prize for its rye loaf.",
    )
    # Repeats the first part of the question, answers neither for the Herald.
    _article(
        docs,
        "herald-echo.md",
        "Bakery news",
        "Town Herald",
        "2024-03-01",
        "Which bakery won the national sourdough prize for its rye loaf? The Mill Street "
        "bakery won it, and the vote comes next.",
    )
    _article(
        docs,
        "herald-vote.md",
        "Town election",
        "Town Herald",
        "2024-03-02",
        "Jane Ortiz won the vote for mayor.",
    )
    for n, topic in enumerate(["violin lessons", "apple harvest", "chess club", "bus timetable"]):
        body = f"News about the {topic} in town. Everyone enjoyed the {topic} this week."
        outlet = "Town Herald" if n % 2 else "Daily Crumb"
        _article(docs, f"other{n}.md", topic, outlet, "2024-03-05", body)
    question = (
        "Which bakery won the national sourdough prize for its rye loaf, according to Daily "
        "Crumb, and who won the vote for mayor, as the Town Herald reported?"
    )
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    top = [p.doc_id for p in pipeline.search(question, top_k=3).passages]
    assert sorted(top[:2]) == ["crumb-bakery.md", "herald-vote.md"]
    # Placed by the whole question alone, the echo of its words comes first.
    whole = _switched(settings, order_by_clause=False)
    assert [p.doc_id for p in whole.search(question, top_k=3).passages][2] == "herald-vote.md"


def test_the_named_outlets_articles_come_before_an_echo_from_another_outlet(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"profile": "news-multihop"})  # outlet turns
    docs = tmp_path / "docs"
    _article(docs, "crumb.md", "Bakery wins", "Daily Crumb", "2024-03-01",
             "The Mill Street bakery's rye loaf was judged the best in the land.")  # fmt: skip
    _article(docs, "herald.md", "Town election", "Town Herald", "2024-03-02",
             "Jane Ortiz takes office after the count.")  # fmt: skip
    # An outlet the question does not name, repeating its words without answering.
    _article(docs, "gazette.md", "Questions", "Valley Gazette", "2024-03-03",
             "Which bakery won the national sourdough prize, and who won the vote for mayor? "
             "Nobody here knows yet.")  # fmt: skip
    question = (
        "Which bakery won the national sourdough prize, according to Daily Crumb, and who won "
        "the vote for mayor, as the Town Herald reported?"
    )
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    top = [p.doc_id for p in pipeline.search(question, top_k=3).passages]
    assert sorted(top[:2]) == ["crumb.md", "herald.md"]
    # Ordered by score alone, the echo of the question's words comes first.
    by_score = _switched(settings, outlets_first=False)
    assert by_score.search(question, top_k=3).passages[0].doc_id == "gazette.md"


def test_the_per_document_cap_keeps_room_for_other_documents(
    settings: Settings, tmp_path: Path
) -> None:
    """The news-multihop profile (and RAG_MAX_CHUNKS_PER_DOC) caps one document's chunks; the
    general default lets a question about one document have all its passages."""
    docs = tmp_path / "docs"
    long_body = " ".join(
        f"Sourdough fact {i}: the bakery prize starter is fed daily." for i in range(60)
    )
    _article(docs, "long.md", "Sourdough notes", "Daily Crumb", "2024-03-01", long_body)
    _article(docs, "other.md", "Bread prize", "Town Herald", "2024-03-02", BODY)
    small_chunks = settings.model_copy(update={"chunk_size": 64, "chunk_overlap": 8})
    build_pipeline(small_chunks, embedder=HashingEmbedderFake()).ingest([docs])
    capped = _switched(small_chunks.model_copy(update={"profile": "news-multihop"}))
    passages = capped.search("sourdough bakery prize starter", top_k=5).passages
    assert sum(p.doc_id == "long.md" for p in passages) == 3
    assert any(p.doc_id == "other.md" for p in passages)

    for uncapped in (_switched(small_chunks), _switched(small_chunks, max_chunks_per_doc=0)):
        passages = uncapped.search("sourdough bakery prize starter", top_k=5).passages
        assert sum(p.doc_id == "long.md" for p in passages) > 3
    explicit = _switched(small_chunks.model_copy(update={"max_chunks_per_doc": 3}))
    passages = explicit.search("sourdough bakery prize starter", top_k=5).passages
    assert sum(p.doc_id == "long.md" for p in passages) == 3


def test_writes_by_another_pipeline_are_seen(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery wins", "Daily Crumb", "2024-03-01", BODY)
    writer = build_pipeline(settings, embedder=HashingEmbedderFake())
    reader = build_pipeline(settings, embedder=HashingEmbedderFake())
    writer.ingest([docs])
    assert [p.doc_id for p in reader.search("sourdough prize").passages] == ["a.md"]
    _article(
        docs, "b.md", "Harbour news", "Town Herald", "2024-03-02", "The lighthouse keeper retired."
    )
    writer.ingest([docs])
    assert reader.search("lighthouse keeper").passages[0].doc_id == "b.md"
    writer.delete_document("b.md")
    assert all(p.doc_id != "b.md" for p in reader.search("lighthouse keeper").passages)


def test_dense_mode_uses_chroma_search(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery wins", "Daily Crumb", "2024-03-01", BODY)
    _article(
        docs, "b.md", "Harbour news", "Town Herald", "2024-03-02", "The lighthouse keeper retired."
    )
    dense = _switched(settings, retrieval="dense")
    dense.ingest([docs])
    passages = dense.search("lighthouse keeper retired").passages
    assert passages[0].doc_id == "b.md"
    assert -1.0 <= passages[0].score <= 1.0  # cosine


def test_a_chunk_holding_the_answering_sentence_outranks_scattered_words(
    settings: Settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    _article(docs, "answer.md", "Harbour day", "Town Herald", "2024-03-01",
             "Fishing boats left at dawn with nets and crates of ice. Tourists queued for ferry "
             "tickets near the old customs house. The harbour master said the storm wall will be "
             "finished in May. Gulls circled above the fish market all morning.")  # fmt: skip
    _article(docs, "scattered.md", "Coast notes", "Town Herald", "2024-03-01",
             "Storm damage was reported along the coast. A wall of sandbags was stacked by "
             "volunteers. The harbour cafe reopened. Engineers finished surveys for the master "
             "plan. The storm season ends in autumn. Another wall collapsed.")  # fmt: skip
    for n, topic in enumerate(["violin lessons", "apple harvest", "chess club", "bus timetable"]):
        body = f"News about the {topic} in town. Everyone enjoyed the {topic} this week."
        _article(docs, f"other{n}.md", topic, "Town Herald", "2024-03-01", body)
    question = "When will the storm wall be finished, according to the harbour master?"
    pipeline = build_pipeline(settings, embedder=HashingEmbedderFake())
    pipeline.ingest([docs])
    assert pipeline.search(question).passages[0].doc_id == "answer.md"
    # Without each chunk's best sentence, the words spread over the other chunk win.
    chunk_only = _switched(settings, sentence_weight=0.0)
    assert chunk_only.search(question).passages[0].doc_id == "scattered.md"


def test_each_chunk_stores_its_sentences_vectors(settings: Settings, tmp_path: Path) -> None:
    import numpy as np

    from rag.index import SENTENCES_KEY, unpack_sentences

    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery wins", "Daily Crumb", "2024-03-01", BODY + " Ok.")
    embedder = HashingEmbedderFake()
    pipeline = build_pipeline(settings, embedder=embedder)
    pipeline.ingest([docs])
    stored = pipeline.index().export()
    spans, vectors = unpack_sentences(str(stored.metadatas[0][SENTENCES_KEY]), embedder.dimension)
    text = stored.texts[0]
    # "Ok." is too short to answer on its own and gets no vector.
    assert [text[a:b] for a, b in spans] == [
        "The town bakery won the national sourdough prize.",
        "Judges praised the crust and crumb.",
    ]
    exact = np.asarray(embedder.embed_documents([text[a:b] for a, b in spans]))
    assert np.all(np.sum(vectors * exact, axis=1) > 0.99)  # int8, yet the same direction


def test_a_reader_a_few_writes_behind_reads_only_the_documents_they_changed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    topics = ["sourdough prize", "lighthouse keeper", "harbour ferry", "chess club", "tram line"]
    for n, topic in enumerate(topics):
        body = f"The {topic} story ran on day {n}. Residents talked about the {topic} all week."
        _article(docs, f"{n}.md", topic.title(), "Town Herald", f"2024-03-0{n + 1}", body)
    writer = build_pipeline(settings, embedder=HashingEmbedderFake())
    reader = build_pipeline(settings, embedder=HashingEmbedderFake())
    writer.ingest([docs])
    reader.search("sourdough prize")  # the reader's copy, as of now
    # Three writes: a document changed, one removed, one added.
    _article(docs, "0.md", "Sourdough", "Town Herald", "2024-03-01", "The bakery closed for good.")
    writer.ingest([docs])
    (docs / "1.md").unlink()
    writer.ingest([docs])
    _article(
        docs, "5.md", "Ferry", "Town Herald", "2024-03-09", "A new harbour ferry sails at dawn."
    )
    writer.ingest([docs])

    read: list[frozenset[str] | None] = []
    export = ChunkIndex.export

    def counted(index: ChunkIndex, doc_ids: frozenset[str] | None = None) -> StoredChunks:
        read.append(doc_ids)
        return export(index, doc_ids)

    monkeypatch.setattr(ChunkIndex, "export", counted)
    questions = ["bakery closed", "lighthouse keeper", "harbour ferry at dawn", "tram line"]
    found = [reader.search(q).passages for q in questions]
    # Only what changed is read (again, if the first read met the writer's stale handle).
    assert read and all(r == frozenset({"0.md", "1.md", "5.md"}) for r in read)
    # What the reader finds is what a copy built whole finds.
    whole = build_pipeline(settings, embedder=HashingEmbedderFake())
    for question, passages in zip(questions, found, strict=True):
        expected = whole.search(question).passages
        assert [(p.doc_id, p.start, round(p.score, 4)) for p in passages] == [
            (p.doc_id, p.start, round(p.score, 4)) for p in expected
        ]
    assert all(p.doc_id != "1.md" for p in found[1])
    assert found[2][0].doc_id == "5.md" and found[0][0].doc_id == "0.md"


def test_a_new_process_starts_from_the_saved_copy_and_reads_only_what_changed_since(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery", "Town Herald", "2024-03-01", BODY)
    _article(docs, "b.md", "Harbour", "Town Herald", "2024-03-02", "The lighthouse keeper retired.")
    first = build_pipeline(settings, embedder=HashingEmbedderFake())
    first.ingest([docs])
    first.search("lighthouse keeper")  # built whole, and saved (by a thread of its own)
    for thread in threading.enumerate():
        if thread.name.startswith("save-"):
            thread.join()
    saved = settings.data_dir / "snapshots" / settings.collection / first.index().uid
    generation = first.index().generation()
    assert [p.name for p in saved.iterdir()] == [generation]
    _article(
        docs, "c.md", "Ferry", "Town Herald", "2024-03-09", "A new harbour ferry sails at dawn."
    )
    first.ingest([docs])  # a write after the save

    read: list[frozenset[str] | None] = []
    export = ChunkIndex.export
    monkeypatch.setattr(
        ChunkIndex, "export", lambda index, ids=None: (read.append(ids), export(index, ids))[1]
    )
    later = build_pipeline(settings, embedder=HashingEmbedderFake())  # as a new process would
    questions = ["harbour ferry at dawn", "lighthouse keeper", "sourdough prize"]
    found = [later.search(q).passages for q in questions]
    assert read and all(r == frozenset({"c.md"}) for r in read)
    assert found[0][0].doc_id == "c.md"
    # The same as a copy built whole; and a saved copy cut short is built whole again.
    (saved / generation / "snapshot.json").write_text("{")
    read.clear()
    whole = build_pipeline(settings, embedder=HashingEmbedderFake())
    for question, passages in zip(questions, found, strict=True):
        expected = whole.search(question).passages
        assert [(p.doc_id, p.start, round(p.score, 4)) for p in passages] == [
            (p.doc_id, p.start, round(p.score, 4)) for p in expected
        ]
    assert read == [None]


def test_a_reader_behind_a_sync_too_large_to_list_builds_its_copy_whole(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rag.index._CHANGES_MOST_DOCS", 1)
    docs = tmp_path / "docs"
    _article(docs, "a.md", "Bakery", "Town Herald", "2024-03-01", BODY)
    _article(docs, "b.md", "Harbour", "Town Herald", "2024-03-02", "The lighthouse keeper retired.")
    writer = build_pipeline(settings, embedder=HashingEmbedderFake())
    reader = build_pipeline(settings, embedder=HashingEmbedderFake())
    writer.ingest([docs])
    reader.search("sourdough prize")
    _article(docs, "a.md", "Bakery", "Town Herald", "2024-03-01", "The bakery closed for good.")
    _article(docs, "b.md", "Harbour", "Town Herald", "2024-03-02", "A new ferry sails at dawn.")
    writer.ingest([docs])  # two documents in one sync: more than the log lists

    read: list[frozenset[str] | None] = []
    export = ChunkIndex.export
    monkeypatch.setattr(
        ChunkIndex, "export", lambda index, ids=None: (read.append(ids), export(index, ids))[1]
    )
    assert reader.search("ferry sails at dawn").passages[0].doc_id == "b.md"
    assert read and all(r is None for r in read)  # the whole collection
