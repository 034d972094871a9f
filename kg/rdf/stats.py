"""Summary counts of a store, for `kg stats` (and later the server's VoID description)."""

from __future__ import annotations

from kg.namespaces import CG, REFERENCE_GRAPH
from kg.rdf.store import KnowledgeStore

_ENTITY_TYPES = "cg:Firm cg:Chip cg:Regulator cg:Country cg:Person cg:AIModel cg:MediaOutlet cg:Exchange"
_PREFIX = f"PREFIX cg: <{CG._NS}>\n"


def _rows(store: KnowledgeStore, sparql: str) -> list[tuple[str, int]]:
    result = store.store.query(_PREFIX + sparql, use_default_graph_as_union=True)
    return [(row[0].value.rsplit("#", 1)[-1] if row[0] is not None else "", int(row[1].value)) for row in result]


def store_stats(store: KnowledgeStore) -> dict[str, list[tuple[str, int]]]:
    """Sections of (label, count) rows: the store, entities by type, actions by class."""
    overview = _rows(store, "SELECT ?k (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?g a cg:Article } BIND('articles' AS ?k) } GROUP BY ?k")
    overview += [("graphs", len(store.graphs())), ("quads", len(store.quads()))]
    overview += _rows(store, "SELECT ?k (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> "
                             "BIND('relations (reified)' AS ?k) } GROUP BY ?k")
    entities = _rows(store, f"""SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        VALUES ?type {{ {_ENTITY_TYPES} }} ?e a ?type .
        FILTER (EXISTS {{ ?article cg:mentions ?e }}) }} GROUP BY ?type ORDER BY DESC(?n) ?type""")
    reference = _rows(store, f"""SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        VALUES ?type {{ {_ENTITY_TYPES} }} GRAPH <{REFERENCE_GRAPH}> {{ ?e a ?type }} }}
        GROUP BY ?type ORDER BY DESC(?n) ?type""")
    actions = _rows(store, """SELECT ?class (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a a ?class . ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf> cg:Action }
        GROUP BY ?class ORDER BY DESC(?n) ?class""")
    return {"store": overview, "entities mentioned in articles": entities,
            "reference entities": reference, "actions": actions}
