"""Each protocol once through a real `kg serve`: the W3C SPARQL 1.1 Protocol test manifest and the
Graph Store Protocol against `kg serve --allow-update` on an empty store, SPARQL Update from
SPARQLWrapper and rdflib, and queries and Linked Data from httpx, SPARQLWrapper and rdflib's
SPARQLStore against the seed store served read-only. Everything else about these protocols is
tested in process (test_server.py, test_server_writes.py).

The manifest comes from `../shared/w3c-sparql-protocol/` beside the repository (CI has it); where
that folder is absent its tests are skipped, saying so.
"""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS

from kg.namespaces import ID_BASE
from tests.sparql_protocol_runner import (LABELS, MANIFEST_DIR, ServerProcess, assert_graph_store_round_trip, assert_query_forms_agree,
                                          load_manifest, run_test)

TOKEN = "test-token-5f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MANIFEST = load_manifest() if (MANIFEST_DIR / "manifest.ttl").is_file() else []
NVIDIA = ID_BASE + "entity/nvidia"
G = "http://example.org/graph/one"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("update-store") / "store"
    with ServerProcess(store, "--allow-update", env={"CHIPGRAPH_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def seeds(seed_store_path):
    with ServerProcess(seed_store_path) as running:
        yield running


# ------------------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol and Update
# ------------------------------------------------------------------------------------------------


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


def test_queries_by_get_post_form_and_post_direct(seeds):
    with httpx.Client(base_url=seeds.url, timeout=30) as http:
        assert_query_forms_agree(http)


def test_sparqlwrapper_select_ask_construct(seeds):
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(seeds.url + "sparql")
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    labels = {b["label"]["value"] for b in client.queryAndConvert()["results"]["bindings"]}
    assert {"Nvidia", "엔비디아"} <= labels
    client.setReturnFormat(XML)
    assert "엔비디아" in client.queryAndConvert().toxml()
    client.setQuery("ASK { e:nvidia owl:sameAs wd:Q182477 }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("CONSTRUCT { e:nvidia rdfs:label ?l } WHERE { e:nvidia rdfs:label ?l }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert (URIRef(NVIDIA), RDFS.label, Literal("엔비디아", lang="ko")) in graph
    client.setMethod("POST")
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"]


def test_rdflib_sparqlstore(seeds):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(seeds.url + "sparql", returnFormat="json"))
    rows = list(graph.query("SELECT ?label WHERE { <%s> <%s> ?label }" % (NVIDIA, RDFS.label)))
    assert Literal("엔비디아", lang="ko") in {row[0] for row in rows}
    assert (URIRef(NVIDIA), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q182477")) in graph
    xml_store = rdflib.Graph(store=SPARQLStore(seeds.url + "sparql"))  # rdflib's default: SPARQL XML
    assert len(list(xml_store.triples((URIRef(NVIDIA), RDFS.label, None)))) >= 2


# ------------------------------------------------------------------------------------------------
# Graph Store Protocol
# ------------------------------------------------------------------------------------------------


def test_graph_store_put_get_post_delete(http):
    assert_graph_store_round_trip(http, G, AUTH)


# ------------------------------------------------------------------------------------------------
# Linked Data
# ------------------------------------------------------------------------------------------------


def test_an_entity_for_people_and_programs(seeds):
    with httpx.Client(base_url=seeds.url, timeout=30) as http:
        page = http.get("id/entity/nvidia", headers={"Accept": "text/html"})
        turtle = http.get("id/entity/nvidia", headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and "엔비디아" in page.text and "Links to here" in page.text
    assert f'href="{seeds.url}id/entity/nvidia-h20"' in page.text  # links use the request's own address
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(NVIDIA), RDFS.label, Literal("엔비디아", lang="ko")) in graph
