"""What one process costs before it answers: seconds from start to the first answer, peak
memory, and which heavy libraries it loaded, over the seed corpus.

    python bench/footprint.py [--data DIR]

Runs a fresh Python process twice on the same data folder: the first run may export the ONNX
embedding model (which needs torch once); the second is what every later start costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
start = time.monotonic()
from pathlib import Path
from rag import Settings, build_pipeline
pipeline = build_pipeline(Settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2])))
pipeline.ingest([pipeline.settings.corpus_dir])
pipeline.ask("What did Volodin claim?")
first = time.monotonic() - start
pipeline.ask("who is maduro")
print(json.dumps({
    "first_answer_s": round(first, 1),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    "loaded": [m for m in ("torch", "transformers", "sentence_transformers", "llama_index.core")
               if m in sys.modules],
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp()) / "data"
    for run in ("first start", "later start"):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(data), str(ROOT / "corpus")],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"{run:12}", json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
