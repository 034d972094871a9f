"""Display names of IRIs on the Linked Data pages: "엔비디아 (Nvidia)", an article's title, or, for
an article without one (a corpus often has none), "outlet · date · identifier".

Names are kept per store snapshot in `KnowledgeStore.memo` (a write through the store forgets
them), so a page asks the store for each name once; past `KEPT` names the memo starts again.
"""

from __future__ import annotations

from kg.namespaces import ARTICLE_BASE, GRAPH_BASE, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from kg.query import SavedQuery, run_query, shorten_iri
from kg.rdf.store import KnowledgeStore

KEPT = 200_000
_MEMO = "server.page-names"


class Names:
    """Display names of IRIs, asked of the store once per snapshot (`KnowledgeStore.memo`)."""

    def __init__(self, knowledge: KnowledgeStore, queries: dict[str, SavedQuery]) -> None:
        self.knowledge, self.queries = knowledge, queries
        self.known: dict[str, str] = knowledge.memo(_MEMO, dict)

    def of(self, iris: set[str]) -> dict[str, str]:
        if len(self.known) > KEPT:
            self.known.clear()
        return {iri: self.name(iri) for iri in iris}

    def name(self, iri: str) -> str:
        if iri not in self.known:
            self.known[iri] = self._ask(iri)
        return self.known[iri]

    def _ask(self, iri: str) -> str:
        if iri == REFERENCE_GRAPH:
            return "reference data"
        if iri == ONTOLOGY_GRAPH:
            return "ontology"
        if iri.startswith(ARTICLE_BASE):
            return self._article(iri)
        rows = run_query(self.knowledge, self.queries["labels"], {"node": iri}, limit=8).rows
        by_lang: dict[str, str] = {}
        for label, _ in rows:
            by_lang.setdefault(getattr(label, "language", None) or "", label.value)
        ko, en, other = by_lang.get("ko"), by_lang.get("en"), by_lang.get("")
        if ko and en and ko != en:
            return f"{ko} ({en})"
        return ko or en or other or (shorten_iri(iri) if not iri.startswith(GRAPH_BASE) else iri[len(GRAPH_BASE):])

    def _article(self, iri: str) -> str:
        """The article's title, else "outlet · date · identifier" (a corpus often has no titles)."""
        rows = run_query(self.knowledge, self.queries["article-head"], {"resource": iri}, limit=1).records()
        if not rows:
            return shorten_iri(iri)
        head = rows[0]
        if head["title"] is not None and head["title"].value.strip():
            return head["title"].value
        parts = [self.name(head["outlet"].value) if head["outlet"] is not None else None,
                 head["date"].value if head["date"] is not None else None,
                 head["identifier"].value if head["identifier"] is not None else iri[len(ARTICLE_BASE):]]
        return " · ".join(p for p in parts if p)
