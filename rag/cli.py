"""Command line: `python -m rag ingest | ask | search`, over the same Pipeline as the app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from rag.errors import InvalidInput, RagError
from rag.pipeline import Pipeline
from rag.schema import Answer, Document, IngestProgress, Passage, SearchResult
from rag.settings import Settings
from rag.wiring import build_pipeline

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
MULTIHOP_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "multihop"
MULTIHOP_QUERIES = MULTIHOP_DIR / "queries.public.jsonl"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rag", description="Ask questions of your documents, with citations."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser(
        "ingest", help="index files and folders (.md .txt .html .pdf .docx)"
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--collection", help="collection to index into (default: RAG_COLLECTION)")
    ingest.add_argument(
        "--rebuild", action="store_true", help="drop the collection first and index anew"
    )
    ingest.add_argument(
        "--no-prune", dest="prune", action="store_false",
        help="keep documents whose files disappeared from the given folders",
    )  # fmt: skip
    ingest.add_argument(
        "--dry-run", action="store_true", help="say what would change, and change nothing"
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = commands.add_parser("eval", help="measure on a public benchmark")
    evaluate.add_argument("benchmark", choices=["multihop", "answers", "natural", "documents"])
    evaluate.add_argument(
        "--profile",
        choices=["general", "news-multihop"],
        help="rules to measure with (default: news-multihop for multihop and answers, whose "
        "question templates it was fitted to; general for natural)",
    )
    evaluate.add_argument("--misses", action="store_true", help="natural: list the misses too")
    evaluate.add_argument(
        "--typos",
        action="store_true",
        help="natural: one typing slip in each question's longest word (a letter dropped, "
        "doubled or swapped with the next), the same slip at every run",
    )
    evaluate.add_argument(
        "--lowercase",
        action="store_true",
        help="natural: type every question (and the questions before it) in lower case, as "
        "many people do",
    )
    evaluate.add_argument("--queries", type=Path, default=MULTIHOP_QUERIES)
    evaluate.add_argument("--corpus", type=Path, default=MULTIHOP_DIR / "corpus")
    evaluate.add_argument("--limit", type=int, help="only the first N queries")
    evaluate.add_argument("--rgb", type=Path, default=MULTIHOP_DIR.parent / "rgb")
    evaluate.add_argument(
        "--skip-multihop", action="store_true", help="answers: RGB only (MultiHop asks 1,278)"
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")

    for name, noun, helptext in (
        ("ask", "QUESTION", "answer a question with cited sources"),
        ("search", "QUERY", "show the passages retrieved for a query"),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("text", nargs="?", metavar=noun)
        sub.add_argument("--json", action="store_true", help="print the result as JSON")
        sub.add_argument(
            "--jsonl",
            metavar="FILE",
            help='read {"id", "question"} objects, one per line ("-" for stdin); '
            "print one JSON result per line",
        )
        sub.add_argument("--top-k", type=int, help="passages to retrieve (1-50)")
        sub.add_argument("--collection", help="collection to use (default: RAG_COLLECTION)")
        sub.add_argument(
            "--doc",
            action="append",
            dest="doc_ids",
            metavar="ID",
            help="only this document (repeatable; ids as `documents` lists them)",
        )
    listing = commands.add_parser("documents", help="list the documents of a collection")
    listing.add_argument("--collection", help="collection to list (default: RAG_COLLECTION)")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    return parser


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 failed, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        pipeline = build_pipeline(settings or Settings.load())
        match args.command:
            case "ingest":
                return _ingest(pipeline, args)
            case "ask" | "search":
                return _query(pipeline, args)
            case "eval":
                return _evaluate(pipeline, args)
            case "documents":
                return _documents(pipeline, args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _documents(pipeline: Pipeline, args: argparse.Namespace) -> int:
    documents = pipeline.documents(args.collection)
    if args.json:
        print(json.dumps([d.model_dump() for d in documents], indent=2, ensure_ascii=False))
        return EXIT_OK
    for d in documents:
        date = (d.published_at or "")[:10] or (f"created {d.created_at}" if d.created_at else "")
        about = ", ".join(x for x in (d.source, date, f"{d.chunks} chunks") if x)
        print(f"{d.doc_id}\t{d.title} ({about})")
    return EXIT_OK


def _ingest(pipeline: Pipeline, args: argparse.Namespace) -> int:
    from rag.ingest import iter_files

    total = len(list(iter_files(args.paths)))
    bar = None
    if not args.quiet and not args.dry_run and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
    written = 0

    def progress(step: IngestProgress) -> None:
        nonlocal written
        if bar is None:
            return
        if not step.doc_id:  # a batch being embedded: the bar's files have not moved
            bar.set_postfix_str(f"{written} chunks, embedding {step.embedded}/{step.to_embed}")
            return
        written += step.chunks
        rate = written / max(bar.format_dict["elapsed"], 1e-9)
        bar.set_postfix_str(f"{written} chunks, {rate:.1f} chunks/s", refresh=False)
        bar.update(1)

    try:
        report = pipeline.ingest(
            args.paths, args.collection, rebuild=args.rebuild, prune=args.prune,
            dry_run=args.dry_run, progress=progress,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    if args.dry_run:
        for label, ids in (("add", report.added), ("update", report.updated),
                           ("remove", report.removed)):  # fmt: skip
            for doc_id in ids:
                print(f"would {label}: {doc_id}")
    for failure in report.failed:
        print(f"failed: {failure.reason}", file=sys.stderr)
    print(report.summary())
    return EXIT_ERROR if report.failed else EXIT_OK


def _evaluate_answers(pipeline: Pipeline, args: argparse.Namespace) -> int:
    from rag.evaluate import (
        MULTIHOP_COLLECTION,
        evaluate_null_queries,
        evaluate_rgb,
        load_queries,
    )

    def add(documents: list[Document], collection: str) -> None:
        print(pipeline.add_documents(documents, collection).summary(), file=sys.stderr)

    rows = evaluate_rgb(args.rgb, add, lambda q, c: pipeline.ask(q, collection=c))
    if not args.skip_multihop:
        print(pipeline.ingest([args.corpus], MULTIHOP_COLLECTION).summary(), file=sys.stderr)
        queries = load_queries(args.queries)[: args.limit]
        rows += evaluate_null_queries(
            queries, lambda q: pipeline.ask(q, collection=MULTIHOP_COLLECTION)
        )
    table = {scores.name: scores.row() for scores in rows}
    if args.json:
        print(json.dumps(table, indent=2))
        return EXIT_OK
    print(f"{'':42} {'asked':>5} {'refused':>8} {'correct':>8} {'p95 ms':>8}")
    for name, row in table.items():
        print(f"{name:42} {row['asked']:>5} {row['refused']:>8.3f} {row['correct']:>8.3f} "
              f"{row['p95_ms']:>8}")  # fmt: skip
    return EXIT_OK


def _evaluate(pipeline: Pipeline, args: argparse.Namespace) -> int:
    from rag.evaluate import MULTIHOP_COLLECTION, evaluate_multihop, load_queries

    general = args.benchmark in ("natural", "documents")
    profile = args.profile or ("general" if general else "news-multihop")
    if profile != pipeline.settings.profile:
        settings = pipeline.settings.model_copy(update={"profile": profile})
        pipeline = build_pipeline(settings, embedder=pipeline.embedder)
    print(f"profile: {profile}", file=sys.stderr)
    if args.benchmark == "answers":
        return _evaluate_answers(pipeline, args)
    if args.benchmark == "natural":
        return _evaluate_natural(pipeline, args)
    if args.benchmark == "documents":
        return _evaluate_documents(pipeline, args)
    queries = load_queries(args.queries)[: args.limit]
    report = pipeline.ingest([args.corpus], MULTIHOP_COLLECTION)
    print(report.summary(), file=sys.stderr)

    def search(question: str) -> list[Passage]:
        return pipeline.search(question, 10, MULTIHOP_COLLECTION).passages

    result = evaluate_multihop(queries, search).as_dict()
    if args.json:
        print(json.dumps(result, indent=2))
        return EXIT_OK
    rows = {"overall": result["overall"], **result["by_type"]}
    print(f"{'':20} {'queries':>7} {'hits@4':>7} {'hits@10':>7} {'mrr@10':>7} {'recall@10':>9}")
    for name, row in rows.items():
        print(f"{name:20} {row['queries']:>7} {row['hits@4']:>7.3f} {row['hits@10']:>7.3f} "
              f"{row['mrr@10']:>7.3f} {row['evidence_recall@10']:>9.3f}")  # fmt: skip
    latency = result["latency_ms"]
    print(f"latency p50 {latency['p50']} ms, p95 {latency['p95']} ms; "
          f"mean passage {result['mean_passage_chars']} chars")  # fmt: skip
    return EXIT_OK


def _evaluate_natural(pipeline: Pipeline, args: argparse.Namespace) -> int:
    from rag.evaluate_natural import (
        COLLECTIONS,
        NATURAL_DIR,
        evaluate_natural,
        load_natural,
        misspell,
    )  # fmt: skip

    documents = sorted(p for p in (NATURAL_DIR / "docs").iterdir() if p.is_file())
    for paths, name in (
        ([args.corpus], COLLECTIONS["multihop"]),
        ([pipeline.settings.corpus_dir], COLLECTIONS["seed"]),
        (documents, COLLECTIONS["docs"]),
    ):
        print(pipeline.ingest(paths, name).summary(), file=sys.stderr)
    questions = load_natural(args.queries if args.queries != MULTIHOP_QUERIES else None)
    if args.typos:
        for q in questions:
            q["question"] = misspell(q["question"], q["id"])
    if args.lowercase:
        for q in questions:
            q["question"] = q["question"].lower()
            q["history"] = [
                {**t, "content": t["content"].lower() if t["role"] == "user" else t["content"]}
                for t in q.get("history") or []
            ]
    report = evaluate_natural(
        questions[: args.limit], lambda q, c, h: pipeline.ask(q, collection=c, history=h)
    )
    result = report.as_dict()
    if args.misses:
        result["misses"] = report.misses
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{'':24} {'answerable':>10} {'correct':>8} {'refused':>8} {'cites':>6} "
          f"{'unansw.':>7} {'refused':>8} {'p50 ms':>7} {'p95 ms':>7}")  # fmt: skip
    rows = {"overall": result["overall"], **result["by_kind"], **result["by_collection"]}
    for name, row in rows.items():
        cells = [row[k] for k in ("correct", "wrongly_refused", "cites_gold")]
        shown = ["-" if c is None else f"{c:.3f}" for c in cells]
        refused = row["unanswerable_refused"]
        print(f"{name:24} {row['answerable']:>10} {shown[0]:>8} {shown[1]:>8} {shown[2]:>6} "
              f"{row['unanswerable']:>7} {'-' if refused is None else f'{refused:.3f}':>8} "
              f"{row['p50_ms']:>7} {row['p95_ms']:>7}")  # fmt: skip
    for miss in report.misses if args.misses else []:
        print(json.dumps(miss, ensure_ascii=False))
    return EXIT_OK


def _evaluate_documents(pipeline: Pipeline, args: argparse.Namespace) -> int:
    from rag import evaluate_documents as bench

    files = bench.DOCUMENTS_DIR / "files"
    if not files.is_dir() or not any(files.iterdir()):
        raise InvalidInput(
            f"The real documents are not in {files}: fetch them with "
            "bash bench/documents/fetch.sh (installs Debian documentation packages)."
        )
    print(pipeline.ingest([files], bench.COLLECTION).summary(), file=sys.stderr)
    questions, sentences, noise = bench.load(bench.DOCUMENTS_DIR)
    stored = pipeline.retriever(bench.COLLECTION).stored
    chunks = {
        info.doc_id: [p.text for p in (stored.document(info.doc_id) if stored else [])]
        for info in pipeline.documents(bench.COLLECTION)
    }
    report = bench.DocumentsReport()
    bench.check_text(report, chunks, sentences, noise)
    bench.ask_questions(
        report, questions[: args.limit], lambda q: pipeline.ask(q, collection=bench.COLLECTION)
    )
    result = report.as_dict()
    if args.misses:
        result |= {
            "misses": report.misses,
            "broken": report.broken,
            "noisy": report.noisy,
            "partial_quotes": report.partial_quotes,
        }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return EXIT_OK


def _query(pipeline: Pipeline, args: argparse.Namespace) -> int:
    if args.collection is None:
        first_run = pipeline.index_corpus_if_missing()
        if first_run is not None:
            print(f"First run, indexed {pipeline.settings.corpus_dir}: {first_run.summary()}",
                  file=sys.stderr)  # fmt: skip
    run: Callable[[str], Answer | SearchResult]
    if args.command == "ask":

        def run(text: str) -> Answer | SearchResult:
            return pipeline.ask(text, args.top_k, args.collection, doc_ids=args.doc_ids)
    else:

        def run(text: str) -> Answer | SearchResult:
            return pipeline.search(text, args.top_k, args.collection, args.doc_ids)

    if args.jsonl:
        if args.text:
            raise InvalidInput(f"Give either a {args.command} text or --jsonl, not both.")
        return _jsonl(run, args.jsonl, sys.stdout)
    if not args.text:
        raise InvalidInput(f"Nothing to {args.command}: give the text or --jsonl FILE.")
    result = run(args.text)
    if args.json:
        print(result.model_dump_json(indent=2))
    elif isinstance(result, Answer):
        print(_format_answer(result))
    else:
        print(_format_search(result))
    return EXIT_OK


def _read_lines(source: str) -> Iterator[str]:
    if source == "-":
        yield from sys.stdin
        return
    try:
        with open(source, encoding="utf-8") as handle:
            yield from handle
    except OSError as exc:
        raise InvalidInput(f"Cannot read {source}: {exc.strerror}") from exc


def _jsonl(run: Callable[[str], Answer | SearchResult], source: str, out: TextIO) -> int:
    """One result per input line, in order; a bad line gets an error object and the rest go on."""
    failed = False
    for number, line in enumerate(_read_lines(source), start=1):
        if not line.strip():
            continue
        record: dict[str, Any] = {}
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InvalidInput(f"line {number}: expected a JSON object")
            record["id"] = item.get("id", number)
            text = item.get("question", item.get("query"))
            if not isinstance(text, str):
                raise InvalidInput(f"line {number}: expected a string field 'question'")
            record.update(run(text).model_dump())
        except json.JSONDecodeError as exc:
            failed = True
            record["id"] = number
            record["error"] = {"code": "invalid_json", "message": f"line {number}: {exc.msg}"}
        except RagError as exc:
            failed = True
            record["error"] = {"code": exc.code, "message": str(exc)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return EXIT_ERROR if failed else EXIT_OK


def _format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            page = f"p. {c.page}" if c.page else ""
            date = (c.published_at or "")[:10] or (
                f"created {c.created_at[:10]}" if c.created_at else ""
            )
            about = ", ".join(x for x in (c.source, date, c.section, page) if x)
            lines.append(f"[{c.n}] {c.title}" + (f" ({about})" if about else ""))
            lines.append(f"    \u201c{' '.join(c.quote.split())}\u201d")
    unsupported = [c for c in answer.claims if not c.supported]
    if unsupported:
        lines += ["", "Not supported by the cited sources:"]
        lines += [f"  - {c.text} (score {c.score:.2f})" for c in unsupported]
    return "\n".join(lines)


def _format_search(result: SearchResult) -> str:
    if not result.passages:
        return "No passages found."
    lines = []
    for p in result.passages:
        lines.append(f"{p.rank}. {p.title} [{p.doc_id}] score {p.score:.3f}")
        snippet = " ".join(p.text.split())
        lines.append(f"   {snippet[:240]}{'...' if len(snippet) > 240 else ''}")
    return "\n".join(lines)
