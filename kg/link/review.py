"""`kg link review`: show candidate links to a person, record their accept/reject decisions.

Why separate from `kg link`: reviewing needs no network. Decisions go to the versioned decisions
file first (so a rebuilt store gets them back with the next `kg link`, or with `apply_decisions`),
then the links graph is rewritten from the candidates already in the store.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pyoxigraph as ox

from kg.link.reconcile import known_same_as
from kg.link.decisions import Decision, entity_key, parse_qid, read_decisions, record_decisions
from kg.link.graph import Candidate, read_candidates, write_links
from kg.query import resolve_entity
from kg.rdf.store import KnowledgeStore


def pending(store: KnowledgeStore) -> list[Candidate]:
    """Candidates awaiting a decision, best first per entity."""
    return read_candidates(store)


def _pair(store: KnowledgeStore, text: str) -> tuple[str, str]:
    """`ENTITY=QID` (entity as key, label or IRI) → (entity IRI, QID)."""
    from kg.errors import KgError

    entity, sep, qid = text.rpartition("=")
    if not sep or not entity.strip():
        raise KgError(f"{text!r} is not ENTITY=QID", hint="for example cambricon=Q990000003 or 캠브리콘=Q990000003")
    name = entity.strip()
    iri = resolve_entity(store, "e:" + name if name.isascii() and "/" not in name and ":" not in name
                         and name == name.lower() and " " not in name else name).value
    if not store.store.query("ASK { ?e ?p ?o }", use_default_graph_as_union=True,
                             substitutions={ox.Variable("e"): ox.NamedNode(iri)}):
        raise KgError(f"no entity {name!r} in the store", hint="give an entity key, label or IRI from `kg link review`")
    return iri, parse_qid(qid)


def decide(store: KnowledgeStore, decisions_path: Path, *, accept: list[str] = (), reject: list[str] = (),
           by: str = "reviewer") -> dict[tuple[str, str], Decision]:
    """Record decisions (`ENTITY=QID` strings) and rewrite the links graph accordingly."""
    candidates = {(c.entity, c.qid): c for c in read_candidates(store)}
    new = []
    for verdict, items in (("accept", accept), ("reject", reject)):
        for text in items:
            iri, qid = _pair(store, text)
            found = candidates.get((iri, qid))
            new.append(Decision(entity_key(iri), qid, verdict, f"{found.score:g}" if found else "",
                                found.label if found else "", _dt.date.today().isoformat(), by))
    decisions = record_decisions(decisions_path, new) if new else read_decisions(decisions_path)
    apply_decisions(store, decisions_path, candidates=list(candidates.values()))
    return decisions


def apply_decisions(store: KnowledgeStore, decisions_path: Path, *, candidates: list[Candidate] | None = None) -> None:
    """Rewrite the links graph from the stored candidates and the decisions file (no network)."""
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    write_links(store, read_candidates(store) if candidates is None else candidates,
                read_decisions(decisions_path), now, known_same_as(store))
