"""Build throughput and peak memory, side by side with kiwipiepy tokenising the same text.

Makes a synthetic corpus by recombining the seed articles' sentences under new ids and dates
(deterministic: a fixed random seed), then runs, each in its own process so peak memory is its
own: (1) kiwipiepy alone tokenising every article, (2) the full `kg build` into a fresh store.
Prints a Markdown table for BENCHMARKS.md.

    python bench/build_bench.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TOKENIZE = """
import json, sys
from kiwipiepy import Kiwi
kiwi = Kiwi()
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        n += len(kiwi.tokenize(json.loads(line)["text"]))
print(n)
"""

BUILD = """
import sys
from kg.build import build
from kg.rdf.store import KnowledgeStore
report = build([sys.argv[1]], KnowledgeStore(sys.argv[2]))
print(report.built, report.actions, len(report.problems))
"""


def seed_sentences() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from kg.ingest import Article, iter_articles
    from kg.nlp.morph import analyzer

    nlp = analyzer()
    sentences = []
    for item in iter_articles([ROOT / "seeds"]):
        if isinstance(item, Article):
            sentences += [s.text for s in nlp.sentences(item.text) if len(s.text) > 20]
    return sentences


def make_corpus(path: Path, count: int, sentences: list[str]) -> int:
    rng = random.Random(20240930)
    chars = 0
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            picked = rng.sample(sentences, k=min(len(sentences), rng.randint(8, 20)))
            text = "\n".join(picked)
            chars += len(text)
            date = f"{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            handle.write(json.dumps({"id": f"syn-{i:06d}", "date": date, "text": text}, ensure_ascii=False) + "\n")
    return chars


def measure(code: str, *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of a child Python process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, cwd=ROOT)
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"benchmark child failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        chars = make_corpus(corpus, args.articles, seed_sentences())
        tok_s, tok_mb, tokens = measure(TOKENIZE, str(corpus))
        build_s, build_mb, built = measure(BUILD, str(corpus), str(Path(tmp) / "store"))
        rebuild_s, _, _ = measure(BUILD, str(corpus), str(Path(tmp) / "store"))
    n = args.articles
    print(f"corpus: {n} articles, {chars:,} characters, {int(tokens):,} morphemes; build printed: {built}\n")
    print("| run | seconds | articles/s | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| kiwipiepy tokenise only | {tok_s:.1f} | {n / tok_s:.1f} | {tok_mb:.0f} |")
    print(f"| kg build (full pipeline, fresh store) | {build_s:.1f} | {n / build_s:.1f} | {build_mb:.0f} |")
    print(f"| kg build again (nothing changed) | {rebuild_s:.1f} | {n / rebuild_s:.1f} | |")
    print(f"\nfull build rate / tokenise-only rate: {tok_s / build_s:.2f}")


if __name__ == "__main__":
    main()
