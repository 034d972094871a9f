"""Linked Data pages and saved-query first pages on a 50,000-article store, next to the seeds.

Builds the synthetic corpus of bench/build_bench.py (`make_corpus`: the seed sentences recombined
under new ids and dates) into `--cache` once (`kg build --jobs N`, under `nice`; about 40 minutes
on 2 busy cores) and reuses it on later runs (built again: nothing is extracted, and the answers
of the saved queries marked `materialise:` are kept anew if the queries changed); builds seeds/
into a temporary store. Then starts
`kg serve --cache-mb 0` on both (every request runs its queries; no answer cache) and asks each
page of the list below of both servers in turn, one request at a time, `--requests` times or for
at most `--budget` seconds, so both see the same state of the machine. Reported per page and store:
the first answer after the server started (cold: the names and dates a page keeps per store are
read then), then p50 and p99 of the rest, and the status when it is not 200.

Pages: the entity pages of the busiest entities (nvidia, china, united-states), one deep page
(?page=20), an article page, and the first page (`_size=100`, JSON) of every saved query that
needs no network; a saved query's required parameter gets `nvidia`.

    python bench/pages_bench.py                        # the store in /work/scale/pages-50k
    python bench/pages_bench.py --cache DIR --articles 50000 --requests 50
    python bench/pages_bench.py --pages-only           # the Linked Data pages only, about 3 minutes
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
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from build_bench import make_corpus, seed_sentences
from server_bench import free_port, start, stop

ENTITIES = ("nvidia", "china", "united-states")


def cached_store(cache: Path, articles: int, jobs: int) -> Path:
    """The store of `articles` synthetic articles in `cache`, built unless a finished build is
    there; a cached store is built again (nothing changes, so nothing is extracted), which keeps
    the saved answers current for this code's queries (`materialise:`, kg.query.answers)."""
    store, done, corpus = cache / "store", cache / f"built-{articles}", cache / "corpus.jsonl"
    if not done.exists():
        cache.mkdir(parents=True, exist_ok=True)
        make_corpus(corpus, articles, seed_sentences())
    started = time.perf_counter()
    subprocess.run(["nice", "-n", "10", sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store),
                    "--jobs", str(jobs)], check=True, cwd=ROOT)
    if not done.exists():
        done.write_text(f"{time.perf_counter() - started:.0f} s\n")
    return store


def seed_store(folder: Path) -> Path:
    store = folder / "seeds-store"
    subprocess.run([sys.executable, "-m", "kg", "build", "--store", str(store)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return store


def serve(store: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = start([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port),
                     "--cache-mb", "0", "--timeout", str(timeout)], base + "prefixes.json")
    return process, base


def get(url: str, accept: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - started


def pages(servers: dict[str, str], queries: bool = True) -> list[tuple[str, dict[str, str], str]]:
    """(label, path on each server, Accept) of every page measured (without `queries`, only the
    Linked Data pages); the article is each store's first (by identifier) article with actions."""
    listed = json.loads(urllib.request.urlopen(next(iter(servers.values())) + "queries", timeout=60).read())["queries"]
    html = "text/html"
    chosen = [(f"entity {key}", dict.fromkeys(servers, f"id/entity/{key}"), html) for key in ENTITIES]
    chosen.append(("entity nvidia, page 20", dict.fromkeys(servers, "id/entity/nvidia?page=20"), html))
    chosen.append(("article", {name: first_article(base) for name, base in servers.items()}, html))
    for saved in listed if queries else ():
        if saved["name"].startswith("federated-"):
            continue
        params = {p["name"]: "nvidia" for p in saved["parameters"] if p["required"] and p["default"] is None}
        path = f"queries/{saved['name']}?" + urllib.parse.urlencode({**params, "_size": 100})
        chosen.append((f"query {saved['name']}", dict.fromkeys(servers, path),
                       "application/sparql-results+json, text/turtle;q=0.9"))
    return chosen


def first_article(base: str) -> str:
    query = """SELECT ?a WHERE { ?a a cg:Article ; dcterms:identifier ?id
               FILTER EXISTS { ?x prov:wasDerivedFrom ?a } } ORDER BY ?id LIMIT 1"""
    answer = urllib.request.urlopen(base + "sparql?" + urllib.parse.urlencode({"query": query}), timeout=600).read()
    return "id/" + json.loads(answer)["results"]["bindings"][0]["a"]["value"].split("/id/", 1)[1]


def measure(servers: dict[str, str], chosen: list[tuple[str, dict[str, str], str]], requests: int,
            budget: float, restart) -> list[dict]:
    """Each page of each server in turn; a server that answered 503 is restarted by `restart(name)`
    (which gives its new address), because the query it abandoned goes on using a core."""
    rows = []
    for label, paths, accept in chosen:
        times: dict[str, list[float]] = {name: [] for name in servers}
        statuses: dict[str, set[int]] = {name: set() for name in servers}
        spent = dict.fromkeys(servers, 0.0)
        while any(len(times[n]) < requests + 1 and spent[n] < budget for n in servers):
            for name, base in servers.items():  # the stores in turn, one request each
                if len(times[name]) < requests + 1 and spent[name] < budget:
                    status, seconds = get(base + paths[name], accept)
                    times[name].append(seconds)
                    statuses[name].add(status)
                    spent[name] += seconds
        rows.append({"page": label, **{name: (times[name], statuses[name]) for name in servers}})
        for name in [n for n in servers if 503 in statuses[n]]:
            servers[name] = restart(name)
        print(f"  {label}: " + "; ".join(_cell(*rows[-1][n]) for n in servers), file=sys.stderr, flush=True)
    return rows


def _cell(times: list[float], statuses: set[int]) -> str:
    cold = f"{1000 * times[0]:.0f}"
    rest = sorted(times[1:])
    if not rest:
        shown = f"{cold} | | | 1"
    else:
        p99 = rest[min(len(rest) - 1, round(0.99 * (len(rest) - 1)))]
        shown = f"{cold} | {1000 * statistics.median(rest):.0f} | {1000 * p99:.0f} | {len(rest)}"
    bad = sorted(statuses - {200})
    return shown + (f" ({', '.join(map(str, bad))})" if bad else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path("/work/scale/pages-50k"),
                        help="folder of the large store (built there once, reused)")
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page and store (after the first)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds at most per page and store")
    parser.add_argument("--timeout", type=float, default=30.0, help="kg serve --timeout")
    parser.add_argument("--pages-only", action="store_true", help="only the entity and article pages")
    args = parser.parse_args()
    big = cached_store(args.cache, args.articles, args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        small = seed_store(Path(tmp))
        stores = {"seeds": small, f"{args.articles:,} articles": big}
        running = {name: serve(store, args.timeout) for name, store in stores.items()}

        def restart(name: str) -> str:
            stop(running[name][0])
            running[name] = serve(stores[name], args.timeout)
            return running[name][1]

        try:
            servers = {name: base for name, (_, base) in running.items()}
            rows = measure(servers, pages(servers, not args.pages_only), args.requests, args.budget, restart)
        finally:
            for process, _ in running.values():
                stop(process)
    names = list(stores)
    print("\n| page | " + " | ".join(f"{n}: {c}" for n in names for c in ("first (ms)", "p50", "p99", "runs")) + " |")
    print("| --- |" + " ---: | ---: | ---: | ---: |" * len(names))
    for row in rows:
        print(f"| {row['page']} | " + " | ".join(_cell(*row[n]) for n in names) + " |")


if __name__ == "__main__":
    main()
