"""`kg serve` against hostile input, on 127.0.0.1: injection through saved-query parameters,
runaway queries and SERVICE calls, path traversal, oversized and slow requests, malformed Accept
headers, the write token, and a short bounded load test.

Every server is a real `kg serve` subprocess on a free port (`ServerProcess`); the "black hole" is
a socket on 127.0.0.1 started here that accepts connections and never answers. Raw sockets send
what an HTTP client library would refuse to send (unnormalised paths, huge or unfinished heads).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from kg.query import load_saved_queries, run_query
from tests.sparql_protocol_runner import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
E = "https://w3id.org/chipgraph/id/entity/"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = "SELECT ?label WHERE { e:nvidia rdfs:label ?label }"
WIKIDATA = "https://query.wikidata.org/sparql"


@pytest.fixture(scope="module")
def server(seed_store_path):
    with ServerProcess(seed_store_path, "--timeout", "2", "--client-timeout", "1", "--max-body", "100000") as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


class BlackHole:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sparql"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def raw(port: int, data: bytes, *, wait: float = 5.0, pause_after: int | None = None) -> tuple[int | None, bytes]:
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


def count(http: httpx.Client) -> int:
    response = http.get("sparql", params={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# ------------------------------------------------------------------------------------------------
# Saved-query parameters are RDF terms
# ------------------------------------------------------------------------------------------------

PAYLOADS = [
    '"} ; DROP ALL ; #',
    "' } UNION { ?s ?p ?o } #",
    '엔비디아" } #',
    "}\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n#",
    "nvidia\n} LIMIT 1000000 #",
    "<http://example.org/a b>",
    "\\u0022 ) } #",
    '""" . ?x ?y ?z . """',
    "${q} ?q $q",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_string_parameter_is_only_the_value_looked_up(http, seed_store, payload):
    before = count(http)
    response = http.get("queries/entities-search", params={"q": payload},
                        headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    expected = run_query(seed_store.store, load_saved_queries()["entities-search"], {"q": payload})
    assert len(rows) == len(expected.rows)  # the same answer as binding the literal in-process
    assert all(row["q"] == {"type": "literal", "value": payload} for row in rows)
    assert count(http) == before


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if not p.startswith("엔비디아")]  # that one finds Nvidia
                         + ["http://example.org/x> } ; DROP ALL ; <http://e.org/y"])
def test_entity_and_iri_parameters_refuse_what_is_not_a_name_or_an_iri(http, payload):
    entity = http.get("queries/entity", params={"entity": payload}, headers={"Accept": "application/json"})
    assert entity.status_code == 400 and entity.text.count("\n") == 1
    iri = http.get("queries/fact-sources", params={"action": payload}, headers={"Accept": "application/json"})
    assert iri.status_code == 400 and "not an IRI" in iri.text


# ------------------------------------------------------------------------------------------------
# SERVICE allow-list, runaway queries
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX hole: <{base}> SELECT * WHERE {{ SERVICE hole:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \"SERVICE <{wikidata}>\" ?p ?o SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # SERVICE <{wikidata}>\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?x {{ <{wikidata}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "ASK {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
])
def test_service_outside_the_allow_list_is_refused_before_it_runs(http, template):
    hole = BlackHole()
    try:
        query = template.format(url=hole.url, base=hole.url[:-len("sparql")], wikidata=WIKIDATA)
        started = time.monotonic()
        response = http.get("sparql", params={"query": query})
        assert response.status_code in (400, 403), response.text
        assert response.text.count("\n") == 1 and time.monotonic() - started < 3
        if response.status_code == 403 and "?x" not in response.text:
            assert hole.url in response.text and "--allow-service" in response.text
        time.sleep(0.05)
        assert hole.accepted == []  # nothing was called
    finally:
        hole.close()


def test_service_in_a_saved_query_is_checked_with_its_parameter_bound(http):
    hole = BlackHole()
    try:
        response = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": hole.url},
                            headers={"Accept": "application/json"})
        assert response.status_code == 403 and hole.url in response.text
        page = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": hole.url},
                        headers={"Accept": "text/html"})
        assert page.status_code == 403
        assert hole.accepted == []
    finally:
        hole.close()


def test_a_literal_mentioning_service_is_not_refused(http):
    response = http.get("sparql", params={"query": 'SELECT ?x WHERE { BIND("SERVICE <http://10.0.0.1/>" AS ?x) }'})
    assert response.status_code == 200


RUNAWAY = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "property path over everything": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c (!<urn:p>)+ ?d }",
}


def test_runaway_queries_and_an_allowed_black_hole_are_stopped_at_the_timeout(seed_store_path):
    hole = BlackHole()
    try:
        with ServerProcess(seed_store_path, "--timeout", "1", "--allow-service", hole.url) as server, \
                httpx.Client(base_url=server.url, timeout=30) as http:
            black_hole = f"SELECT * WHERE {{ SERVICE <{hole.url}> {{ ?s ?p ?o }} }}"
            outcomes: list[tuple[int, float]] = []

            def send_all(queries: list[str]) -> list[threading.Thread]:
                def send(query: str) -> None:
                    started = time.monotonic()
                    response = http.get("sparql", params={"query": query})
                    outcomes.append((response.status_code, time.monotonic() - started))

                senders = [threading.Thread(target=send, args=(q,)) for q in queries]
                for sender in senders:
                    sender.start()
                return senders

            # fewer runaways than query threads: the server answers others meanwhile
            senders = send_all([black_hole] * 4 + list(RUNAWAY.values()))
            time.sleep(0.3)
            started = time.monotonic()
            assert http.get("sparql", params={"query": LABELS}).status_code == 200
            assert time.monotonic() - started < 0.9 and outcomes == []  # before any runaway was abandoned
            for sender in senders:
                sender.join(15)
            assert [status for status, _ in outcomes] == [503] * 6 and max(t for _, t in outcomes) < 4
            assert len(hole.accepted) >= 1  # allowed, it was called, and abandoned at the timeout
            # more black holes than threads: each stuck thread is replaced, so quick queries still run
            outcomes.clear()
            for sender in send_all([black_hole] * 12):
                sender.join(15)
            assert [status for status, _ in outcomes] == [503] * 12
            outcomes.clear()
            for sender in send_all([LABELS] * 8):
                sender.join(10)
            assert [status for status, _ in outcomes] == [200] * 8 and max(t for _, t in outcomes) < 2
            saved = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": WIKIDATA},
                             headers={"Accept": "application/json"})
            assert saved.status_code == 403 and "--allow-service" in saved.text  # the option replaces the default
    finally:
        hole.close()


# ------------------------------------------------------------------------------------------------
# Paths, heads, bodies, slow clients, Accept
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
    started = time.monotonic()
    status, body = raw(server.port, head)
    assert status == 413 and b"100,000 bytes" in body and time.monotonic() - started < 3
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(b"%x\r\n%s\r\n" % (10_000, b"#" * 10_000)
                                                                 for _ in range(12)) + b"0\r\n\r\n")
    assert raw(server.port, chunked)[0] == 413


def test_slow_clients_are_cut_off_and_others_are_served(server, http):
    started = time.monotonic()
    slow_head = raw(server.port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    assert slow_head[0] == 408 and time.monotonic() - started < 4
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
        time.sleep(1.5)
        for sock in crowd:  # all cut off by now
            sock.settimeout(2)
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
    finally:
        for sock in crowd:
            sock.close()
    assert time.monotonic() - started < 12


@pytest.mark.parametrize("accept", [
    "text/html;q=abc", ";;;,,,", "*/*;q=nan", "application/sparql-results+json;q=2;;q=-1", "/", "*/", "text/",
    "q=1", "\t, ,\t", "a" * 5000, "application/sparql-results+json; q=0.5; charset=\"x,y\"", "*;q=inf",
    "text/csv;q=0, */*;q=0", "\u00e9/\u00e9",
])
@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/queries/is-export-controlled?chip=H20",
                                  "/id/entity/nvidia", "/queries", "/sparql", "/.well-known/void"])
def test_malformed_accept_headers_get_an_answer_not_an_error(server, accept, path):
    status, body = raw(server.port, f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
                       .encode("latin-1"))
    assert status in (200, 303, 406), (status, body[:300])


def test_raw_control_bytes_in_a_header_get_400(server):
    status, _ = raw(server.port, b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/\x01html\r\n\r\n")
    assert status == 400


# ------------------------------------------------------------------------------------------------
# The write token
# ------------------------------------------------------------------------------------------------

TOKEN = "s3cret-Token-4f9a1c7e2b"


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


def test_the_token_is_compared_in_constant_time(monkeypatch):
    from starlette.requests import Request

    from kg.server.core import ServerError, State
    import kg.server.core as core

    compared = []

    def spy(given: bytes, expected: bytes) -> bool:
        compared.append((given, expected))
        return given == expected

    monkeypatch.setattr(core.hmac, "compare_digest", spy)
    state = State.__new__(State)
    state.allow_update, state.token = True, TOKEN
    request = Request({"type": "http", "headers": [(b"authorization", f"Bearer {TOKEN}y".encode())]})
    with pytest.raises(ServerError) as refused:
        state.check_writer(request)
    assert refused.value.status == 401 and compared == [(f"{TOKEN}y".encode(), TOKEN.encode())]
    assert not next(f for f in dataclasses.fields(State) if f.name == "token").repr  # never in a repr


# ------------------------------------------------------------------------------------------------
# Memory: the answer cache, a load test
# ------------------------------------------------------------------------------------------------


def test_the_answer_cache_counts_long_keys_against_its_budget():
    import asyncio

    from kg.server.cache import ResponseCache

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def ignore(message):
        pass

    async def flood(cache: ResponseCache) -> None:
        for n in range(2000):  # 10 MB of query strings, each with a 2-byte answer
            scope = {"type": "http", "method": "GET", "path": "/sparql", "headers": [],
                     "query_string": b"q=%d&pad=" % n + b"a" * 5000}
            await cache(scope, None, ignore)

    cache = ResponseCache(app, budget=1_000_000)
    asyncio.run(flood(cache))
    assert cache.used <= 1_000_000 and 0 < len(cache.entries) < 200




def test_a_short_load_test_has_no_errors_and_bounded_memory(seed_store_path):
    spec = importlib.util.spec_from_file_location("kg_load_test", ROOT / "bench" / "load_test.py")
    load_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_test)
    outcome = load_test.run(seed_store_path, clients=16, seconds=5, server_args=("--cache-mb", "8"))
    assert outcome["errors"] == 0, outcome["error_examples"]
    assert outcome["requests"] > 100
    assert outcome["rss_growth_mb"] < 8 + 40 and outcome["rss_peak_growth_mb"] < 8 + 60
