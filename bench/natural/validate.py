"""Validate questions.jsonl (stdlib only):  python3 validate.py

Checks: every line parses; ids unique; kinds from the list; collections known;
multihop doc_ids exist in the corpus and were drawn in sample.txt; seed/docs
doc_ids exist; each gold answer (except for yes_no / summary / who_is) occurs in
the gold document's text (case-insensitive, quotes and whitespace normalised);
yes_no evidence occurs in the document; follow-up fields are consistent; the
grep patterns behind the multihop unanswerable questions find nothing in any of
the 609 articles.  Prints counts per kind and collection.  Exit code 1 on errors.
"""

import collections
import glob
import html
import json
import os
import re
import sys
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("MULTIHOP_CORPUS", "/work/shared/bench/multihop/corpus")
SEED_DIR = os.path.join(HERE, "..", "..", "corpus")
DOCS_SRC = os.path.join(HERE, "docs", "src")
KINDS = [
    "who",
    "what",
    "when",
    "where",
    "how_many",
    "how_much",
    "why_how",
    "yes_no",
    "who_is",
    "summary",
]
NOT_CHECKED = {"yes_no", "summary", "who_is"}
DOC_SOURCES = {  # docs collection doc_id -> source file the document is built from
    "q3-report.pdf": "q3-report.txt",
    "council-minutes.docx": "council-minutes.txt",
    "museum.html": "museum.html",
    "office-move-memo.txt": "office-move-memo.txt",
    "ap300-faq.md": "ap300-faq.md",
}


def norm(s):
    s = (
        s.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    s = s.replace("\u00a0", " ").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", s).strip().lower()


NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def number_word_in(answer, ntext):
    """A digit answer counts as found when the article writes the number as a word."""
    a = answer.strip()
    return (
        a.isdigit()
        and int(a) <= 20
        and re.search(r"\b" + NUMBER_WORDS[int(a)] + r"\b", ntext) is not None
    )


def doc_text(collection, doc_id):
    if collection == "multihop":
        path = os.path.join(CORPUS, doc_id + ".md")
    elif collection == "seed":
        path = os.path.join(SEED_DIR, doc_id + ".md")
    else:
        src = DOC_SOURCES.get(doc_id)
        if src is None:
            return None
        path = os.path.join(DOCS_SRC, src)
        if src.endswith(".txt") and doc_id.endswith((".pdf", ".docx")):
            sys.path.insert(0, HERE)
            from make_docs import plain_text

            return plain_text(path)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if src.endswith(".html"):
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        return text
    if not os.path.exists(path):
        return None
    return open(path, encoding="utf-8").read()


def built_texts():
    """Text of docs/q3-report.pdf and docs/council-minutes.docx if pypdf / python-docx exist."""
    out = {}
    pdf = os.path.join(HERE, "docs", "q3-report.pdf")
    docx_path = os.path.join(HERE, "docs", "council-minutes.docx")
    try:
        from pypdf import PdfReader

        if os.path.exists(pdf):
            out["q3-report.pdf"] = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    except ImportError:
        pass
    try:
        import docx

        if os.path.exists(docx_path):
            d = docx.Document(docx_path)
            parts = [p.text for p in d.paragraphs]
            parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
            out["council-minutes.docx"] = "\n".join(parts)
    except ImportError:
        pass
    return out


def main():
    errors, warnings = [], []
    with open(os.path.join(HERE, "sample.txt")) as handle:
        sample = [line.strip() for line in handle if line.strip()]
    corpus_ids = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(CORPUS, "*.md"))}
    if len(sample) != 170 or len(set(sample)) != 170:
        errors.append(f"sample.txt: {len(sample)} lines, {len(set(sample))} unique (want 170)")
    for d in sample:
        if d not in corpus_ids:
            errors.append(f"sample.txt: {d} not in corpus")

    rows, ids = [], set()
    with open(os.path.join(HERE, "questions.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                q = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: does not parse: {e}")
                continue
            rows.append(q)
            if q["id"] in ids:
                errors.append(f"{q['id']}: duplicate id")
            ids.add(q["id"])

    for q in rows:
        qid, coll, kind = q["id"], q.get("collection"), q.get("kind")
        if coll not in ("multihop", "seed", "docs"):
            errors.append(f"{qid}: bad collection {coll}")
        if kind not in KINDS:
            errors.append(f"{qid}: bad kind {kind}")
        words = len(q["question"].split())
        if not 3 <= words <= 15:
            warnings.append(f"{qid}: question has {words} words")
        if q.get("followup") not in (None, "dependent", "standalone"):
            errors.append(f"{qid}: bad followup {q.get('followup')}")
        if q.get("followup") and len(q.get("history", [])) != 2:
            errors.append(f"{qid}: follow-up without a 2-turn history")
        if not q.get("followup") and q.get("history"):
            errors.append(f"{qid}: history but followup is null")
        if coll == "multihop" and q.get("doc_id") is not None:
            if q["doc_id"] not in corpus_ids:
                errors.append(f"{qid}: doc_id {q['doc_id']} not in corpus")
            elif q["doc_id"] not in sample:
                errors.append(f"{qid}: doc_id {q['doc_id']} not in sample.txt")
        if q.get("should_refuse"):
            if q.get("answers"):
                errors.append(f"{qid}: unanswerable question with answers")
            if not q.get("checked"):
                errors.append(f"{qid}: unanswerable question without 'checked'")
            continue
        text = doc_text(coll, q.get("doc_id"))
        if text is None:
            errors.append(f"{qid}: gold document {q.get('doc_id')} not found")
            continue
        ntext = norm(text)
        if kind == "summary" and q["answers"]:
            errors.append(f"{qid}: summary with answers")
        if kind == "yes_no":
            if q["answers"] not in (["yes"], ["no"]):
                errors.append(f"{qid}: yes_no answers must be ['yes'] or ['no']")
            ev = q.get("evidence", "")
            if not ev or len(ev.split()) > 12:
                errors.append(f"{qid}: evidence missing or longer than 12 words")
            elif norm(ev) not in ntext:
                errors.append(f"{qid}: evidence not found in {q['doc_id']}: {ev!r}")
        if kind not in NOT_CHECKED:
            if not q["answers"]:
                errors.append(f"{qid}: no answers")
            for a in q["answers"]:
                if norm(a) not in ntext and not number_word_in(a, ntext):
                    errors.append(f"{qid}: answer {a!r} not in {q['doc_id']}")

    # when the built documents and their readers are available (project venv), check the
    # answers against the text extracted from the built PDF / DOCX as well
    built = built_texts()
    for q in rows:
        if q["collection"] == "docs" and not q.get("should_refuse") and q["doc_id"] in built:
            btext = norm(built[q["doc_id"]])
            for a in q["answers"] if q["kind"] not in NOT_CHECKED else []:
                if norm(a) not in btext and not number_word_in(a, btext):
                    errors.append(f"{q['id']}: answer {a!r} not in built {q['doc_id']}")
    if built:
        print("checked answers against built documents:", ", ".join(sorted(built)))

    # the grep checks behind the multihop unanswerable questions
    sys.path.insert(0, HERE)
    from build_questions import UNANSWERABLE

    texts = {d: Path(CORPUS, d + ".md").read_text(encoding="utf-8") for d in corpus_ids}
    for _, question, pattern in UNANSWERABLE:
        pat = re.compile(pattern, re.I | re.S)
        hits = [d for d, t in texts.items() if pat.search(t)]
        if hits:
            errors.append(f"unanswerable {question!r}: pattern hits {hits[:3]}")

    by = collections.Counter((q["collection"], q["kind"]) for q in rows)
    colls = ["multihop", "seed", "docs"]
    print(f"{'kind':10s}" + "".join(f"{c:>10s}" for c in colls) + f"{'total':>8s}")
    for k in KINDS:
        print(
            f"{k:10s}"
            + "".join(f"{by[(c, k)]:10d}" for c in colls)
            + f"{sum(by[(c, k)] for c in colls):8d}"
        )
    print(
        f"{'total':10s}"
        + "".join(f"{sum(by[(c, k)] for k in KINDS):10d}" for c in colls)
        + f"{len(rows):8d}"
    )
    refuse = collections.Counter(q["collection"] for q in rows if q.get("should_refuse"))
    fups = collections.Counter(q["followup"] for q in rows if q.get("followup"))
    yn = collections.Counter(
        q["answers"][0] for q in rows if q["kind"] == "yes_no" and q["answers"]
    )
    print("should_refuse:", dict(refuse), " followups:", dict(fups), " yes/no:", dict(yn))
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
