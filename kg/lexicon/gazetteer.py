"""The reference gazetteer: curated entities from `ontology/entities.ttl` as an alias table.

Entities are curated in Turtle because they are also reference data loaded into the store;
the matcher needs them as a flat alias table and the extractor needs a few relations
(develops, subsidiaryOf …), built here once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

from kg.errors import DataFileError
from kg.namespaces import CG, ENTITY_BASE
from kg.resources import ontology_dir
from kg.text import normalize_name

ENTITY_TYPES = ("Firm", "Chip", "Regulator", "Country", "Person", "AIModel", "MediaOutlet", "Exchange", "Equipment", "Material")


@dataclass(frozen=True)
class Entity:
    """One curated entity: the key is the local name of its IRI."""

    key: str
    type: str
    label_ko: str | None
    label_en: str | None
    aliases: tuple[str, ...]
    qid: str | None = None

    @property
    def iri(self) -> str:
        return ENTITY_BASE + self.key

    @property
    def label(self) -> str:
        return self.label_ko or self.label_en or self.key


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Curated entities with an alias table and the relations the extractor reasons with.

    Read-only once loaded (`load_gazetteer` passes read-only mappings and frozensets): the
    shipped one is shared by every reader in the process.
    """

    entities: Mapping[str, Entity]
    alias_index: Mapping[str, str]
    relations: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)

    def lookup(self, name: str) -> Entity | None:
        key = self.alias_index.get(normalize_name(name))
        return self.entities.get(key) if key else None

    def related(self, predicate: str, subject: str) -> set[str]:
        return set(self._by_end[0].get((predicate, subject), ()))

    def inverse(self, predicate: str, obj: str) -> set[str]:
        return set(self._by_end[1].get((predicate, obj), ()))

    @functools.cached_property
    def _by_end(self) -> tuple[dict[tuple[str, str], list[str]], dict[tuple[str, str], list[str]]]:
        """The relations indexed by (predicate, subject) and by (predicate, object), made on
        first use: the extractor asks for a chip's developer in many sentences, and a gazetteer
        is not changed once loaded."""
        forward: dict[tuple[str, str], list[str]] = {}
        backward: dict[tuple[str, str], list[str]] = {}
        for predicate, pairs in self.relations.items():
            for s, o in pairs:
                forward.setdefault((predicate, s), []).append(o)
                backward.setdefault((predicate, o), []).append(s)
        return forward, backward

    def country_of(self, key: str) -> str | None:
        """The country an entity belongs to: itself, its jurisdiction or its headquarters."""
        entity = self.entities.get(key)
        if entity is None:
            return None
        if entity.type == "Country":
            return key
        for predicate in ("jurisdiction", "headquarteredIn"):
            found = sorted(self.related(predicate, key))
            if found:
                return found[0]
        led = sorted(self.related("leads", key))  # a minister is of the country of the body he leads
        return self.country_of(led[0]) if led else None

    def developer_of(self, chip_key: str) -> str | None:
        """The one firm that develops a chip; none for a class several makers develop (HBM)."""
        makers = self.inverse("develops", chip_key)
        return next(iter(makers)) if len(makers) == 1 else None


def _key_of(node: URIRef, path: Path) -> str:
    text = str(node)
    if not text.startswith(ENTITY_BASE):
        raise DataFileError(f"entity IRI {text} is outside {ENTITY_BASE}", path=path)
    return text[len(ENTITY_BASE):]


def _entity_from_graph(graph: Graph, node: URIRef, type_name: str, path: Path) -> Entity:
    labels = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label)}
    names = [str(o) for p in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel) for o in graph.objects(node, p)]
    qids = [str(o).rsplit("/", 1)[-1] for o in graph.objects(node, OWL.sameAs) if "wikidata.org" in str(o)]
    return Entity(key=_key_of(node, path), type=type_name, label_ko=labels.get("ko"),
                  label_en=labels.get("en"), aliases=tuple(sorted(set(names))),
                  qid=sorted(qids)[0] if qids else None)


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read `entities.ttl` into a Gazetteer; an alias claimed by two entities is an error."""
    path = path or ontology_dir() / "entities.ttl"
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise DataFileError(f"cannot parse the gazetteer: {exc}", path=path) from exc
    entities: dict[str, Entity] = {}
    for type_name in ENTITY_TYPES:
        for node in sorted(graph.subjects(RDF.type, CG[type_name])):
            entity = _entity_from_graph(graph, node, type_name, path)
            entities[entity.key] = entity
    index: dict[str, str] = {}
    for entity in entities.values():
        for alias in entity.aliases:
            folded = normalize_name(alias)
            if not folded:
                continue
            other = index.setdefault(folded, entity.key)
            if other != entity.key:
                raise DataFileError(f"alias '{alias}' names both {other} and {entity.key}", path=path,
                                    hint="keep it on one entity")
    relations: dict[str, set[tuple[str, str]]] = {}
    for name in ("develops", "subsidiaryOf", "headquarteredIn", "jurisdiction", "ceoOf", "uses", "leads"):
        pairs = {(str(s)[len(ENTITY_BASE):], str(o)[len(ENTITY_BASE):])
                 for s, o in graph.subject_objects(CG[name])
                 if str(s).startswith(ENTITY_BASE) and str(o).startswith(ENTITY_BASE)}
        relations[name] = pairs
    return Gazetteer(entities=MappingProxyType(entities), alias_index=MappingProxyType(index),
                     relations=MappingProxyType({name: frozenset(pairs) for name, pairs in relations.items()}))


@functools.lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, parsed once per process."""
    return load_gazetteer()
