"""Facts from Wikidata about linked entities (`kg import-external`) and the VoID linkset.

Why import at all when SERVICE exists: federated queries need the network on every run and
Oxigraph sends a SERVICE pattern without the local bindings, so against the public endpoint only
selective patterns are practical. Importing fetches a *bounded* set of facts — labels,
description, instance of, country, headquarters, parent organisation, inception, stock exchange
with ticker — with one CONSTRUCT per batch of linked items into a cache graph
(`https://w3id.org/chipgraph/graph/external/wikidata`), so enriched queries then run offline.
The graph keeps Wikidata's own IRIs and properties (wd:, wdt:, p:/ps:/pq:, http://schema.org/),
so the same query text works against the cache and against the endpoint, and nothing in it can
be mistaken for an extracted fact. Re-running replaces the graph in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import re

import pyoxigraph as ox

from kg.errors import KgError
from kg.namespaces import WD_NS as WD
from kg.link.graph import CLOSE_MATCH, DCTERMS, EXTERNAL_GRAPH, LINKS_GRAPH, PROV, SAME_AS, XSD
from kg.link.http import LinkError, WikidataClient
from kg.rdf.store import KnowledgeStore

BATCH = 25
VOID = "http://rdfs.org/ns/void#"
VOID_BASE = "https://w3id.org/chipgraph/void#"
WIKIDATA_DATASET = "https://www.wikidata.org/"
_QID = re.compile(r"^Q[1-9][0-9]*$")
_LANGS = 'FILTER(LANG(?%s) IN ("ko", "en"))'

IMPORT_QUERY = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
CONSTRUCT {
  ?item rdfs:label ?label ; schema:description ?description ; wdt:P31 ?class ; wdt:P17 ?country ;
        wdt:P159 ?hq ; wdt:P749 ?parent ; wdt:P571 ?inception ; p:P414 ?listing .
  ?listing ps:P414 ?exchange ; pq:P249 ?ticker .
  ?class rdfs:label ?classLabel . ?country rdfs:label ?countryLabel . ?hq rdfs:label ?hqLabel ; wdt:P17 ?hqCountry .
  ?parent rdfs:label ?parentLabel . ?exchange rdfs:label ?exchangeLabel .
} WHERE {
  VALUES ?item { %(values)s }
  { ?item rdfs:label ?label %(label)s }
  UNION { ?item schema:description ?description %(description)s }
  UNION { ?item wdt:P31 ?class OPTIONAL { ?class rdfs:label ?classLabel %(classLabel)s } }
  UNION { ?item wdt:P17 ?country OPTIONAL { ?country rdfs:label ?countryLabel %(countryLabel)s } }
  UNION { ?item wdt:P159 ?hq OPTIONAL { ?hq rdfs:label ?hqLabel %(hqLabel)s } OPTIONAL { ?hq wdt:P17 ?hqCountry } }
  UNION { ?item wdt:P749 ?parent OPTIONAL { ?parent rdfs:label ?parentLabel %(parentLabel)s } }
  UNION { ?item wdt:P571 ?inception }
  UNION { ?item p:P414 ?listing . ?listing ps:P414 ?exchange
          OPTIONAL { ?listing pq:P249 ?ticker }
          OPTIONAL { ?exchange rdfs:label ?exchangeLabel %(exchangeLabel)s } }
}"""


def linked_qids(store: KnowledgeStore) -> list[str]:
    """QIDs that some entity is owl:sameAs (verified gazetteer links and accepted ones)."""
    rows = store.store.query(
        "SELECT DISTINCT ?w WHERE { ?e <%s> ?w FILTER(STRSTARTS(STR(?w), \"%s\")) }" % (SAME_AS, WD),
        use_default_graph_as_union=True)
    return sorted({r["w"].value[len(WD):] for r in rows} - {""}, key=lambda q: int(q[1:]) if _QID.match(q) else 0)


def import_query(qids: list[str]) -> str:
    """The CONSTRUCT for one batch; QIDs are checked against ^Q[0-9]+$ before they enter the text."""
    bad = [q for q in qids if not _QID.match(q)]
    if bad:
        raise KgError(f"not a Wikidata item id: {bad[0]!r}")
    fields = {name: _LANGS % name for name in ("label", "description", "classLabel", "countryLabel", "hqLabel",
                                               "parentLabel", "exchangeLabel")}
    return IMPORT_QUERY % {"values": " ".join(f"wd:{q}" for q in qids), **fields}


def import_external(store: KnowledgeStore, client: WikidataClient, *, now: str | None = None) -> tuple[int, int]:
    """Replace the external cache graph with facts about every linked item; (items, triples)."""
    qids = [q for q in linked_qids(store) if _QID.match(q)]
    graph = ox.NamedNode(EXTERNAL_GRAPH)
    triples: set[tuple] = set()
    for start in range(0, len(qids), BATCH):
        data = client.construct(import_query(qids[start:start + BATCH]))
        try:
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                triples.add((triple.subject, triple.predicate, triple.object))
        except SyntaxError as exc:
            raise LinkError(f"{client.endpoint} answered the CONSTRUCT with unreadable N-Triples: {exc}") from None
    now = now or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    quads = [ox.Quad(s, p, o, graph) for s, p, o in sorted(triples, key=lambda t: tuple(map(str, t)))]
    quads += [ox.Quad(graph, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(client.endpoint), graph),
              ox.Quad(graph, ox.NamedNode(PROV + "generatedAtTime"),
                      ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")), graph)]
    store.replace_graph(EXTERNAL_GRAPH, quads)
    return len(qids), len(triples)


def linkset(store: KnowledgeStore) -> bytes:
    """A VoID linkset in Turtle: every owl:sameAs to Wikidata, with counts and the link target named."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS as DCT, FOAF, OWL, RDF, XSD as X

    from kg.namespaces import PREFIXES

    rows = store.store.query(
        "SELECT DISTINCT ?e ?w ?g WHERE { GRAPH ?g { ?e <%s> ?w } FILTER(STRSTARTS(STR(?w), \"%s\")) }" % (SAME_AS, WD))
    links = sorted({(r["e"].value, r["w"].value) for r in rows})
    accepted = {(r["e"].value, r["w"].value) for r in rows if r["g"].value == LINKS_GRAPH}
    candidates = sum(1 for _ in store.store.quads_for_pattern(None, ox.NamedNode(CLOSE_MATCH), None,
                                                              ox.NamedNode(LINKS_GRAPH)))
    g = Graph(bind_namespaces="none")
    for prefix, ns in {**PREFIXES, "void": VOID, "foaf": str(FOAF)}.items():
        g.bind(prefix, ns)
    void = lambda term: URIRef(VOID + term)  # noqa: E731
    ours, wikidata, linkset_node = URIRef(VOID_BASE + "chipgraph"), URIRef(WIKIDATA_DATASET), URIRef(VOID_BASE + "wikidata-sameAs")
    g.add((ours, RDF.type, void("Dataset")))
    g.add((ours, DCT.title, Literal("Chipgraph", lang="en")))
    g.add((ours, void("uriSpace"), Literal("https://w3id.org/chipgraph/id/entity/")))
    g.add((ours, void("subset"), linkset_node))
    g.add((wikidata, RDF.type, void("Dataset")))
    g.add((wikidata, DCT.title, Literal("Wikidata", lang="en")))
    g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((wikidata, void("uriSpace"), Literal(WD)))
    g.add((wikidata, void("sparqlEndpoint"), URIRef("https://query.wikidata.org/sparql")))
    g.add((linkset_node, RDF.type, void("Linkset")))
    g.add((linkset_node, DCT.title, Literal("Chipgraph entities identical to Wikidata items", lang="en")))
    g.add((linkset_node, DCT.description, Literal(
        f"{len(links) - len(accepted)} links from the verified table (ontology/wikidata-verified.tsv) and "
        f"{len(accepted)} accepted by a reviewer; {candidates} unreviewed candidates (skos:closeMatch) are "
        "not part of this linkset.", lang="en")))
    g.add((linkset_node, void("linkPredicate"), OWL.sameAs))
    g.add((linkset_node, void("subjectsTarget"), ours))
    g.add((linkset_node, void("objectsTarget"), wikidata))
    g.add((linkset_node, void("target"), ours))
    g.add((linkset_node, void("target"), wikidata))
    g.add((linkset_node, void("triples"), Literal(len(links), datatype=X.integer)))
    g.add((linkset_node, void("distinctSubjects"), Literal(len({e for e, _ in links}), datatype=X.integer)))
    g.add((linkset_node, void("distinctObjects"), Literal(len({w for _, w in links}), datatype=X.integer)))
    for entity, item in links:
        g.add((URIRef(entity), OWL.sameAs, URIRef(item)))
    return g.serialize(format="turtle", encoding="utf-8")
