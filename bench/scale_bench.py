"""Build throughput and peak memory at several corpus sizes, per executor; query latency.

For each size: a synthetic corpus (seed sentences recombined under new ids and dates, as in
`bench/build_bench.py`, fixed random seed), then, each in its own process tree whose summed RSS
is sampled every 0.1 s: kiwipiepy tokenising the same text alone (one core), `kg build` on one
core (`--rounds` times, with the tokenise-only run repeated after each build, so every build sits
between two baselines: the shared machine's speed drifts by tens of percent over minutes), on
every core (`--jobs`), and on a Dask LocalCluster; finally a no-change rebuild. With
`--queries`, every saved query runs `--repeat` times against the largest size's graph (built
by the last executor listed) and p50/p99 latencies are printed. Prints Markdown for BENCHMARKS.md.

    python bench/scale_bench.py --sizes 1000 10000 --executors serial processes dask
    python bench/scale_bench.py --sizes 50000 --executors processes --queries
    python bench/scale_bench.py --sizes 1000 10000 --executors serial --cpus 0 --rounds 2   # one core
    python bench/scale_bench.py --queries-only STORE --repeat 5 --query-limit 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_bench import TOKENIZE, make_corpus, seed_sentences  # noqa: E402

BUILD = """
import sys
from kg.build import build
from kg.rdf.store import KnowledgeStore
if __name__ == "__main__":
    executor, jobs = sys.argv[3], int(sys.argv[4])
    report = build([sys.argv[1]], KnowledgeStore(sys.argv[2]), executor=executor, jobs=jobs)
    print(report.built, report.unchanged, report.actions, len(report.problems))
"""

QUERY = """
import json, sys, time
from kg.query import load_saved_queries, run_query
from kg.rdf.store import KnowledgeStore
store = KnowledgeStore(sys.argv[1], read_only=True)
saved = load_saved_queries()[sys.argv[2]]
# required parameters only: a name for text and entities (entities-search, entity), an action for IRIs
ACTION = ("SELECT ?a WHERE { GRAPH ?g { ?a a <https://w3id.org/chipgraph/ontology#ExportControl> } } "
          "ORDER BY ?a LIMIT 1")
params = {}
for p in saved.parameters:
    if p.required and not p.default:
        params[p.name] = next(iter(store.query(ACTION)))["a"].value if p.type == "iri" else "nvidia"
times = []
for _ in range(int(sys.argv[3]) + 1):  # the first run warms up and is not counted
    t = time.perf_counter()
    result = run_query(store, saved, params)
    times.append(time.perf_counter() - t)
    print(json.dumps([times[1:], len(result), result.kind]), flush=True)
"""


def query_latency(store: Path, repeat: int, limit: float, only: list[str] | None = None) -> None:
    """Each saved query (or those in `only`) in its own process, `repeat` timed runs, at most
    `limit` seconds in all."""
    from kg.query import load_saved_queries

    saved_queries = load_saved_queries()
    unknown = sorted(set(only or ()) - set(saved_queries))
    if unknown:
        raise SystemExit(f"no saved query named {', '.join(unknown)}; see queries/")
    print("\n| query | rows | runs | p50 (ms) | p99 (ms) |\n| --- | ---: | ---: | ---: | ---: |")
    for name, saved in saved_queries.items():
        if only and name not in only:
            continue
        if _needs_network(saved):
            print(f"| {name} | | 0 | needs the network (SERVICE to a remote endpoint) | |", flush=True)
            continue
        try:
            done = subprocess.run([sys.executable, "-c", QUERY, str(store), name, str(repeat)], cwd=ROOT,
                                  capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            runs = max(0, len(out.splitlines()) - 1)
            print(f"| {name} | | {runs} | over {limit:.0f} s | |", flush=True)
            continue
        if not done.stdout.strip():
            print(f"| {name} | | 0 | failed: {(done.stderr.strip().splitlines() or [''])[-1][:80]} | |", flush=True)
            continue
        times, rows, kind = json.loads(done.stdout.strip().splitlines()[-1])
        rows = {"ASK": "ASK", "CONSTRUCT": f"{rows} triples", "DESCRIBE": f"{rows} triples"}.get(kind, rows)
        times.sort()
        p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
        print(f"| {name} | {rows} | {len(times)} | {1000 * statistics.median(times):.1f} | {1000 * p99:.1f} |",
              flush=True)


def _needs_network(saved) -> bool:
    """A federated query whose SERVICE endpoint defaults to a remote host."""
    from urllib.parse import urlsplit

    return any(p.name == "endpoint" and p.default and urlsplit(str(p.default)).hostname not in ("127.0.0.1", "localhost")
               for p in saved.parameters)


def measure(code: str, *args: str, cpus: set[int] | None = None) -> tuple[float, float, float, float, str]:
    """Wall seconds, CPU seconds of the process tree, peak summed RSS of the tree (MiB), peak
    of one process (MiB), stdout. CPU seconds are less disturbed than wall seconds by other
    work on a shared machine. `cpus`: pin the child (all its threads and children) to them."""
    import psutil

    started = time.perf_counter()
    out = tempfile.TemporaryFile()
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, cwd=ROOT, preexec_fn=pin)
    root = psutil.Process(child.pid)
    peak_tree = peak_one = 0
    status = None
    while status is None:
        try:
            procs = [root, *root.children(recursive=True)]
            rss = []
            for p in procs:
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            peak_tree = max(peak_tree, sum(rss))
            peak_one = max(peak_one, max(rss, default=0))
        except psutil.Error:
            pass
        time.sleep(0.1)
        pid, raw, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            status = raw
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"benchmark child failed with status {child.returncode}")
    out.seek(0)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, peak_tree / 2**20, peak_one / 2**20, out.read().decode().strip()


def print_rows(rows: list[tuple]) -> None:
    """The table, then the ratios the issue sets targets for."""
    print("| articles | run | seconds | articles/s | ms/article | CPU s | peak RSS, all processes (MiB) "
          "| largest process (MiB) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, label, s, cpu, tree, one in rows:
        print(f"| {n:,} | {label} | {s:.1f} | {n / s:.1f} | {1000 * s / n:.1f} | {cpu:.1f} | {tree:.0f} | {one:.0f} |")
    print()
    for n in sorted({row[0] for row in rows}):
        ratios = one_core_ratios([row for row in rows if row[0] == n])
        if ratios:
            wall, cpu = zip(*ratios)
            each = ", ".join(f"{w:.2f}" for w in wall)
            print(f"- {n:,} articles: one-core build rate / tokenise-only rate = {statistics.median(wall):.2f} "
                  f"(wall), {statistics.median(cpu):.2f} (CPU); median of {len(wall)} build(s): {each}")
    serial = {n: s for n, label, s, *_ in rows if label == "kg build --jobs 1"}
    sizes = sorted(serial)
    for small, large in zip(sizes, sizes[1:]):
        per = [serial[n] / n for n in (small, large)]
        print(f"- per-article time, {large:,} vs {small:,} articles (one core): {per[1] / per[0]:.2f}×")


def one_core_ratios(rows: list[tuple]) -> list[tuple[float, float]]:
    """(wall, CPU) rate ratios of each one-process build to the tokenise-only runs on either side
    of it (their mean): the machine's speed drifts over minutes, and a build measured between two
    baselines is compared with the speed the machine had around it."""
    ratios = []
    for i, (_, label, s, cpu, *_) in enumerate(rows):
        if label != "kg build --jobs 1":
            continue
        around = [r for r in (_nearest(rows[:i][::-1]), _nearest(rows[i + 1:])) if r is not None]
        if around:
            ratios.append((statistics.mean(r[2] for r in around) / s, statistics.mean(r[3] for r in around) / cpu))
    return ratios


def _nearest(rows: list[tuple]) -> tuple | None:
    return next((r for r in rows if r[1].startswith("kiwipiepy")), None)


def tokenise_row(n: int, corpus: Path, cpus: set[int] | None) -> tuple:
    s, cpu, tree, one, _ = measure(TOKENIZE, str(corpus), cpus=cpus)
    row = (n, "kiwipiepy tokenise only (1 core)", s, cpu, tree, one)
    print(row, file=sys.stderr, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--executors", nargs="+", default=["serial", "processes", "dask"])
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--no-tokenise", action="store_true", help="skip the tokenise-only runs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="one-process builds per size, each followed by a tokenise-only run "
                             "(the ratio compares each build with the baselines on either side)")
    parser.add_argument("--queries", action="store_true", help="query latency on the largest graph")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--query-limit", type=float, default=60.0, help="seconds per query, all runs")
    parser.add_argument("--queries-only", type=Path, help="only time the saved queries on this store")
    parser.add_argument("--only", nargs="+", metavar="QUERY", help="time only these saved queries")
    parser.add_argument("--keep", type=Path, help="keep corpora and stores under this folder")
    parser.add_argument("--cpus", type=int, nargs="+",
                        help="pin the measured processes to these CPUs (--cpus 0: truly one core, "
                             "the store's background threads included)")
    args = parser.parse_args()
    cpus = set(args.cpus) if args.cpus else None
    if args.queries_only:
        query_latency(args.queries_only, args.repeat, args.query_limit, args.only)
        return
    sentences = seed_sentences()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    store = None
    for n in args.sizes:
        corpus = workdir / f"corpus-{n}.jsonl"
        chars = make_corpus(corpus, n, sentences)
        print(f"corpus: {n} articles, {chars:,} characters", file=sys.stderr, flush=True)
        tokenise = not args.no_tokenise
        if tokenise:
            rows.append(tokenise_row(n, corpus, cpus))
        for executor in args.executors:
            jobs = 1 if executor == "serial" else args.jobs
            label = {"serial": "kg build --jobs 1", "processes": f"kg build --jobs {jobs}",
                     "dask": f"kg build --executor dask (LocalCluster, {jobs} workers)"}[executor]
            for round_no in range(args.rounds if executor == "serial" else 1):
                store = workdir / f"store-{n}-{executor}-{round_no}"
                s, cpu, tree, one, printed = measure(BUILD, str(corpus), str(store), executor, str(jobs), cpus=cpus)
                rows.append((n, label, s, cpu, tree, one))
                print(rows[-1], printed, file=sys.stderr, flush=True)
                if executor == "serial" and tokenise:  # the baseline again after each build: A B A B A
                    rows.append(tokenise_row(n, corpus, cpus))
        s, cpu, tree, one, printed = measure(BUILD, str(corpus), str(store), "processes", str(args.jobs), cpus=cpus)
        rows.append((n, "kg build again, nothing changed", s, cpu, tree, one))
        print(rows[-1], printed, file=sys.stderr, flush=True)
    print_rows(rows)
    if args.queries and store is not None:
        print(f"\nSaved queries on the {args.sizes[-1]:,}-article graph ({store.name}), {args.repeat} runs "
              f"each after a warm-up, at most {args.query_limit:.0f} s per query:")
        query_latency(store, args.repeat, args.query_limit)
    print(f"\n(work folder: {workdir})", file=sys.stderr)


if __name__ == "__main__":
    main()
