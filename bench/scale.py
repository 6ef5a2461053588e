"""How the app's costs grow with the collection: synthetic collections copied from the MultiHop
records, measured in a fresh process each.

    python bench/scale.py --source /tmp/mh --sizes 10000 30000 [--modes exact indexed server]
        [--work DIR] [--queries 50]

`--source` is a RAG_DATA_DIR whose "multihop" collection is indexed (`python -m rag eval
multihop` makes it). A size's collection is built without the embedding model: every chunk of
the source is copied under new ids and document ids, a word in 33 swapped with its neighbour
when both are lower-case words (so that no sentence ends or starts elsewhere and the sentence
vectors stored for it still fit; collections built before that rule re-embed some sentences
per ask), its vector moved by a little noise (sentence vectors are reused as stored); the
words' vectors that an ingest stores for the reading step are made for the source's words.
(A collection built before that rule: `python -c` with `build_pipeline(...).engine.learn(texts)`
over the source's texts, or the answers make them as they go, at first.) Built
collections are kept under `--work` (default /tmp/rag-scale) and reused by later runs.

Per size and mode (exact: a copy of the collection in memory; indexed: candidates from Chroma's
HNSW index and the word index on disk; server: the same with the collection served by a `chroma
run` on loopback, so the app process holds no HNSW index) it reports: build time and disk; then,
in a new process that opens the store (once with nothing saved, once with what that run saved):
the warm-up the app runs at start and seconds from process start to the first search, search and
ask p50/p95 over MultiHop questions (the query's embedding included), a search within one
document and a follow-up question (p50/p95 over 20), resident memory and its peak, the cost
of another pipeline's one-document upload (its first write, which starts from a new client, and
a later one, with another thread searching meanwhile: its slowest search) and of the reader's
first search after it, listing the documents (and again after a write), deleting one, and
Chroma's bare HNSW query for scale (in server mode also the server's resident memory); and a
one-shot `python -m rag search` and `ask`, process start included, and the same in Python
without the CLI (a process that builds the pipeline and asks one question, no warm-up: the first
query after start, timed to its answer and to the process's end). Mode pair: two app processes
on one `chroma run`, searching at once (p50/p95 and memory of each), one uploading a document
and the other searching until it finds it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT.parent / "shared" / "bench" / "multihop" / "queries.public.jsonl"
NOTE = b"""# Harbour notice

The harbour master, Ada Quint, closed the north pier on Tuesday for repairs to the old crane.
"""


def _disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(source: Path, target: Path, size: int) -> float:
    """Copy the source's chunks into `target` until it holds `size` chunks; seconds taken."""
    import numpy as np

    from rag import Settings, build_pipeline
    from rag.index import ChunkIndex

    began = time.perf_counter()
    settings = Settings(data_dir=source, collection="multihop")
    stored = build_pipeline(settings).index().export()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if (source / "models").is_dir():
        shutil.copytree(source / "models", target / "models")
    pipeline = build_pipeline(Settings(data_dir=target, collection="multihop"))
    index = ChunkIndex.open(pipeline._client, "multihop", pipeline.build_info, create=True)
    rng = random.Random(7)
    noise = np.random.default_rng(7)
    base = np.asarray(stored.vectors, dtype=np.float32)
    written, copy = 0, 0
    with index.writing():
        while written < size:
            take = min(len(stored.ids), size - written)
            vectors = base[:take] + noise.normal(0, 0.01, (take, base.shape[1])).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            metadatas, texts = [], []
            for i in range(take):
                metadata = dict(stored.metadatas[i])
                if copy:  # llama-index keeps a second copy of the metadata in the node's JSON
                    doc_id = f"{metadata['doc_id']}~{copy}"
                    node = json.loads(str(metadata["_node_content"]))
                    node["metadata"]["doc_id"] = doc_id
                    node["id_"] = f"{copy}-{stored.ids[i]}"
                    metadata.update(doc_id=doc_id, ref_doc_id=doc_id, document_id=doc_id)
                    metadata["_node_content"] = json.dumps(node)
                metadatas.append(metadata)
                words = stored.texts[i].split(" ")
                for _ in range(len(words) * 3 // 100):
                    j = rng.randrange(max(len(words) - 1, 1))
                    pair = words[j : j + 2]
                    if len(pair) == 2 and all(w.isalpha() and w.islower() for w in pair):
                        words[j : j + 2] = pair[::-1]
                texts.append(" ".join(words))
            ids = [f"{copy}-{i}" if copy else i for i in stored.ids[:take]]
            for at in range(0, take, 5000):
                index._collection.add(
                    ids=ids[at : at + 5000],
                    embeddings=vectors[at : at + 5000],
                    metadatas=metadatas[at : at + 5000],  # type: ignore[arg-type]
                    documents=texts[at : at + 5000],
                )
            written += take
            copy += 1
        index._changed = True
    index.stored_documents()  # builds the documents table, as the first sync would
    # The words' vectors an ingest stores for the reading step: the copies' words are the
    # source's, in another order.
    pipeline.engine.learn(stored.texts)  # type: ignore[attr-defined]
    return time.perf_counter() - began


CHILD = """
import json, sys, time
began = time.perf_counter()
from pathlib import Path
import numpy as np
from rag import Settings, build_pipeline
data, questions = Path(sys.argv[1]), json.loads(sys.argv[2])
settings = Settings(data_dir=data, collection="multihop", exact_limit=int(sys.argv[4]))
reader = build_pipeline(settings)
def ms(action):
    start = time.perf_counter(); out = action(); return (time.perf_counter() - start) * 1000, out
warmed, _ = ms(reader.warm_up)  # as the app does at start
ready_s = time.perf_counter() - began
first, _ = ms(lambda: reader.search(questions[0], 5))
first_s = time.perf_counter() - began
search = [ms(lambda: reader.search(q, 5))[0] for q in questions]
ask = [ms(lambda: reader.ask(q))[0] for q in questions]
# Within the document a question found first ("Ask about this document"), and a follow-up,
# which first searches the document the conversation is about.
from rag.condense import Turn
tops = [reader.search(q, 1).passages[0].doc_id for q in questions[:20]]
scoped = [ms(lambda: reader.search(q, 5, doc_ids=[d]))[0] for q, d in zip(questions, tops)]
follow_up = [
    ms(lambda: reader.ask("And when was that?", history=[
        Turn(role="user", content=q), Turn(role="assistant", content="It was said. [1]")]))[0]
    for q in questions[:20]
]
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
writer = build_pipeline(settings)
note = sys.argv[3].encode()
# A writer's first write starts from what is on disk (a new client), later ones do not.
first_upload, _ = ms(lambda: writer.ingest_upload("harbour-notice.md", note))
first_after, _ = ms(lambda: reader.search("harbour master pier", 5))
writer.delete_document("uploads/harbour-notice.md")
reader.search("harbour master pier", 5)
# A later write, while another thread keeps searching: how long the searches then take.
import threading
during, writing = [], threading.Event()
def keep_searching():
    k = 0
    while not writing.is_set():
        during.append(ms(lambda: reader.search(questions[k % len(questions)], 5))[0])
        k += 1
searching = threading.Thread(target=keep_searching)
searching.start()
upload, _ = ms(lambda: writer.ingest_upload("harbour-notice.md", note + b"Again."))
writing.set()
searching.join()
after, found = ms(lambda: reader.search("harbour master pier", 5))
listed, docs = ms(lambda: reader.documents())
delete, _ = ms(lambda: writer.delete_document("uploads/harbour-notice.md"))
after_delete, _ = ms(lambda: reader.search("harbour master pier", 5))
relisted, _ = ms(lambda: reader.documents())  # after the delete: the rows written since
index = reader.index()
vectors = [reader.embedder.embed_query(q) for q in questions]
hnsw = [ms(lambda: index._collection.query(query_embeddings=[v], n_results=5))[0] for v in vectors]
p = lambda xs, q: round(float(np.percentile(xs, q)), 1)
print(json.dumps({
    "chunks": index.count(),
    "documents": len(docs), "first_search_s": round(first_s, 1),
    "warm_up_s": round(warmed / 1000, 1), "ready_s": round(ready_s, 1),
    "first_search_after_warm_up_ms": round(first),
    "search_p50": p(search, 50), "search_p95": p(search, 95),
    "ask_p50": p(ask, 50), "ask_p95": p(ask, 95),
    "scoped_search_p50": p(scoped, 50), "scoped_search_p95": p(scoped, 95),
    "follow_up_p50": p(follow_up, 50), "follow_up_p95": p(follow_up, 95), "rss_mb": rss,
    # This process's own peak (getrusage's would be its parent's, if that was larger: Linux
    # keeps the figure across exec, and the run that builds a collection peaks at 4 GB).
    "peak_rss_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024,
    "first_upload_ms": round(first_upload), "search_after_first_upload_ms": round(first_after),
    "upload_ms": round(upload), "search_after_upload_ms": round(after),
    "searches_during_upload": len(during), "slowest_search_during_upload_ms": round(max(during)),
    "upload_found": found.passages[0].doc_id == "uploads/harbour-notice.md",
    "list_documents_ms": round(listed), "list_again_after_a_delete_ms": round(relisted),
    "delete_ms": round(delete),
    "search_after_delete_ms": round(after_delete),
    "hnsw_p50": p(hnsw, 50), "hnsw_p95": p(hnsw, 95),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, required=True, help="RAG_DATA_DIR with multihop")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-scale"))
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="build the collections again")
    parser.add_argument(
        "--modes", nargs="+", choices=["exact", "indexed", "server", "pair"],
        default=["exact", "indexed"],
        help="exact: a copy in memory (snapshot); indexed: candidates from Chroma's HNSW and "
        "the word index on disk; server: indexed, with the collection on a `chroma run`; "
        "pair: two app processes on one `chroma run`, one writing",
    )  # fmt: skip
    parser.add_argument(
        "--starts", nargs="+", choices=["cold", "saved"], default=["cold", "saved"],
        help="cold: nothing saved (the run reads the whole collection); saved: with what an "
        "earlier run saved (alone, it needs one run before)",
    )  # fmt: skip
    args = parser.parse_args()
    rows = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in random.Random(3).sample(rows, args.queries)]
    for size in args.sizes:
        target = args.work / str(size)
        built = None
        if args.rebuild or not (target / "chroma").is_dir():
            built = round(build(args.source, target, size), 1)
        for mode in args.modes:
            limit = str(10**9) if mode == "exact" else "0"
            server = _serve(target) if mode in ("server", "pair") else None
            env = {**os.environ, "HF_HUB_OFFLINE": "1"}
            if server is not None:
                env["RAG_CHROMA_URL"] = server[1]
            if mode == "pair" and server is not None:
                for report in pair(target, questions, env):
                    print(json.dumps({"size": size, "mode": mode, **report}), flush=True)
                print(json.dumps({"size": size, "server_rss_mb": _rss_mb(server[0].pid)}))
                server[0].terminate()
                server[0].wait(timeout=60)
                continue
            # First with nothing saved (the process reads the whole collection: a snapshot,
            # or the word index), then from what that run saved.
            if "cold" in args.starts:
                shutil.rmtree(target / "snapshots", ignore_errors=True)
                shutil.rmtree(target / "words", ignore_errors=True)
            for start in args.starts:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, str(target), json.dumps(questions),
                     NOTE.decode(), limit],
                    cwd=ROOT, env=env, capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode:
                    print(size, mode, "failed:", done.stderr[-2000:])
                    break
                report = json.loads(done.stdout.strip().splitlines()[-1])
                report.update(
                    size=size, mode=mode, start=start, build_s=built,
                    disk_mb=_disk(target / "chroma") // 2**20,
                    saved_mb=_disk(target / "snapshots" if mode == "exact" else target / "words")
                    // 2**20,
                )  # fmt: skip
                if server is not None:
                    report["server_rss_mb"] = _rss_mb(server[0].pid)
                print(json.dumps(report), flush=True)
            report = one_shot(target, questions[1], limit, env)
            print(json.dumps({"size": size, "mode": mode, **report}), flush=True)
            if server is not None:
                server[0].terminate()
                server[0].wait(timeout=60)


# Two app processes on one `chroma run` (mode "pair"): each warms up and searches; then one
# uploads a document and the other searches until it finds it.
PAIR = """
import json, sys, time
from pathlib import Path
import numpy as np
from rag import Settings, build_pipeline
data, questions, note = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3].encode()
role, mark = sys.argv[4], Path(sys.argv[5])
pipeline = build_pipeline(Settings(data_dir=data, collection="multihop", exact_limit=0))
def ms(action):
    start = time.perf_counter(); out = action(); return (time.perf_counter() - start) * 1000, out
pipeline.warm_up()
search = [ms(lambda: pipeline.search(q, 5))[0] for q in questions]
seen = mark.with_suffix(".seen")
out = {"role": role}
if role == "writer":
    out["upload_ms"] = round(ms(lambda: pipeline.ingest_upload("harbour-notice.md", note))[0])
    mark.write_text(str(time.time()))
    for _ in range(1200):
        if seen.exists():
            break
        time.sleep(0.1)
    pipeline.delete_document("uploads/harbour-notice.md")
else:
    while not mark.exists():
        time.sleep(0.02)
    written, tries = float(mark.read_text()), 0
    while True:
        tries += 1
        found = pipeline.search("harbour master pier", 5).passages
        if found and found[0].doc_id == "uploads/harbour-notice.md":
            break
    out.update(found_after_write_ms=round((time.time() - written) * 1000), searches=tries)
    seen.touch()
p = lambda xs, q: round(float(np.percentile(xs, q)), 1)
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
print(json.dumps({**out, "search_p50": p(search, 50), "search_p95": p(search, 95), "rss_mb": rss}))
"""


def pair(target: Path, questions: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    """Two app processes on the same server, searching at once; one writes, the other reads it."""
    mark = target / "pair.mark"
    for stale in (mark, mark.with_suffix(".seen")):
        stale.unlink(missing_ok=True)
    children = []
    for role in ("writer", "reader"):
        command = [sys.executable, "-c", PAIR, str(target), json.dumps(questions),
                   NOTE.decode(), role, str(mark)]  # fmt: skip
        children.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    reports = []
    for child in children:
        out, err = child.communicate(timeout=3600)
        if child.returncode:
            raise SystemExit(f"a pair process failed: {err[-2000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _rss_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


def _serve(target: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A `chroma run` over the size's store on a free loopback port, once it answers."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(target / "chroma"), "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    log = (target / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"chroma run did not answer on port {port}; see {target / 'server.log'}")


def one_shot(target: Path, question: str, limit: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds a one-shot `python -m rag search` and `ask` take, process start included, with
    what the runs before saved."""
    env = {
        **env, "RAG_DATA_DIR": str(target), "RAG_COLLECTION": "multihop", "RAG_EXACT_LIMIT": limit,
    }  # fmt: skip
    out = {}
    for command in ("search", "ask"):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rag", command, question],
            cwd=ROOT, env=env, capture_output=True, check=True,
        )  # fmt: skip
        out[f"one_shot_{command}_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", FIRST, str(target), question, limit, command],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        if child.stdout.readline().strip() != "answered":
            raise RuntimeError(f"the first {command} of a new process failed")
        out[f"first_{command}_after_start_s"] = round(time.perf_counter() - began, 1)
        child.wait()
        out[f"first_{command}_process_s"] = round(time.perf_counter() - began, 1)
    return out


# The first query of a process that has just started, with no warm-up: a script embedding the
# Python API, or a question that arrives before the app's warm-up is done. Timed to its
# answer, and to the process's end (the interpreter's teardown takes 0.35 s more at 1M).
FIRST = """
import sys
from pathlib import Path
from rag import Settings, build_pipeline
settings = Settings(data_dir=Path(sys.argv[1]), collection="multihop", exact_limit=int(sys.argv[3]))
getattr(build_pipeline(settings), sys.argv[4])(sys.argv[2])
print("answered", flush=True)
"""


if __name__ == "__main__":
    main()
