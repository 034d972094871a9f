"""The server under test, two ways, and a runner for the W3C SPARQL 1.1 Protocol test manifest.

`InProcess` drives the Starlette app in this process (httpx over ASGITransport, no socket): the
way most server tests talk to it. `ServerProcess` starts `kg serve` on a free 127.0.0.1 port as a
subprocess (the real CLI, as a user runs it) and stops it by its process id: for what only a real
process and socket show (uvicorn's handling of raw bytes, slow clients, the logs, real clients
such as SPARQLWrapper and a browser, queries that only the end of a process stops).

The manifest (`../shared/w3c-sparql-protocol/manifest.ttl` from the repository root) lists, per
test, graphs to load and HTTP requests to send with the status, result format or boolean expected.
`load_manifest` reads it with rdflib; `run_test` sets the dataset up through the Graph Store
Protocol (`PUT /store?graph=…`), sends each request to the endpoint with the server's bearer
token, and raises AssertionError naming the request and what came back when an expectation fails.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

ROOT = Path(__file__).resolve().parents[1]
MANIFEST_DIR = ROOT.parent / "shared" / "w3c-sparql-protocol"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

RESULT_TYPES = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                            "text/tab-separated-values"),
                "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples")}


# ------------------------------------------------------------------------------------------------
# The server under test
# ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BlackHole:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: a SERVICE
    endpoint a query waits on for ever (until `close`, which ends the waiting queries too)."""

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

    def __enter__(self) -> "BlackHole":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InProcess:
    """A synchronous httpx-style client (`get`, `post`, `put`, `delete`, `options`, `request`) for
    `kg.server.app.create_app(store, **options)`, run in this process on one event loop thread,
    so requests sent from several threads at once are served concurrently, as by `kg serve`.
    `url` is the address the app sees itself at. Use as a context manager."""

    url = "http://testserver/"

    def __init__(self, store: Path | str, **options: Any) -> None:
        from kg.server.app import create_app

        self.app = create_app(store, **options)
        self._portal_context = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_context.__enter__()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.url,
                                         timeout=30)

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        return self._portal.call(functools.partial(self._client.request, method, url, **options))

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def put(self, url: str, **options: Any) -> httpx.Response:
        return self.request("PUT", url, **options)

    def delete(self, url: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", url, **options)

    def options(self, url: str, **options: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **options)

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_context.__exit__(None, None, None)

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ServerProcess:
    """`kg serve --store STORE ARGS…` on a free port; `url` ends in "/". Use as a context manager."""

    def __init__(self, store: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.NamedTemporaryFile(prefix="kg-serve-", suffix=".log", delete=False)
        command = [sys.executable, "-c", "from kg.cli import main; main()",
                   "serve", "--store", str(store), "--port", str(self.port), *args]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        self._wait()

    def _wait(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "sparql", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"kg serve did not answer within {seconds:g} s:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ------------------------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"…
    result_format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str  # the entry's local name, e.g. query_post_form
    title: str
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> N-Triples file
    requests: list[Request] = field(default_factory=list)


def load_manifest(folder: Path = MANIFEST_DIR) -> list[ProtocolTest]:
    """The tests of `folder/manifest.ttl`, in the manifest's order."""
    graph = Graph()
    path = folder / "manifest.ttl"
    graph.parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(MF.entries, None))
    return [_test(graph, entry) for entry in Collection(graph, graph.value(manifest, MF.entries))]


def _test(graph: Graph, entry: URIRef) -> ProtocolTest:
    test = ProtocolTest(name=str(entry).rsplit("#", 1)[-1], title=str(graph.value(entry, MF.name)))
    for data in graph.objects(entry, UT.graphData):
        test.graphs[str(graph.value(data, RDFS.label))] = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
    connection = graph.value(entry, MF.action)
    for node in Collection(graph, graph.value(connection, HT.requests)):
        headers = {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                   for h in Collection(graph, graph.value(node, HT.headers))} if graph.value(node, HT.headers) else {}
        body_node = graph.value(node, HT.body)
        body = None
        if body_node is not None:
            encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(graph.value(body_node, CNT.chars)).encode(encoding)
        response = graph.value(node, HT.resp)
        statuses = {str(s).rsplit("#StatusCode", 1)[-1] for s in graph.objects(response, MF.expectedStatus)}
        result_format = graph.value(response, MF.expectedFormat)
        boolean = graph.value(response, MF.expectedBoolean)
        test.requests.append(Request(method=str(graph.value(node, HT.methodName)),
                                     path=str(graph.value(node, HT.absolutePath)), headers=headers, body=body,
                                     statuses=statuses, result_format=str(result_format) if result_format else None,
                                     boolean=boolean.toPython() if boolean is not None else None))
    return test


# ------------------------------------------------------------------------------------------------
# Running a test
# ------------------------------------------------------------------------------------------------


def run_test(test: ProtocolTest, base_url: str, token: str, client: httpx.Client) -> None:
    """Reset the store, load the test's graphs through the Graph Store Protocol, send its requests."""
    auth = {"Authorization": f"Bearer {token}"}
    reset = client.delete(base_url + "store", headers=auth)
    assert reset.status_code == 204, f"resetting the store: {reset.status_code} {reset.text}"
    for iri, data in test.graphs.items():
        loaded = client.put(base_url + "store", params={"graph": iri}, content=data.read_bytes(),
                            headers={**auth, "Content-Type": "application/n-triples"})
        assert loaded.status_code in (201, 204), f"loading <{iri}>: {loaded.status_code} {loaded.text}"
    for number, request in enumerate(test.requests, start=1):
        path = request.path.replace("/sparql/", "sparql", 1).lstrip("/")
        response = client.request(request.method, base_url + path, content=request.body,
                                  headers={**request.headers, **auth})
        where = f"{test.name}, request {number} ({request.method} {request.path})"
        _check(request, response, where)


def _check(request: Request, response: httpx.Response, where: str) -> None:
    status_class = f"{response.status_code // 100}xx"
    assert status_class in request.statuses, \
        f"{where}: status {response.status_code}, expected {'/'.join(sorted(request.statuses))}: {response.text[:300]}"
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if request.result_format:
        assert media_type in RESULT_TYPES[request.result_format], \
            f"{where}: Content-Type {media_type!r} is not a {request.result_format} format"
    if request.boolean is not None:
        assert _boolean(response, media_type) is request.boolean, \
            f"{where}: expected {request.boolean}, got {response.text[:300]}"


def _boolean(response: httpx.Response, media_type: str) -> bool | None:
    if media_type == "application/sparql-results+json":
        return json.loads(response.content).get("boolean")
    if media_type == "application/sparql-results+xml":
        node = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return None if node is None else node.text.strip() == "true"
    return None


# ------------------------------------------------------------------------------------------------
# Checks shared by the in-process tests and the one real `kg serve` per protocol


LABELS = "SELECT ?label WHERE { e:nvidia rdfs:label ?label } ORDER BY ?label"


def assert_query_forms_agree(http: httpx.Client, query: str = LABELS) -> None:
    """GET, form POST and direct POST give the same JSON results (the seeds' Nvidia labels)."""
    by_get = http.get("sparql", params={"query": query})
    by_form = http.post("sparql", data={"query": query})
    by_body = http.post("sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/sparql-results+json"
    values = [[b["label"]["value"] for b in r.json()["results"]["bindings"]] for r in (by_get, by_form, by_body)]
    assert values[0] == values[1] == values[2] and {"Nvidia", "엔비디아"} <= set(values[0])


def assert_graph_store_round_trip(http: httpx.Client, graph: str, auth: dict[str, str]) -> None:
    """PUT creates then replaces, POST adds, GET returns the graph, DELETE removes it."""
    from rdflib import Graph as RdfGraph, Literal, URIRef

    http.delete("store", headers=auth)
    turtle = b'@prefix ex: <http://example.org/> . ex:a ex:p "one" ; ex:q ex:b .'
    turtle_headers = {**auth, "Content-Type": "text/turtle"}
    assert http.put("store", params={"graph": graph}, content=turtle, headers=turtle_headers).status_code == 201
    assert http.put("store", params={"graph": graph}, content=turtle, headers=turtle_headers).status_code == 204
    added = http.post("store", params={"graph": graph}, content=b'<http://example.org/c> <http://example.org/p> "two" .',
                      headers={**auth, "Content-Type": "application/n-triples"})
    assert added.status_code == 204
    got = http.get("store", params={"graph": graph}, headers={"Accept": "text/turtle"})
    parsed = RdfGraph().parse(data=got.text, format="turtle")
    assert len(parsed) == 3 and (URIRef("http://example.org/c"), URIRef("http://example.org/p"), Literal("two")) in parsed
    assert http.get("store", headers={"Accept": "application/n-quads"}).text.count(f"<{graph}>") == 3
    assert http.delete("store", params={"graph": graph}, headers=auth).status_code == 204
    assert http.get("store", params={"graph": graph}).status_code == 404
