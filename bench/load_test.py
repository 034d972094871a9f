"""A bounded load test of `kg serve` on 127.0.0.1: many clients, mixed requests, memory watched.

`--clients` keep-alive connections (64) send requests for `--seconds` (60), each picking at random
from a fixed mix built from the store itself:

  35%  point lookups by POST /sparql (never cached: every one runs a query)
  15%  point lookups by GET /sparql (the answer cache may repeat them)
  30%  saved queries: entity, export-controls-timeline, is-export-controlled, entities-search
  20%  Linked Data: /id/… as Turtle and as HTML pages

Every request in the mix must answer 200; anything else, or a broken connection, is an error. The
server's resident memory (VmRSS in /proc/PID/status, with its worker processes) is sampled twice a
second; growth is measured from the end of the warm-up (the first 10% of the run, when caches fill) to the end, and the peak.
The run fails (exit 1) if there is any error or the growth exceeds `--rss-bound-mb`.

    python bench/load_test.py                       # 64 clients, 60 s, seeds/ built into a temp folder
    python bench/load_test.py --seconds 5 --clients 16 --store chipgraph-store
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_bench import free_port, start, stop

JSON = "application/sparql-results+json"


def rss_mb(pid: int) -> float:
    """The resident memory of a process and its children (`kg serve --workers`), in MiB, from /proc."""
    total = 0.0
    for member in [pid, *_children(pid)]:
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
                break
        else:
            raise RuntimeError(f"no VmRSS for process {member}")
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _get_json(port: int, query: str) -> dict:
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": JSON})
    return json.load(urllib.request.urlopen(request, timeout=30))


def request_mix(port: int, seed: int = 7) -> list[bytes]:
    """A weighted list of raw HTTP requests (about 1,000) built from what the store holds."""
    host = f"Host: 127.0.0.1:{port}\r\n"
    rows = _get_json(port, "SELECT DISTINCT ?e ?label WHERE { ?e a ?type ; rdfs:label ?label "
                           "FILTER(STRSTARTS(STR(?e), STR(e:))) } ORDER BY ?e ?label")["results"]["bindings"]
    entities = sorted({r["e"]["value"] for r in rows})
    labels = sorted({r["label"]["value"] for r in rows})
    chips = [b["c"]["value"] for b in _get_json(port, "SELECT DISTINCT ?c WHERE { ?c a cg:Chip }")["results"]["bindings"]]
    random.seed(seed)

    def get(path: str, accept: str = JSON) -> bytes:
        return f"GET {path} HTTP/1.1\r\n{host}Accept: {accept}\r\n\r\n".encode()

    def lookup(iri: str) -> str:
        return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"

    def post(iri: str) -> bytes:
        body = urllib.parse.urlencode({"query": lookup(iri)}).encode()
        return (f"POST /sparql HTTP/1.1\r\n{host}Accept: {JSON}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def saved(name: str, **params: str) -> str:
        return f"/queries/{name}?" + urllib.parse.urlencode(params)

    posts = [post(iri) for iri in entities]
    gets = [get("/sparql?" + urllib.parse.urlencode({"query": lookup(iri)})) for iri in entities]
    fragments = sorted({label[: random.randint(1, max(1, len(label)))] for label in labels})[:40]
    saved_queries = ([get(saved("entity", entity=iri)) for iri in entities]
                     + [get(saved("export-controls-timeline", chip=iri)) for iri in chips]
                     + [get(saved("is-export-controlled", chip=iri)) for iri in chips]
                     + [get(saved("entities-search", q=text)) for text in fragments])
    pages = [get("/id/" + iri.split("/id/", 1)[1], accept) for iri in entities
             for accept in ("text/turtle", "text/html")]
    mix: list[bytes] = []
    for share, pool in ((35, posts), (15, gets), (30, saved_queries), (20, pages)):
        mix += random.choices(pool, k=share * 10)
    random.shuffle(mix)
    return mix


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if length:
        await reader.readexactly(int(length.group(1)))
        return status
    while True:  # chunked
        size = int((await reader.readline()).strip(), 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return status


async def _client(port: int, mix: list[bytes], deadline: float, latencies: list[float], errors: list[str],
                  rng: random.Random) -> None:
    reader = writer = None
    while time.perf_counter() < deadline:
        request = rng.choice(mix)
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        latencies.append(time.perf_counter() - started)
        if status != 200:
            errors.append(f"HTTP {status} for {request.split(b' ', 2)[1][:120].decode()}")
    if writer is not None:
        writer.close()


async def _sample(pid: int, deadline: float, samples: list[tuple[float, float]]) -> None:
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        samples.append((time.perf_counter() - start, rss_mb(pid)))
        await asyncio.sleep(0.5)
    samples.append((time.perf_counter() - start, rss_mb(pid)))


async def load(port: int, pid: int, mix: list[bytes], clients: int, seconds: float) -> dict:
    """Run the load; returns requests, errors (first few), rate, latencies and the RSS figures."""
    latencies: list[float] = []
    errors: list[str] = []
    samples: list[tuple[float, float]] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(_sample(pid, deadline, samples),
                         *(_client(port, mix, deadline, latencies, errors, random.Random(n)) for n in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    warm = [rss for at, rss in samples if at >= seconds * 0.1] or [samples[-1][1]]
    n = len(latencies)
    return {"requests": n, "errors": len(errors), "error_examples": errors[:5], "rps": n / elapsed,
            "p50_ms": latencies[n // 2] * 1000 if n else 0.0,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
            "rss_start_mb": samples[0][1], "rss_warm_mb": warm[0], "rss_peak_mb": max(r for _, r in samples),
            "rss_end_mb": samples[-1][1], "rss_growth_mb": samples[-1][1] - warm[0],
            "rss_peak_growth_mb": max(r for _, r in samples) - warm[0]}


def start_server(store: Path, port: int, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--store", str(store),
               "--port", str(port), *args]
    return start(command, f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D")


def run(store: Path, *, clients: int = 64, seconds: float = 60.0, server_args: tuple[str, ...] = ()) -> dict:
    """Start `kg serve` on a free port, load it, stop it; the figures of `load`."""
    port = free_port()
    process = start_server(store, port, *server_args)
    try:
        mix = request_mix(port)
        return asyncio.run(load(port, process.pid, mix, clients, seconds)) | {"distinct_requests": len(set(mix))}
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="a built store (default: build seeds/ into a temporary folder)")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cache-mb", type=float, default=64, help="the server's --cache-mb")
    parser.add_argument("--rss-bound-mb", type=float, default=None,
                        help="largest RSS growth allowed after warm-up [default: cache-mb + 64]")
    args = parser.parse_args()
    bound = args.rss_bound_mb if args.rss_bound_mb is not None else args.cache_mb + 64
    workdir = Path(tempfile.mkdtemp(prefix="kg-load-test-"))
    store = args.store
    try:
        if store is None:
            store = workdir / "store"
            subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--store", str(store),
                            str(ROOT / "seeds")], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        outcome = run(store, clients=args.clients, seconds=args.seconds, server_args=("--cache-mb", str(args.cache_mb)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{args.clients} clients, {args.seconds:g} s, {outcome['distinct_requests']} distinct requests, "
          f"--cache-mb {args.cache_mb:g}, {os.cpu_count()} cores shared by client and server\n")
    print("| requests | errors | requests/s | p50 ms | p99 ms | RSS start MiB | after warm-up | peak | end | growth |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    o = outcome
    print(f"| {o['requests']:,} | {o['errors']} | {o['rps']:,.0f} | {o['p50_ms']:.1f} | {o['p99_ms']:.1f} | "
          f"{o['rss_start_mb']:.0f} | {o['rss_warm_mb']:.0f} | {o['rss_peak_mb']:.0f} | {o['rss_end_mb']:.0f} | "
          f"{o['rss_growth_mb']:+.1f} |")
    for example in o["error_examples"]:
        print("error:", example)
    ok = o["errors"] == 0 and o["rss_growth_mb"] <= bound
    print(f"\n{'PASS' if ok else 'FAIL'}: {o['errors']} errors; RSS growth after warm-up {o['rss_growth_mb']:+.1f} MiB "
          f"(bound {bound:g} MiB)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
