"""Where a one-process build spends its time, next to kiwipiepy tokenising the same articles.

One process, blocks of 256 articles; for each block, in turn: kiwipiepy alone tokenising the
raw texts (the baseline of `bench/scale_bench.py`), reading and cleaning the articles, the
extraction (Kiwi's analysis, the rules and the N-Triples text), and writing the results into a
growing store the way `kg build` does (bulk loads). Alternating block by block puts every stage
under the same machine conditions, which drift by tens of percent over minutes on a shared
machine. CPU time of the whole process: the store's background threads (RocksDB compaction)
are counted in whichever stage is running when they run.

    taskset -c 0 python bench/stage_bench.py --articles 4096
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

from bench.build_bench import make_corpus, seed_sentences  # noqa: E402


def measure(corpus: Path, count: int, block: int = 256) -> dict[str, float]:
    """CPU seconds per stage over `count` articles of `corpus`."""
    from kiwipiepy import Kiwi

    from kg.build import BuildReport, GraphWriter, current_pipeline_version
    from kg.extract import warm_up
    from kg.ingest import Article, iter_articles
    from kg.build.executors import Recipe, chunked, extract_chunk
    from kg.rdf.store import KnowledgeStore

    warm_up()
    plain = Kiwi()
    version = current_pipeline_version()
    with corpus.open(encoding="utf-8") as f:
        raw = [json.loads(line)["text"] for line in itertools.islice(f, count)]
    spent = dict.fromkeys(("tokenise only", "read and clean", "extract", "write"), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(Path(tmp) / "store")
        store.sync_reference()
        writer = GraphWriter(store, BuildReport(executor="serial"), bulk=True)
        articles = (a for a in iter_articles([corpus]) if isinstance(a, Article))
        for start in range(0, len(raw), block):
            clock = time.process_time()
            for text in raw[start:start + block]:
                plain.tokenize(text)
            spent["tokenise only"] += time.process_time() - clock
            clock = time.process_time()
            batch = list(itertools.islice(articles, block))
            spent["read and clean"] += time.process_time() - clock
            clock = time.process_time()
            results = [r for chunk in chunked(batch, 64) for r in extract_chunk(chunk, Recipe(version, 0.0))]
            spent["extract"] += time.process_time() - clock
            clock = time.process_time()
            for result in results:
                writer.add(result)
            spent["write"] += time.process_time() - clock
        clock = time.process_time()
        writer.flush()
        store.flush()
        spent["write"] += time.process_time() - clock
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4096)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(corpus, args.articles, seed_sentences())
        spent = measure(corpus, args.articles)
    build = sum(v for k, v in spent.items() if k != "tokenise only")
    print("| stage | CPU s | ms/article | share of the build |\n| --- | ---: | ---: | ---: |")
    for stage, seconds in spent.items():
        share = "" if stage == "tokenise only" else f"{100 * seconds / build:.0f}%"
        print(f"| {stage} | {seconds:.1f} | {1000 * seconds / args.articles:.2f} | {share} |")
    print(f"\ntokenise-only rate / build-stages rate, same process, block by block: "
          f"{spent['tokenise only'] / build:.2f}")


if __name__ == "__main__":
    main()
