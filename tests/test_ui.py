"""The chat's callbacks and sources panel, without a browser; and the page being served."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import seed_folder
from fastapi.testclient import TestClient

from app import create_app
from rag.pipeline import Pipeline
from rag.schema import Answer, Citation, Document, Passage
from rag.ui import (
    chat_text,
    conversation_markdown,
    delete,
    document_rows,
    document_view,
    record_feedback,
    render_sources,
    respond,
    suggestions,
    summarize_document,
    upload,
)

HOSTILE = 'Intro <script>alert("x")</script> <img src=http://evil.example/p.png> the quote. Tail.'


def _hostile_answer() -> Answer:
    start = HOSTILE.index("the quote.")
    passage = Passage(rank=1, doc_id="evil.md", title="<b>Evil</b> title", source="Src",
                      published_at="2024-01-02T03:04:05", text=HOSTILE, start=100,
                      end=100 + len(HOSTILE), score=0.9)  # fmt: skip
    citation = Citation(n=1, doc_id="evil.md", title="<b>Evil</b> title", source="Src",
                        published_at="2024-01-02T03:04:05", quote="the quote.", passage=HOSTILE,
                        start=100 + start, end=100 + start + len("the quote."))  # fmt: skip
    return Answer(question="q", searched_for="q", answer="the quote. [1]", refused=False,
                  citations=[citation], passages=[passage])  # fmt: skip


def test_sources_render_document_text_as_text_with_the_quote_marked() -> None:
    html = render_sources(_hostile_answer())
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=http://evil.example/p.png&gt;" in html
    assert '<mark id="source-1" data-n="1">the quote.</mark><sup class="rag-n">[1]</sup>' in html
    assert "[1] &lt;b&gt;Evil&lt;/b&gt; title" in html
    assert "Src \u00b7 2024-01-02" in html


def test_sources_show_headings_and_code_as_read_not_their_marks() -> None:
    text = "## Fees <b>\n\nA day ticket costs four euros.\n\n```\nticket --day <kiosk>\n```"
    quote = "A day ticket costs four euros."
    at = text.index(quote)
    passage = Passage(rank=1, doc_id="pier.md", title="Pier", text=text, start=0,
                      end=len(text), score=0.9)  # fmt: skip
    citation = Citation(n=1, doc_id="pier.md", title="Pier", quote=quote, passage=text,
                        start=at, end=at + len(quote))  # fmt: skip
    answer = Answer(question="q", searched_for="q", answer=f"{quote} [1]", refused=False,
                    citations=[citation], passages=[passage])  # fmt: skip
    html = render_sources(answer)
    assert '<span class="rag-h">Fees &lt;b&gt;</span>' in html and "## " not in html, html
    assert '<code class="rag-code">ticket --day &lt;kiosk&gt;</code>' in html and "```" not in html


def test_chat_text_escapes_markdown_and_links_citations() -> None:
    answer = Answer(question="q", searched_for="q",
                    answer="Use *stars* and <b>tags</b> [x](http://e.vil) [1]",
                    refused=False, citations=[], passages=[])  # fmt: skip
    text = chat_text(answer)
    assert "\\*stars\\*" in text and "\\<b\\>" in text
    # A document's link is not a link: its words hide no address. An address is shown as
    # written, without backslashes the chat would show inside it.
    assert "\\[x\\]\\(http://e.vil\\)" in text
    assert text.endswith("[\\[1\\]](#source-1)")


def test_chat_text_leaves_addresses_and_indexes_of_code_as_written() -> None:
    # The full stop after an address has no backslash the chat's linker would take into the
    # link; "fits[1]" is an index of code, not a citation.
    answer = Answer(question="q", searched_for="q",
                    answer="See http://cran.r-project.org/doc/Rnews/. Open myfile.fits[1] [1]",
                    refused=False, citations=[], passages=[])  # fmt: skip
    text = chat_text(answer)
    assert "http://cran.r-project.org/doc/Rnews/. Open" in text, text
    assert "myfile\\.fits\\[1\\] [\\[1\\]](#source-1)" in text, text


def test_a_follow_up_reads_the_earlier_answer_as_it_was_said_not_as_shown() -> None:
    # Trial 63: the chat's escapes went into a follow-up's search ("(inflateInit\\(\\)").
    said = "No decompression is performed by inflateInit(), so *avail_out* is unset. [1]"
    answer = Answer(question="q", searched_for="q", answer=said, refused=False,
                    citations=[], passages=[])  # fmt: skip
    shown = [{"role": "user", "content": "what does inflateInit need?"},
             {"role": "assistant", "content": chat_text(answer)}]  # fmt: skip

    asked: dict[str, Any] = {}

    class Recording:
        def ask_stream(self, question: str, **kwargs: Any) -> Any:
            asked.update(kwargs)
            return iter(())

    list(respond(Recording(), "and avail_in?", shown))  # type: ignore[arg-type]
    assert [t.content for t in asked["history"]] == ["what does inflateInit need?", said]


def test_uncited_passages_are_folded_below_the_cards() -> None:
    answer = _hostile_answer()
    other = answer.passages[0].model_copy(update={"rank": 2, "doc_id": "other.md", "start": 0})
    html = render_sources(answer.model_copy(update={"passages": [*answer.passages, other]}))
    assert html.index('id="source-1"') < html.index("<details")
    assert "1 retrieved, not cited" in html


def test_upload_progress_moves_with_the_chunks_embedded(pipeline: Pipeline, tmp_path: Path) -> None:
    long = tmp_path / "logbook.md"
    long.write_text(
        "# Logbook\n\n"
        + "\n\n".join(f"On night {i} the keeper lit lamp {i} at dusk." for i in range(700))
    )
    seen: list[tuple[float, str]] = []
    report = upload(pipeline, [str(long)], lambda share, desc="": seen.append((share, desc)))
    assert "logbook.md: indexed" in report
    chunks = int(re.search(r"\((\d+) chunks embedded\)", report).group(1))  # type: ignore[union-attr]
    embedding = [(share, desc) for share, desc in seen if "chunks embedded" in desc]
    # One long file: the bar moves while it is embedded, forward only, and ends at its chunks.
    shares = [share for share, _ in embedding]
    assert len(embedding) >= 3 and shares == sorted(shares)
    assert 0 < shares[0] < 1 and shares[-1] == 1
    assert embedding[-1][1] == f"logbook.md: {chunks} of {chunks} chunks embedded"


def test_documents_tab_uploads_lists_and_deletes(pipeline: Pipeline, tmp_path: Path) -> None:
    good = tmp_path / "harbour.md"
    good.write_text("---\ntitle: Harbour news\n---\n\nThe lighthouse keeper retired.\n")
    bad = tmp_path / "blob.txt"
    bad.write_bytes(b"\x00\x01binary")
    report = upload(pipeline, [str(good), str(bad)])
    assert "harbour.md: indexed" in report
    assert "blob.txt: **failed**" in report and "binary" in report
    assert [row[:2] for row in document_rows(pipeline)] == [["uploads/harbour.md", "Harbour news"]]
    # The example chips ask about what was just uploaded.
    assert suggestions(pipeline) == ["Summarize Harbour news"]
    assert "Deleted uploads/harbour.md" in delete(pipeline, "uploads/harbour.md")
    assert document_rows(pipeline) == []
    assert "Failed" in delete(pipeline, "uploads/harbour.md")


def test_documents_tab_dates_a_document_by_its_file_when_nothing_says_it_was_published() -> None:
    from rag.schema import DocumentInfo
    from rag.ui import DOCUMENT_COLUMNS, _rows

    documents = [
        DocumentInfo(doc_id="a.pdf", title="Spec", created_at="2010-02-16", chunks=3),
        DocumentInfo(doc_id="b.md", title="News", published_at="2024-03-05", chunks=1),
    ]
    dates = [row[DOCUMENT_COLUMNS.index("date")] for row in _rows(documents, "")]
    assert dates == ["created 2010-02-16", "2024-03-05"]


def test_card_folds_the_whole_document_with_the_quote_marked() -> None:
    answer = _hostile_answer()
    citation = answer.citations[0]
    text = "x" * 100 + HOSTILE + " The end."
    document = Document(doc_id="evil.md", text=text, title="t")
    html = render_sources(answer, {"evil.md": document})
    folded = html[html.index('<details class="rag-doc">') :]
    assert "<mark>the quote.</mark>" in folded and "The end." in folded
    assert "<script" not in folded
    moved = document.model_copy(update={"text": "changed since"})  # offsets no longer hold
    assert "rag-doc" not in render_sources(answer, {"evil.md": moved})
    assert citation.quote == "the quote."


def test_refusal_panel_differs_from_an_answer() -> None:
    refused = Answer(
        question="q", searched_for="q", answer="No.", refused=True, citations=[], passages=[]
    )
    assert "rag-refusal" in render_sources(refused)
    assert "rag-card" not in render_sources(refused)


def test_chat_turn_shows_answer_and_cited_sources(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    turns = list(respond(pipeline, "What did Blinken declare about the overwhelming evidence?", []))
    assert "Searching" in turns[0][0][-1]["content"]  # shown while the answer is prepared
    history, box, sources = turns[-1]
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "[\\[1\\]](#source-1)" in history[1]["content"]  # a link to its card
    assert '<mark id="source-1"' in sources
    assert "Russia warns against external provocation" in sources

    history, _, sources = list(respond(pipeline, "   ", history))[-1]
    assert len(history) == 2  # an empty message is not asked, and says what to do
    assert "Type a question first" in sources


def test_page_is_served(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    with TestClient(create_app(pipeline)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "<title>Document QA</title>" in page.text or "Document QA" in page.text
        config = client.get("/config").json()
        assert config["analytics_enabled"] is False


def test_one_card_per_passage_holds_each_quote_numbered() -> None:
    text = "The ferry left at noon. The crossing took an hour. The cafe stayed open."
    passage = Passage(rank=1, doc_id="f.md", title="Ferry", text=text, start=100,
                      end=100 + len(text), score=1.0)  # fmt: skip
    # The next chunk overlaps this one: one card shows both, merged.
    later = "The cafe stayed open. Tickets cost five euros."
    second = Passage(rank=2, doc_id="f.md", title="Ferry", text=later,
                     start=100 + text.index("The cafe"), end=0, score=0.9)  # fmt: skip
    second = second.model_copy(update={"end": second.start + len(later)})

    def cite(n: int, p: Passage, quote: str) -> Citation:
        at = p.text.index(quote)
        return Citation(n=n, doc_id="f.md", title="Ferry", quote=quote, passage=p.text,
                        start=p.start + at, end=p.start + at + len(quote))  # fmt: skip

    answer = Answer(
        question="q", searched_for="q", answer="a [1] b [2] c [3]", refused=False,
        citations=[cite(1, passage, "The ferry left at noon."),
                   cite(2, passage, "The crossing took an hour."),
                   cite(3, second, "Tickets cost five euros.")],
        passages=[passage, second],
    )  # fmt: skip
    html = render_sources(answer)
    assert html.count('class="rag-card"') == 1
    assert "[1][2][3] Ferry" in html
    for n in (1, 2, 3):
        assert f'<mark id="source-{n}" data-n="{n}">' in html
    assert html.count("The cafe stayed open.") == 1  # the overlap is shown once


def test_feedback_and_export_keep_question_answer_and_quotes(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    pipeline.ingest([seed_folder(tmp_path)])
    kept: dict[str, Any] = {}
    history, _, _ = list(respond(pipeline, "What did Volodin claim?", [], None, kept))[-1]
    assert list(kept) == ["1"]  # the answer, by its message's place in the chat
    path = record_feedback(pipeline, history, kept, 1, liked=False)
    assert path == pipeline.settings.data_dir / "feedback.jsonl"
    row = json.loads(path.read_text().splitlines()[-1])
    assert row["liked"] is False and row["question"] == "What did Volodin claim?"
    quote = " ".join(row["citations"][0]["quote"].split())
    assert quote in " ".join(re.sub(r"\s*\[\d+\]", "", row["answer"]).split())
    assert record_feedback(pipeline, history, kept, 0, liked=True) is None  # not an answer

    markdown = conversation_markdown(history, kept)
    assert markdown.startswith("# Conversation\n\n## What did Volodin claim?\n")
    assert f"> {quote}" in markdown and "[1] Russia warns" in markdown


def test_a_chosen_document_is_shown_as_text_and_summarized(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    upload_file = tmp_path / "harbour.md"
    upload_file.write_text(
        "---\ntitle: Harbour <b>news</b>\n---\n\nThe lighthouse keeper, Ada Quint, retired "
        "after fifty winters. <script>alert(1)</script> Visitors see http://203.0.113.9/x.\n"
    )
    upload(pipeline, [str(upload_file)])
    shown = document_view(pipeline, "uploads/harbour.md")
    assert "Harbour &lt;b&gt;news&lt;/b&gt;" in shown and "&lt;script&gt;" in shown
    assert "<script" not in shown and "<b>" not in shown
    summary = summarize_document(pipeline, "uploads/harbour.md")
    assert "Ada Quint" in summary and "<a " not in summary and "<script" not in summary
    assert "Choose a document" in summarize_document(pipeline, "")
    assert 'class="rag-refusal"' in document_view(pipeline, "uploads/gone.md")


def test_a_pdf_card_offers_its_page_as_printed() -> None:
    def cited(doc_id: str, page: int | None) -> Answer:
        quote = "The night ferry was cancelled."
        passage = Passage(rank=1, doc_id=doc_id, title="Ferries & boats", text=quote, start=0,
                          end=len(quote), score=1.0, page=page)  # fmt: skip
        citation = Citation(n=1, doc_id=doc_id, title=passage.title, quote=quote, start=0,
                            end=len(quote), passage=quote, page=page)  # fmt: skip
        return Answer(question="q", searched_for="q", answer=f"{quote} [1]", refused=False,
                      citations=[citation], passages=[passage])  # fmt: skip

    html = render_sources(cited("uploads/ferry report.pdf", 2))
    assert "Page 2 as printed" in html
    src = ("api/documents/uploads/ferry%20report.pdf/pages/2.png?"
           "quote=The+night+ferry+was+cancelled.")  # fmt: skip
    assert f'src="{src}"' in html and 'loading="lazy"' in html
    # Asked in another collection, the page comes from there.
    assert f'src="{src}&amp;collection=reports"' in render_sources(
        cited("uploads/ferry report.pdf", 2), collection="reports"
    )
    assert "as printed" not in render_sources(cited("ferry.md", None))
    assert "as printed" not in render_sources(cited("ferry.pdf", None))  # page unknown
