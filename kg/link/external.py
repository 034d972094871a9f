"""Facts from Wikidata about linked entities (`kg import-external`).

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

import pyoxigraph as ox

from kg.link.graph import DCTERMS, EXTERNAL_GRAPH, PROV, XSD, utc_now
from kg.link.http import LinkError, WikidataClient
from kg.link.qids import fill_values, is_qid
from kg.namespaces import WD_NS as WD
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql

BATCH = 25


def linked_qids(store: KnowledgeStore) -> list[str]:
    """QIDs that some entity is owl:sameAs (verified gazetteer links and accepted ones)."""
    rows = store.query(sparql("link-linked-items"))
    return sorted({r["w"].value[len(WD):] for r in rows} - {""}, key=lambda q: int(q[1:]) if is_qid(q) else 0)


def import_query(qids: list[str]) -> str:
    """The CONSTRUCT for one batch; QIDs are checked against ^Q[0-9]+$ before they enter the text."""
    return fill_values(sparql("link-import-external"), "item", qids)


def import_external(store: KnowledgeStore, client: WikidataClient, *, now: str | None = None) -> tuple[int, int]:
    """Replace the external cache graph with facts about every linked item; (items, triples)."""
    qids = [q for q in linked_qids(store) if is_qid(q)]
    graph = ox.NamedNode(EXTERNAL_GRAPH)
    triples: set[tuple] = set()
    for start in range(0, len(qids), BATCH):
        data = client.construct(import_query(qids[start:start + BATCH]))
        try:
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                triples.add((triple.subject, triple.predicate, triple.object))
        except SyntaxError as exc:
            raise LinkError(f"{client.endpoint} answered the CONSTRUCT with unreadable N-Triples: {exc}") from None
    now = now or utc_now()
    quads = [ox.Quad(s, p, o, graph) for s, p, o in sorted(triples, key=lambda t: tuple(map(str, t)))]
    quads += [ox.Quad(graph, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(client.endpoint), graph),
              ox.Quad(graph, ox.NamedNode(PROV + "generatedAtTime"),
                      ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")), graph)]
    store.replace_graph(EXTERNAL_GRAPH, quads)
    return len(qids), len(triples)
