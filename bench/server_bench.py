"""HTTP throughput and latency of `kg serve`, side by side with `oxigraph serve-read-only`.

The servers run at once, read-only on the same store (built from seeds/ unless --store is given):
`kg serve` as it comes (one worker process per core; repeated answers come from each worker's
response cache), `kg serve --cache-mb 0` (every request runs its query), the same with
`--workers 1` (what one process does), and Oxigraph with --union-default-graph, so that all
answer the same queries the same way.

Each scenario is loaded by `--clients` concurrent keep-alive connections for `--seconds` (after a
half-second warm-up) in `--rounds` rounds that take the servers in turn; the best round of each
server is reported (requests per second, p50/p99 latency), which damps the effect of other work on
the machine. The load generator is a lean asyncio Protocol client (uvloop when installed) in this
process: it parses only the status line and the length of each answer, so it takes less CPU from
the servers than a stream-based client would (wrk is not installed here). Prints a Markdown table
for BENCHMARKS.md, then each target of issue 15 with the ratio measured in this run.

Scenarios:
  point lookup   every triple about one entity: GET /sparql?query=… (Oxigraph: GET /query?query=…)
  ASK {}         the smallest query: what the per-request path costs
  /queries       the saved-query list as HTML (kg serve only: Oxigraph has no such page)
  saved query    /queries/export-controls-timeline?chip=H20 and /queries/entities-search?q=화웨이;
                 Oxigraph has no saved queries, so it gets the same SPARQL text with the bound
                 parameter as a VALUES block at the top of the WHERE clause (the rows are checked
                 to be the same number).

With `--limits`, it measures instead how fast `kg serve --timeout 1 --client-timeout 1` answers
what it must cut off, answer cache off (the figures tests/test_server_limits.py does not assert): a runaway query's
503, a quick query's latency while runaways hold query threads, a slow head's and a slow body's
408, and the 413 of a body declared too large.

    python bench/server_bench.py            # about 4 minutes on 2 cores
    python bench/server_bench.py --rounds 5 --store chipgraph-store
    python bench/server_bench.py --only "point lookup" --only "ASK {}"
    python bench/server_bench.py --limits   # about 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POINT = "SELECT ?p ?o WHERE { <https://w3id.org/chipgraph/id/entity/nvidia> ?p ?o }"
SAVED = (("export-controls-timeline", {"chip": "H20"}), ("entities-search", {"q": "화웨이"}))
KG, KG_UNCACHED, KG_ONE = "kg serve", "kg serve --cache-mb 0", "kg serve --cache-mb 0 --workers 1"
OXIGRAPH = "oxigraph serve-read-only"
SERVERS = (KG, KG_UNCACHED, KG_ONE, OXIGRAPH)
JSON = "application/sparql-results+json"


@dataclass
class Scenario:
    name: str
    kg_path: str  # path and query string on kg serve
    ox_path: str | None  # the same question to Oxigraph (None: it has no such page)
    accept: str = JSON


def scenarios(store: Path) -> list[Scenario]:
    from kg.namespaces import PREFIXES
    from kg.query import bind_parameters, load_saved_queries
    from kg.rdf.store import KnowledgeStore

    quote = urllib.parse.quote
    found = [Scenario("point lookup", "/sparql?query=" + quote(POINT), "/query?query=" + quote(POINT)),
             Scenario("ASK {}", "/sparql?query=" + quote("ASK {}"), "/query?query=" + quote("ASK {}")),
             Scenario("/queries", "/queries", None, "text/html")]
    saved = load_saved_queries()
    knowledge = KnowledgeStore(store, read_only=True)
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    for name, params in SAVED:
        bound = bind_parameters(knowledge, saved[name], params)
        values = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in bound.items())
        text = re.sub(r"\bWHERE\s*\{", lambda m: m.group(0) + " " + values, saved[name].sparql, count=1)
        label = ", ".join(f"{k}={v}" for k, v in params.items())
        found.append(Scenario(f"saved query {name} ({label})", f"/queries/{name}?" + urllib.parse.urlencode(params),
                              "/query?query=" + quote(prefixes + text)))
    del knowledge
    return found


# ------------------------------------------------------------------------------------------------
# Servers
# ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], probe: str) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} exited: {process.stderr.read().decode()}")
        try:
            urllib.request.urlopen(probe, timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{' '.join(command)} did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------------------
# Load
# ------------------------------------------------------------------------------------------------


class _Client(asyncio.Protocol):
    """One keep-alive connection sending `request` again as soon as each answer is complete."""

    def __init__(self, request: bytes, deadline: float, latencies: list[float], errors: list[int],
                 done: asyncio.Future) -> None:
        self.request, self.deadline, self.latencies, self.errors, self.done = request, deadline, latencies, errors, done
        self.buffer = b""
        self.started = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end]
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length:
            if len(self.buffer) < end + 4 + int(length.group(1)):
                return
        elif not self.buffer.endswith(b"\r\n0\r\n\r\n"):  # chunked: the last chunk has come
            return
        now = time.perf_counter()
        self.latencies.append(now - self.started)
        if head[9:12] != b"200":
            self.errors.append(int(head[9:12]))
        self.buffer = b""
        if now < self.deadline:
            self._send()
        else:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def load(port: int, path: str, clients: int, seconds: float, accept: str = JSON) -> dict:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode()
    latencies: list[float] = []
    errors: list[int] = []
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    finished = []
    for _ in range(clients):
        done = loop.create_future()
        await loop.create_connection(lambda done=done: _Client(request, started + seconds, latencies, errors, done),
                                     "127.0.0.1", port)
        finished.append(done)
    await asyncio.gather(*finished)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, "errors": len(errors),
            "requests": len(latencies)}


def rows_of(port: int, path: str, accept: str = JSON) -> int | str:
    """The rows of a SELECT answer, the boolean of an ASK, the size of a page (what must agree)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": accept})
    body = urllib.request.urlopen(request).read()
    if accept != JSON:
        return f"{len(body):,} bytes"
    answer = json.loads(body)
    return str(answer["boolean"]) if "boolean" in answer else len(answer["results"]["bindings"])


# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def exchange(port: int, data: bytes, wait: float = 30.0) -> tuple[int | None, float]:
    """Send raw bytes on a new connection: (the answer's status or None, seconds until it came)."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        try:
            head = sock.recv(64)
        except (TimeoutError, ConnectionResetError):
            head = b""
    seconds = time.perf_counter() - started
    return (int(head[9:12]) if head.startswith(b"HTTP/1.1 ") else None), seconds


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()


def limits(store: Path, quick_requests: int = 20) -> None:
    """Time what `kg serve` cuts off, and a quick query beside two runaways; prints a table."""
    port = free_port()
    command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--store", str(store), "--port",
               str(port), "--timeout", "1", "--client-timeout", "1", "--max-body", "100000", "--cache-mb", "0"]
    process = start(command, f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D")
    rows = []
    try:
        rows.append(("runaway query (cartesian product)", "503 at --timeout 1 s",
                     *exchange(port, get("/sparql?query=" + urllib.parse.quote(RUNAWAY)))))
        runaways = [threading.Thread(target=exchange, args=(port, get("/sparql?query=" + urllib.parse.quote(RUNAWAY))))
                    for _ in range(2)]
        for thread in runaways:
            thread.start()
        time.sleep(0.2)
        quick = [exchange(port, get("/sparql?query=" + urllib.parse.quote(POINT))) for _ in range(quick_requests)]
        for thread in runaways:
            thread.join()
        rows.append((f"quick query beside 2 runaways (median of {quick_requests})", "200 at once",
                     quick[0][0], statistics.median(seconds for _, seconds in quick)))
        rows.append(("request head never finished", "408 at --client-timeout 1 s",
                     *exchange(port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ")))
        rows.append(("body never finished", "408 at --client-timeout 1 s",
                     *exchange(port, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                     b"Content-Length: 100\r\n\r\nASK {")))
        rows.append(("body declared larger than --max-body", "413 at once, unread",
                     *exchange(port, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                     b"Content-Length: 50000000\r\n\r\nASK {}")))
    finally:
        stop(process)
    print("| request | expected | status | seconds |")
    print("| --- | --- | ---: | ---: |")
    for what, expected, status, seconds in rows:
        print(f"| {what} | {expected} | {status} | {seconds:.4f} |")


TARGETS = (("point lookup", KG_UNCACHED, 0.30), ("point lookup", KG, 0.90))
RATE_TARGETS = (("ASK {}", KG, 8000), ("/queries", KG, 8000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="a built store (default: build seeds/ into a temporary folder)")
    parser.add_argument("--seconds", type=float, default=2.5, help="measured seconds per round, scenario and server")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best round is reported")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--only", action="append", metavar="SCENARIO", help="run only this scenario (repeatable)")
    parser.add_argument("--limits", action="store_true", help="time the server's limits instead (see above)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kg-server-bench-"))
    store = args.store
    if store is None:
        store = workdir / "store"
        subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--store", str(store),
                        str(ROOT / "seeds")], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    if args.limits:
        try:
            limits(store)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    try:
        import uvloop
        run = uvloop.run
    except ImportError:
        run = asyncio.run

    plan = [s for s in scenarios(store) if not args.only or s.name in args.only]
    kg = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--store", str(store), "--port"]
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    ports = {name: free_port() for name in SERVERS}
    commands = {KG: kg + [str(ports[KG])], KG_UNCACHED: kg + [str(ports[KG_UNCACHED]), "--cache-mb", "0"],
                KG_ONE: kg + [str(ports[KG_ONE]), "--cache-mb", "0", "--workers", "1"],
                OXIGRAPH: [oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{ports[OXIGRAPH]}",
                           "--union-default-graph"]}
    probes = {name: f"http://127.0.0.1:{port}/{'query' if name == OXIGRAPH else 'sparql'}?query=ASK%7B%7D"
              for name, port in ports.items()}
    servers = {name: (start(commands[name], probes[name]), ports[name]) for name in SERVERS}
    results = []
    try:
        for scenario in plan:
            paths = {KG: scenario.kg_path, KG_UNCACHED: scenario.kg_path, KG_ONE: scenario.kg_path,
                     OXIGRAPH: scenario.ox_path}
            names = [name for name in servers if paths[name] is not None]
            counts = {name: rows_of(servers[name][1], paths[name], scenario.accept) for name in names}
            if len(set(counts.values())) != 1:
                raise SystemExit(f"{scenario.name}: the servers disagree on the answer: {counts}")
            best: dict[str, dict] = {}
            for round_ in range(args.rounds):  # interleaved, so a burst of other load hits all servers
                order = names[round_ % len(names):] + names[:round_ % len(names)]
                for name in order:
                    port = servers[name][1]
                    run(load(port, paths[name], args.clients, 0.5, scenario.accept))  # warm-up
                    outcome = run(load(port, paths[name], args.clients, args.seconds, scenario.accept))
                    if name not in best or outcome["rps"] > best[name]["rps"]:
                        best[name] = outcome
            for name in names:
                results.append((scenario.name, name, counts[name], best[name]))
                print(f"{scenario.name:55} {name:36} {best[name]['rps']:8.0f} req/s", file=sys.stderr)
    finally:
        for process, _ in servers.values():
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    report(results, args, os.getloadavg())


def report(results: list[tuple[str, str, object, dict]], args: argparse.Namespace, load_average: tuple) -> None:
    """The Markdown table, then each target with what this run measured."""
    print(f"\n{args.clients} concurrent keep-alive clients; best of {args.rounds} interleaved rounds of "
          f"{args.seconds:g} s; {os.cpu_count()} cores shared by the client and the servers; load average at the "
          f"end {load_average[0]:.1f}\n")
    print("| scenario | server | answer | requests/s | p50 ms | p99 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for scenario, name, rows, o in results:
        print(f"| {scenario} | {name} | {rows} | {o['rps']:,.0f} | {o['p50']:.2f} | {o['p99']:.2f} | {o['errors']} |")
    rps = {(scenario, name): o["rps"] for scenario, name, _, o in results}
    print()
    for scenario, name, target in TARGETS:
        if (scenario, name) in rps and (scenario, OXIGRAPH) in rps:
            ratio = rps[scenario, name] / rps[scenario, OXIGRAPH]
            print(f"- {scenario}, {name}: {ratio:.2f}× Oxigraph (target ≥ {target:.2f}×): "
                  f"{'met' if ratio >= target else 'NOT met'}")
    if ("point lookup", KG_ONE) in rps and ("point lookup", OXIGRAPH) in rps:
        print(f"- point lookup, {KG_ONE}: {rps['point lookup', KG_ONE] / rps['point lookup', OXIGRAPH]:.2f}× Oxigraph "
              "(one process)")
    for scenario, name, target in RATE_TARGETS:
        if (scenario, name) in rps:
            print(f"- {scenario}, {name}: {rps[scenario, name]:,.0f} requests/s (target ≥ {target:,}): "
                  f"{'met' if rps[scenario, name] >= target else 'NOT met'}")


if __name__ == "__main__":
    main()
