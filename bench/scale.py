"""How the app's costs grow with the collection: synthetic collections copied from the MultiHop
records, measured in a fresh process each.

    python bench/scale.py --source /tmp/mh --sizes 10000 30000 [--work DIR] [--queries 50]

`--source` is a RAG_DATA_DIR whose "multihop" collection is indexed (`python -m rag eval
multihop` makes it). A size's collection is built without the embedding model: every chunk of
the source is copied under new ids and document ids, 3% of its words swapped with a neighbour,
its vector moved by a little noise (sentence vectors are reused as stored). Built collections
are kept under `--work` (default /tmp/rag-scale) and reused by later runs.

Per size it reports: build time and disk; then, in a new process that opens the store (once
with no saved snapshot, once with the one that run saved): seconds to the first search, search
and ask p50/p95 over MultiHop questions (the query's embedding included), resident memory, the
cost of another pipeline's one-document upload (its first write, which starts from a new
client, and a later one) and of the reader's first search after it, listing the documents,
deleting one, and Chroma's bare HNSW query for scale.
"""

from __future__ import annotations

import argparse
import json
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
                    words[j : j + 2] = words[j : j + 2][::-1]
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
    return time.perf_counter() - began


CHILD = """
import json, resource, sys, time
began = time.perf_counter()
from pathlib import Path
import numpy as np
from rag import Settings, build_pipeline
data, questions = Path(sys.argv[1]), json.loads(sys.argv[2])
settings = Settings(data_dir=data, collection="multihop")
reader = build_pipeline(settings)
def ms(action):
    start = time.perf_counter(); out = action(); return (time.perf_counter() - start) * 1000, out
first, _ = ms(lambda: reader.search(questions[0], 5))
first_s = time.perf_counter() - began
search = [ms(lambda: reader.search(q, 5))[0] for q in questions]
ask = [ms(lambda: reader.ask(q))[0] for q in questions]
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
writer = build_pipeline(settings)
note = sys.argv[3].encode()
# A writer's first write starts from what is on disk (a new client), later ones do not.
first_upload, _ = ms(lambda: writer.ingest_upload("harbour-notice.md", note))
first_after, _ = ms(lambda: reader.search("harbour master pier", 5))
writer.delete_document("uploads/harbour-notice.md")
reader.search("harbour master pier", 5)
upload, _ = ms(lambda: writer.ingest_upload("harbour-notice.md", note + b"Again."))
after, found = ms(lambda: reader.search("harbour master pier", 5))
listed, docs = ms(lambda: reader.documents())
delete, _ = ms(lambda: writer.delete_document("uploads/harbour-notice.md"))
after_delete, _ = ms(lambda: reader.search("harbour master pier", 5))
index = reader.index()
vectors = [reader.embedder.embed_query(q) for q in questions]
hnsw = [ms(lambda: index._collection.query(query_embeddings=[v], n_results=5))[0] for v in vectors]
p = lambda xs, q: round(float(np.percentile(xs, q)), 1)
print(json.dumps({
    "chunks": index.count(),
    "documents": len(docs), "first_search_s": round(first_s, 1),
    "search_p50": p(search, 50), "search_p95": p(search, 95),
    "ask_p50": p(ask, 50), "ask_p95": p(ask, 95), "rss_mb": rss,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    "first_upload_ms": round(first_upload), "search_after_first_upload_ms": round(first_after),
    "upload_ms": round(upload), "search_after_upload_ms": round(after),
    "upload_found": found.passages[0].doc_id == "uploads/harbour-notice.md",
    "list_documents_ms": round(listed), "delete_ms": round(delete),
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
    args = parser.parse_args()
    rows = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in random.Random(3).sample(rows, args.queries)]
    for size in args.sizes:
        target = args.work / str(size)
        built = None
        if args.rebuild or not (target / "chroma").is_dir():
            built = round(build(args.source, target, size), 1)
        # First with no saved snapshot (the process reads the whole collection), then from
        # the one that run saved.
        shutil.rmtree(target / "snapshots", ignore_errors=True)
        for start in ("cold", "saved"):
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(target), json.dumps(questions), NOTE.decode()],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode:
                print(size, "failed:", done.stderr[-2000:])
                break
            report = json.loads(done.stdout.strip().splitlines()[-1])
            report.update(
                size=size, start=start, build_s=built,
                disk_mb=_disk(target / "chroma") // 2**20,
                snapshot_mb=_disk(target / "snapshots") // 2**20,
            )  # fmt: skip
            print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
