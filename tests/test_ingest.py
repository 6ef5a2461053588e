"""Reading files into Documents and splitting them into exactly placed Chunks."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import SEED_DOC, SHARED

from rag.embed import load_token_counter, resolve_model_path
from rag.errors import IngestFailed
from rag.ingest import Chunker, iter_files, load_document, parse_document


def test_markdown_front_matter_gives_metadata() -> None:
    raw = (
        b'---\ntitle: "Budget passes"\nsource: Business World\n'
        b"published_at: 2023-10-08T16:02:10+00:00\nurl: https://example.org/a\n---\n\n"
        b"The House approved the budget.\n"
    )
    doc = parse_document(raw, Path("a.md"), "a.md")
    assert doc.title == "Budget passes"
    assert doc.source == "Business World"
    assert doc.published_at == "2023-10-08"  # a document is dated by its day
    assert doc.url == "https://example.org/a"
    assert doc.text == "The House approved the budget."


def test_title_falls_back_to_heading_then_first_line() -> None:
    md = parse_document(b"Intro line\n\n# Real heading\n\nBody.", Path("x.md"), "x.md")
    assert md.title == "Real heading"
    txt = parse_document(b"First line is the title\nBody text.", Path("y.txt"), "y.txt")
    assert txt.title == "First line is the title"
    assert txt.source is None and txt.published_at is None
    # A paragraph's first line is no title: the file's name is.
    prose = b"however, the watch did not last long; it became too conspicuous for use and was left."
    assert parse_document(prose, Path("Siege_diary.txt"), "Siege_diary.txt").title == "Siege diary"


def test_seed_article_has_title_and_no_invented_outlet_or_date() -> None:
    doc = load_document(SEED_DOC, SEED_DOC.name)
    assert doc.title == "Russia warns against external provocation attempts in Venezuela"
    assert doc.source is None and doc.published_at is None
    assert "Volodin" in doc.text


def test_bad_files_are_refused_with_their_name(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = tmp_path / "empty.md"
    empty.write_text("---\ntitle: nothing\n---\n   \n")
    for path in (binary, empty):
        with pytest.raises(IngestFailed, match=path.name):
            load_document(path, path.name)


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 \u201cquoted\u201d \u2014 title\nBody".encode("cp1252"))
    assert load_document(path, path.name).title == "Caf\u00e9 \u201cquoted\u201d \u2014 title"


def test_folders_are_walked_recursively_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("a.md", "sub/b.txt", "sub/deeper/c.md", ".git/d.md", "sub/e.bin"):
        (tmp_path / name).write_text("Title\nText.")
    found = sorted(f.relative_to(root).as_posix() for f, root in iter_files([tmp_path]))
    assert found == ["a.md", "sub/b.txt", "sub/deeper/c.md"]


def _sample_documents(limit: int) -> list[Path]:
    corpus = SHARED / "bench" / "multihop" / "corpus"
    return [SEED_DOC, *sorted(corpus.glob("*.md"))[:limit]]


def test_chunks_are_exact_slices_within_the_token_budget() -> None:
    count_tokens = load_token_counter(resolve_model_path("all-MiniLM-L6-v2"))
    chunker = Chunker(count_tokens, chunk_size=256, chunk_overlap=32)
    checked = 0
    for path in _sample_documents(25):
        doc = load_document(path, path.name)
        chunks = chunker.split(doc)
        assert chunks, path
        assert chunks[0].start == 0
        assert chunks[-1].end == len(doc.text.rstrip())
        for previous, chunk in itertools.pairwise(chunks):
            # consecutive chunks touch or overlap: no text falls between them
            assert chunk.start <= previous.end + 3, (path, chunk.index)
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert len(count_tokens(chunk.text)) <= 256
            checked += 1
    assert checked > 50
