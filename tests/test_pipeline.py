"""Ingest, search and ask through the real Chroma store, with a hashing fake for embeddings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEED_DOC, seed_folder
from fakes import HashingEmbedderFake

from rag import Settings, build_pipeline
from rag.answer import Prompts
from rag.errors import (
    CollectionNotFound,
    DocumentNotFound,
    IndexMismatch,
    InvalidInput,
    RagError,
)
from rag.ingest import load_document
from rag.pipeline import Pipeline
from rag.reading import ReadingEngine
from rag.schema import Passage


def _corpus(tmp_path: Path) -> Path:
    folder = seed_folder(tmp_path)
    (folder / "bakery.md").write_text(
        '---\ntitle: "Town bakery wins prize"\nsource: Daily Crumb\n'
        'published_at: "2024-03-01"\n---\n\n'
        "The town bakery won the national sourdough prize on Friday. "
        "Its head baker, Mira Olsen, said the starter is forty years old.\n"
    )
    return folder


def test_reingest_of_unchanged_files_embeds_nothing(
    pipeline: Pipeline, embedder: HashingEmbedderFake, tmp_path: Path
) -> None:
    folder = _corpus(tmp_path)
    first = pipeline.ingest([folder])
    assert sorted(first.added) == ["bakery.md", "russia-venezuela.md"]
    stored = pipeline.index().count()
    embedded = embedder.embedded_texts

    second = pipeline.ingest([folder])
    assert second.added == [] and second.updated == []
    assert sorted(second.unchanged) == ["bakery.md", "russia-venezuela.md"]
    assert embedder.embedded_texts == embedded
    assert pipeline.index().count() == stored


def test_changed_file_replaces_exactly_its_chunks(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    pipeline.ingest([folder])
    before = pipeline.index().stored_documents()
    bakery = folder / "bakery.md"
    bakery.write_text(bakery.read_text().replace("forty", "fifty"))

    report = pipeline.ingest([folder])
    assert report.updated == ["bakery.md"]
    after = pipeline.index().stored_documents()
    assert after["russia-venezuela.md"] == before["russia-venezuela.md"]
    assert len(after["bakery.md"].chunks) == 1
    assert after["bakery.md"].chunks.keys() != before["bakery.md"].chunks.keys()
    hits = pipeline.search("sourdough starter fifty years", top_k=10).passages
    assert not any("forty" in p.text for p in hits)


def test_collection_sizes_follow_every_write_without_counting(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Health and the choice of search read the size the writer recorded: Chroma's count reads
    every id, which a health check on a million chunks should not pay."""
    from chromadb.api.models.Collection import Collection

    pipeline.ingest([_corpus(tmp_path)])
    counted = pipeline.index()._collection.get(include=[])["ids"]
    calls: list[str] = []
    real_count = Collection.count

    def count(self: Collection) -> int:
        calls.append(self.name)
        return real_count(self)

    monkeypatch.setattr(Collection, "count", count)
    assert pipeline.collections() == {pipeline.settings.collection: len(counted)}
    assert pipeline.health()["collections"] == {pipeline.settings.collection: len(counted)}
    assert calls == []

    # Writers too, once counting would cost (here: always), add up what they wrote instead.
    monkeypatch.setattr("rag.store._COUNT_EXACTLY_BELOW", 0)
    pipeline.delete_document("bakery.md")
    left = len(pipeline.index()._collection.get(include=[])["ids"])
    assert 0 < left < len(counted)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "ferry.md").write_text("Ferry\n\nThe harbour ferry now leaves at nine.")
    pipeline.ingest([tmp_path / "more"])
    assert calls == []
    assert pipeline.collections() == {pipeline.settings.collection: left + 1}
    assert len(pipeline.index()._collection.get(include=[])["ids"]) == left + 1


def test_warm_up_before_anything_is_indexed_leaves_the_error_to_the_question(
    pipeline: Pipeline,
) -> None:
    pipeline.warm_up()  # the app runs it in a thread at start: it must not raise
    with pytest.raises(CollectionNotFound):
        pipeline.search("What did Volodin claim?")


def test_a_bad_file_is_reported_and_the_rest_is_indexed(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    report = pipeline.ingest([folder])
    assert [f.path for f in report.failed] == [str(folder / "broken.txt")]
    assert "binary" in report.failed[0].reason
    assert sorted(report.added) == ["bakery.md", "russia-venezuela.md"]


def test_search_ranks_the_matching_document_first(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    result = pipeline.search("sourdough prize bakery", top_k=3)
    assert result.passages[0].doc_id == "bakery.md"
    assert [p.rank for p in result.passages] == list(range(1, len(result.passages) + 1))
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)
    assert result.passages[0].source == "Daily Crumb"
    assert result.passages[0].published_at == "2024-03-01"


def test_a_question_naming_a_file_is_answered_from_it(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    ferry = b"# Ferry\n\nThe ferry to the island leaves the harbour at noon every day.\n"
    pipeline.ingest_upload("notes-7.md", ferry)  # its name is none of its words
    pipeline.ingest_upload(
        "HACKING",
        b"How to contribute\n\nSend a signed mail to the developers list before you push.\n",
    )
    for question, doc_id in (
        ("summarize bakery.md", "bakery.md"),
        ("Summarize notes-7.md", "uploads/notes-7.md"),
        ("what is the HACKING file about", "uploads/HACKING"),
        ("summarize russia-venezuela.md in two sentences", "russia-venezuela.md"),
    ):
        answer = pipeline.ask(question)
        assert answer.citations and {c.doc_id for c in answer.citations} == {doc_id}, answer


def test_answer_cites_verbatim_quotes_at_their_offsets(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    pipeline.ingest([folder])
    answer = pipeline.ask("Who is the head baker of the town bakery?")
    assert not answer.refused
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    assert any("Mira Olsen" in c.quote for c in answer.citations)
    for citation in answer.citations:
        doc = load_document(folder / citation.doc_id, citation.doc_id)
        assert doc.text[citation.start : citation.end] == citation.quote
        assert citation.quote in citation.passage


def test_answering_reads_the_sentence_vectors_stored_at_ingest(
    pipeline: Pipeline, embedder: HashingEmbedderFake, tmp_path: Path
) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    question = "Who is the head baker of the town bakery?"
    before = embedder.embedded_texts
    answer = pipeline.ask(question)
    # Only the question and single words (to find the question's words said in others) were
    # embedded: no sentence.
    assert not [t for t in embedder.embedded[before:] if " " in t]
    assert any("Mira Olsen" in c.quote for c in answer.citations)
    # The same answer as embedding every sentence afresh (the stored copies are int8).
    assert isinstance(pipeline.engine, ReadingEngine)
    fresh = pipeline.engine.answer(question, answer.passages)
    assert embedder.embedded_texts > before
    assert fresh.answer == answer.answer
    assert fresh.citations == answer.citations


def test_a_multi_source_answer_names_what_the_articles_agree_on(
    settings: Settings, embedder: HashingEmbedderFake
) -> None:
    def article(doc_id: str, text: str) -> Passage:
        return Passage(rank=len(doc_id), doc_id=doc_id, title="", text=text, start=0,
                       end=len(text), score=0.0)  # fmt: skip

    question = (
        "Which company, as reported by both TechCrunch and The Verge, paid billions of dollars "
        "to be the default search engine on phones and browsers?"
    )
    passages = [
        article("a", "Reports say the company paid billions of dollars to be the default search "
                     "engine on phones, TechCrunch wrote. Google declined to comment."),
        article("bb", "Google paid browser makers billions to stay the default search engine, "
                      "the trial heard."),
    ]  # fmt: skip
    settings = settings.model_copy(update={"profile": "news-multihop"})
    named = build_pipeline(settings, embedder=embedder).engine.answer(question, passages)
    assert "Google paid browser makers billions" in named.answer
    # Without it, only the sentence echoing the question answers, naming no one.
    settings = settings.model_copy(update={"answer_corroboration": False})
    echoed = build_pipeline(settings, embedder=embedder).engine.answer(question, passages)
    assert not echoed.refused and "Google" not in echoed.answer


def test_whole_document_is_rebuilt_so_citation_offsets_hold(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = _corpus(tmp_path)
    pipeline.ingest([folder])
    original = load_document(folder / SEED_DOC.name, SEED_DOC.name)
    rebuilt = pipeline.document(SEED_DOC.name)
    assert rebuilt.title == original.title
    assert rebuilt.text.split() == original.text.split()  # only trimmed whitespace may differ
    answer = pipeline.ask("What did Volodin write on social media?")
    for citation in answer.citations:
        assert rebuilt.text[citation.start : citation.end] == citation.quote
    with pytest.raises(DocumentNotFound):
        pipeline.document("nope.md")


def test_a_rebuilt_document_keeps_its_headings_on_their_own_lines(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pier.md").write_text(
        "# Pier rules\n\nBoats are moored with two lines.\n\n## Fees\n\n"
        "A day ticket costs four euros.\n\n## Hours\n\nThe pier opens at dawn.\n"
    )
    pipeline.ingest([folder])
    rebuilt = pipeline.document("pier.md").text
    # Chunks never cross a section, so each heading opens one; the document manager shows
    # the text as written, not "two lines. ## Fees".
    assert "two lines.\n\n## Fees\n\nA day ticket" in rebuilt
    assert "four euros.\n\n## Hours" in rebuilt


def test_unrelated_question_is_refused(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    answer = pipeline.ask("What is the capital of Australia?")
    assert answer.refused
    assert answer.citations == []
    assert "documents do not cover" in answer.answer


@pytest.mark.parametrize("question", ["", "   \n", "x" * 4001])
def test_empty_or_huge_question_is_invalid(
    pipeline: Pipeline, tmp_path: Path, question: str
) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    with pytest.raises(InvalidInput):
        pipeline.ask(question)


def test_top_k_outside_range_is_invalid(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.ingest([_corpus(tmp_path)])
    with pytest.raises(InvalidInput, match="top_k"):
        pipeline.search("bakery", top_k=0)


def test_missing_collection_says_how_to_fill_it(pipeline: Pipeline) -> None:
    with pytest.raises(CollectionNotFound, match="python -m rag ingest"):
        pipeline.ask("anything?", collection="nothing-here")


def test_index_refuses_another_model_and_says_how_to_reindex(
    settings: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = _corpus(tmp_path)
    pipeline.ingest([folder])
    other = build_pipeline(settings)  # the real model: another name and dimension
    with pytest.raises(IndexMismatch, match="--rebuild") as caught:
        other.ask("Who is the head baker?")
    assert "hashing-fake" in str(caught.value) and "all-MiniLM-L6-v2" in str(caught.value)

    rechunked = build_pipeline(
        settings.model_copy(update={"chunk_size": 128}), embedder=HashingEmbedderFake()
    )
    with pytest.raises(IndexMismatch):
        rechunked.search("bakery")
    report = rechunked.ingest([folder], rebuild=True)
    assert len(report.added) == 2
    assert rechunked.search("bakery").passages


def test_prompt_templates_are_checked_when_loaded(tmp_path: Path) -> None:
    (tmp_path / "refusal.txt").write_text("Not covered.")
    (tmp_path / "extractive_answer.txt").write_text("{answer}")
    with pytest.raises(RagError, match="placeholders"):
        Prompts.load(tmp_path)
    (tmp_path / "extractive_answer.txt").unlink()
    with pytest.raises(RagError, match="cannot be read"):
        Prompts.load(tmp_path)


class _TiedCopiesRetrieverFake:
    """Retrieval over a file indexed twice, returning equal passages in the order a tie left
    them: the second copy's part 2 ahead of the first's."""

    def search(self, query: str, k: int, scope: frozenset[str] | None = None) -> list[Passage]:
        def part(doc_id: str, n: int) -> Passage:
            return Passage(rank=1, doc_id=doc_id, title="Repairs", text=f"Part {n} of the "
                           "harbour repairs.", start=0, end=10, score=0.5)  # fmt: skip

        return [part("a.md", 1), part("b.md", 2), part("a.md", 2), part("b.md", 1)][:k]


def test_equal_passages_of_two_copies_come_from_the_copy_found_first() -> None:
    from rag.pipeline import _distinct

    found = _distinct(_TiedCopiesRetrieverFake(), "harbour repairs", 3)  # type: ignore[arg-type]
    assert [(p.doc_id, p.text[:6]) for p in found] == [("a.md", "Part 1"), ("a.md", "Part 2")]
    assert [p.rank for p in found] == [1, 2]
