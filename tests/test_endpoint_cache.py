"""The answer cache runs outside the CORS middleware: a repeated answer keeps the CORS headers of
a request with an Origin, and a request without one never gets them from the cache."""

from __future__ import annotations

from tests.sparql_protocol_runner import InProcess

ASK = {"query": "ASK { ?s ?p ?o }"}
ORIGIN = {"Origin": "https://elsewhere.example", "Accept": "application/sparql-results+json"}
PLAIN = {"Accept": "application/sparql-results+json"}


def test_cached_answers_keep_cors_headers_only_for_requests_with_an_origin(seed_store_path):
    with InProcess(seed_store_path) as http:
        answers = [http.get("sparql", params=ASK, headers=headers) for headers in (ORIGIN, ORIGIN, PLAIN, PLAIN)]
        cache = next(layer for layer in _layers(http.app) if type(layer).__name__ == "ResponseCache")
    assert all(response.status_code == 200 for response in answers)
    assert [response.headers.get("access-control-allow-origin") for response in answers] == ["*", "*", None, None]
    assert len(cache.entries) == 2  # one answer per kind of request, each repeated from memory


def _layers(app):
    """The middleware objects of a built Starlette app, outermost first."""
    layer = app.build_middleware_stack() if app.middleware_stack is None else app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)
