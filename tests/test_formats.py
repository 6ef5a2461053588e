"""Every supported format read into text and metadata, and bad files reported by name."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import SEED_DOC, seed_folder
from fakes import HashingEmbedderFake
from fpdf import FPDF

from rag import Settings, build_pipeline
from rag.errors import IngestFailed
from rag.ingest import load_document
from rag.language import sentence_spans
from rag.pipeline import Pipeline
from rag.schema import Document

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


def _loaded(tmp_path: Path, name: str, text: str) -> Document:
    """A file of `text` read back as the app reads it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path, name)


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


def test_html_news_byline_gives_author_date_and_outlet(tmp_path: Path) -> None:
    # The outlet between the name and the date (trial 66's page had shown no outlet).
    doc = _loaded(tmp_path, "robots.html", (
        "<html><head><title>Harbour robots</title></head><body><h1>Harbour robots</h1>"
        '<p class="byline">By Ada Quint, Quay Gazette, October 28, 2023</p>'
        "<p>The harbour now runs forty robots on the quay at night.</p></body></html>"
    ))  # fmt: skip
    assert (doc.author, doc.published_at, doc.source) == ("Ada Quint", "2023-10-28", "Quay Gazette")
    doc = _loaded(tmp_path, "ferry.html", (
        "<html><head><title>Ferry</title></head><body><h1>Ferry</h1>"
        '<p class="byline">By Ada Quint | Published October 28, 2023</p>'
        "<p>The ferry runs twice a day.</p></body></html>"
    ))  # fmt: skip
    assert (doc.author, doc.source) == ("Ada Quint", None)


def test_html_bars_of_links_and_a_page_header_are_no_text(tmp_path: Path) -> None:
    # The Apache manual's page: a header box, a breadcrumb trail, a choice of languages.
    doc = _loaded(tmp_path, "features.html", (
        '<html><body><div id="page-header"><p class="apache">Harbour Server Version 2.4</p>'
        '</div><div id="path"><a href="/">Harbour</a> &gt; <a href="/s">Server</a> &gt; '
        '<a href="/d">Documentation</a></div><div class="lang"><p><span>Available Languages: '
        '</span><a href="en">en</a> | <a href="fr">fr</a> | <a href="ko">ko</a></p></div>'
        "<h1>New features in Harbour Server 2.2</h1><p>This page lists the changes between "
        'the 2.0 and 2.2 versions, with <a href="a">links</a> | to <a href="b">each</a> '
        'module\'s <a href="c">page</a>.</p>'
        # texi2html's row of buttons, a table of links
        '<table><tr><td>[ &lt;&lt; ]</td><td>[<a href="n.html"> &gt;&gt; </a>]</td><td>[<a '
        'href="t.html">Top</a>]</td><td>[<a href="c.html">Contents</a>]</td></tr></table>'
        "</body></html>"
    ))  # fmt: skip
    assert doc.text.startswith("This page lists the changes"), doc.text
    assert "Available" not in doc.text and "Documentation" not in doc.text, doc.text
    assert "Contents" not in doc.text and "<<" not in doc.text, doc.text


def test_html_contents_set_as_lines_of_links_and_a_canned_footer_are_no_text(
    tmp_path: Path,
) -> None:
    # The Fetchmail FAQ: its contents are bare links set line by line, and a table its
    # summary calls the page's footer tops the page.
    asked = ["What is the ferry app?", "Where are the timetables?", "Is there a mailing list?"]
    contents = "".join(f'<a href="#G{i}">G{i}. {q}</a><br/>\n' for i, q in enumerate(asked, 1))
    doc = _loaded(tmp_path, "faq.html", (
        '<html><body><table summary="Canned page footer"><tr><td>Back to the Home Page</td>'
        f"<td>$Date$</td></tr></table><h1>Ferry FAQ</h1><h1>Contents</h1>\n{contents}"
        '<h2 id="G1">G1. What is the ferry app?</h2><p>It books crossings to the island. '
        'See <a href="#G2">G2</a> for the timetables.</p></body></html>'
    ))  # fmt: skip
    assert "Home Page" not in doc.text and "$Date$" not in doc.text, doc.text
    assert doc.text.count("What is the ferry app?") == 1, doc.text  # the heading's, not the link's
    assert "Where are the timetables?" not in doc.text, doc.text
    assert "It books crossings to the island. See G2 for the timetables." in doc.text, doc.text


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
    # The document as the API gives it back knows where its pages begin, as read.
    assert pipeline.document("report.pdf").page_starts == doc.page_starts


def test_docx_headings_lists_tables_and_its_dates(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Minutes of the harbour board"
    document.core_properties.author = "Board Secretary"
    document.add_heading("Decisions", level=1)
    document.add_paragraph("The board approved the new crane.")
    document.add_paragraph("Paint the north pier", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Cost"
    table.cell(1, 0).text, table.cell(1, 1).text = "Crane", "40,000"
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    doc = load_document(path, "minutes.docx")
    assert doc.text == (
        "# Decisions\n\nThe board approved the new crane.\n\n- Paint the north pier\n\n"
        "| Item | Cost |\n| Crane | 40,000 |"
    )
    assert doc.title == "Minutes of the harbour board" and doc.author == "Board Secretary"
    # The file's creation date (python-docx's template sets one) is not a publication date.
    assert doc.published_at is None
    assert doc.created_at is not None and len(doc.created_at) == 10


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\xe9 de la Gare\nLe caf\xe9 ouvre \xe0 midi.".encode("latin-1"))
    doc = load_document(path, "old.txt")
    assert doc.title == "Café de la Gare" and "à midi" in doc.text


_SPEC = """\
HOOKS
=====

Overview
--------

A hook is a small program that the build tool runs at a fixed
point of a build.  Hooks let a project check its sources without
changing the tool itself.

We currently know two kinds of hooks:
 * Check hooks.  These run before anything is compiled
   and may stop the build.
 * Report hooks.  These run at the end.

  Kind      Runs     May stop
  check     first    yes

  report    last     no

MEMORANDUM
"""


def test_plain_text_reads_as_its_author_laid_it_out(tmp_path: Path) -> None:
    path = tmp_path / "hooks.txt"
    path.write_text(_SPEC, encoding="utf-8")
    doc = load_document(path, "hooks.txt")
    assert doc.title == "HOOKS"
    # Hard wraps joined, underlined and capitalised lines made headings, a list item keeps
    # its indented lines, an indented table stays one preformatted block.
    assert (
        "# HOOKS\n\n## Overview\n\nA hook is a small program that the build tool runs " in doc.text
    )
    assert "* Check hooks. These run before anything is compiled and may stop the build." in (
        doc.text
    )
    assert "\n\n```\nKind      Runs     May stop\ncheck     first    yes\n\nreport" in doc.text
    assert doc.text.endswith("## MEMORANDUM")
    spans = [doc.text[a:b] for a, b in sentence_spans(doc.text)]
    assert "Hooks let a project check its sources without changing the tool itself." in spans


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
            "no text",
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


class _Report(FPDF):
    """A report as offices print them: a running header and a page number on every page."""

    def header(self) -> None:
        self.set_font("helvetica", "I", 8)
        self.cell(0, 6, "Harbour Authority Annual Report", align="C")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, str(self.page_no()), align="C")


def _report_pdf(path: Path) -> None:
    pdf = _Report()
    pdf.set_auto_page_break(False)

    def lines(texts: list[str], size: int = 11, style: str = "") -> None:
        pdf.set_font("helvetica", style, size)
        for text in texts:
            pdf.cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    pdf.add_page()
    lines(["Harbour report 2024"], size=20, style="B")
    lines(["1. Ferries"], size=14, style="B")
    lines([
        "The harbour authority published its new infor-",
        "mation policy in March, after a year of ferry delays.",
    ])  # fmt: skip
    pdf.set_y(250)
    lines(["The winter crossing to the island took twenty minutes in calm weather,"])
    pdf.add_page()
    lines(["and the cafe on the upper deck stayed open all season."])
    lines(["2. Lighthouse"], size=14, style="B")
    lines(["The lighthouse keeper, Ada Quint, retired after fifty winters."])
    pdf.add_page()
    lines(["Index"], size=14, style="B")
    lines(["Ferries ........................................ 1",
           "Lighthouse ..................................... 2"])  # fmt: skip
    pdf.output(str(path))


def test_a_paragraph_carried_over_a_page_cites_the_page_each_sentence_is_on(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pdf = _Report()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", "", 11)

    def lines(texts: list[str]) -> None:
        for text in texts:
            pdf.cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    lines([
        "The harbour authority published its new information policy in March, after a year",
        "of ferry delays and two storms that closed the northern quay for a week.",
    ])  # fmt: skip
    pdf.set_y(250)
    lines(["The winter crossing to the island took twenty minutes in calm weather, and the"])
    pdf.add_page()
    lines(["cafe on the upper deck stayed open all season. The ferry's captain, Ada Quint,",
           "retired after fifty winters at the wheel of the old boat."])  # fmt: skip
    pdf.output(str(folder / "ferries.pdf"))
    doc = load_document(folder / "ferries.pdf", "ferries.pdf")
    assert (
        "The winter crossing to the island took twenty minutes in calm weather, and the cafe "
        "on the upper deck stayed open all season." in doc.text
    ), doc.text

    pipeline.ingest([folder])
    answer = pipeline.ask("Which ferry captain retired after fifty winters?")
    cited = [c for c in answer.citations if "Ada Quint" in c.quote]
    assert cited and cited[0].page == 2, answer


def test_a_pdf_reads_as_its_reader_sees_it(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _report_pdf(folder / "report.pdf")
    doc = load_document(folder / "report.pdf", "report.pdf")
    # Wrapped lines are one paragraph, the hyphenated word whole again, and the sentence
    # that runs over the page break one sentence.
    assert "published its new information policy in March" in doc.text
    assert (
        "The winter crossing to the island took twenty minutes in calm weather, and the cafe "
        "on the upper deck stayed open all season." in doc.text
    )
    # No running header, page number or dot-leader index line reaches the text.
    assert "Annual Report" not in doc.text
    assert "...." not in doc.text
    assert not any(line.strip().isdigit() for line in doc.text.split("\n"))
    assert doc.title == "Harbour report 2024"
    assert doc.published_at is None and doc.created_at is not None

    pipeline.ingest([folder])
    answer = pipeline.ask("Who was the lighthouse keeper who retired?")
    cited = [c for c in answer.citations if "Ada Quint" in c.quote]
    assert cited, answer
    assert cited[0].page == 2 and cited[0].section == "2. Lighthouse"
    assert cited[0].quote == "The lighthouse keeper, Ada Quint, retired after fifty winters."
    chunks = pipeline.retriever().stored.document("report.pdf")  # type: ignore[union-attr]
    # Chunks never cross a section: headings only ever open one (a heading with nothing
    # under it but a sub-heading, the title over "1. Ferries", opens it with the other).
    for chunk in chunks:
        body = re.sub(r"\A(?:#+ [^\n]*\n+)+", "", chunk.text)
        assert "#" not in body, chunk.text
    assert chunks[0].text.startswith("# Harbour report 2024\n\n## 1. Ferries\n\n")
    assert chunks[0].section == "1. Ferries"


HTML_MANUAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Pier rules &#8212; Harbour Manual 2.1</title></head>
<body><div class="related" role="navigation"><a href="#">next</a> | <a href="#">index</a></div>
<div class="body" role="main">
<h1>Pier rules<a class="headerlink" href="#pier">¶</a></h1>
<dl class="field-list simple"><dt class="field-odd">Author<span class="colon">:</span></dt>
<dd class="field-odd"><p>Mara Quint</p></dd></dl>
<aside class="topic"><p class="topic-title">Abstract</p><p>Moorings are checked weekly.</p></aside>
<p>Boats must be moored
   with two lines at all times, and the harbour master
   may inspect them.</p>
<h2>Fees<a class="headerlink" href="#fees">¶</a></h2>
<dl><dt>Day ticket</dt><dd>A day ticket costs four euros and is sold at the kiosk.</dd>
<dt>-v, --verbose</dt><dd><p>With list, show the berths.</p><p>With prune, report removals.</p>
</dd><dt>\\moorings,</dt><dd>when followed by a berth, lists its lines.</dd></dl>
<pre>moor --lines 2 --berth 14</pre>
<h3><a class="toc-backref" href="#i">Pay by card?</a><a class="headerlink" href="#c">¶</a></h3>
<p>Cards are taken at the kiosk.</p>
<div class="important"><h3 class="title">Important</h3><p>Keep the receipt.</p></div>
<table><tr><th>Berth</th><th>Fee</th></tr><tr><td>Small</td><td>10</td></tr></table>
<p>Copyright 2019, Harbour Board.</p>
Put on the web by Ada Quint, member of the board;<br>
later updated by Ben Okafor.<br>
Last updated: 30 July 1997<br>
</div></body></html>"""


def test_html_keeps_its_structure_and_joins_source_wraps(tmp_path: Path) -> None:
    path = tmp_path / "pier.html"
    path.write_text(HTML_MANUAL)
    doc = load_document(path, "pier.html")
    assert doc.title == "Pier rules" and doc.source == "Harbour Manual 2.1"
    # A field list's label and value are one line, and its author is the document's.
    assert doc.text.startswith("Author: Mara Quint\n\nAbstract\n\nMoorings are checked weekly.")
    assert "\n\nBoats must be moored with two lines at all times" in doc.text
    assert doc.author == "Mara Quint"
    assert "## Fees" in doc.text and "¶" not in doc.text and "index" not in doc.text
    # A definition list's term and its definition are one statement.
    assert "\n\nDay ticket: A day ticket costs four euros" in doc.text
    # Each short paragraph of a definition is said of its terms.
    assert "-v, --verbose: With list, show the berths.\n\n-v, --verbose: With prune" in doc.text
    assert "\\moorings: when followed by a berth" in doc.text  # the term's comma is no word
    assert "```\nmoor --lines 2 --berth 14\n```" in doc.text
    # A heading set inside a link classed like furniture (Sphinx's "toc-backref") is a heading.
    assert "\n\n### Pay by card?\n\nCards are taken" in doc.text
    # A note's title heads no section: the note is its section's own text.
    assert "Cards are taken at the kiosk.\n\nKeep the receipt." in doc.text, doc.text
    assert "| Berth | Fee |\n| Small | 10 |" in doc.text
    assert doc.published_at is None  # a copyright year is not a publication date
    # A line break inside a sentence does not end it; one after it does.
    assert "member of the board; later updated by Ben Okafor.\n\nLast updated" in doc.text


def test_a_docbook_title_page_names_its_authors_without_making_them_sections(
    tmp_path: Path,
) -> None:
    path = tmp_path / "groups.html"
    path.write_text(
        '<html><head><title>Users and Groups</title></head><body><div class="TITLEPAGE">'
        '<h1 class="TITLE">Users and Groups</h1><h3 CLASS="AUTHOR">Joey Hess</h3>'
        '<h3 class="author">Colin Watson</h3><p>Copyright 2001 Joey Hess</p></div>'
        "<h2>Introduction</h2><p>The root user has uid 0 on every system.</p></body></html>"
    )
    doc = load_document(path, "groups.html")
    assert doc.author == "Joey Hess, Colin Watson"
    assert doc.text.startswith("Joey Hess\n\nColin Watson\n\nCopyright 2001 Joey Hess")
    assert "## Introduction" in doc.text and "#" not in doc.text.split("## Introduction")[0]


def _scanned(tmp_path: Path) -> Path:
    """An image-only PDF: the report's first page rendered at 200 dpi and saved as a picture."""
    import pypdfium2

    _report_pdf(tmp_path / "report.pdf")
    document = pypdfium2.PdfDocument(str(tmp_path / "report.pdf"))
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF", resolution=200)
    return path


@pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr (.ci/run installs it)"
)
def test_a_scanned_page_is_read_by_ocr(tmp_path: Path) -> None:
    doc = load_document(_scanned(tmp_path), "scan.pdf")
    assert doc.ocr_pages == [1]
    assert "information policy in March" in " ".join(doc.text.split())


def test_a_scanned_pdf_without_ocr_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    with pytest.raises(IngestFailed, match="apt-get install tesseract-ocr"):
        load_document(_scanned(tmp_path), "scan.pdf")


def test_a_pdf_in_two_columns_with_headings_in_another_typeface(tmp_path: Path) -> None:
    """A newsletter page: a heading set in another face at the body's size, and a sentence
    that runs from the foot of the left column to the top of the right one."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()

    def line(x: float, y: float, text: str, family: str = "helvetica") -> None:
        pdf.set_font(family, "I" if family == "times" else "", 11)
        pdf.set_xy(x, y)
        pdf.cell(85, 5, text)

    line(10, 20, "Ferry timetable changes", family="times")
    line(10, 26, "The harbour board agreed that the winter ferry")
    line(10, 31, "will leave the north pier at nine o'clock and")
    line(110, 20, "return from the island at four in the afternoon.")
    line(110, 26, "Tickets are sold at the kiosk on the quay.")
    path = tmp_path / "news.pdf"
    pdf.output(str(path))
    doc = load_document(path, "news.pdf")
    assert doc.text.startswith("# Ferry timetable changes\n\n")
    assert (
        "The harbour board agreed that the winter ferry will leave the north pier at nine "
        "o'clock and return from the island at four in the afternoon." in doc.text
    )


def test_a_hyphen_the_document_writes_elsewhere_stays_at_a_line_end(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for text in [
        "The author-date system cites a work by its author and year.",
        "Many journals prefer the author-",
        "date system to numbered citations, as the infor-",
        "mation stays readable. Its files are machine-",
        "dependent, as each machine writes its own, and those are not dependent on the year.",
        "BibTeX here treats upper-",
        "and lower-case letters as different.",
    ]:
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "styles.pdf"))
    doc = load_document(tmp_path / "styles.pdf", "styles.pdf")
    assert "prefer the author-date system to numbered citations" in doc.text
    assert "authordate" not in doc.text
    assert "as the information stays readable" in doc.text  # a plain word is still rejoined
    # Two words the document writes alone, and together no English word: a compound.
    assert "Its files are machine-dependent, as" in doc.text, doc.text
    # A hyphen left hanging before "and" keeps its space (trial 63: "upper-and lower-case").
    assert "treats upper- and lower-case letters" in doc.text, doc.text


def test_a_pdf_contents_page_and_a_wrapped_heading_make_no_false_sections(
    tmp_path: Path,
) -> None:
    pdf = FPDF()
    pdf.set_auto_page_break(False)

    def line(text: str, size: int = 11, style: str = "", family: str = "helvetica") -> None:
        pdf.set_font(family, style, size)
        pdf.cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    pdf.add_page()
    line("Harbour almanac", size=20, style="B")
    line("Contents", size=14, style="B")
    # (The last entries set close run together into one line: "3 Tides 3 Sources 4".)
    for entry in ("1 Ferries 2", "2 Lighthouse keepers of the northern coast 2",
                  "3 Tides 3 Sources 4"):  # fmt: skip
        line(entry, size=14, style="B")
    pdf.add_page()
    line("1 Ferries", size=14, style="B")
    line("The night ferry to Skarholm runs twice a week in winter.")
    line("2 Lighthouse keepers of the", size=14, style="B")
    line("northern coast", size=14, style="B", family="times")
    line("Ada Quint kept the northern light for fifty winters.")
    line("3 Tides", size=14, style="B")
    line("The tide tables are sold at the kiosk.")
    line("Sources", size=14, style="B")
    line("The harbour master's log, kept since 1920.")
    pdf.output(str(tmp_path / "almanac.pdf"))
    doc = load_document(tmp_path / "almanac.pdf", "almanac.pdf")
    headings = [p for p in doc.text.split("\n\n") if p.startswith("#")]
    # The contents' entries are not sections; the heading over two lines is one.
    assert not any(h.endswith((" 2", " 4")) for h in headings), headings
    assert not any(h.endswith("Contents") for h in headings), headings  # it heads nothing now
    assert "## 2 Lighthouse keepers of the northern coast" in headings, headings
    assert "## 1 Ferries" in headings, headings


def test_a_pdf_subheading_in_italics_heads_its_section(tmp_path: Path) -> None:
    """groff's mom sets "3.1. ..." in italics at about the body's size, on its own line: a
    heading, not the start of the paragraph below. Its authors as the tool listed them, and a
    roman page number between dashes, are read as a person would."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_author("Ada Quint, and, Bo Lind,")
    pdf.add_page()

    def line(y: float, text: str, style: str = "", size: float = 10.5) -> None:
        pdf.set_font("helvetica", style, size)
        pdf.set_xy(20, y)
        pdf.cell(0, 5, text)

    line(20, "3. Moorings", style="B", size=12)
    line(28, "Every mooring in the harbour is checked by the harbour master each week.")
    line(40, "3.1. Checking the chains", style="I", size=10.8)
    line(46, "The chains are lifted at low tide and measured link by link for wear.")
    line(51, "A chain worn by a fifth is replaced before the winter storms begin.")
    line(63, "3.2. Buoys", style="I", size=10.8)
    line(69, "Each buoy is painted yellow.")
    line(280, "- i -")
    pdf.output(str(tmp_path / "moorings.pdf"))
    doc = load_document(tmp_path / "moorings.pdf", "moorings.pdf")
    headings = [p for p in doc.text.split("\n\n") if p.startswith("#")]
    assert any(h.endswith(" 3.1. Checking the chains") for h in headings), doc.text
    assert any(h.endswith(" 3.2. Buoys") for h in headings), doc.text
    assert "\n\nThe chains are lifted at low tide" in doc.text
    assert "- i -" not in doc.text
    assert doc.author == "Ada Quint and Bo Lind"


def test_a_pdf_line_of_bold_names_inside_a_sentence_is_no_heading(tmp_path: Path) -> None:
    """SDoP's manual sets parameter names in bold: a wrapped line made mostly of them goes on
    with the sentence and heads nothing."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for y, style, x, text in (
        (
            35,
            "",
            20,
            "(2) A table of contents; this is omitted if it would be empty. The berth_names,",
        ),
        (40, "B", 28, "berth_keepers, and fee_tables parameters control"),
        (45, "", 28, "what is included in it."),
    ):
        pdf.set_font("times", style, 11)
        pdf.set_xy(x, y)
        pdf.cell(0, 5, text)
    pdf.output(str(tmp_path / "params.pdf"))
    doc = load_document(tmp_path / "params.pdf", "params.pdf")
    assert "#" not in doc.text, doc.text
    assert "The berth_names, berth_keepers, and fee_tables parameters control what is" in doc.text


def test_a_pdf_back_of_book_index_is_left_out(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()

    def line(text: str, size: int = 11, style: str = "") -> None:
        pdf.set_font("helvetica", style, size)
        pdf.cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    line("1 Options", size=14, style="B")
    for n in range(8):
        line(f"The option -q{n} suppresses the warnings of kind {n} for the whole run.")
    pdf.add_page()
    line("Index", size=14, style="B")
    line("A", size=12, style="B")
    line("-q option 2, 3")
    line("alignment in tables 29")
    line("B", size=12, style="B")
    line("background colour 19")
    line("block quotes 7, 12-14")
    pdf.output(str(tmp_path / "manual.pdf"))
    doc = load_document(tmp_path / "manual.pdf", "manual.pdf")
    assert "The option -q7 suppresses" in doc.text
    assert "Index" not in doc.text and "background colour" not in doc.text, doc.text


def _title_page(tmp_path: Path, lines: tuple[str, ...]) -> Document:
    """A PDF with no Author in its metadata: a title in 24 points, then `lines` in bold 14,
    then a body paragraph; read back."""
    pdf = FPDF()
    pdf.add_page()
    for text, size in (("Harbour almanac", 24), *((line, 14) for line in lines)):
        pdf.set_font("helvetica", "B", size)
        pdf.cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font("helvetica", "", 11)
    pdf.cell(0, 6, "The night ferry to Skarholm runs twice a week in winter.")
    pdf.output(str(tmp_path / "almanac.pdf"))
    return load_document(tmp_path / "almanac.pdf", "almanac.pdf")


def _headings(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.startswith("#")]


def test_a_pdf_title_pages_byline_is_not_a_section(tmp_path: Path) -> None:
    doc = _title_page(tmp_path, ("Ada Quint and Ben Okafor (almanac@harbour.example)", "Ferries"))
    assert _headings(doc.text) == ["# Harbour almanac", "## Ferries"], doc.text
    assert "\n\nAda Quint and Ben Okafor (almanac@harbour.example)\n\n" in doc.text


def test_a_pdf_title_pages_names_and_date_are_its_byline_and_author(tmp_path: Path) -> None:
    doc = _title_page(tmp_path, ("Ada Quint and Ben Okafor", "March 5, 2024", "1 Ferries"))
    assert _headings(doc.text) == ["# Harbour almanac", "## 1 Ferries"], doc.text
    assert "\n\nAda Quint and Ben Okafor\n\nMarch 5, 2024\n\n" in doc.text
    assert doc.author == "Ada Quint and Ben Okafor"
    assert doc.published_at == "2024-03-05"  # the date its title page gives


def test_a_pdf_title_pages_copyright_line_and_day_first_date_are_its_byline(
    tmp_path: Path,
) -> None:
    """Trial 72: "The LaTeX3 Project" had the author "©1995–1999 Frank Mittelbach and Chris
    Rowley" and no date, though its title page says "12 January 1999"."""
    lines = ("©2019-2024 Ada Quint and Ben Okafor", "5 March 2024", "1 Ferries")
    doc = _title_page(tmp_path, lines)
    assert doc.author == "Ada Quint and Ben Okafor"
    assert doc.published_at == "2024-03-05"
    assert "\n\n©2019-2024 Ada Quint and Ben Okafor\n\n5 March 2024\n\n" in doc.text


def _names_in_columns(
    tmp_path: Path, rows: tuple[tuple[str, ...], ...], date: str = ""
) -> Document:
    """A title page whose names are set side by side, row after row (LaTeX's \\and)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 24)
    pdf.cell(0, 12, "Harbour almanac", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 12)
    pdf.ln(8)
    for row in rows:
        for column, name in enumerate(row):
            pdf.set_x(30 + 60 * column)
            pdf.cell(40, 6, name)
        pdf.ln(6)
    pdf.ln(10)
    if date:
        pdf.cell(0, 6, date, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.set_font("helvetica", "", 11)
    pdf.cell(0, 6, "The night ferry to Skarholm runs twice a week in winter.")
    pdf.output(str(tmp_path / "almanac.pdf"))
    return load_document(tmp_path / "almanac.pdf", "almanac.pdf")


def test_a_pdf_title_pages_typeset_date_and_team_are_no_section_date_or_author(
    tmp_path: Path,
) -> None:
    # Sweave's vignette (trial 59): the team under the names, run into them; a line of dates
    # ending "(typeset on ...)", which had become a section.
    doc = _title_page(
        tmp_path,
        (
            "Ada Quint and Ben Okafor Harbour Survey Team",
            "Spring 2008; Aug 2022 (typeset on November 10, 2022)",
            "1 Ferries",
        ),
    )
    assert _headings(doc.text) == ["# Harbour almanac", "## 1 Ferries"], doc.text
    assert doc.author == "Ada Quint and Ben Okafor"
    assert doc.published_at is None  # when it was typeset is no date of its own


def test_a_pdf_set_all_in_bold_loses_its_page_numbers_and_nothing_else(tmp_path: Path) -> None:
    # A face pdfium weighs as bold throughout is the plain one; its page numbers still go (they
    # stayed, and other lines went, when the lines were made anew after they were found).
    boats = ["Skarholm", "Vinga", "Tistlarna", "Donsö", "Styrsö", "Vrångö", "Asperö", "Knarrholmen"]
    places = ["quay", "pier", "jetty", "wharf", "harbour", "slip", "dock", "mole", "berth"]
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    lines = []
    for number in range(1, 4):
        pdf.add_page()
        pdf.set_font("helvetica", "B", 11)
        pdf.set_xy(20, 30)
        for n, place in enumerate(places):
            lines.append(
                f"The {boats[(n + number) % 8]} boat sails from the {place} {n + number * 9}"
            )
            pdf.cell(0, 6, lines[-1] + " times.")
            pdf.ln(8)
        pdf.set_xy(100, 280)
        pdf.cell(10, 6, str(number))
    pdf.output(str(tmp_path / "bold.pdf"))
    doc = load_document(tmp_path / "bold.pdf", "bold.pdf")
    assert not any(p.strip().isdigit() for p in doc.text.split("\n\n")), doc.text
    assert all(line in doc.text for line in lines), doc.text


def test_a_pdf_title_pages_names_in_columns_are_listed_and_its_date_taken(
    tmp_path: Path,
) -> None:
    # The last name alone on its line; the date line may go on with the revisions.
    rows = (("Ada Quint", "Ben Okafor", "Cleo Marsh"), ("Dag Holm", "Eva Lind"), ("Finn Roe",))
    doc = _names_in_columns(tmp_path, rows, "1999-12-13 (revised 2002-02-25, 2016-11-14)")
    names = "Ada Quint, Ben Okafor, Cleo Marsh, Dag Holm, Eva Lind, Finn Roe"
    assert f"\n\n{names}\n\n" in doc.text, doc.text
    assert doc.author == names
    assert doc.published_at == "1999-12-13"


def test_a_pdf_title_pages_affiliation_under_the_names_is_no_author(tmp_path: Path) -> None:
    # Sweave's vignette: the authors side by side, the clinic they work at under them.
    doc = _names_in_columns(tmp_path, (("Ada Quint", "Ben Okafor", "Cleo Marsh"), ("Mayo Clinic",)))
    assert "Ada Quint, Ben Okafor, Cleo Marsh, Mayo Clinic" in doc.text, doc.text
    assert doc.author == "Ada Quint, Ben Okafor, Cleo Marsh"


def test_a_pdf_title_pages_names_side_by_side_are_its_authors(tmp_path: Path) -> None:
    # Two authors set apart on one line, their footnote marks dropped.
    doc = _title_page(tmp_path, ("Achim Zeileis Torsten Hothorn", "1 Introduction"))
    assert _headings(doc.text) == ["# Harbour almanac", "## 1 Introduction"], doc.text
    assert doc.author == "Achim Zeileis and Torsten Hothorn"


def test_a_pdf_underscore_drawn_as_a_rule_is_an_underscore(tmp_path: Path) -> None:
    # TeX draws "\\_" as a short rule at the foot of the line, not as a character.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.text(20, 30, "Every process belongs to")
    x = 20 + pdf.get_string_width("Every process belongs to ")
    for n, word in enumerate(("MPI", "COMM", "WORLD.")):
        if n:
            pdf.rect(x, 30, 2.0, 0.3, style="F")  # the underscore, drawn
            x += 2.2
        pdf.text(x, 30, word)
        x += pdf.get_string_width(word) + 0.2
    pdf.output(str(tmp_path / "mpi.pdf"))
    doc = load_document(tmp_path / "mpi.pdf", "mpi.pdf")
    assert "belongs to MPI_COMM_WORLD." in doc.text, doc.text


def _type3_pdf(path: Path, lines: list[str]) -> None:
    """A page set in an unnamed Type 3 font, as dvips and Sweave set TeX's bitmap fonts: its
    letters have their glyph names, its ligatures and dashes names that say nothing, so a
    reader sees only their codes (T1: 0x1C "fi", 0x1B "ff", 0x15 "–", 0x10/0x11 quotes)."""
    codes = sorted({ord(ch) for line in lines for ch in line} | {32})
    names = {c: chr(c) if chr(c).isalpha() else f"a{c}" for c in codes} | {32: "space"}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    box = b"500 0 0 0 400 600 d1 0 0 400 600 re f"
    procs = {
        n: add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(box), box))
        for n in set(names.values())
    }
    font = add(
        (
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 600]"
            " /FontMatrix [0.02 0 0 0.02 0 0] /Resources << >>"
            f" /CharProcs << {' '.join(f'/{n} {i} 0 R' for n, i in procs.items())} >>"
            f" /Encoding << /Differences [{' '.join(f'{c} /{names[c]}' for c in codes)}] >>"
            f" /FirstChar {codes[0]} /LastChar {codes[-1]}"
            f" /Widths [{' '.join('500' for _ in range(codes[0], codes[-1] + 1))}] >>"
        ).encode()
    )
    shown = "".join(
        f"BT /F1 1 Tf 72 {740 - 14 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines)
    ).encode("latin-1")
    content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(shown), shown))
    page = add(b"")
    pages = add(f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
    objects[page - 1] = (
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 612 792]"
        f" /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
    ).encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages} 0 R >>".encode())
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def test_a_pdf_in_a_tex_bitmap_font_reads_its_ligatures_and_dashes(tmp_path: Path) -> None:
    # A vignette made by Sweave read "The \x1crst data set", "\x10wins\x11", "65\x1585%".
    _type3_pdf(
        tmp_path / "vignette.pdf",
        ["The \x1crst e\x1bect was \x10small\x11 in 65\x1585% of the cases.", "A second line."],
    )
    doc = load_document(tmp_path / "vignette.pdf", "vignette.pdf")
    assert "The first effect was \u201csmall\u201d in 65\u201385% of the cases." in doc.text, (
        doc.text
    )


def test_a_pdf_description_lists_items_hang_and_are_read_apart(tmp_path: Path) -> None:
    # LaTeX's description list: each term at the margin in its own face, the text after it,
    # the item's next lines indented under it; no space between the items.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "The harbour office lends these small tools to visiting crews.")
    pdf.ln(4)
    # (Their last lines run to the margin: a short last line would end the item anyway.)
    items = (("gaff", "A pole with a hook for pulling a line or a buoy aboard from the",
              "water by hand, kept by the door of the office for the crews to use."),
             ("fender", "A cushion hung over the side so that the hull does not rub the",
              "quay when the tide turns and the boats lean against the old stones."))  # fmt: skip
    for term, first, rest in items:
        pdf.set_x(10)
        pdf.set_font("courier", "", 11)
        pdf.cell(18, 6, term)
        pdf.set_font("helvetica", "", 11)
        pdf.cell(0, 6, first, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(28)
        pdf.cell(0, 6, rest, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "tools.pdf"))
    doc = load_document(tmp_path / "tools.pdf", "tools.pdf")
    assert "for the crews to use.\n\nfender A cushion hung over the side" in doc.text, doc.text


def test_a_pdf_set_all_in_a_bold_face_has_no_heading_for_each_short_line(
    tmp_path: Path,
) -> None:
    # A body face that reads as bold throughout (TeX's CMR10 through Ghostscript): a short
    # line before a displayed formula is the sentence's start, which goes on after the
    # formula's number.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 11)
    first = ("Ferries carry most of the island's goods. Each crossing is logged by the harbour "
             "master, and the log is kept for ten years at the kiosk.")  # fmt: skip
    pdf.multi_cell(0, 6, first)
    pdf.ln(6)
    pdf.cell(0, 6, "The classical tide model", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_x(60)
    pdf.cell(80, 6, "h = a + b cos(t) (1)", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    rest = ("is still the one most harbours use for their tables, although it ignores the "
            "wind. The kiosk sells the tables for two crowns.")  # fmt: skip
    pdf.multi_cell(0, 6, rest)
    pdf.output(str(tmp_path / "tides.pdf"))
    doc = load_document(tmp_path / "tides.pdf", "tides.pdf")
    assert not _headings(doc.text), doc.text
    assert "The classical tide model h = a + b cos(t) (1) is still the one" in doc.text, doc.text


def test_a_pdf_term_in_a_typewriter_face_reads_with_what_it_does(tmp_path: Path) -> None:
    # Texinfo's table of options: the option on a line of its own in a typewriter face, what
    # it does below it, starting with the verb.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "The options below change how the scanner behaves at run time.")
    pdf.ln(4)
    options = (("-i, --case-insensitive", "instructs moor to ignore the case of letters."),
               ("-d, --debug", "makes the scanner report each rule it matches."))  # fmt: skip
    for term, text in options:
        pdf.set_font("courier", "", 11)
        pdf.cell(0, 6, term, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_x(25)
        pdf.set_font("helvetica", "", 11)
        pdf.multi_cell(0, 6, text)
        pdf.ln(4)
    pdf.output(str(tmp_path / "moor.pdf"))
    text = load_document(tmp_path / "moor.pdf", "moor.pdf").text
    assert "-i, --case-insensitive instructs moor to ignore the case of letters." in text, text
    assert "```" not in text, text


def test_a_pdf_margins_line_numbers_and_an_ocr_slip_in_its_header_are_no_text(
    tmp_path: Path,
) -> None:
    # A specification numbers its lines in the left margin; a scanned book's running head is
    # read by OCR with a slip on one page ("VICKSBUEG"), in another size; and the OCR layer's
    # sizes wander, so a line in lower case goes on with the one above in another size.
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    number = 1
    for page in range(4):
        pdf.add_page()
        pdf.set_font("helvetica", "", 8 if page != 2 else 9)
        pdf.set_xy(40, 10)
        pdf.cell(0, 5, f"THE SIEGE OF {'VICKSBUEG' if page == 2 else 'VICKSBURG'}. {49 + page}")
        for row in range(6):
            pdf.set_xy(30, 30 + row * 8)
            pdf.set_font("helvetica", "", 9 if row == 0 else 11)
            word = WORDS[page]
            pdf.cell(0, 5, f"On the {word} day the heat grew, and we must im-" if row == 0 else
                     f"prove our quarters, wrote the {word} keeper." if row == 1 else
                     f"At the {word} pier {WORDS[row]} boats came in at dusk.")  # fmt: skip
        for row in range(6):  # set after the text, as a word processor writes them
            pdf.set_xy(8, 30 + row * 8)
            pdf.set_font("courier", "", 9)
            pdf.cell(6, 5, str(number), align="R")
            number += 1
    pdf.output(str(tmp_path / "diary.pdf"))
    doc = load_document(tmp_path / "diary.pdf", "diary.pdf")
    assert "```" not in doc.text and "VICKSBU" not in doc.text, doc.text
    assert "we must improve our quarters, wrote the third keeper." in doc.text, doc.text
    assert "At the third pier fifth boats came in at dusk." in doc.text, doc.text


WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
         "tenth"]  # fmt: skip


def test_a_pdf_sentence_that_goes_on_below_its_colon_stays_one_sentence(tmp_path: Path) -> None:
    # "... the general principle that:" and the principle itself set apart below it, indented
    # and in italics, as typeset documents do: a reader reads one sentence.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Boats moored at the north pier must be checked before every storm. "
                         "This leads us to the general principle that:")  # fmt: skip
    pdf.ln(12)
    pdf.set_x(30)
    pdf.set_font("helvetica", style="I", size=11)
    pdf.multi_cell(150, 6, "with certain exceptions, a boat that is moved must be registered "
                           "again under its new berth number.")  # fmt: skip
    pdf.ln(8)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "The harbour master keeps the register at the kiosk.")
    path = tmp_path / "rules.pdf"
    pdf.output(str(path))
    doc = load_document(path, "rules.pdf")
    sentences = [" ".join(doc.text[a:b].split()) for a, b in sentence_spans(doc.text)]
    assert (
        "This leads us to the general principle that: with certain exceptions, a boat that is "
        "moved must be registered again under its new berth number." in sentences
    ), sentences
    assert "The harbour master keeps the register at the kiosk." in sentences


def test_a_pdf_footnotes_marks_do_not_glue_to_its_words(tmp_path: Path) -> None:
    # A raised mark after a word in the text, and the note at the foot of the page opening
    # with its raised number, as word processors set them.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.write(6, "Lock files of running services go in /run.")
    pdf.char_vpos = "SUP"
    pdf.write(6, "3")
    pdf.char_vpos = "LINE"
    pdf.write(6, " Each one holds a process number.")
    pdf.set_y(260)
    pdf.set_font("helvetica", size=8)
    pdf.char_vpos = "SUP"
    pdf.write(5, "3")
    pdf.char_vpos = "LINE"
    pdf.write(5, "Older systems kept them in /var/run instead.")
    path = tmp_path / "notes.pdf"
    pdf.output(str(path))
    doc = load_document(path, "notes.pdf")
    sentences = [" ".join(doc.text[a:b].split()) for a, b in sentence_spans(doc.text)]
    assert "Lock files of running services go in /run." in sentences, sentences
    assert "Each one holds a process number." in sentences
    assert "Older systems kept them in /var/run instead." in sentences


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Windows' "Unicode" text: UTF-16 with its byte-order mark
        ("Título: prueba\nLa reunión es el martes.\n".encode("utf-16"), "La reunión es el martes."),
        (
            "Совещание по бюджету состоится во вторник. Просим всех прийти вовремя. Повестка "
            "дня: отчёт за квартал и план на следующий год.".encode("koi8-r"),
            "Совещание по бюджету",
        ),
    ],
)
def test_text_in_other_encodings_reads_as_written(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    assert expected in load_document(path, "note.txt").text


def test_text_whose_encoding_cannot_be_told_is_refused_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Совещание".encode("koi8-r"))  # too short to tell from Shift-JIS
    with pytest.raises(IngestFailed, match="save it as UTF-8"):
        load_document(path, "note.txt")


def test_a_docbook_sidebar_is_content_and_its_page_links_are_not(tmp_path: Path) -> None:
    aside = (
        "A hard link, as opposed to a symbolic link, cannot be told apart from the file it "
        "links to: creating one gives an existing file a second name, and deleting it only "
        "removes that name while the data stays where it was on the disk."
    )
    path = tmp_path / "backup.html"
    path.write_text(
        '<html><head><title>Backup</title></head><body><ul class="docnav top"><li><a href="p">'
        "<strong>Prev</strong></a></li><li><a href='n'>Next</a></li></ul>"
        '<div class="sidebar"><a href="/">Home</a> <a href="/blog">Blog</a> '
        '<a href="/about">About us</a></div>'
        "<h2>Backup</h2><p>Backups are kept for fifteen days on the second disk.</p>"
        f'<div class="sidebar"><p class="title"><strong>The hard link</strong></p><p>{aside}'
        '</p></div><ul class="docnav"><li><a href="p">Prev: Quotas</a></li></ul></body></html>'
    )
    doc = load_document(path, "backup.html")
    assert aside in doc.text
    assert "Prev" not in doc.text and "About us" not in doc.text


def test_html_contents_links_and_doxygen_listings(tmp_path: Path) -> None:
    """A hand-written guide's contents list and its "[ToC]" links back are no text; a short
    list of links into the page is; a one-character key is a term; a term over a reference of
    its own does not prefix it. Doxygen's title area and hidden tooltips are no text, and its
    listing is code."""
    contents = "".join(f'<li><a href="#s{i}">Section {i}</a></li>' for i in range(6))
    path = tmp_path / "guide.html"
    path.write_text(
        '<html><head><title>Ferry guide</title></head><body><div id="titlearea">'
        '<ul class="ferrynavbar"><li><a href="/dl">Download</a></li></ul></div>'
        f"<h2>Contents</h2><ul>{contents}</ul>"
        "<p>The ferry offers two kinds of ticket:</p><ul>"
        '<li><a href="#single">single</a></li><li><a href="#return">return</a></li></ul>'
        '<p>[<a href="#ToC-s0">ToC</a>]</p>'
        "<dl><dt>(</dt><dd><p>The ( key moves back half a page.</p></dd>"
        "<dt>options</dt><dd><p>Options begin with a dash.</p><pre>-quiet</pre>"
        "<dl><dt>-quiet</dt><dd><p>say nothing.</p></dd></dl></dd></dl>"
        '<div class="fragment"><div class="line">if (!boardFerry())</div>'
        '<div class="line">    <span class="comment">// wait for the next one</span></div>'
        '<div class="ttc"><div class="ttname">boardFerry</div>'
        '<div class="ttdoc">Boards the ferry.</div></div></div>'
        "</body></html>"
    )
    doc = load_document(path, "guide.html")
    assert "Section 3" not in doc.text and "[ToC]" not in doc.text, doc.text
    assert "\n\n- single\n" in doc.text and "- return" in doc.text  # marked as list points
    assert "(: The ( key moves back half a page." in doc.text
    assert "\n-quiet: say nothing." in doc.text and "options: -quiet" not in doc.text
    assert "```\nif (!boardFerry())\n    // wait for the next one\n```" in doc.text
    assert "Boards the ferry" not in doc.text and "Download" not in doc.text


def test_a_pdf_bold_bullet_or_broken_line_is_no_section(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0, 6, "A package needs care when it installs any of these:", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font("helvetica", style="B", size=11)
    pdf.multi_cell(0, 6, "- setuid or setgid program", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "The De-", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0, 6, "bian maintainer must be careful with both of them.", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    # An entry of a list set in another face: two sentences and a field list, no heading.
    pdf.set_font("times", style="B", size=11)
    pdf.multi_cell(
        0,
        6,
        "manual Technical documentation. Required field: title. Optional:",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "author, organization, address, edition, month, year, note.")
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    doc = load_document(path, "guide.pdf")
    assert "#" not in doc.text, doc.text
    assert "- setuid or setgid program" in doc.text


def test_a_pdf_pages_last_line_is_kept_where_code_ended_other_pages(tmp_path: Path) -> None:
    # Two pages end in a line of code, "}", at the height where every full page's last line of
    # text sits: that height is no footer's, and the other pages' last lines stay.
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    endings = [
        "}",
        "}",
        "A package is a standardized collection of material, and a library is a place",
        "where R knows to find the packages it can use, as this page says at its foot.",
    ]
    for number, ending in enumerate(endings, start=1):
        pdf.add_page()
        pdf.set_xy(10, 10)
        pdf.cell(0, 6, f"Chapter 7: R Miscellanea {number}")
        pdf.set_xy(10, 30)
        pdf.multi_cell(0, 6, f"Page {number} explains one more question about the R language.")
        pdf.set_xy(10, 280)
        pdf.cell(0, 6, ending)
    path = tmp_path / "faq.pdf"
    pdf.output(str(path))
    doc = load_document(path, "faq.pdf")
    assert "a library is a place" in doc.text, doc.text
    assert "as this page says at its foot." in doc.text, doc.text
    assert "Miscellanea" not in doc.text  # the running header still goes


def test_a_pdf_web_address_broken_over_lines_and_an_accent_set_before_its_letter(
    tmp_path: Path,
) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for y, line in enumerate(
        [
            "S-Plus is a version of S sold by TIBCO Software Inc (https://www.tibco.",
            "com/) as a product of its own. The main site can be found at the URL",
            "https://CRAN.R-project.org/",
            "and is mirrored daily to many sites around the world by the university. The",
            "policy is at (http://www.debian.org/-",
            "doc/fhs-3.0.html) for everyone, as a hyphen breaks a long address in some books.",
        ]
    ):
        pdf.text(10, 20 + 6 * y, line)
    # As TeX sets "ä": a kern, the accent, a kern back, then the letter under it (fpdf2 has no
    # call for a kerned run, so the PDF operator is written as TeX writes it).
    pdf._out(
        "BT /F1 11.00 Tf 28.35 600 Td "
        "[(The main site is at WU \\(Wirtschaftsuniversit) -111 (\\250) 444 "
        "(at Wien\\) in Austria.)] TJ ET"
    )
    path = tmp_path / "faq.pdf"
    pdf.output(str(path))
    text = " ".join(load_document(path, "faq.pdf").text.split())
    assert "(https://www.tibco.com/) as a product" in text, text
    assert "https://CRAN.R-project.org/ and is mirrored" in text, text
    assert "Wirtschaftsuniversität Wien" in text, text
    assert "(http://www.debian.org/doc/fhs-3.0.html) for everyone" in text, text


def test_a_pdf_heading_with_a_name_in_another_face_stays_one_heading(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    for number, name in ((1, "S"), (2, "S-Plus")):
        pdf.set_font("helvetica", style="B", size=15)
        pdf.write(8, f"3.{number} What is ")
        pdf.set_font("helvetica", size=15)  # the name in another face, as in the R FAQ
        pdf.write(8, f"{name}?")
        pdf.ln(12)
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"{name} is a language for data analysis, and this is its story.")
        pdf.ln(6)
    path = tmp_path / "faq.pdf"
    pdf.output(str(path))
    text = load_document(path, "faq.pdf").text
    assert re.search(r"^#+ 3\.2 What is S-Plus\?$", text, re.MULTILINE), text


def test_a_pdf_sentence_goes_on_after_a_displayed_line_of_code(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0, 6, "It may happen that numeric data come in as factors. If f is such a factor object, "
        "you can use", new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(2)
    pdf.set_x(30)
    pdf.set_font("courier", size=11)
    pdf.cell(0, 6, "as.numeric(as.character(f))", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "to get the numbers back. In any case, do not call it directly.")
    path = tmp_path / "faq.pdf"
    pdf.output(str(path))
    text = load_document(path, "faq.pdf").text
    # One paragraph, so one sentence: no break between the code and the words after it.
    assert "you can use as.numeric(as.character(f)) to get the numbers back." in text, text


def test_a_pdf_code_line_on_every_page_is_code_not_a_stamp(tmp_path: Path) -> None:
    # "}" and an export tag close or open a listing on each page; a stamp repeats too, but it
    # is not set as code.
    pdf = FPDF()
    for number in range(4):
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"Listing {number} adds two numbers in the harbour's own tool.")
        pdf.set_font("helvetica", size=30)
        pdf.cell(0, 14, "DRAFT", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("courier", size=11)
        for line in ("// [[Rcpp::export]]", f"int add{number}(int a, int b) {{", "  return a + b;",
                     "}"):  # fmt: skip
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"The function of listing {number} is then called from R.")
    path = tmp_path / "code.pdf"
    pdf.output(str(path))
    text = load_document(path, "code.pdf").text
    assert text.count("// [[Rcpp::export]]") == 4 and text.count("\n}") == 4, text
    assert "DRAFT" not in text


def test_a_pdf_title_pages_affiliation_letters_leave_the_names_whole(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for text, raised in (("Ada Quint", "a"), (" and Mara Olsen", "b")):
        pdf.write(6, text)
        pdf.char_vpos = "SUP"
        pdf.write(6, raised)
        pdf.char_vpos = "LINE"
    pdf.ln(8)
    pdf.char_vpos = "SUP"
    pdf.write(6, "a")
    pdf.char_vpos = "LINE"
    pdf.write(6, "Harbour Institute, Gullhaven. The tide tables use e")
    pdf.char_vpos = "SUP"
    pdf.write(6, "x")
    pdf.char_vpos = "LINE"
    pdf.write(6, " for growth.")
    path = tmp_path / "paper.pdf"
    pdf.output(str(path))
    text = load_document(path, "paper.pdf").text
    assert "Ada Quint and Mara Olsen" in text and "Olsenb" not in text, text
    assert "Harbour Institute, Gullhaven." in text and "aHarbour" not in text, text
    assert "ex for growth" in text  # an exponent after a short word stays


def test_a_pdf_figures_captions_and_labels_head_no_section(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    places = ("pier", "quay", "lock")
    for number, place in enumerate(places, start=1):
        pdf.set_font("helvetica", style="B", size=16)
        pdf.cell(0, 10, f"{number} Drawing the {place}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"The canvas draws each reading at the {place} as a dot, and the "
                       f"harbour master reads the tide at the {place} from the dots.")  # fmt: skip
        pdf.set_font("helvetica", style="B", size=16)
        for label in ("(0,0) the origin", "e"):
            pdf.cell(0, 10, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", style="B", size=11)
        pdf.cell(0, 6, f"Figure {number}-1: Readings at the {place}", new_x="LMARGIN",
                 new_y="NEXT")  # fmt: skip
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"Each dot stands for one reading of the gauge at the {place}.")
    # A reference whose authors and year are set in bold is no run-in heading.
    pdf.set_font("helvetica", style="B", size=11)
    pdf.write(6, "Quint A, Olsen M (2022). ")
    pdf.set_font("helvetica", size=11)
    pdf.write(6, "Tide Gauges in Small Harbours. Gullhaven Press.")
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    text = load_document(path, "guide.pdf").text
    headings = re.findall(r"^#+ (.*)$", text, re.MULTILINE)
    assert headings == [f"{n} Drawing the {p}" for n, p in enumerate(places, 1)][1:] or (
        headings == [f"{n} Drawing the {p}" for n, p in enumerate(places, 1)]
    ), headings
    assert "Figure 1-1: Readings at the pier" in text and "(0,0) the origin" in text, text
    assert "Quint A, Olsen M (2022). Tide Gauges in Small Harbours." in text, text


def test_a_pdf_heading_naming_a_file_in_a_typewriter_face_is_a_heading(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    for number, name in ((1, "README.Debian"), (2, "compat")):
        pdf.set_font("helvetica", style="B", size=15)
        pdf.write(8, f"5.{number} ")
        pdf.set_font("courier", style="B", size=15)
        pdf.write(8, name)
        pdf.ln(12)
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"The {name} file holds notes that every package keeps for users.")
        pdf.ln(6)
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    text = load_document(path, "guide.pdf").text
    assert re.search(r"^#+ 5\.1 README\.Debian$", text, re.MULTILINE), text
    assert "```" not in text, text


def test_a_pdf_page_footnotes_are_apart_and_without_their_marks(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        "You must choose the package name to consist only of lower case letters, and keep its "
        "length within thirty characters for the tools that list it.",
    )
    pdf.set_y(250)
    pdf.set_font("helvetica", size=8)
    for note in (
        "11The default package name field length of aptitude is 30.",
        "12If you follow the reference, the review process will catch this kind of issue.",
    ):
        pdf.cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    paragraphs = load_document(path, "guide.pdf").text.split("\n\n")
    assert "The default package name field length of aptitude is 30." in paragraphs, paragraphs
    assert any(p.startswith("If you follow the reference") for p in paragraphs), paragraphs


def test_a_manual_pages_header_keeps_its_name_section(tmp_path: Path) -> None:
    # Asciidoc's manual pages set NAME, what the command does, inside <div id="header">.
    path = tmp_path / "git-tidy.html"
    path.write_text(
        '<html><head><title>git-tidy(1)</title></head><body><div id="header">'
        "<h1>git-tidy(1) Manual Page</h1><h2>NAME</h2><div class='sectionbody'><p>git-tidy - "
        "Remove the branches that were merged long ago</p></div></div>"
        '<div id="content"><h2>OPTIONS</h2><p>--dry-run: only list the branches it would '
        "remove, and remove none of them.</p></div></body></html>"
    )
    text = load_document(path, "git-tidy.html").text
    assert "git-tidy - Remove the branches that were merged long ago" in text, text
    assert "--dry-run" in text


_NEXT: dict[str, Any] = {"new_x": "LMARGIN", "new_y": "NEXT"}


def test_a_pdf_formula_setting_or_opening_clause_is_no_heading(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=16)
    pdf.cell(0, 10, "2.1 Quick Start", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Run the analysis once before you read the rest of this manual.", **_NEXT)
    pdf.set_font("helvetica", style="B", size=16)
    for line in (
        "f(X) = f(Y)g(X)",
        "At the prompt, type mcmc ngen=20000",
        "Note: when you run make install, some errors will be displayed:",
    ):
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(
            0, 6, "The program then writes its results to a file in the folder.", **_NEXT
        )
        pdf.set_font("helvetica", style="B", size=16)
    # A plot's labels, set letter by letter, fill the next page.
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for i in range(40):
        pdf.text(20 + (i % 8) * 20, 30 + (i // 8) * 25, "Dat"[: 1 + i % 3])
    pdf.set_font("helvetica", size=11)
    pdf.set_xy(pdf.l_margin, 200)
    pdf.multi_cell(0, 6, "Figure 2 shows the rates estimated by Mr-", **_NEXT)
    pdf.multi_cell(0, 6, "Bayes for each partition, which MrBayes writes to its log.", **_NEXT)
    path = tmp_path / "manual.pdf"
    pdf.output(str(path))
    doc = load_document(path, "manual.pdf")
    headings = re.findall(r"^#+ (.*)$", doc.text, re.MULTILINE)
    assert headings == ["2.1 Quick Start"], doc.text
    assert "\n\nDa\n\n" not in doc.text and "\n\nD\n\n" not in doc.text, doc.text
    assert "rates estimated by MrBayes for each partition" in doc.text


_ASCIIDOC = """\
Fighting bugs with bisection
============================
:Author: Jo Smith
:Date: 2009/11/08

Starting
--------

The bisection is started like this:

-------------
$ tool bisect start [BAD [GOOD...]]
-------------

and then driven by hand.
"""


def test_plain_text_listings_and_header_fields(tmp_path: Path) -> None:
    path = tmp_path / "bisect.txt"
    path.write_text(_ASCIIDOC, encoding="utf-8")
    doc = load_document(path, "bisect.txt")
    # A listing's delimiters are no heading underlines; ":Author:" is a field.
    assert re.findall(r"^#+ (.*)$", doc.text, re.MULTILINE) == [
        "Fighting bugs with bisection",
        "Starting",
    ]
    assert "Author: Jo Smith\n\nDate: 2009/11/08" in doc.text
    assert "```\n$ tool bisect start [BAD [GOOD...]]\n```" in doc.text


_MAIL = """\
Date: Fri, 19 Dec 2008 00:45:19 -0800
From: Linus Torvalds <torvalds@example.org>
Subject: Re: Odd merge behaviour
Abstract: Sometimes a branch that was already merged to the mainline
 is later found to be faulty.

How to revert a faulty merge
============================

The history would look like this:

 ---o---o---M---x---W
           /
   ---A---B

Such a revert of a merge can be made with:

    $ git revert -m 1 M
"""


def test_plain_text_mail_header_prompt_and_drawing(tmp_path: Path) -> None:
    path = tmp_path / "revert.txt"
    path.write_text(_MAIL, encoding="utf-8")
    doc = load_document(path, "revert.txt")
    assert doc.title == "How to revert a faulty merge"
    assert doc.text.startswith(
        "Date: Fri, 19 Dec 2008 00:45:19 -0800\n\nFrom: Linus Torvalds <torvalds@example.org>"
    )
    assert "Abstract: Sometimes a branch that was already merged to the mainline is later " in (
        doc.text
    )
    assert "```\n---o---o---M---x---W\n" in doc.text
    assert "```\n$ git revert -m 1 M\n```" in doc.text


def test_a_pdf_definition_list_and_table_keep_their_rows(tmp_path: Path) -> None:
    # A manual's list of functions, each beside what it does (one wraps under its column),
    # and a table of settings under a bold header, one with its middle cell empty.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "The following functions may be used in numeric expressions:")
    pdf.ln(2)
    for name, meaning in (
        ("abs(x)", "absolute value of x"),
        ("round(x, n)", "rounding x to n fractional decimal digits, where n may be"),
        ("", "negative to round to tens or hundreds"),
        ("trunc(x)", "truncating x to nearest integer"),
    ):
        pdf.set_x(20)
        pdf.cell(40, 6, name)
        pdf.cell(0, 6, meaning, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, "The layout takes these settings from the graph.")
    pdf.ln(2)
    for row, (name, default, meaning) in enumerate(
        (("Name", "Default", "Values"), ("nodesep", ".25", "separation between nodes, in inches"),
         ("ordering", "", "if out, edges keep their order"), ("ranksep", ".5", "between ranks"))
    ):  # fmt: skip
        # The names in a typewriter face, as a manual sets them: a row still, not code.
        pdf.set_font("helvetica" if row == 0 else "courier", style="B" if row == 0 else "", size=11)
        pdf.set_x(20)
        pdf.cell(35, 6, name)
        pdf.set_font("helvetica", style="B" if row == 0 else "", size=11)
        pdf.cell(25, 6, default)
        pdf.cell(0, 6, meaning, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    text = load_document(path, "guide.pdf").text
    assert "\n\nabs(x): absolute value of x\n\n" in text, text
    assert (
        "round(x, n): rounding x to n fractional decimal digits, where n may be negative to "
        "round to tens or hundreds\n\ntrunc(x): truncating" in text
    ), text
    assert "| nodesep | .25 | separation between nodes, in inches |" in text, text
    assert "| ordering | | if out, edges keep their order |" in text, text


def test_a_pdf_line_of_prose_with_a_setting_in_it_is_prose(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.write(6, "Nodes are drawn, by default, with ")
    pdf.set_font("courier", size=11)
    pdf.write(6, "shape=ellipse, width=.75, height=.5")
    pdf.ln(6)
    pdf.set_font("helvetica", size=11)
    pdf.write(6, "and labeled by the node name. Other shapes include box and circle.")
    pdf.ln(10)
    pdf.set_font("courier", size=11)
    pdf.write(6, "rows <- mat[2, , drop = FALSE] ")
    pdf.set_font("helvetica", size=11)
    pdf.write(6, "# a row")
    path = tmp_path / "guide.pdf"
    pdf.output(str(path))
    text = load_document(path, "guide.pdf").text
    assert (
        "Nodes are drawn, by default, with shape=ellipse, width=.75, height=.5 and labeled by "
        "the node name." in text
    ), text
    # A line of code whose comment is set in another face is still code.
    assert "```\nrows <- mat[2, , drop = FALSE] # a row\n```" in text, text


def test_a_pdf_paragraph_keeps_lines_that_open_with_smaller_typewriter_words(
    tmp_path: Path,
) -> None:
    """Trial 65's shared-mime-info spec: a line opening with a name set a point smaller in a
    typewriter face ("magic-deleteall is used ..."), and a line of paths alone, were each read
    as a paragraph of their own, and quotes were cut at them."""
    pdf = FPDF(unit="pt")
    pdf.add_page()
    lines = [
        [("times", 10, "For example, the defaults mean loading the files, in this order,")],
        [("courier", 9, "/usr/share/mime/text/html.xml, /usr/local/share/mime/text/html.xml,")],
        [("times", 10, "(if they exist). Information found in a directory is added to the")],
        [("times", 10, "information found in previous directories, except when "),
         ("courier", 9, "glob-deleteall"), ("times", 10, " or")],
        [("courier", 9, "magic-deleteall"),
         ("times", 10, " is used to overwrite parts of a mimetype definition.")],
    ]  # fmt: skip
    for row, runs in enumerate(lines):
        x = 72.0
        for family, size, words in runs:
            pdf.set_font(family, size=size)
            pdf.text(x, 100 + 13 * row, words)
            x += pdf.get_string_width(words)
    path = tmp_path / "spec.pdf"
    pdf.output(str(path))
    text = load_document(path, "spec.pdf").text
    assert (
        "Information found in a directory is added to the information found in previous "
        "directories, except when glob-deleteall or magic-deleteall is used to overwrite parts "
        "of a mimetype definition." in text
    ), text
    assert "in this order, /usr/share/mime/text/html.xml" in text, text


def test_a_pdf_set_double_spaced_keeps_its_paragraphs_whole(tmp_path: Path) -> None:
    """Trial 67's R vignette, its lines 1.8 times their type's size apart: every line had been
    read as a paragraph of its own ("described in Genz and" / "Bretz (1999).")."""
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("times", size=11)
    lines = [
        *(
            f"Line {n} of the opening paragraph says how the harbour keeps its records, and"
            for n in range(10)
        ),
        "the log is read each morning by the pilots. We refer to the work described by Genz and",
        "Bretz (1999) for the method. The procedures proposed there are implemented in the",
        "package, which is available from the office.",
        "    A second paragraph opens on an indented line, as the manuscript sets them, and it",
        "ends here.",
    ]
    for row, words in enumerate(lines):
        pdf.text(72, 100 + 19.5 * row, words)
    path = tmp_path / "vignette.pdf"
    pdf.output(str(path))
    text = load_document(path, "vignette.pdf").text
    assert "described by Genz and Bretz (1999) for the method." in text, text
    assert "available from the office.\n\nA second paragraph opens" in text, text


_NEWS = """\
Harbour tools NEWS                                    -*- outline -*-

* Noteworthy changes in release 2.1 (2024-04-07) [stable]

** Bug fixes

  'hb -l' no longer misreports file lengths 4 GiB and larger.  Before, it
  printed the 32-bit value stored in the header.  [bug present since 1.0]

  Support for VMS has been removed.  It was not working anyway, and
  nobody asked for it.


* Noteworthy changes in release 2.0 (2023-01-20) [stable]

  A table of sizes:

    size    speed
    small   fast
"""


def test_plain_text_outline_headings_and_two_spaces_after_a_full_stop(tmp_path: Path) -> None:
    # GNU's NEWS files: an Emacs outline, sentences two spaces apart.
    path = tmp_path / "NEWS.txt"
    path.write_text(_NEWS, encoding="utf-8")
    doc = load_document(path, "NEWS.txt")
    assert doc.title == "Harbour tools NEWS"
    assert re.findall(r"^(#+) (.*)$", doc.text, re.MULTILINE) == [
        ("#", "Harbour tools NEWS"),
        ("#", "Noteworthy changes in release 2.1 (2024-04-07) [stable]"),
        ("##", "Bug fixes"),
        ("#", "Noteworthy changes in release 2.0 (2023-01-20) [stable]"),
    ]
    assert "\n\nSupport for VMS has been removed. It was not working anyway, and nobody" in (
        doc.text
    ), doc.text
    assert "```\nsize    speed\nsmall   fast\n```" in doc.text, doc.text


def test_a_plain_text_title_in_capitals_and_headings_between_stars(tmp_path: Path) -> None:
    # libjpeg's structure.txt: a title in capitals with a colon in it, then sections
    # headed "*** System features ***".
    doc = _loaded(tmp_path, "structure.txt", (
        "HARBOUR CODEC LIBRARY:  SYSTEM ARCHITECTURE\n\n"
        "This file gives an overview of the codec's modules.\n\n\n"
        "*** System features ***\n\n"
        "The distribution contains two parts:\n"
        "  * A library for compression.\n  * Two sample applications.\n\n"
        "1. Master control for module selection and initialization.  This has two\n"
        "responsibilities: it selects the modules and it starts them.\n"
    ))  # fmt: skip
    assert doc.title == "HARBOUR CODEC LIBRARY: SYSTEM ARCHITECTURE"
    assert re.findall(r"^(#+) (.*)$", doc.text, re.MULTILINE) == [
        ("#", "HARBOUR CODEC LIBRARY: SYSTEM ARCHITECTURE"),
        ("##", "System features"),
    ]
    assert "This has two responsibilities: it selects" in doc.text, doc.text


def test_markdown_underlined_headings_are_headings(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(
        "libffi-3.4.4 was released on October 23, 2022.\n\n\nWhat is libffi?\n===============\n\n"
        "The libffi library provides a portable interface.\n\nInstalling\n----------\n\n"
        "Run configure.\n\n```\nresult\n======\n```\n\nA rule follows.\n\n---\n\nThe end.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "README.md")
    assert re.findall(r"^#+ .*$", doc.text, re.MULTILINE) == ["# What is libffi?", "## Installing"]
    assert doc.title == "What is libffi?"
    assert "```\nresult\n======\n```" in doc.text and "\n\n---\n\nThe end." in doc.text


def test_markdown_reads_as_its_reader_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "packages.md"
    path.write_text(
        "# Packages\n\n<!--introduced_in=v12.20.0-->\n\n## Exports\n\n<!-- YAML\nchanges:\n"
        '  - version: v12.7.0\n-->\n\nThe [`"exports"`][] field defines the entry points of a\n'
        'package, as the [manual](https://example.org/m "Manual") says. It takes\n'
        "a {string\\[]}.\n\n* Files ending in `.mjs` are\n  always modules.\n* Files ending in\n"
        "  `.cjs` never are.\n\n```js\nimport './a.js'; // <!-- kept -->\n```\n\n"
        '[`"exports"`]: #exports\n',
        encoding="utf-8",
    )
    text = load_document(path, "packages.md").text
    # Comments for tools and link definitions are no text; links read as their words, and
    # lines wrapped in the source are one paragraph or item.
    assert "YAML" not in text and "introduced_in" not in text and "#exports" not in text, text
    assert (
        '\n\nThe `"exports"` field defines the entry points of a package, as the manual says. '
        "It takes a {string[]}.\n\n* Files ending in `.mjs` are always modules.\n"
        "* Files ending in `.cjs` never are.\n\n```js\nimport './a.js'; // <!-- kept -->\n```"
    ) in text, text
    # A table's row of dashes under its header is no row of it.
    table = tmp_path / "switches.md"
    table.write_text("| switch | description |\n|--------|-------------|\n| `-n` | no scripts |\n")
    assert load_document(table, "switches.md").text == (
        "| switch | description |\n| `-n` | no scripts |"
    )
    # A file that sets each paragraph on a line of its own keeps its lines apart.
    news = tmp_path / "news.md"
    news.write_text("The vote was held on Sunday.\nOpposition claims\nThe count is disputed.\n")
    assert load_document(news, "news.md").text.count("\n") == 2


def test_a_markdown_readme_wrapped_at_80_columns(tmp_path: Path) -> None:
    """libjpeg-turbo's README: lines wrapped at a column, a sentence ending at a line's end
    inside its paragraph, run-in titles in bold over a `<br>`, links in angle brackets, nested
    items, and several top-level headings, so the first one is no title."""
    body = "The harbour board meets every month in the hall on the quay, and its minutes\n"
    path = tmp_path / "README.md"
    path.write_text(
        "Background\n==========\n\n"
        + body * 6
        + "are kept for ten years.\nRefer to MINUTES.md for the older ones.\n\n"
        "- **Ferry API**<br>\n  This API books a seat on the morning ferry.  See\n"
        "  <https://ferry.example/api> for the details.\n"
        "- Timetables\n    * Summer timetable\n    * Winter timetable\n\n"
        "License\n=======\n\nThe code is under a **BSD-style** licence.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "README.md")
    assert doc.title == "README"
    assert "are kept for ten years. Refer to MINUTES.md for the older ones." in doc.text
    # A top-level heading with sections under it first is the title, though another follows.
    titled = tmp_path / "harbour-tests.md"
    titled.write_text("# Testing\n\nHow the harbour tests run.\n\n## Introduction\n\nTests "
                      "run nightly.\n\n# Choosing the format\n\nUse -f.\n")  # fmt: skip
    assert load_document(titled, "harbour-tests.md").title == "Testing"
    assert (
        "- Ferry API: This API books a seat on the morning ferry.  See "
        "https://ferry.example/api for the details.\n"
    ) in doc.text, doc.text
    assert "\n    * Summer timetable\n    * Winter timetable" in doc.text
    assert "under a BSD-style licence." in doc.text


def test_markdown_emphasis_and_myst_targets_read_as_rendered(tmp_path: Path) -> None:
    path = tmp_path / "style.md"
    path.write_text(
        "# The _Ferry_ style\n\n(labels/line-length)=\n\n### Line length {: #length }\n\n"
        "_Ferry_ keeps lines *short*, as in `from __future__ import annotations`, and "
        "multiplies 2 * 3 * 4 with `*args`. {pep}`557` added {obj}`dataclasses`.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "style.md")
    assert doc.title == "The Ferry style" and "labels/" not in doc.text, doc.text
    assert "\n### Line length\n" in doc.text, doc.text  # its attributes are no words of it
    assert (
        "Ferry keeps lines short, as in `from __future__ import annotations`, and multiplies "
        "2 * 3 * 4 with `*args`. PEP 557 added `dataclasses`."
    ) in doc.text, doc.text


def test_markdown_anchors_are_link_targets_not_text(tmp_path: Path) -> None:
    doc = _loaded(tmp_path, "help.md", (
        "# Help\n\n* [Log rotation](#rotate)\n\nSee below.\n\n<a id=\"rotate\"></a>\n"
        "## Log rotation\n\nUse logrotate for the harbour logs.<a name=\"end\"/>\n"
    ))  # fmt: skip
    assert "<a" not in doc.text, doc.text
    assert "See below.\n\n## Log rotation\n\nUse logrotate for the harbour logs." in doc.text


def test_an_org_file_and_a_markdown_changelog(tmp_path: Path) -> None:
    org = tmp_path / "HACKING"
    org.write_text(
        "# HACKING                                      -*- org -*-\n#+TITLE: A Guide to Moor\n"
        "#+STARTUP: showall\n\n* How to contribute\n\n  Send a signed mail to the list.\n\n"
        "Do not write comments like:\n\n#+begin_src\n  if (foo)\n    bar ();\n#+end_src\n\n"
        "instead write the comment on the if line.\n",
        encoding="utf-8",
    )
    doc = load_document(org, "HACKING")
    assert doc.title == "A Guide to Moor" and "#+" not in doc.text and "# HACKING" not in doc.text
    assert "```\n  if (foo)\n    bar ();\n```" in doc.text, doc.text
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\n## [1.0.0] - 2023-02-24\n\n- Handle a zipfile ([#456] by [@samwyma])\n"
        "- Keep [this] as written\n\n[1.0.0]: https://example.org/1.0.0\n"
        "[#456]: https://example.org/456\n[@samwyma]: https://example.org/samwyma\n",
        encoding="utf-8",
    )
    text = load_document(changelog, "CHANGELOG.md").text
    assert "## 1.0.0 - 2023-02-24" in text and "(#456 by @samwyma)" in text, text
    assert "Keep [this] as written" in text


def test_a_listing_framed_by_a_table_of_one_cell_keeps_its_lines(tmp_path: Path) -> None:
    """Trial 72, fontconfig's DocBook page: a shaded listing (a <pre> in a table of one cell)
    was read as one table row, its lines run together, and its flags could not be found."""
    path = tmp_path / "flags.html"
    path.write_text(
        "<html><head><title>Harbour flags</title></head><body><h1>Harbour flags</h1>"
        "<p>Each flag is a bit of the HARBOUR_DEBUG variable.</p>"
        '<TABLE BORDER="0" BGCOLOR="#E0E0E0" WIDTH="100%"><TR><TD><PRE CLASS="PROGRAMLISTING">'
        "  Name    Value   Meaning\n  MOOR        1   Watch boats moor\n"
        "  FEES        2   Watch fees being paid</PRE></TD></TR></TABLE>"
        "<table><tr><td>Quay</td><td>North</td></tr></table></body></html>"
    )
    text = load_document(path, "flags.html").text
    assert "```\n  Name    Value   Meaning\n  MOOR        1   Watch boats moor\n" in text, text
    assert "| Quay | North |" in text  # a table of data is still a table


def test_html_admonitions_link_icons_and_zero_width_spaces(tmp_path: Path) -> None:
    path = tmp_path / "faq.html"
    path.write_text(
        '<html><head><title>Ferry FAQ</title></head><body><div id="header"><h1>Ferry FAQ</h1>'
        '<div class="details"><span id="author" class="author">Ada Quint</span></div></div>'
        "<h2>1.2. Why the ferry?\u200b</h2>"
        '<div class="tagline">Small. Fast.</div><p>A berth holds 2<sup>8</sup> boats.</p>'
        '<p>Book on <a href="https://ferry.example/">the site&#160;<sup>&#8599;</sup></a>, or at '
        'the kiosk.</p><div class="admonitionblock note"><table><tr><td class="icon">'
        '<img src="note.png" alt="Note"></td><td class="content">Tickets are not refunded.'
        "</td></tr></table></div></body></html>",
        encoding="utf-8",
    )
    text = load_document(path, "faq.html").text
    assert "## 1.2. Why the ferry?\n" in text and "\u200b" not in text, text
    assert "Book on the site, or at the kiosk." in text
    assert "\n\nNote: Tickets are not refunded." in text and "|" not in text
    assert text.startswith("Author: Ada Quint\n\n")  # the byline the page's head shows
    assert "A berth holds 2^8 boats." in text and "Small. Fast." not in text


def test_plain_text_faq_questions_are_headings_and_deeper_lines_examples(tmp_path: Path) -> None:
    path = tmp_path / "FAQ.txt"
    path.write_text(
        "Why do long usernames get printed as numbers?\n\n\tThe standards require it when "
        "there is not\n\tenough room. The easy way is to specify the width:\n\n"
        "\t\tps -o pid,user:19,comm\n\nWhy does ps get signal 17?\n\n\tNo ps release has ever "
        "had this problem.\n",
        encoding="utf-8",
    )
    text = load_document(path, "FAQ.txt").text
    assert re.findall(r"^#+ (.*)$", text, re.MULTILINE) == [
        "Why do long usernames get printed as numbers?",
        "Why does ps get signal 17?",
    ]
    assert "```\nps -o pid,user:19,comm\n```" in text, text


def test_a_readme_keeps_its_contents_subheadings_and_commands(tmp_path: Path) -> None:
    path = tmp_path / "README"
    path.write_text(
        "Tide Tools\n==========\n\n    1. Documentation\n       1.1. Manuals\n    2. Bugs\n\n\n"
        "1. Documentation\n----------------\n\n1.1. Manuals\n\n"
        "    The manuals are in the doc directory and\n    cover every command.\n\n"
        "2. Bugs\n-------\n\n      1. Turn on core dumps and get a backtrace\n"
        "         using gdb:\n           $ gdb ./tide   # Load the program.\n"
        "           (gdb) bt   # Print the backtrace.\n\n"
        "    Testing can be done in a temporary directory:\n\n"
        "        ./configure --prefix=/tmp/tide-test\n        make install\n"
        "        tide --version\n\n    Report your bug by email.\n",
        encoding="utf-8",
    )
    text = load_document(path, "README").text
    # The contents list keeps one entry to a line; a numbered line over indented text heads it.
    assert "\n\n1. Documentation\n\n1.1. Manuals\n\n2. Bugs\n\n" in text, text
    assert "\n\n### 1.1. Manuals\n\nThe manuals are in the doc directory and cover" in text
    # Lines set in under a line that introduces them are commands, not words of the sentence.
    assert "using gdb:\n\n```\n$ gdb ./tide   # Load the program.\n(gdb) bt" in text, text
    assert "directory:\n\n```\n./configure --prefix=/tmp/tide-test\nmake install\n" in text


def test_a_plain_text_charters_title_and_nested_items_are_text(tmp_path: Path) -> None:
    path = tmp_path / "charter.txt"
    path.write_text(
        "                   Charter of the Harbour Board (v1.2)\n\n"
        "   Version 1.2 ratified on March 26th, 2022.\n\n1. Members\n\n"
        "    7. Term limit:\n         1. On January 1st of each year the term of any member\n"
        "            who has served more than 42 months is set to expire.\n"
        "         2. A member is said to be more senior than another if\n"
        "            they were appointed earlier.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "charter.txt")
    assert doc.title == "Charter of the Harbour Board (v1.2)" and "```" not in doc.text, doc.text
    assert (
        "1. On January 1st of each year the term of any member who has served more than 42 "
        "months is set to expire."
    ) in doc.text, doc.text


def test_a_plain_text_spec_dumped_from_docbook(tmp_path: Path) -> None:
    """A specification dumped to text: the body set in by three, examples set out by one,
    section numbers followed by a no-break space, contents entries set in further, a version
    line, chapters parted by rules, and a web address wrapped after its scheme."""
    nbsp = "\u00a0"
    path = tmp_path / "moorings-format.txt"
    path.write_text(
        "Machine-readable mooring file\n\n"
        "   Harbour Board 4.6.2.0, 2022-12-17\n\n"
        "   Table of Contents\n\n"
        "   5. Stanzas\n\n"
        "                5.1. Header stanza (once)\n\n"
        "                5.2. Berth stanza (repeatable)\n\n"
        "---------------------------------------------------------------------\n\n"
        f"  5.1.{nbsp}Header stanza (once)\n\n"
        "   The following fields may be present in a header stanza, and the\n"
        "   board keeps the list at its office on the quay (https:\n"
        "   //harbour.example/moorings) for anyone to read.\n\n"
        " Format: https://harbour.example/moorings/1.0/\n"
        " Berth-Name: North pier\n"
        " Keeper: Ada Quint <ada@harbour.example>\n\n"
        "   If berth A has:\n\n"
        " Copyright 2010 Bo Lind\n\n"
        "   a single stanza may be used for both berths. The keeper signs it\n"
        "   every spring and the board files it with the others for ten years.\n"
        "   Nothing else is needed from the owner of the boat or the berth.\n"
        "   A stanza names one berth, or several that share a keeper and a fee.\n"
        "   The fee is paid to the harbour master before the first of April.\n"
        "   A berth left empty for a year is offered to the next on the list.\n"
        "   The list is read out at the board's meeting each January as well.\n"
        "   Owners may appeal to the board within a month of its decision.\n"
        "   The board answers each appeal in writing within another month.\n"
        "   Its answer is final, and it is filed with the berth's stanza too.\n\n"
        "---------------------------------------------------------------------\n",
        encoding="utf-8",
    )
    doc = load_document(path, "moorings-format.txt")
    headings = re.findall(r"^#+ (.*)$", doc.text, re.MULTILINE)
    assert "5.1. Header stanza (once)" in headings, doc.text
    assert "Copyright 2010 Bo Lind" not in headings  # an example, introduced by its sentence
    assert "\n\n5.2. Berth stanza (repeatable)\n\n" in doc.text  # a contents entry, not code
    assert "```\nHarbour Board" not in doc.text  # a version line is no drawing
    assert (
        "```\nFormat: https://harbour.example/moorings/1.0/\nBerth-Name: North pier\n" in doc.text
    )
    assert "the quay (https://harbour.example/moorings) for anyone" in doc.text
    # The rules part chapters: the prose between them is text, not a listing.
    assert "\n\na single stanza may be used for both berths. The keeper signs it every" in doc.text


def test_a_typewritten_rfc_without_its_page_furniture(tmp_path: Path) -> None:
    """An RFC typescript: its head in columns over a centred title, a running head and foot
    on every page, a sentence broken by a page break, and words hyphenated at a line end."""
    body = (
        "      The harbour board keeps one register of moorings for the whole of the\n"
        "      coast, and a keeper may look up any berth in it at any time of the day.\n\n"
    )

    def page(n: int) -> str:
        return (
            f"\n\n   Quint, Lind{' ' * 50}Page {n}\n\n\n"
            f"   HB-RFC 12.0{' ' * 20}MOORINGS{' ' * 20}May 1996\n\n"
        )

    path = tmp_path / "rfc12.txt"
    path.write_text(
        f"\n\n   Harbour Board{' ' * 30}A. Quint (North Pier)\n"
        f"   Request For Comments: 12.0{' ' * 18}B. Lind (North Pier)\n   May 1996\n\n\n"
        f"{' ' * 25}A REGISTER OF MOORINGS\n\n   1. INTRODUCTION\n\n"
        + body
        * 2
        + "      Every keeper signs the register, and the board uses the message-\n"
        "      passing service of the harbour office, which is easy to use and non-\n"
        "      graphical, to send the\n"
        + page(1)
        + "      register to the ferry company each week.\n\n"
        + body
        + page(2)
        + body
        + page(3),
        encoding="utf-8",
    )
    doc = load_document(path, "rfc12.txt")
    assert doc.title == "A REGISTER OF MOORINGS"
    assert "Page 2" not in doc.text and "May 1996\n\n#" in doc.text, doc.text
    assert "\n\nA. Quint (North Pier)\n\n" in doc.text and "HB-RFC" not in doc.text
    assert "the messagepassing" not in doc.text
    assert (
        "the board uses the message-passing service of the harbour office, which is easy to "
        "use and non-graphical, to send the register to the ferry company each week."
    ) in doc.text, doc.text


def test_a_manual_page_set_in_one_pre_reads_as_text(tmp_path: Path) -> None:
    lines = [
        "Use of the command is restricted to the harbour master and the two",
        "deputies, who keep the keys and read each message at the office.",
    ] * 10
    prose = "\n".join(f"       {x}" for x in lines)
    path = tmp_path / "moor.1.html"
    path.write_text(
        "<html><head><title>moor(1)</title></head><body><pre>\nMOOR(1)          MOOR(1)\n\n"
        "<b>NAME</b>\n       moor - tie a boat to its berth\n\n<b>DESCRIPTION</b>\n"
        "       The  <b>moor</b>  command  ties a  boat  to  the  berth  named  on  its  mes-\n"
        f"       sage line.\n\n{prose}\n</pre></body></html>"
    )
    doc = load_document(path, "moor.1.html")
    headings = re.findall(r"^#+ (.*)$", doc.text, re.MULTILINE)
    assert "NAME" in headings and "DESCRIPTION" in headings, doc.text
    assert "\n\nThe moor command ties a boat to the berth named on its message line." in doc.text


def test_a_pdf_with_a_damaged_page_keeps_its_other_pages(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.set_font("helvetica", size=12)
    for text in ("The ferry leaves at noon.", "This page is damaged.", "The cafe opens at nine."):
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    raw = bytearray(pdf.output())
    second = [m.start() for m in re.finditer(rb"/Type /Page\b", raw)][1]
    raw[second : second + 11] = b"/Type /Xxxx"  # pdfium cannot load that page
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(raw))
    doc = load_document(path, "report.pdf")
    assert "The ferry leaves at noon." in doc.text and "The cafe opens at nine." in doc.text
    assert "damaged" not in doc.text
    assert doc.page_starts is not None and len(doc.page_starts) == 3


def test_a_paragraph_opening_with_a_hash_is_code_not_a_heading() -> None:
    # An R comment set in the text's face, run in with its code: a "# " at the start of the
    # line would make it a section of the document.
    from rag.blocks import Block, render

    text, _, _ = render(
        [Block("heading", "Histograms", level=2),
         Block("paragraph", "## make the bins smaller > hist(eruptions, prob=TRUE)"),
         Block("paragraph", "The bins are now smaller.")]
    )  # fmt: skip
    outside = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    assert re.findall(r"^#+ .*$", outside, re.MULTILINE) == ["## Histograms"], text
    assert "```\n## make the bins smaller > hist(eruptions, prob=TRUE)\n```" in text


def test_a_pdf_numbered_heading_may_end_in_a_full_stop(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    for heading, body in (
        ("1.8 Commands, case sensitivity, etc.", "Commands are separated by a semicolon."),
        ("5.4.1 Mixed arithmetic. The recycling rule", "Short vectors are recycled."),
        # a setting in a numbered heading; a number set apart by its place, not a space
        ("2.6.1 APRS (Control=0x03,PID=0xF0) digipeat", "Frames are relayed once."),
        ("2.10Beaconing", "Beacons go out every ten minutes."),
    ):
        pdf.set_font("helvetica", style="B", size=15)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, body + " The manual says more about it in the next chapter.")
    path = tmp_path / "intro.pdf"
    pdf.output(str(path))
    text = load_document(path, "intro.pdf").text
    headings = re.findall(r"^#+ (.*)$", text, re.MULTILINE)
    assert "5.4.1 Mixed arithmetic. The recycling rule" in headings, text
    assert "2.6.1 APRS (Control=0x03,PID=0xF0) digipeat" in headings, text
    assert "2.10 Beaconing" in headings, text
    assert "1.8 Commands, case sensitivity, etc." in headings or text.startswith(
        "# 1.8 Commands"
    ), text


def test_docx_code_lists_in_cells_and_link_marks(tmp_path: Path) -> None:
    # Trial 60, a guide pandoc made from HTML: a listing's lines had run together, a cell's list
    # had made rows of its own, and each heading ended in the page's "¶".
    from docx.shared import Pt

    document = docx.Document()
    document.add_heading("Log Files ¶", level=1)
    document.add_paragraph("The access log is set by two lines:")
    listing = document.add_paragraph()
    for n, line in enumerate(('LogFormat "%h %l" common', 'CustomLog "logs/access_log" common')):
        run = listing.add_run(line)
        run.font.name = "Courier New"
        run.font.size = Pt(10)
        if n == 0:
            run.add_break()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "core"
    table.cell(0, 1).text = "ErrorLog"
    table.cell(0, 1).add_paragraph("LogLevel")
    path = tmp_path / "logs.docx"
    document.save(str(path))
    doc = load_document(path, "logs.docx")
    assert doc.text == (
        "# Log Files\n\nThe access log is set by two lines:\n\n"
        '```\nLogFormat "%h %l" common\nCustomLog "logs/access_log" common\n```\n\n'
        "| core | ErrorLog; LogLevel |"
    ), doc.text


def test_docx_tables_that_lay_out_text_are_read_as_text(tmp_path: Path) -> None:
    """Trial 65, a DocBook FAQ LibreOffice made into a .docx: each question and its answer sat
    in a table's rows ("1.1. | How do you pronounce ...?"), the section heading in a cell
    merged across the columns, the navigation bar in a table of links; answers had quoted the
    questions, "1. Background: 1.2.; ..." and "| << Harbour FAQ | Up | Home >> |"."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Harbour FAQ", level=1)
    faq = document.add_table(rows=4, cols=2)
    merged = faq.cell(0, 0).merge(faq.cell(0, 1))
    merged.paragraphs[0].text = "1. Moorings"
    merged.paragraphs[0].style = document.styles["Heading 3"]
    faq.cell(1, 0).text = "1.1."
    faq.cell(1, 1).text = "Can I moor overnight at the north quay?"
    faq.cell(2, 1).text = "No. The north quay is kept clear for the ferry from dusk to dawn."
    faq.cell(2, 1).add_paragraph(
        "Overnight berths are on the south pontoons, booked at the office."
    )
    faq.cell(3, 0).text = "1.2."
    faq.cell(3, 1).text = "Where is the fuel dock?"
    links = document.add_table(rows=1, cols=3)
    for cell, words in zip(links.rows[0].cells, ("<< Harbour FAQ", "Up", "Home >>"), strict=True):
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), "rId99")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = words
        run.append(text)
        link.append(run)
        cell.paragraphs[0]._p.append(link)
    path = tmp_path / "faq.docx"
    document.save(str(path))
    text = load_document(path, "faq.docx").text
    assert "### 1. Moorings\n\n#### 1.1. Can I moor overnight at the north quay?\n\n" in text, text
    assert (
        "No. The north quay is kept clear for the ferry from dusk to dawn.\n\n"
        "Overnight berths are on the south pontoons" in text
    ), text
    assert "Up" not in text and "Home" not in text and "|" not in text, text
    # A glossary, a term beside each long definition, stays a table.
    glossary = docx.Document()
    terms = glossary.add_table(rows=2, cols=2)
    for row, (term, meaning) in enumerate(
        (("bollard", "A short post on a quay"), ("fender", "A cushion hung over the side"))
    ):
        terms.cell(row, 0).text = term
        terms.cell(row, 1).text = f"{meaning}, used by every crew in the harbour. " * 4
    glossary.save(str(tmp_path / "glossary.docx"))
    text = load_document(tmp_path / "glossary.docx", "glossary.docx").text
    assert text.startswith("| bollard | A short post on a quay"), text


def test_docx_byline_heading_under_the_title_is_its_author(tmp_path: Path) -> None:
    """Trial 67, libxslt's tutorial made into a .docx by pandoc: the DocBook author came as a
    heading ("### John Fleck"), a section of its own, and the document had no author."""
    document = docx.Document()
    document.add_heading("Harbour Tutorial", level=1)
    document.add_heading("Ada Quint", level=3)
    document.add_paragraph("This is version 0.4 of the harbour tutorial.")
    document.add_heading("Introduction", level=2)
    document.add_paragraph("The harbour keeps a log of every vessel.")
    document.core_properties.author = ""
    path = tmp_path / "tutorial.docx"
    document.save(str(path))
    doc = load_document(path, "tutorial.docx")
    assert doc.author == "Ada Quint"
    assert _headings(doc.text) == ["# Harbour Tutorial", "## Introduction"], doc.text


def test_docx_from_a_web_page_by_libreoffice(tmp_path: Path) -> None:
    """Trial 68, Apache's security tips made into a .docx by LibreOffice: the file was refused
    ("not a readable .docx (KeyError)": a "back to top" link written as a relationship to a
    part named "#page-header"); pandoc's copy of it kept the page's navigation ("Modules |
    Directives | FAQ", "top"), and LibreOffice's wrote a listing a line per paragraph."""
    import zipfile

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def linked(paragraph: Any, words: str, **attributes: str) -> None:
        link = OxmlElement("w:hyperlink")
        for name, value in attributes.items():
            link.set(qn(name), value)
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = words
        run.append(text)
        link.append(run)
        paragraph._p.append(link)

    document = docx.Document()
    bar = document.add_paragraph()
    for n, words in enumerate(("Moorings", "Fees", "Contacts")):
        if n:
            bar.add_run(" | ")
        linked(bar, words, **{"r:id": "rId90"})
    crumbs = document.add_paragraph()
    for words in ("Harbour", "Guides"):
        linked(crumbs, words, **{"r:id": "rId90"})
        crumbs.add_run(" > ")
    crumbs.add_run("Safety Tips")
    document.add_heading("Safety Tips", level=1)
    document.add_paragraph("Keep the north quay clear, as the harbour master asks, after dusk.")
    for line in ("<Quay north>", "    Moor none", "</Quay>"):
        document.add_paragraph().add_run(line).font.name = "Courier New"
    linked(document.add_paragraph(), "top", **{"r:id": "rId91"})
    linked(document.add_paragraph(), "top", **{"w:anchor": "page-header"})
    document.add_paragraph("Fenders go over the side before berthing.")
    # A makeinfo manual's navigation (trial 72's GNU time manual, quoted as an answer); prose
    # that names two links stays.
    nav, prose = document.add_paragraph(), document.add_paragraph()
    for paragraph, parts in (
        (nav, ("Next: ", "*Fees", ", Up: ", "*Harbour", " [", "*Contents", "]")),
        (prose, ("See ", "*Fees", " and ", "*Contacts", ".")),
    ):
        for part in parts:
            if part.startswith("*"):
                linked(paragraph, part[1:], **{"r:id": "rId90"})
            else:
                paragraph.add_run(part)
    plain = tmp_path / "plain.docx"
    document.save(str(plain))
    path = tmp_path / "tips.docx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                links = (
                    '<Relationship Id="rId90" Target="https://harbour.example/" TargetMode='
                    '"External" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/hyperlink"/><Relationship Id="rId91" Target="#page-header" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'hyperlink"/></Relationships>'
                )
                data = data.replace(b"</Relationships>", links.encode())
            target.writestr(item, data)
    assert load_document(path, "tips.docx").text == (
        "# Safety Tips\n\nKeep the north quay clear, as the harbour master asks, after dusk.\n\n"
        "```\n<Quay north>\n    Moor none\n</Quay>\n```\n\n"
        "Fenders go over the side before berthing.\n\nSee Fees and Contacts."
    )


def test_a_pages_site_heading_and_its_highlighted_comments(tmp_path: Path) -> None:
    """Trial 68, Node's "Internationalization support" page: its one <h1> is the site's name
    over every page, and had been taken as the title; the listing's comments, in spans of
    class "hljs-comment", had been dropped as a page's comments section."""
    path = tmp_path / "moorings.html"
    path.write_text(
        "<html><head><title>Moorings support | Harbour v2.1 Documentation</title></head><body>"
        "<header><h1>Harbour v2.1 documentation</h1></header><div id='column1'>"
        "<h2>Moorings support<span><a class='mark' href='#moorings'>#</a></span></h2>"
        "<p>Every berth is booked at the office before a boat comes in.</p>"
        "<pre><code>book(berth);\n<span class='hljs-comment'>// Prints the berth</span>"
        "</code></pre></div></body></html>"
    )
    doc = load_document(path, "moorings.html")
    assert (doc.title, doc.source) == ("Moorings support", "Harbour v2.1 Documentation")
    assert "// Prints the berth" in doc.text, doc.text
    # A headline the <title> follows with the site stays the title.
    path.write_text(
        "<html><head><title>Harbour News | Ferry returns to the north quay</title></head>"
        "<body><h1>Ferry returns to the north quay</h1><h2>Timetable</h2>"
        "<p>The ferry sails at nine and comes back at five.</p></body></html>"
    )
    assert load_document(path, "news.html").title == "Ferry returns to the north quay"


def test_a_sphinx_pages_authors_are_each_of_its_author_fields(tmp_path: Path) -> None:
    # "author: Peter Moody" / "author: Nick Coghlan": the second had been left out (trial 60).
    fields = "".join(
        f'<dt class="field-odd">author<span class="colon">:</span></dt><dd><p>{n}</p></dd>'
        for n in ("Mara Quint", "Ben Okafor")
    )
    path = tmp_path / "pier.html"
    path.write_text(
        f'<html><body><h1>Pier rules</h1><dl class="field-list simple">{fields}</dl>'
        "<p>Boats must be moored with two lines.</p></body></html>"
    )
    assert load_document(path, "pier.html").author == "Mara Quint, Ben Okafor"


def test_a_pdf_title_pages_names_with_initials_and_et_al_are_its_authors(
    tmp_path: Path,
) -> None:
    # "Pehong Chen Michael A. Harrison et al." over the affiliation: the line ends in a full
    # stop, and the affiliation had been taken for the author (trial 60).
    doc = _title_page(tmp_path, ("Ada Quint Ben A. Okafor et al.", "Harbour College", "Ferries"))
    assert doc.author == "Ada Quint, Ben A. Okafor et al.", doc.author


def test_a_pdf_description_items_rest_hangs_under_it_past_a_closing_bracket(
    tmp_path: Path,
) -> None:
    # Trial 63 (btxhak.pdf): "add.period$ Pops ... if the last non‘}’" / (indented) "character
    # isn’t a ‘.’ ..." had been read as two paragraphs, the sentence cut in two.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    rows = [
        (20, "swap$ Swaps the top two literals on the stack, and leaves the rest alone."),
        (20, "add.period$ Pops the top literal and adds a period to it if the last (non-brace)"),
        (32, "character is not a period, and pushes this resulting string."),
        (20, "call.type$ Executes the function whose name is the type of an entry."),
    ]
    for y, (x, text) in enumerate(rows):
        pdf.text(x, 30 + 6 * y, text)
    pdf.output(str(tmp_path / "styles.pdf"))
    doc = load_document(tmp_path / "styles.pdf", "styles.pdf")
    assert "if the last (non-brace) character is not a period, and pushes" in doc.text, doc.text
