"""Summary counts of a store, for `kg stats` (and later the server's VoID description).

Each section is one query of `kg/sparql/stats-*.rq` giving (class or label, count) rows.
"""

from __future__ import annotations

from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql


def _rows(store: KnowledgeStore, name: str) -> list[tuple[str, int]]:
    """(label, count) rows of `stats-NAME.rq`; a class IRI is shown by its local name."""
    result = store.query(sparql(f"stats-{name}"))
    return [(row[0].value.rsplit("#", 1)[-1] if row[0] is not None else "", int(row[1].value)) for row in result]


def store_stats(store: KnowledgeStore) -> dict[str, list[tuple[str, int]]]:
    """Sections of (label, count) rows: the store, entities by type, actions by class."""
    overview = _rows(store, "articles")
    overview += [("graphs", len(store.graphs())), ("quads", len(store.quads()))]
    overview += _rows(store, "relations")
    return {"store": overview, "entities mentioned in articles": _rows(store, "entities-mentioned"),
            "reference entities": _rows(store, "entities-reference"), "actions": _rows(store, "actions")}
