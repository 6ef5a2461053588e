"""Draw the recorded random sample of MultiHop articles for the natural benchmark.

Lists the doc_ids of /work/shared/bench/multihop/corpus_index.jsonl sorted, draws
170 of them with random.Random(20261202).sample(...) and writes them to sample.txt
(one doc_id per line, in draw order). Stdlib only.
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
INDEX = os.environ.get("MULTIHOP_INDEX", "/work/shared/bench/multihop/corpus_index.jsonl")
SEED = 20261202
N = 170


def main():
    with open(INDEX, encoding="utf-8") as f:
        ids = sorted(json.loads(line)["doc_id"] for line in f if line.strip())
    drawn = random.Random(SEED).sample(ids, N)
    with open(os.path.join(HERE, "sample.txt"), "w", encoding="utf-8") as f:
        for d in drawn:
            f.write(d + "\n")
    print(f"{len(ids)} doc_ids, drew {len(drawn)} -> sample.txt")


if __name__ == "__main__":
    main()
