"""Failures say what happened: an unreachable SERVICE endpoint is named (502 refused, 504 silent)
long before the query timeout; a timed-out page the user did not write is named, with what to try;
errors over HTTP speak HTTP (`?chip=…`), never the command line's `--param`.

Servers run in process (`InProcess`); the endpoints are real sockets on 127.0.0.1: a port that
refuses connections (bound, then closed) and a `BlackHole` that accepts and never answers. The
query timeout is far longer than the client timeout, so a 504 (not the timeout's 503) shows the
failure came from the reachability check, without timing anything.
"""

from __future__ import annotations

import socket

import pytest

from kg.server.messages import timeout_message
from tests.sparql_protocol_runner import BlackHole, InProcess


def _refusing_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/sparql"


def _service_query(url: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"


def test_a_refusing_service_endpoint_is_502_naming_its_host(seed_store_path):
    url = _refusing_url()
    with InProcess(seed_store_path, timeout=60, client_timeout=30, allow_service=[url]) as http:
        response = http.get("sparql", params={"query": _service_query(url)})
    assert response.status_code == 502, response.text
    host = url.split("/")[2]
    assert response.text.startswith(f"cannot reach {host}") and response.text.count("\n") == 1


def test_a_silent_service_endpoint_is_504_within_the_client_timeout(seed_store_path):
    with BlackHole() as hole, InProcess(seed_store_path, timeout=120, client_timeout=0.5,
                                        allow_service=[hole.url]) as http:
        response = http.get("sparql", params={"query": _service_query(hole.url)})
        quick = http.get("sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 504, response.text
    assert response.text.startswith(f"cannot reach {hole.url.split('/')[2]}") and "0.5 s" in response.text
    assert quick.status_code == 200


def test_a_federated_saved_query_says_the_endpoint_cannot_be_reached(seed_store_path):
    url = _refusing_url()
    with InProcess(seed_store_path, timeout=60, allow_service=[url]) as http:
        response = http.get("queries/federated-export-control-firms", params={"endpoint": url},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 502 and "cannot reach 127.0.0.1" in response.text


def test_a_reachable_service_endpoint_still_answers(seed_store_path, wikidata):
    endpoint, _ = wikidata
    with InProcess(seed_store_path, allow_service=[endpoint.url]) as http:
        response = http.get("sparql", params={"query": f"ASK {{ SERVICE <{endpoint.url}> {{ ?s ?p ?o }} }}"},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize("path, named, advice", [
    ("/sparql", "the query ran", "LIMIT"),
    ("/queries/stock-moves", "the saved query 'stock-moves'", "narrower parameters"),
    ("/id/entity/nvidia", "the page /id/entity/nvidia", "/id/entity/nvidia?format=turtle"),
    ("/.well-known/void", "the page /.well-known/void", "--timeout"),
])
def test_a_timeout_names_what_timed_out_and_what_to_try(path, named, advice):
    message = timeout_message(path, 30)
    assert message.startswith(named) and advice in message and "--timeout" in message
    assert path == "/sparql" or "LIMIT" not in message


def test_a_page_that_times_out_is_named_over_http(seed_store_path):
    with InProcess(seed_store_path, timeout=0.000001) as http:
        response = http.get("id/entity/nvidia", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.text.startswith("the page /id/entity/nvidia took longer") and "LIMIT" not in response.text


def test_errors_over_http_speak_http_not_cli_flags(seed_store_path):
    with InProcess(seed_store_path) as http:
        unknown = http.get("queries/export-controls-timeline", params={"chip": "Nonexistentchip"},
                           headers={"Accept": "application/sparql-results+json"})
        page = http.get("queries/export-controls-timeline", params={"chip": "Nonexistentchip"},
                        headers={"Accept": "text/html"})
    assert unknown.status_code == 400 and page.status_code == 400
    for text in (unknown.text, page.text):
        assert "--param" not in text and "/queries/entities-search?q=Nonexistentchip" in text


def test_a_missing_parameter_is_asked_for_as_a_query_string(seed_store_path):
    with InProcess(seed_store_path) as http:
        response = http.get("queries/entity", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and "?entity=…" in response.text and "--param" not in response.text
