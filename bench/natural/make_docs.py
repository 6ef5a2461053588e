"""Build bench/natural/docs/ from bench/natural/docs/src/.

- .txt / .html / .md sources that are documents themselves are copied as they are
  (office-move-memo.txt, museum.html, ap300-faq.md).
- q3-report.txt  -> q3-report.pdf   (fpdf2, core font Helvetica, running header,
                                     "Page N of M" footer, headings, table)
- council-minutes.txt -> council-minutes.docx (python-docx: headings, paragraphs,
                                     bulleted list, table)

The two structured sources use a tiny markup, one block per paragraph
(blocks separated by blank lines):
  TITLE: <document title>        HEADER: <running header line, PDF only>
  # <section heading>            - <bullet item>
  TABLE: a | b | c               PAGEBREAK
Everything else is a paragraph (lines inside a block are kept as lines).

Run with the project venv once fpdf2 and python-docx are installed:
    /work/main/.venv/bin/python bench/natural/make_docs.py
"""

import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "docs", "src")
OUT = os.path.join(HERE, "docs")

COPY = ["office-move-memo.txt", "museum.html", "ap300-faq.md"]
PDF_SRC, PDF_OUT = "q3-report.txt", "q3-report.pdf"
DOCX_SRC, DOCX_OUT = "council-minutes.txt", "council-minutes.docx"


def parse(path):
    """Return (meta, items); items are (kind, payload) in document order."""
    meta, items = {}, []
    with open(path, encoding="utf-8") as f:
        blocks = f.read().split("\n\n")
    for block in blocks:
        lines = [x.rstrip() for x in block.strip("\n").split("\n") if x.strip()]
        if not lines:
            continue
        para: list[str] = []

        def flush(para: list[str] = para) -> None:
            if para:
                items.append(("para", list(para)))
                para.clear()

        for line in lines:
            if line.startswith("TITLE: "):
                meta["title"] = line[7:]
            elif line.startswith("HEADER: "):
                meta["header"] = line[8:]
            elif line.startswith("# "):
                flush()
                items.append(("heading", line[2:]))
            elif line.startswith("TABLE: "):
                flush()
                row = [c.strip() for c in line[7:].split("|")]
                if items and items[-1][0] == "table":
                    items[-1][1].append(row)
                else:
                    items.append(("table", [row]))
            elif line.startswith("- "):
                flush()
                items.append(("bullet", line[2:]))
            elif line.strip() == "PAGEBREAK":
                flush()
                items.append(("pagebreak", None))
            else:
                para.append(line)
        flush()
    return meta, items


def plain_text(path):
    """Text of a structured source without markup (used by validate.py)."""
    meta, items = parse(path)
    out = [meta.get("title", "")]
    for kind, payload in items:
        if kind == "para":
            out.extend(payload)
        elif kind == "table":
            out.extend(" | ".join(r) for r in payload)
        elif kind in ("heading", "bullet"):
            out.append(payload)
    return "\n".join(out)


def build_pdf(src, dst):
    from fpdf import FPDF

    try:
        from fpdf.enums import XPos, YPos

        nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    except ImportError:  # very old fpdf2
        nl = {"ln": 1}

    meta, items = parse(src)
    running = meta.get("header", meta.get("title", ""))

    class Report(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 9)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, running, align="L", **nl)
            self.set_draw_color(160, 160, 160)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(4)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "", 9)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Report(format="A4")
    pdf.set_title(meta.get("title", ""))
    pdf.set_author("Corvane Instruments Ltd. (fictional)")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, meta.get("title", ""), **nl)
    pdf.ln(3)
    for kind, payload in items:
        if kind == "heading":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, payload, **nl)
            pdf.ln(1)
        elif kind == "para":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, "\n".join(payload), **nl)
            pdf.ln(2)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, "- " + payload, **nl)
        elif kind == "table":
            ncol = len(payload[0])
            width = pdf.w - pdf.l_margin - pdf.r_margin
            first = width * 0.34
            other = (width - first) / (ncol - 1)
            for i, row in enumerate(payload):
                pdf.set_font("Helvetica", "B" if i == 0 else "", 10)
                for j, cell in enumerate(row):
                    pdf.cell(
                        first if j == 0 else other, 7, cell, border=1, align="L" if j == 0 else "R"
                    )
                pdf.ln(7)
            pdf.ln(3)
        elif kind == "pagebreak":
            pdf.add_page()
    pdf.output(dst)
    return pdf.page_no()


def build_docx(src, dst):
    import docx

    meta, items = parse(src)
    doc = docx.Document()
    doc.core_properties.title = meta.get("title", "")
    doc.add_heading(meta.get("title", ""), level=0)
    for kind, payload in items:
        if kind == "heading":
            doc.add_heading(payload, level=1)
        elif kind == "para":
            for line in payload:
                doc.add_paragraph(line)
        elif kind == "bullet":
            doc.add_paragraph(payload, style="List Bullet")
        elif kind == "table":
            table = doc.add_table(rows=len(payload), cols=len(payload[0]))
            table.style = "Table Grid"
            for i, row in enumerate(payload):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
                    if i == 0:
                        for run in table.cell(i, j).paragraphs[0].runs:
                            run.bold = True
        elif kind == "pagebreak":
            doc.add_page_break()
    doc.save(dst)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in COPY:
        shutil.copyfile(os.path.join(SRC, name), os.path.join(OUT, name))
        print("copied", name)
    pages = build_pdf(os.path.join(SRC, PDF_SRC), os.path.join(OUT, PDF_OUT))
    print(f"built {PDF_OUT} ({pages} pages)")
    build_docx(os.path.join(SRC, DOCX_SRC), os.path.join(OUT, DOCX_OUT))
    print("built", DOCX_OUT)


if __name__ == "__main__":
    main()
