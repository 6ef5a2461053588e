"""Every supported format read into text and metadata, and bad files reported by name."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from conftest import SEED_DOC, seed_folder
from fakes import HashingEmbedderFake
from fpdf import FPDF

from rag import Settings, build_pipeline
from rag.ingest import load_document
from rag.pipeline import Pipeline

HTML = """<html><head><title>Ferry news | Quay Gazette</title>
<link rel="canonical" href="https://quay.example/ferry">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<meta property="og:site_name" content="Quay Gazette"></head>
<body><nav>Home | Sports | Login | Subscribe</nav>
<article><h1>Ferry returns to the bay</h1>
<p>The harbour ferry left at noon with forty passengers aboard, the captain said.</p>
<p>The crossing took twenty minutes in calm weather, and the cafe stayed open.</p></article>
<footer>Copyright Quay Gazette. All rights reserved.</footer></body></html>"""


def _pdf(path: Path, pages: list[str]) -> None:
    pdf = FPDF()
    pdf.set_title("Harbour report")
    pdf.set_author("Port Authority")
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))


def test_html_gives_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html"
    path.write_text(HTML)
    doc = load_document(path, "ferry.html")
    assert "forty passengers" in doc.text
    assert "Subscribe" not in doc.text and "All rights reserved" not in doc.text
    assert doc.title == "Ferry returns to the bay"
    assert doc.author == "Jane Roe"
    assert doc.published_at == "2024-03-05"
    assert doc.url == "https://quay.example/ferry"
    assert doc.source == "Quay Gazette"


def test_pdf_keeps_page_numbers_down_to_the_citation(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _pdf(folder / "report.pdf", [
        "Page one is about the harbour budget and the new crane.",
        "The lighthouse keeper, Ada Quint, retired after fifty winters.",
        "Page three lists the ferry timetable for the winter months.",
    ])  # fmt: skip
    doc = load_document(folder / "report.pdf", "report.pdf")
    assert doc.title == "Harbour report" and doc.author == "Port Authority"
    assert doc.page_starts is not None and len(doc.page_starts) == 3

    pipeline.ingest([folder])
    passages = pipeline.search("lighthouse keeper Ada Quint retired", top_k=3).passages
    assert passages[0].page == 2
    assert sorted(p.page for p in passages) == [1, 2, 3]
    answer = pipeline.ask("Who is the lighthouse keeper who retired?")
    cited = [c for c in answer.citations if "Ada Quint" in c.quote]
    assert cited and cited[0].page == 2
    assert doc.text[cited[0].start : cited[0].end] == cited[0].quote


def test_docx_paragraphs_and_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Minutes of the harbour board"
    document.core_properties.author = "Board Secretary"
    document.add_paragraph("The board approved the new crane.")
    document.add_paragraph("The ferry timetable stays as it is.")
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    doc = load_document(path, "minutes.docx")
    assert doc.text == "The board approved the new crane.\n\nThe ferry timetable stays as it is."
    assert doc.title == "Minutes of the harbour board" and doc.author == "Board Secretary"


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\xe9 de la Gare\nLe caf\xe9 ouvre \xe0 midi.".encode("latin-1"))
    doc = load_document(path, "old.txt")
    assert doc.title == "Café de la Gare" and "à midi" in doc.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.md", b"", "holds no text"),
        (
            "nothing.html",
            b"<html><head><title>x</title></head><body></body></html>",
            "no article text",
        ),
    ],
)
def test_bad_files_are_reported_and_nothing_is_lost(
    pipeline: Pipeline, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    (folder / name).write_bytes(content)
    report = pipeline.ingest([folder])
    assert [f.path for f in report.failed] == [str(folder / name)]
    assert reason in report.failed[0].reason and name in report.failed[0].reason
    assert [d.doc_id for d in pipeline.documents()] == [SEED_DOC.name]


def test_a_file_over_the_size_limit_is_reported_not_read(
    settings: Settings, tmp_path: Path
) -> None:
    folder = seed_folder(tmp_path)
    (folder / "huge.txt").write_text("Huge\n" + "word " * 50_000)
    limited = build_pipeline(
        settings.model_copy(update={"max_file_bytes": 100_000}), embedder=HashingEmbedderFake()
    )
    report = limited.ingest([folder])
    assert report.added == [SEED_DOC.name]
    assert (
        "over the limit" in report.failed[0].reason
        and "RAG_MAX_FILE_BYTES" in report.failed[0].reason
    )


def test_a_reader_whose_dependency_is_broken_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.errors import BackendUnavailable
    from rag.formats import _requires

    (tmp_path / "fakereader.py").write_text("import lxml_html_clean_missing_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(BackendUnavailable) as caught:
        _requires("fakereader", "fakereader")
    assert "installed but failed to import lxml_html_clean_missing_xyz" in str(caught.value)
    with pytest.raises(BackendUnavailable, match="needs nothere_xyz: pip install nothere_xyz"):
        _requires("nothere_xyz", "nothere_xyz")


def test_a_broken_pdf_is_named_in_its_message(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    (folder / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    report = pipeline.ingest([folder])
    assert report.failed and "cut.pdf" in report.failed[0].reason
