"""Only the data in the data: the build's bookkeeping (fingerprints, reference hashes, the bulk-load
marker) is invisible to SPARQL on the endpoint, to the Graph Store Protocol and to `kg query`,
and a store written before `kg.rdf.buildstate` has it moved out by the next writable open."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.rdf.buildstate import LEGACY_FINGERPRINT, LEGACY_GRAPH
from kg.rdf.stats import store_stats
from kg.rdf.store import KnowledgeStore
from tests.conftest import SEEDS
from tests.sparql_protocol_runner import InProcess

JSON = {"Accept": "application/sparql-results+json"}
STATE_WORDS = ("build-state", "fingerprint", "bulk-load")


@pytest.fixture(scope="module")
def http(seed_store_path):
    with InProcess(seed_store_path) as client:
        yield client


def _values(http, query: str) -> list[dict[str, str]]:
    response = http.get("sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 200, response.text
    return [{name: cell["value"] for name, cell in row.items()} for row in response.json()["results"]["bindings"]]


def _quads_in_stats(store: KnowledgeStore) -> int:
    return dict(store_stats(store)["store"])["quads"]


def test_the_endpoint_counts_what_kg_stats_counts(http, seed_store):
    counted = int(_values(http, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
    assert counted == _quads_in_stats(seed_store) == len(seed_store)


def test_no_query_form_sees_the_bookkeeping(http, seed_store):
    graphs = {row["g"] for row in _values(http, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert graphs == set(seed_store.graphs()) and graphs
    found = _values(http, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert not [row for row in found if any(word in " ".join(row.values()) for word in STATE_WORDS)]
    assert seed_store.article_fingerprints(), "the build still keeps its fingerprints"


def test_the_graph_store_protocol_has_no_bookkeeping_graph(http):
    assert http.get("store", params={"graph": LEGACY_GRAPH}).status_code == 404
    whole = http.get("store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert whole.status_code == 200 and not any(word in whole.text for word in STATE_WORDS)


def test_kg_query_counts_what_kg_stats_counts(seed_store_path, seed_store):
    result = CliRunner().invoke(app, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store",
                                      str(seed_store_path), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    assert int(result.output.split()[1]) == _quads_in_stats(seed_store)


def test_a_store_with_the_old_bookkeeping_graph_is_moved_out_and_still_skips(seeds_copy, tmp_path):
    path = tmp_path / "store"
    store = KnowledgeStore(path)
    assert build([seeds_copy], store).built == 5
    fingerprints = store.article_fingerprints()
    legacy = ox.NamedNode(LEGACY_GRAPH)
    store.extend(ox.Quad(ox.NamedNode(graph), ox.NamedNode(LEGACY_FINGERPRINT), ox.Literal(" ".join(parts)), legacy)
                 for graph, parts in fingerprints.items())
    data = len(store) - len(fingerprints)
    store.set_fingerprints((graph, None) for graph in fingerprints)
    store.state.close()
    del store
    shutil.rmtree(seeds_copy)
    shutil.copytree(SEEDS, seeds_copy)  # same files, fresh times: only fingerprints can skip them unread
    reopened = KnowledgeStore(path)
    assert reopened.article_fingerprints() == fingerprints
    assert len(reopened) == data and not reopened.has_graph(legacy)
    report = build([seeds_copy], reopened)
    assert (report.built, report.unchanged) == (0, 5)
