"""What the store says about the scored articles, read with SPARQL (kg/sparql/eval-*.rq).

The evaluator reads the graph, never the extractor's Python objects, so it scores exactly what
users query; everything scoring needs comes from a handful of queries run once per evaluation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from kg.errors import StoreError
from kg.namespaces import ACTION_BASE, ENTITY_BASE, PREFIXES, RDF_NS, ROLES
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql
from kg.text import normalize_name

CG = PREFIXES["cg"]
_DECIMALS = ("percent", "price", "quantity", "amountUSD", "minAmountUSD", "maxAmountUSD", "amount", "minAmount",
             "maxAmount")
_TEXTS = ("date", "period", "datePeriod", "currency")
_LABEL_RANK = {"label": 0, "altLabel": 2, "hiddenLabel": 4}  # which name a finding shows


@dataclass
class Entity:
    iri: str
    labels: set[str] = field(default_factory=set)  # normalised
    display: str = ""
    types: set[str] = field(default_factory=set)  # local names, superclasses included
    wikidata: set[str] = field(default_factory=set)  # QIDs


@dataclass
class Predicted:
    """One predicted entity mention, action or relation statement of an article graph."""

    kind: str
    iri: str
    cls: str = ""
    roles: dict[str, list[str]] = field(default_factory=dict)  # role → entity IRIs (or literal values)
    values: dict[str, Any] = field(default_factory=dict)
    confidence: float | None = None
    evidence: str = ""


@dataclass
class Graph:
    entities: dict[str, Entity]
    related: dict[str, set[str]]  # maker ↔ chip, regulator ↔ country (gazetteer): for restatements
    articles: dict[str, str]  # identifier → graph IRI
    subclasses: dict[str, set[str]]  # class local name → itself and its superclasses
    predicted: dict[str, dict[str, list[Predicted]]]  # graph IRI → kind → predictions

    def classes_under(self, top: str) -> set[str]:
        """The ontology's classes that are `top` or below it (`Action`, `Entity`)."""
        return {c for c, sup in self.subclasses.items() if top in sup}


def open_store(store: KnowledgeStore | Path | str) -> KnowledgeStore:
    """The store to read: a `KnowledgeStore` as given, or a store folder opened read-only."""
    if isinstance(store, KnowledgeStore):
        return store
    path = Path(store)
    if not path.exists():
        raise StoreError("no store here", path=path, hint="run `kg build` first")
    return KnowledgeStore(path, read_only=True)


def _rows(store: KnowledgeStore, name: str) -> list:
    return list(store.query(sparql(name)))


def local(iri: str) -> str:
    """`cg:Firm` → `Firm`; other IRIs unchanged."""
    return iri[len(CG):] if iri.startswith(CG) else iri


def entity_key(iri: str) -> str:
    """An entity IRI without the entity base (`nvidia`), as findings show it."""
    return iri[len(ENTITY_BASE):] if iri.startswith(ENTITY_BASE) else iri


def read_graph(store: KnowledgeStore) -> Graph:
    """Everything scoring needs, in a handful of SPARQL queries."""
    subclasses: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "eval-subclasses"):
        if row["c"].value.startswith(CG) and row["s"].value.startswith(CG):
            subclasses[local(row["c"].value)].add(local(row["s"].value))
    entities = _read_entities(store, subclasses)

    def entity(iri: str) -> Entity:
        return entities.setdefault(iri, Entity(iri=iri, display=entity_key(iri)))

    articles = {row["id"].value: row["g"].value for row in _rows(store, "eval-articles")}
    predicted: dict[str, dict[str, list[Predicted]]] = defaultdict(lambda: defaultdict(list))
    _read_mentions(store, predicted, entity)
    _read_actions(store, predicted, subclasses)
    _read_relations(store, predicted)
    related: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "eval-related"):
        related[row["a"].value].add(row["b"].value)
        related[row["b"].value].add(row["a"].value)
    return Graph(entities=entities, related=dict(related), articles=articles, subclasses=dict(subclasses),
                 predicted=predicted)


def _read_entities(store: KnowledgeStore, subclasses: dict[str, set[str]]) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}

    def entity(iri: str) -> Entity:
        return entities.setdefault(iri, Entity(iri=iri, display=entity_key(iri)))

    display_rank: dict[str, int] = {}
    for row in _rows(store, "eval-labels"):
        item = entity(row["e"].value)
        item.labels.add(normalize_name(row["l"].value))
        rank = _LABEL_RANK[row["p"].value.rsplit("#", 1)[-1]]
        rank += 0 if getattr(row["l"], "language", None) == "ko" else 1
        if rank < display_rank.get(item.iri, 99):
            display_rank[item.iri], item.display = rank, row["l"].value
    for row in _rows(store, "eval-types"):
        name = local(row["t"].value)
        entity(row["e"].value).types |= subclasses.get(name, set()) | {name}
    for row in _rows(store, "eval-same-as"):
        entity(row["e"].value).wikidata.add(row["q"].value.rsplit("/", 1)[-1])
    for item in entities.values():
        item.labels.add(normalize_name(entity_key(item.iri)))
        item.labels.discard("")
    return entities


def _read_mentions(store: KnowledgeStore, predicted, entity: Callable[[str], Entity]) -> None:
    confidence = {(r["g"].value, r["e"].value): float(r["c"].value) for r in _rows(store, "eval-confidences")}
    for row in _rows(store, "eval-mentions"):
        graph, iri = row["g"].value, row["e"].value
        entity(iri)
        predicted[graph]["entity"].append(Predicted(kind="entity", iri=iri, confidence=confidence.get((graph, iri))))


def _read_actions(store: KnowledgeStore, predicted, subclasses: dict[str, set[str]]) -> None:
    action_classes = {c for c, sup in subclasses.items() if "Action" in sup and c != "Action"}
    found: dict[tuple[str, str], Predicted] = {}
    for row in _rows(store, "eval-actions"):
        graph, iri, prop, obj = row["g"].value, row["a"].value, row["p"].value, row["o"]
        if not iri.startswith(ACTION_BASE):
            continue
        item = found.setdefault((graph, iri), Predicted(kind="action", iri=iri))
        name = local(prop)
        if prop == RDF_NS + "type":
            if local(obj.value) in action_classes or not action_classes:
                item.cls = local(obj.value)
        elif name in (*ROLES, "reportedBy"):
            item.roles.setdefault(name, []).append(obj.value)
        elif name == "modality":
            item.values["modality"] = local(obj.value)
        elif name == "confidence":
            item.confidence = float(obj.value)
        elif name == "evidence":
            item.evidence = obj.value
        elif name in _TEXTS:
            item.values[name] = obj.value
        elif name in _DECIMALS:
            item.values[name] = Decimal(obj.value)
    for (graph, _), item in sorted(found.items()):
        if item.cls:
            predicted[graph]["action"].append(item)


def _read_relations(store: KnowledgeStore, predicted) -> None:
    for row in _rows(store, "eval-statements"):
        predicted[row["g"].value]["relation"].append(Predicted(
            kind="relation", iri=row["st"].value, cls=local(row["p"].value),
            roles={"s": [row["s"].value], "o": [row["o"].value]},
            confidence=float(row["c"].value) if row["c"] is not None else None,
            evidence=row["ev"].value if row["ev"] is not None else ""))
