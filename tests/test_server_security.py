"""The app against hostile input, in process (`InProcess`): injection through saved-query
parameters, SERVICE calls outside the allow-list, malformed Accept headers, the token comparison
and the answer cache's budget. What needs a real `kg serve` and raw sockets (slow and oversized
requests, path traversal, runaway queries, the logs, a load test) is in test_server_limits.py.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from kg.query import load_saved_queries, run_query
from tests.sparql_protocol_runner import BlackHole, InProcess

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
WIKIDATA = "https://query.wikidata.org/sparql"
TOKEN = "s3cret-Token-4f9a1c7e2b"


@pytest.fixture(scope="module")
def http(seed_store_path):
    with InProcess(seed_store_path, timeout=2, client_timeout=1, max_body=100_000) as client:
        yield client


def count(http) -> int:
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
    expected = run_query(seed_store, load_saved_queries()["entities-search"], {"q": payload})
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
# SERVICE allow-list
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
    with BlackHole() as hole:
        query = template.format(url=hole.url, base=hole.url[:-len("sparql")], wikidata=WIKIDATA)
        response = http.get("sparql", params={"query": query})
        assert response.status_code in (400, 403), response.text
        assert response.text.count("\n") == 1
        if response.status_code == 403 and "?x" not in response.text:
            assert hole.url in response.text and "--allow-service" in response.text
        time.sleep(0.05)  # time for a connection, had one been opened, to be accepted
        assert hole.accepted == []  # nothing was called


def test_service_in_a_saved_query_is_checked_with_its_parameter_bound(http):
    with BlackHole() as hole:
        response = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": hole.url},
                            headers={"Accept": "application/json"})
        assert response.status_code == 403 and hole.url in response.text
        page = http.get("queries/federated-chip-maker-descriptions", params={"endpoint": hole.url},
                        headers={"Accept": "text/html"})
        assert page.status_code == 403
        assert hole.accepted == []


def test_a_literal_mentioning_service_is_not_refused(http):
    response = http.get("sparql", params={"query": 'SELECT ?x WHERE { BIND("SERVICE <http://10.0.0.1/>" AS ?x) }'})
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------------
# Accept headers, the token, the answer cache
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [
    "text/html;q=abc", ";;;,,,", "*/*;q=nan", "application/sparql-results+json;q=2;;q=-1", "/", "*/", "text/",
    "q=1", "\t, ,\t", "a" * 5000, "application/sparql-results+json; q=0.5; charset=\"x,y\"", "*;q=inf",
    "text/csv;q=0, */*;q=0", "\u00e9/\u00e9",
])
@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/queries/is-export-controlled?chip=H20",
                                  "/id/entity/nvidia", "/queries", "/sparql", "/.well-known/void"])
def test_malformed_accept_headers_get_an_answer_not_an_error(http, accept, path):
    response = http.get(path.lstrip("/"), headers={"Accept": accept.encode("latin-1")})
    assert response.status_code in (200, 303, 406), (response.status_code, response.text[:300])


def test_the_token_is_compared_in_constant_time(monkeypatch):
    from starlette.requests import Request

    import kg.server.state as state_module
    from kg.server.errors import ServerError
    from kg.server.state import State

    compared = []

    def spy(given: bytes, expected: bytes) -> bool:
        compared.append((given, expected))
        return given == expected

    monkeypatch.setattr(state_module.hmac, "compare_digest", spy)
    state = State.__new__(State)
    state.allow_update, state.token = True, TOKEN
    request = Request({"type": "http", "headers": [(b"authorization", f"Bearer {TOKEN}y".encode())]})
    with pytest.raises(ServerError) as refused:
        state.check_writer(request)
    assert refused.value.status == 401 and compared == [(f"{TOKEN}y".encode(), TOKEN.encode())]
    assert not next(f for f in dataclasses.fields(State) if f.name == "token").repr  # never in a repr



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
