"""What the keyword-spam run test (`kg.ingest.spam.drop_spam_runs`) adds to cleaning.

One process, alternating block by block: `clean_article` as shipped, and the same with the
run test replaced by "keep every line", over the raw texts of the seeds (with their page
chrome and spam) and of synthetic articles made of seed sentences. Prints CPU seconds and
the ratio; alternating keeps both under the same machine conditions.

    python bench/spam_bench.py --articles 4000
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_bench import make_corpus, seed_sentences


def raw_texts(count: int) -> list[str]:
    """`count` raw article texts: the seed files as read from disk, then synthetic articles."""
    seeds = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(corpus, count, seed_sentences())
        with corpus.open(encoding="utf-8") as f:
            synthetic = [json.loads(line)["text"] for line in f]
    return list(itertools.islice(itertools.cycle(seeds), count // 10)) + synthetic[:count - count // 10]


def measure(texts: list[str], rounds: int, block: int = 200) -> dict[str, float]:
    """CPU seconds of cleaning `texts` `rounds` times with and without the run test."""
    from kg.ingest import clean, spam

    shipped = spam.drop_spam_runs
    spent = {"with the run test": 0.0, "without": 0.0}
    for _ in range(rounds):
        for start in range(0, len(texts), block):
            for label, runs in (("with the run test", shipped), ("without", lambda lines, bp: (lines, []))):
                clean.drop_spam_runs = runs
                clock = time.process_time()
                for text in texts[start:start + block]:
                    clean.clean_article(text)
                spent[label] += time.process_time() - clock
    clean.drop_spam_runs = shipped
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = raw_texts(args.articles)
    spent = measure(texts, args.rounds)
    per = {k: v / (len(texts) * args.rounds) * 1000 for k, v in spent.items()}
    for label, seconds in spent.items():
        print(f"{label:18} {seconds:7.2f} s CPU  {per[label]:.3f} ms/article")
    print(f"ratio with/without: {spent['with the run test'] / spent['without']:.2f}")


if __name__ == "__main__":
    main()
