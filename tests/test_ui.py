"""The chat's callbacks and sources panel, without a browser; and the page being served."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_DOC
from fastapi.testclient import TestClient

from app import create_app
from rag.pipeline import Pipeline
from rag.schema import Answer, Citation, Passage
from rag.ui import render_sources, respond

HOSTILE = 'Intro <script>alert("x")</script> <img src=http://evil.example/p.png> the quote. Tail.'


def _hostile_answer() -> Answer:
    start = HOSTILE.index("the quote.")
    passage = Passage(rank=1, doc_id="evil.md", title="<b>Evil</b> title", source="Src",
                      published_at="2024-01-02T03:04:05", text=HOSTILE, start=100,
                      end=100 + len(HOSTILE), score=0.9)  # fmt: skip
    citation = Citation(n=1, doc_id="evil.md", title="<b>Evil</b> title", source="Src",
                        published_at="2024-01-02T03:04:05", quote="the quote.", passage=HOSTILE,
                        start=100 + start, end=100 + start + len("the quote."))  # fmt: skip
    return Answer(question="q", answer="the quote. [1]", refused=False, citations=[citation],
                  passages=[passage])  # fmt: skip


def test_sources_render_document_text_as_text_with_the_quote_marked() -> None:
    html = render_sources(_hostile_answer())
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=http://evil.example/p.png&gt;" in html
    assert "<mark>the quote.</mark>" in html
    assert "[1] &lt;b&gt;Evil&lt;/b&gt; title" in html
    assert "Src \u00b7 2024-01-02" in html


def test_refusal_panel_differs_from_an_answer() -> None:
    refused = Answer(question="q", answer="No.", refused=True, citations=[], passages=[])
    assert "rag-refusal" in render_sources(refused)
    assert "rag-card" not in render_sources(refused)


def test_chat_turn_shows_answer_and_cited_sources(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_DOC, folder)
    pipeline.ingest([folder])
    history, box, sources = respond(
        pipeline, "What did Blinken declare about the overwhelming evidence?", []
    )
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "[1]" in history[1]["content"]
    assert "<mark>" in sources and "Russia warns against external provocation" in sources

    history, _, sources = respond(pipeline, "   ", history)
    assert len(history) == 2  # an empty message is ignored


def test_page_is_served(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_DOC, folder)
    pipeline.ingest([folder])
    with TestClient(create_app(pipeline)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "<title>Document QA</title>" in page.text or "Document QA" in page.text
        config = client.get("/config").json()
        assert config["analytics_enabled"] is False
