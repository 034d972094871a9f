"""Conformance and writes: the W3C SPARQL 1.1 Protocol test manifest, SPARQL Update, the Graph Store
Protocol and the bearer token, against `kg serve --allow-update` on an empty store.

The manifest comes from `../shared/w3c-sparql-protocol/` beside the repository (CI has it); where
that folder is absent its tests are skipped, saying so.
"""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib import Literal, URIRef

from tests.sparql_protocol_runner import MANIFEST_DIR, ServerProcess, load_manifest, run_test

TOKEN = "test-token-5f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MANIFEST = load_manifest() if (MANIFEST_DIR / "manifest.ttl").is_file() else []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("update-store") / "store"
    with ServerProcess(store, "--allow-update", env={"CHIPGRAPH_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_the_manifest_has_all_34_tests():
    if not MANIFEST:
        pytest.skip(f"the W3C protocol manifest is not at {MANIFEST_DIR} (CI has it beside the repository)")
    assert len(MANIFEST) == 34


@pytest.mark.parametrize("test", MANIFEST or [pytest.param(None, marks=pytest.mark.skip(
    reason=f"the W3C protocol manifest is not at {MANIFEST_DIR} (CI has it beside the repository)"))],
    ids=lambda t: t.name if t else "manifest-missing")
def test_w3c_sparql_protocol(test, server):
    with httpx.Client(timeout=30) as client:
        run_test(test, server.url, TOKEN, client)


# ------------------------------------------------------------------------------------------------
# The token
# ------------------------------------------------------------------------------------------------


def test_writes_need_the_bearer_token(http):
    update = {"Content-Type": "application/sparql-update"}
    assert http.post("sparql", content=b"CLEAR ALL", headers=update).status_code == 401
    wrong = http.post("sparql", content=b"CLEAR ALL", headers={**update, "Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    basic = http.post("sparql", content=b"CLEAR ALL", headers={**update, "Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert http.put("store", params={"default": ""}, content=b"", headers={"Content-Type": "text/turtle"}).status_code == 401
    assert http.post("sparql", content=b"CLEAR ALL", headers={**update, **AUTH}).status_code == 204


def test_update_service_description_says_so(http):
    described = http.get("sparql", headers={"Accept": "application/n-triples"}).text
    assert "<http://www.w3.org/ns/sparql-service-description#SPARQL11Update>" in described


# ------------------------------------------------------------------------------------------------
# Graph Store Protocol
# ------------------------------------------------------------------------------------------------

G = "http://example.org/graph/one"


def test_graph_store_put_get_post_delete(http):
    http.delete("store", headers=AUTH)
    turtle = b'@prefix ex: <http://example.org/> . ex:a ex:p "one" ; ex:q ex:b .'
    created = http.put("store", params={"graph": G}, content=turtle, headers={**AUTH, "Content-Type": "text/turtle"})
    assert created.status_code == 201
    replaced = http.put("store", params={"graph": G}, content=turtle, headers={**AUTH, "Content-Type": "text/turtle"})
    assert replaced.status_code == 204
    added = http.post("store", params={"graph": G}, content=b'<http://example.org/c> <http://example.org/p> "two" .',
                      headers={**AUTH, "Content-Type": "application/n-triples"})
    assert added.status_code == 204
    got = http.get("store", params={"graph": G}, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=got.text, format="turtle")
    assert len(graph) == 3 and (URIRef("http://example.org/c"), URIRef("http://example.org/p"), Literal("two")) in graph
    dataset = http.get("store", headers={"Accept": "application/n-quads"}).text
    assert dataset.count(f"<{G}>") == 3
    assert http.delete("store", params={"graph": G}, headers=AUTH).status_code == 204
    assert http.get("store", params={"graph": G}).status_code == 404
    assert http.delete("store", params={"graph": G}, headers=AUTH).status_code == 404


def test_graph_store_rejects_bad_uploads_without_changing_anything(http):
    http.put("store", params={"graph": G}, content=b"<http://a> <http://b> <http://c> .",
             headers={**AUTH, "Content-Type": "application/n-triples"})
    broken = http.put("store", params={"graph": G}, content=b"<http://a> <http://b> .",
                      headers={**AUTH, "Content-Type": "application/n-triples"})
    assert broken.status_code == 400
    unknown = http.put("store", params={"graph": G}, content=b"x", headers={**AUTH, "Content-Type": "image/png"})
    assert unknown.status_code == 415
    assert "<http://a> <http://b> <http://c>" in http.get("store", params={"graph": G},
                                                            headers={"Accept": "application/n-triples"}).text


def test_default_graph_and_dataset_uploads(http):
    http.delete("store", headers=AUTH)
    trig = b'<http://x/s> <http://x/p> "default" . <http://x/g> { <http://x/s> <http://x/p> "named" . }'
    assert http.post("store", content=trig, headers={**AUTH, "Content-Type": "application/trig"}).status_code == 204
    default = http.get("store", params={"default": ""}, headers={"Accept": "application/n-triples"}).text
    assert '"default"' in default and '"named"' not in default
    # queries still see the union of all graphs by default
    union = http.get("sparql", params={"query": "SELECT ?o WHERE { <http://x/s> <http://x/p> ?o }"}).json()
    assert {b["o"]["value"] for b in union["results"]["bindings"]} == {"default", "named"}


# ------------------------------------------------------------------------------------------------
# Update clients: SPARQLWrapper and rdflib's SPARQLUpdateStore
# ------------------------------------------------------------------------------------------------


def test_sparqlwrapper_update_with_bearer_token(server, http):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import Unauthorized

    client = SPARQLWrapper(server.url + "sparql", updateEndpoint=server.url + "sparql")
    client.setMethod(POST)
    client.setQuery('INSERT DATA { GRAPH <http://x/w> { <http://x/w> <http://x/p> "via SPARQLWrapper" } }')
    with pytest.raises(Unauthorized):
        client.query()
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.query()
    asked = http.get("sparql", params={"query": 'ASK { <http://x/w> ?p "via SPARQLWrapper" }'}).json()
    assert asked["boolean"] is True


def test_rdflib_sparql_update_store(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(server.url + "sparql", server.url + "sparql", headers=AUTH)
    graph = rdflib.Graph(store=store, identifier=URIRef("http://x/rdflib"))
    graph.add((URIRef("http://x/r"), URIRef("http://x/p"), Literal("via rdflib", lang="en")))
    assert (URIRef("http://x/r"), URIRef("http://x/p"), Literal("via rdflib", lang="en")) in graph
    graph.remove((URIRef("http://x/r"), None, None))
    assert len(graph) == 0
