"""Entity lookup: the entity IRI a user means by a label, alias, misspelling, key, IRI or CURIE.

Labels (`rdfs:label`), aliases (`skos:altLabel`), misspellings (`skos:hiddenLabel`) and entity
keys are compared after `kg.text.normalize_name` (NFKC, casefold, spaces and punctuation
dropped), in that order of preference. An `http(s)://` value or a CURIE (`e:nvidia`,
`wd:Q182477`) is taken as an IRI; a Wikidata IRI is mapped to the entity that is `owl:sameAs` it.

The name index is built once per store and data version (`KnowledgeStore.memo`): any write
through the store rebuilds it, and a miss rebuilds it too, because another process may have
written the store behind this object's back.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import ENTITY_BASE, RDFS_NS, SKOS_NS
from kg.query.curies import as_iri, is_curie
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql
from kg.text import normalize_name

_MEMO = "query.entity-index"
_TIERS = {RDFS_NS + "label": 0, SKOS_NS + "altLabel": 1, SKOS_NS + "hiddenLabel": 2}
_KEY_TIER = 3


@dataclass
class _EntityIndex:
    # normalised name -> tier -> entity IRIs
    names: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    # entity IRI -> a display label (ko, else en, else any non-hidden)
    display: dict[str, str] = field(default_factory=dict)


def resolve_entity(store: KnowledgeStore, value: str) -> ox.NamedNode:
    """The entity IRI for a label, alias, misspelling, key, IRI or CURIE; QueryError if none or several."""
    text = value.strip()
    if re.match(r"^https?://", text, re.IGNORECASE) or is_curie(text):
        return _resolve_iri(store, value, text)
    norm = normalize_name(text)
    if not norm:
        raise QueryError(f"{value!r} is not an entity name", hint="give a label such as 엔비디아, an alias or an IRI")
    index = _entity_index(store)
    found = _lookup(index, norm)
    if len(found) != 1 or not _still_named(store, found[0]):
        store.forget()  # the store may have changed since the index was built
        index = _entity_index(store)
        found = _lookup(index, norm)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    if not found:
        close = _close_names(index, norm)
        raise QueryError(f"no entity is called {text!r}", hint=close + f"try `kg query entities-search --param q={text}`",
                         web_hint=close + f"try /queries/entities-search?q={quote(text)}")
    listing = "; ".join(f"{index.display.get(e, e)} <{e}>" for e in found)
    raise QueryError(f"{text!r} could name several entities: {listing}",
                     hint="give a fuller name or the entity IRI")


def _resolve_iri(store: KnowledgeStore, value: str, text: str) -> ox.NamedNode:
    """An entity IRI as given, or the one entity that is owl:sameAs a foreign IRI (else that IRI)."""
    iri = as_iri(text)
    if iri is None:
        raise QueryError(f"{value!r} is not a valid IRI")
    if iri.value.startswith(ENTITY_BASE):
        return iri
    same = [s["e"] for s in store.query(sparql("query-entity-same-as"), bindings={"x": iri})]
    return same[0] if len(same) == 1 else iri


def _close_names(index: _EntityIndex, norm: str) -> str:
    """The start of the hint for a name nobody bears: close names if there are any (the search
    query follows, as the command line or the server spells it)."""
    close = difflib.get_close_matches(norm, list(index.names), n=3, cutoff=0.75)
    suggestions = sorted({index.display.get(e, e) for c in close for ents in index.names[c].values() for e in ents})
    return "did you mean " + ", ".join(suggestions[:3]) + "? or " if suggestions else ""


def _entity_index(store: KnowledgeStore) -> _EntityIndex:
    return store.memo(_MEMO, lambda: _build_index(store))


def _build_index(store: KnowledgeStore) -> _EntityIndex:
    """Every normalised name of every entity, by tier, and a display label per entity."""
    index = _EntityIndex()
    labels_by_lang: dict[str, dict[str, str]] = {}
    try:
        solutions = store.query(sparql("query-entity-labels"))
        rows = [(s["entity"].value, s["property"].value, s["label"]) for s in solutions]
    except OSError as exc:
        raise StoreError(f"cannot read entity labels from the store: {exc}") from None
    for entity, prop, label in rows:
        tier = _TIERS[prop]
        norm = normalize_name(label.value)
        if norm:
            index.names.setdefault(norm, {}).setdefault(tier, set()).add(entity)
        if tier < 2:
            slot = labels_by_lang.setdefault(entity, {})
            slot.setdefault(f"{tier}:{label.language or ''}", label.value)
    for entity, slot in labels_by_lang.items():
        index.display[entity] = (slot.get("0:ko") or slot.get("0:en") or next(iter(sorted(slot.items())))[1])
    for entity in {e for tiers in index.names.values() for ents in tiers.values() for e in ents}:
        norm = normalize_name(entity[len(ENTITY_BASE):])
        if norm:
            index.names.setdefault(norm, {}).setdefault(_KEY_TIER, set()).add(entity)
    return index


def _lookup(index: _EntityIndex, norm: str) -> list[str]:
    tiers = index.names.get(norm)
    if not tiers:
        return []
    return sorted(tiers[min(tiers)])


def _still_named(store: KnowledgeStore, iri: str) -> bool:
    return bool(store.query(sparql("query-entity-named"), bindings={"e": ox.NamedNode(iri)}))
