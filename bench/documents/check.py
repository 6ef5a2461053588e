#!/usr/bin/env python3
"""Check the real-document benchmark (stdlib only; needs poppler's pdftotext).

    python3 bench/documents/check.py [-v] [FILES_DIR]   (default: bench/documents/files)

For every file in manifest.json: checks its sha256 and page count, then checks that
each gold_sentence of questions.jsonl and each sentence of sentences.jsonl occurs in
the document's text as a reader sees it:

* PDF: `pdftotext -f N -l N` per page (reading order; pdftotext rejoins words
  hyphenated at a line end), minus the running headers/footers and bare page numbers
  listed in noise.json; pages are joined, so a sentence may continue across a page
  break. For a PDF the sentence must START on its stated (1-based, physical) page.
* HTML: the text of the page (script/style dropped, block elements separate text).

Whitespace is collapsed to single spaces and text is NFKC-normalised (ligatures).
A sentence is "exact" when it is a substring of that text; otherwise it is tried
"relaxed" (case-folded, quotes unified, hyphens dropped, for TeX logos such as
LATEX vs LaTeX and for compounds like "Unicode-aware" that pdftotext rejoins as
"Unicodeaware"). A PDF sentence that is still not found may be "split": its head
ends page N and its tail opens page N+1 with something else (a footnote) between
them. Relaxed and split matches are counted (listed with -v); misses are listed.
It also checks the JSONL schemas and the counts asked of the set, and prints a
summary. Exit status 1 if anything is missing or malformed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {
    "who",
    "what",
    "when",
    "where",
    "how_many",
    "how_much",
    "why_how",
    "yes_no",
    "what_is",
    "summary",
}
TRAITS = {
    "wraps-lines",
    "crosses-page",
    "hyphenated-break",
    "abbreviation",
    "after-heading",
    "plain",
}

_BLOCK_TAGS = (
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr td th table pre br hr section article "
    "header footer nav aside blockquote title body head figure figcaption caption main form"
)
BLOCK = frozenset(_BLOCK_TAGS.split(" "))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag in BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(path: Path) -> str:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return "".join(p.out)


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u00ad", "")
    return re.sub(r"\s+", " ", s).strip()


QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "`": "'"}
)


def relax(s: str) -> str:
    s = norm(s).translate(QUOTES).casefold()
    s = re.sub(r"[-\u2010\u2011\u2012\u2013\u2014]", "", s)
    return re.sub(r"\s+", " ", s).strip()


PAGE_NO = re.compile(r"^[\u2013\-–]*\s*(\d+|[ivxlcdm]+|\d+\s*/\s*\d+)\s*[\u2013\-–]*$", re.I)


def pdf_pages(path: Path, running: list[str], page_numbers: bool) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    run_norm = [norm(r) for r in running]
    pages = []
    for i in range(1, n + 1):
        txt = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        keep = []
        for line in txt.splitlines():
            ln = norm(line)
            if page_numbers and PAGE_NO.match(ln):
                continue
            stripped = re.sub(r"\s*(\d+|[ivxlcdm]+|\d+\s*/\s*\d+)$", "", ln, flags=re.I)
            stripped = re.sub(r"^(\d+|[ivxlcdm]+)\s*", "", stripped, flags=re.I)
            if run_norm and (ln in run_norm or stripped in run_norm):
                continue
            keep.append(line)
        pages.append("\n".join(keep))
    return pages


class Doc:
    def __init__(self, path: Path, fmt: str, noise: dict) -> None:
        self.fmt = fmt
        if fmt == "pdf":
            self.pages = pdf_pages(
                path, noise.get("running_lines", []), noise.get("page_numbers", False)
            )
            parts_exact, parts_relax, self.starts_exact, self.starts_relax = [], [], [], []
            pos_e = pos_r = 0
            for p in self.pages:
                e, r = norm(p), relax(p)
                self.starts_exact.append(pos_e)
                self.starts_relax.append(pos_r)
                parts_exact.append(e)
                parts_relax.append(r)
                pos_e += len(e) + 1
                pos_r += len(r) + 1
            self.exact = " ".join(parts_exact)
            self.relaxed = " ".join(parts_relax)
        else:
            t = html_text(path)
            self.exact, self.relaxed = norm(t), relax(t)
            self.starts_exact = self.starts_relax = [0]

    def _page_of(self, idx: int, starts: list[int]) -> int:
        page = 1
        for i, s in enumerate(starts):
            if idx >= s:
                page = i + 1
        return page

    def find(self, sentence: str, page: int | None) -> tuple[str, list[int]]:
        """Return (status, pages where it starts); status exact|relaxed|missing."""
        for status, hay, needle, starts in (
            ("exact", self.exact, norm(sentence), self.starts_exact),
            ("relaxed", self.relaxed, relax(sentence), self.starts_relax),
        ):
            found = [m.start() for m in re.finditer(re.escape(needle), hay)]
            if found:
                pages = (
                    sorted({self._page_of(i, starts) for i in found}) if self.fmt == "pdf" else []
                )
                return status, pages
        if self.fmt == "pdf" and page is not None and page < len(self.pages):
            # A sentence continued on the next page after something that is not a running
            # line (e.g. a footnote at the foot of page N): its head must be in page N and
            # its tail must open page N+1.
            words = sentence.split()
            here, there = relax(self.pages[page - 1]), relax(self.pages[page])
            for cut in range(len(words) - 1, 0, -1):
                head, tail = relax(" ".join(words[:cut])), relax(" ".join(words[cut:]))
                if head in here and there.startswith(tail):
                    return "split", [page]
        return "missing", []


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path.name}:{n}: bad JSON: {e}") from e
    return rows


VERBOSE = False


def main() -> int:
    global VERBOSE
    args = [a for a in sys.argv[1:] if a != "-v"]
    VERBOSE = len(args) != len(sys.argv) - 1
    files_dir = Path(args[0]) if args else HERE / "files"
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    noise = json.loads((HERE / "noise.json").read_text(encoding="utf-8"))
    questions = load_jsonl(HERE / "questions.jsonl")
    sentences = load_jsonl(HERE / "sentences.jsonl")
    problems: list[str] = []
    docs: dict[str, Doc] = {}
    total_chars = 0

    for m in manifest:
        path = files_dir / m["file"]
        if not path.exists():
            problems.append(f"missing file {path} (run bench/documents/fetch.sh)")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != m["sha256"]:
            problems.append(f"{m['file']}: sha256 differs from manifest")
        if m["file"] not in noise:
            problems.append(f"{m['file']}: no entry in noise.json")
        d = Doc(path, m["format"], noise.get(m["file"], {}))
        docs[m["file"]] = d
        total_chars += len(d.exact)
        if m["format"] == "pdf" and len(d.pages) != m.get("pages"):
            problems.append(
                f"{m['file']}: manifest says {m.get('pages')} pages, pdfinfo {len(d.pages)}"
            )

    def check(kind: str, ident: str, file: str, sentence: str, page: int | None) -> str:
        d = docs.get(file)
        if d is None:
            problems.append(f"{kind} {ident}: unknown file {file}")
            return "missing"
        status, pages = d.find(sentence, page)
        if status == "missing":
            problems.append(f"{kind} {ident} [{file} p.{page}] NOT FOUND: {sentence}")
        elif VERBOSE and status != "exact":
            print(f"{status}: {kind} {ident} [{file} p.{page}] {sentence[:90]}")
        elif d.fmt == "pdf" and page not in pages:
            problems.append(
                f"{kind} {ident} [{file}] found on page(s) {pages}, "
                f"not on stated page {page}: {sentence[:70]}"
            )
        elif d.fmt == "html" and page is not None:
            problems.append(f"{kind} {ident} [{file}]: HTML sentence must have page null")
        return status

    stats = {"exact": 0, "relaxed": 0, "split": 0, "missing": 0}
    per_doc_q: dict[str, int] = {}
    ids = set()
    answerable = unanswerable = 0
    for q in questions:
        qid = q.get("id", "?")
        for key in (
            "id",
            "file",
            "question",
            "kind",
            "answer",
            "alternatives",
            "gold_sentence",
            "page",
        ):
            if key not in q:
                problems.append(f"question {qid}: missing key {key}")
        if qid in ids:
            problems.append(f"question {qid}: duplicate id")
        ids.add(qid)
        if q.get("kind") not in KINDS:
            problems.append(f"question {qid}: bad kind {q.get('kind')}")
        per_doc_q[q.get("file")] = per_doc_q.get(q.get("file"), 0) + 1
        nwords = len(q.get("question", "").split())
        if not 4 <= nwords <= 16:
            problems.append(f"question {qid}: {nwords} words")
        if q.get("answer") is None:
            unanswerable += 1
            if q.get("gold_sentence") is not None:
                problems.append(f"question {qid}: unanswerable but has a gold_sentence")
            continue
        answerable += 1
        gs = q.get("gold_sentence")
        if not gs:
            problems.append(f"question {qid}: answerable without gold_sentence")
            continue
        stats[check("question", qid, q["file"], gs, q.get("page"))] += 1
        if relax(q["answer"]) not in relax(gs) and not any(
            relax(a) in relax(gs) for a in q.get("alternatives", [])
        ):
            print(f"note: {qid}: answer not verbatim in gold sentence ({q['answer']!r})")

    per_doc_s: dict[str, int] = {}
    traits: dict[str, int] = {}
    for n, s in enumerate(sentences, 1):
        if s.get("trait") not in TRAITS:
            problems.append(f"sentence #{n}: bad trait {s.get('trait')}")
        traits[s.get("trait")] = traits.get(s.get("trait"), 0) + 1
        per_doc_s[s.get("file")] = per_doc_s.get(s.get("file"), 0) + 1
        status = check("sentence", f"#{n}", s.get("file"), s.get("sentence", ""), s.get("page"))
        stats[status] += 1
        d = docs.get(s.get("file"))
        if s.get("trait") == "crosses-page" and d is not None and status != "missing":
            if d.fmt != "pdf":
                problems.append(f"sentence #{n}: crosses-page in an HTML file")
            elif relax(s["sentence"]) in relax(d.pages[s["page"] - 1]):
                problems.append(
                    f"sentence #{n}: marked crosses-page but lies wholly on page {s['page']}"
                )

    for m in manifest:
        f = m["file"]
        if per_doc_q.get(f, 0) < 3:
            problems.append(f"{f}: only {per_doc_q.get(f, 0)} questions")
        if per_doc_s.get(f, 0) < 10:
            problems.append(f"{f}: only {per_doc_s.get(f, 0)} reference sentences")

    n_pdf = sum(1 for m in manifest if m["format"] == "pdf")
    n_html = sum(1 for m in manifest if m["format"] == "html")
    print(f"documents: {len(manifest)} ({n_pdf} PDF, {n_html} HTML), text {total_chars} chars")
    print(f"questions: {len(questions)} ({answerable} answerable, {unanswerable} unanswerable)")
    print(f"sentences: {len(sentences)}  traits: {dict(sorted(traits.items()))}")
    print(
        f"matches: {stats['exact']} exact, {stats['relaxed']} relaxed, "
        f"{stats['split']} split over a page foot, {stats['missing']} missing"
    )
    if n_pdf < 7 or n_html < 5 or len(questions) < 45 or unanswerable < 8:
        problems.append(
            "set is below the required counts (7 PDF, 5 HTML, 45 questions, 8 unanswerable)"
        )
    for p in problems:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
