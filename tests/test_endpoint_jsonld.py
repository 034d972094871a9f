"""JSON-LD that tools read: the prefix table as `@context`, compact IRIs, and a whole-store export
that rdflib loads — into a `Dataset` with every graph named, as one merged graph through
`Dataset(default_union=True)`; a plain `Graph` reads only the (empty) default graph of a dataset,
but every triples answer of the server (a page, a CONSTRUCT) in full."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import Dataset, Graph, URIRef

from kg.namespaces import PREFIXES
from kg.rdf.export import export
from tests.sparql_protocol_runner import InProcess

pytestmark = [pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # rdflib's own
              pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")]


@pytest.fixture(scope="module")
def exported(seed_store) -> bytes:
    return export(seed_store, "jsonld")


def _iris(value, key: str | None = None):
    """Every IRI a JSON-LD document writes: property names, `@id`s and `@type`s (not `@value`s)."""
    if isinstance(value, list):
        for item in value:
            yield from _iris(item, key)
    elif isinstance(value, dict):
        for name, inner in value.items():
            if not name.startswith("@"):
                yield name
            if name != "@value":
                yield from _iris(inner, name)
    elif isinstance(value, str) and key in ("@id", "@type"):
        yield value


def _without_blank_nodes(quads) -> set[tuple]:
    return {quad for quad in quads if not any(isinstance(term, rdflib.BNode) for term in quad)}


def test_the_context_is_the_prefix_table_and_iris_are_compact(exported):
    document = json.loads(exported)
    assert document["@context"] == PREFIXES
    iris = list(_iris(document["@graph"]))
    assert {"e:nvidia", "cg:agent", "xsd:date", "art:003_95b58d0a8247b5bf"} <= set(iris)
    assert not [iri for iri in iris if iri.startswith(tuple(PREFIXES.values()))]


def test_a_dataset_loads_every_graph_with_its_name(exported, seed_store):
    dataset = Dataset()
    dataset.parse(data=exported, format="json-ld")
    loaded = {(s, p, o, g.identifier if isinstance(g, Graph) else g) for s, p, o, g in dataset.quads()}
    stored = Dataset()
    stored.parse(data=export(seed_store, "nquads"), format="nquads")
    expected = {(s, p, o, g.identifier if isinstance(g, Graph) else g) for s, p, o, g in stored.quads()}
    assert len(loaded) == len(expected) == len(seed_store)
    assert _without_blank_nodes(loaded) == _without_blank_nodes(expected)
    assert {URIRef(name) for name in seed_store.graphs()} <= {g.identifier for g in dataset.graphs()}


def test_a_graph_reads_it_without_error_and_a_union_dataset_merges_it(exported, seed_store):
    assert len(Graph().parse(data=exported, format="json-ld")) == 0  # a dataset's default graph: empty
    merged = Dataset(default_union=True)
    merged.parse(data=exported, format="json-ld")
    distinct = {(q.subject, q.predicate, q.object) for q in seed_store.quads()}
    assert len(merged) == len(distinct)


def test_the_export_is_deterministic(exported, seed_store):
    assert export(seed_store, "jsonld") == exported
    one = json.loads(export(seed_store, "jsonld", graphs=["reference"]))
    assert [graph["@id"] for graph in one["@graph"]] == ["cgg:reference"]


def test_server_answers_are_compact_and_a_graph_loads_them(seed_store_path):
    with InProcess(seed_store_path) as http:
        page = http.get("id/entity/nvidia", params={"format": "jsonld"})
        turtle = http.get("id/entity/nvidia", params={"format": "turtle"})
        constructed = http.get("sparql", params={"query": "CONSTRUCT WHERE { e:nvidia rdfs:label ?l }"},
                               headers={"Accept": "application/ld+json"})
    for response in (page, constructed):
        assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
        document = response.json()
        assert document["@context"] == PREFIXES and '"e:nvidia"' in response.text
    assert len(Graph().parse(data=page.text, format="json-ld")) == len(Graph().parse(data=turtle.text, format="turtle"))
    labels = Graph().parse(data=constructed.text, format="json-ld")
    assert {str(o) for o in labels.objects()} >= {"Nvidia", "엔비디아"}
