"""What only a real `kg serve` on 127.0.0.1 shows: runaway queries and SERVICE calls that only
the end of the process stops, path traversal, oversized and slow requests and raw bytes as uvicorn
and `kg.server.http` meet them, the token kept out of the logs, and a short bounded load test.

Every server is a real `kg serve` subprocess on a free port (`ServerProcess`); the "black hole" is
a socket on 127.0.0.1 that accepts connections and never answers. Raw sockets send what an HTTP
client library would refuse to send (unnormalised paths, huge or unfinished heads). How fast the
limits answer is measured by `bench/server_bench.py --limits`, not asserted here.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.sparql_protocol_runner import BlackHole, ServerProcess

ROOT = Path(__file__).resolve().parents[1]
LABELS = "SELECT ?label WHERE { e:nvidia rdfs:label ?label }"
WIKIDATA = "https://query.wikidata.org/sparql"
TOKEN = "s3cret-Token-4f9a1c7e2b"


@pytest.fixture(scope="module")
def server(seed_store_path):
    with ServerProcess(seed_store_path, "--timeout", "2", "--client-timeout", "1", "--max-body", "100000") as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def raw(port: int, data: bytes, *, wait: float = 5.0) -> tuple[int | None, bytes]:
    """Send bytes on a fresh connection and read until the server closes it or a whole response
    has come; (status or None if nothing came, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(body) >= length:
                break
    if not received.startswith(b"HTTP/1.1 "):
        return None, received
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head[9:12]), body


# ------------------------------------------------------------------------------------------------
# Runaway queries
# ------------------------------------------------------------------------------------------------

RUNAWAY = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "property path over everything": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c (!<urn:p>)+ ?d }",
}


def test_runaway_queries_and_an_allowed_black_hole_are_abandoned_at_the_timeout(seed_store_path):
    """Queries pyoxigraph cannot cancel, in a real process (its end stops them). Order of events,
    not speed: a quick query is answered while the runaways hold threads, before any of them is
    abandoned; each runaway gets 503 (none would ever finish); once more black holes than threads
    are stuck, quick queries are still answered 200 (a stuck thread is replaced)."""
    with BlackHole() as hole, \
            ServerProcess(seed_store_path, "--timeout", "2", "--allow-service", hole.url) as server, \
            httpx.Client(base_url=server.url, timeout=30) as http:
        black_hole = f"SELECT * WHERE {{ SERVICE <{hole.url}> {{ ?s ?p ?o }} }}"
        statuses: list[int] = []

        def send_all(queries: list[str]) -> list[threading.Thread]:
            def send(query: str) -> None:
                statuses.append(http.get("sparql", params={"query": query}).status_code)

            senders = [threading.Thread(target=send, args=(q,)) for q in queries]
            for sender in senders:
                sender.start()
            return senders

        def join(senders: list[threading.Thread]) -> None:
            for sender in senders:
                sender.join(30)
            assert not any(sender.is_alive() for sender in senders)

        # fewer runaways than query threads: the server answers others meanwhile
        senders = send_all([black_hole] * 4 + list(RUNAWAY.values()))
        deadline = time.monotonic() + 30
        while len(hole.accepted) < 4 and time.monotonic() < deadline:  # the black-hole queries run
            time.sleep(0.01)
        assert http.get("sparql", params={"query": LABELS}).status_code == 200
        assert statuses == []  # answered before any runaway was abandoned
        join(senders)
        assert statuses == [503] * 6
        # more black holes than threads: each stuck thread is replaced, so quick queries still run
        statuses.clear()
        join(send_all([black_hole] * 12))
        assert statuses == [503] * 12
        statuses.clear()
        join(send_all([LABELS] * 8))
        assert statuses == [200] * 8
        saved = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": WIKIDATA},
                         headers={"Accept": "application/json"})
        assert saved.status_code == 403 and "--allow-service" in saved.text  # the option replaces the default


# ------------------------------------------------------------------------------------------------
# Paths, heads, bodies, slow clients
# ------------------------------------------------------------------------------------------------

TRAVERSALS = [
    "/queries/../../../../etc/passwd", "/queries/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/queries/%2e%2e%2fserver.py",
    "/queries/..", "/queries/%00", "/id/../../../../etc/passwd", "/id/entity/..%2F..%2F..%2Fetc%2Fpasswd",
    "/id/entity/%2e%2e/%2e%2e/kg/server.py", "/static/../../server.py", "/static/..%2F..%2Fserver.py",
    "/static/%2e%2e/%2e%2e/pyproject.toml", "//etc/passwd", "/queries/entity/../../../../etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_gets_a_4xx(server, path):
    status, body = raw(server.port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status is not None and 400 <= status < 500, (status, body[:200])
    assert b"root:" not in body and b"import " not in body and b"[project]" not in body


def test_an_oversized_head_gets_431_and_the_server_goes_on(server, http):
    big = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n" + b"X-Padding: " + b"a" * 70_000 + b"\r\n\r\n"
    status, body = raw(server.port, big)
    assert status == 431 and b"POST" in body
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(10_000)) + b"\r\n"
    assert raw(server.port, many)[0] in (400, 431)
    long_url = b"GET /sparql?query=" + b"A" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw(server.port, long_url)[0] in (400, 414, 431)
    assert http.get("sparql", params={"query": LABELS}).status_code == 200


def test_an_oversized_body_gets_413_without_being_read(server):
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 50000000\r\n\r\nASK {}")
    status, body = raw(server.port, head)  # a server waiting for the body would answer 408 after 1 s
    assert status == 413 and b"100,000 bytes" in body
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(b"%x\r\n%s\r\n" % (10_000, b"#" * 10_000)
                                                                 for _ in range(12)) + b"0\r\n\r\n")
    assert raw(server.port, chunked)[0] == 413


def test_slow_clients_are_cut_off_and_others_are_served(server, http):
    slow_head = raw(server.port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    assert slow_head[0] == 408
    idle = raw(server.port, b"")
    assert idle[0] in (408, None)  # a connection that never sends a byte is closed
    slow_body = raw(server.port, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                 b"Content-Length: 100\r\n\r\nASK {")
    assert slow_body[0] == 408 and b"body" in slow_body[1]
    # a slowloris crowd does not stop others
    crowd = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(50)]
    try:
        for sock in crowd:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert http.get("sparql", params={"query": LABELS}).status_code == 200
        for sock in crowd:  # each cut off at the client timeout
            sock.settimeout(10)
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
    finally:
        for sock in crowd:
            sock.close()


def test_raw_control_bytes_in_a_header_get_400(server):
    status, _ = raw(server.port, b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/\x01html\r\n\r\n")
    assert status == 400


# ------------------------------------------------------------------------------------------------
# The token and the logs, a load test
# ------------------------------------------------------------------------------------------------


def test_writes_need_the_token_and_it_never_reaches_the_logs(tmp_path):
    from kg.rdf.store import KnowledgeStore

    store_path = tmp_path / "scratch"
    store = KnowledgeStore(store_path)
    del store
    graph = "http://example.org/g"
    turtle = b'<http://example.org/s> <http://example.org/p> "hello" .'
    with ServerProcess(store_path, "--allow-update", "--client-timeout", "1", env={"CHIPGRAPH_TOKEN": TOKEN}) as server:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            wrong = ["", "Bearer", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", f"Token {TOKEN}",
                     TOKEN, f"Bearer {TOKEN.upper()}", f"Bearer {TOKEN} {TOKEN}", f"Bearer\t{TOKEN}x"]
            for value in wrong:
                headers = {"Content-Type": "text/turtle", **({"Authorization": value} if value else {})}
                response = http.put("store", params={"graph": graph}, content=turtle, headers=headers)
                assert response.status_code == 401, value
                assert TOKEN not in response.text
                update = http.post("sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                   headers={"Content-Type": "application/sparql-update",
                                            **({"Authorization": value} if value else {})})
                assert update.status_code == 401
            assert http.get("sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False
            right = http.put("store", params={"graph": graph}, content=turtle,
                             headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
            assert right.status_code == 201
            assert http.get("sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
            service = http.post("sparql", content=b"INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> "
                                                  b"{ ?s ?p ?o } }",
                                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
            assert service.status_code == 403  # even a writer's update cannot call out
            # the token in places a log line could show: query strings, malformed requests, errors
            http.get("sparql", params={"query": f"ASK {{ <urn:{TOKEN}> ?p ?o }}", "token": TOKEN})
            http.get(f"nowhere/{TOKEN}")
            http.post("sparql", content=f"SELECT {TOKEN}".encode(), headers={"Content-Type": "application/sparql-query",
                                                                             "Authorization": f"Bearer {TOKEN}"})
        raw(server.port, f"GET /\x00{TOKEN} HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
        raw(server.port, f"PUT /store?graph={graph} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                         f"Content-Type: text/turtle\r\nContent-Length: 10\r\n\r\n<".encode())  # body never finishes
        os.kill(server.process.pid, signal.SIGINT)  # stop, but keep the log to read
        server.process.wait(10)
        logs = server.output()
    assert "serving" in logs and TOKEN not in logs


def test_a_short_load_test_has_no_errors_and_bounded_memory(seed_store_path):
    spec = importlib.util.spec_from_file_location("kg_load_test", ROOT / "bench" / "load_test.py")
    load_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_test)
    outcome = load_test.run(seed_store_path, clients=16, seconds=5, server_args=("--cache-mb", "8"))
    assert outcome["errors"] == 0, outcome["error_examples"]
    assert outcome["requests"] >= 16  # every client was answered (throughput is bench/load_test.py's)
    assert outcome["rss_growth_mb"] < 8 + 40 and outcome["rss_peak_growth_mb"] < 8 + 60
