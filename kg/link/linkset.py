"""The VoID linkset of Chipgraph's identity links to Wikidata (`kg export --linkset`).

It describes only owl:sameAs links (verified in the reference data, or accepted by a reviewer into
the links graph), with their counts; unreviewed candidates (skos:closeMatch) are counted in the
description but are not part of the linkset. Deterministic: the same store gives the same bytes.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, XSD

from kg.link.graph import CLOSE_MATCH
from kg.namespaces import ENTITY_BASE, LINKS_GRAPH, PREFIXES, WD_NS as WD
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql

VOID = "http://rdfs.org/ns/void#"
VOID_BASE = "https://w3id.org/chipgraph/void#"
WIKIDATA_DATASET = "https://www.wikidata.org/"


def _void(term: str) -> URIRef:
    return URIRef(VOID + term)


def linkset(store: KnowledgeStore) -> bytes:
    """A VoID linkset in Turtle: every owl:sameAs to Wikidata, with counts and the link target named."""
    rows = store.query(sparql("link-linkset"))
    links = sorted({(r["e"].value, r["w"].value) for r in rows})
    accepted = {(r["e"].value, r["w"].value) for r in rows if r["g"].value == LINKS_GRAPH}
    candidates = len(store.match(None, ox.NamedNode(CLOSE_MATCH), None, ox.NamedNode(LINKS_GRAPH)))
    g = Graph(bind_namespaces="none")
    for prefix, ns in {**PREFIXES, "void": VOID, "foaf": str(FOAF)}.items():
        g.bind(prefix, ns)
    ours, wikidata = URIRef(VOID_BASE + "chipgraph"), URIRef(WIKIDATA_DATASET)
    node = URIRef(VOID_BASE + "wikidata-sameAs")
    g.add((ours, RDF.type, _void("Dataset")))
    g.add((ours, DCTERMS.title, Literal("Chipgraph", lang="en")))
    g.add((ours, _void("uriSpace"), Literal(ENTITY_BASE)))
    g.add((ours, _void("subset"), node))
    g.add((wikidata, RDF.type, _void("Dataset")))
    g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((wikidata, _void("uriSpace"), Literal(WD)))
    g.add((wikidata, _void("sparqlEndpoint"), URIRef("https://query.wikidata.org/sparql")))
    g.add((node, RDF.type, _void("Linkset")))
    g.add((node, DCTERMS.title, Literal("Chipgraph entities identical to Wikidata items", lang="en")))
    g.add((node, DCTERMS.description, Literal(
        f"{len(links) - len(accepted)} links from the verified table (ontology/wikidata-verified.tsv) and "
        f"{len(accepted)} accepted by a reviewer; {candidates} unreviewed candidates (skos:closeMatch) are "
        "not part of this linkset.", lang="en")))
    g.add((node, _void("linkPredicate"), OWL.sameAs))
    g.add((node, _void("subjectsTarget"), ours))
    g.add((node, _void("objectsTarget"), wikidata))
    g.add((node, _void("target"), ours))
    g.add((node, _void("target"), wikidata))
    g.add((node, _void("triples"), Literal(len(links), datatype=XSD.integer)))
    g.add((node, _void("distinctSubjects"), Literal(len({e for e, _ in links}), datatype=XSD.integer)))
    g.add((node, _void("distinctObjects"), Literal(len({w for _, w in links}), datatype=XSD.integer)))
    for entity, item in links:
        g.add((URIRef(entity), OWL.sameAs, URIRef(item)))
    return g.serialize(format="turtle", encoding="utf-8")
