"""`kg link`: reconcile entities that have no identity link with Wikidata items.

Why this is careful: an `owl:sameAs` makes every Wikidata fact about the item a fact about our
entity, so a wrong one silently corrupts every federated answer. Hence identity links come only
from the verified table (the gazetteer) or from a person's decision; everything the matcher finds
is a *candidate* (`skos:closeMatch` with a score, the method and the time, see `kg.link.graph`).

For each entity without an identity link:

1. search `wbsearchentities` with its Korean and English labels and a few aliases;
2. check every hit with one SPARQL query per batch: is it an instance (P31/P279*) of the class
   its type demands (a firm a business, a regulator a government agency, …), and is its country
   (P17, or P17 of the P159 headquarters) the country our graph gives the entity?
3. score: name evidence (exact label 0.5, exact alias 0.4, prefix hit 0.2, +0.1 when two names
   agree) + type (required class 0.3, only "organization" 0.1, wrong class: dropped) + country
   (same 0.1, different -0.3); candidates under 0.3 are dropped, three kept per entity.
"""

from __future__ import annotations

import datetime as _dt
import re
import time as _time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg.text import normalize_name
from kg.namespaces import ENTITY_BASE, WD_NS as WD
from kg.link.decisions import Decision, entity_key, read_decisions, record_decisions
from kg.link.graph import LINKS_GRAPH, Candidate, write_links
from kg.link.http import WikidataClient
from kg.namespaces import ONTOLOGY_IRI
from kg.rdf.store import KnowledgeStore

CG = ONTOLOGY_IRI + "#"
BUSINESS, AGENCY, ORGANIZATION, COUNTRY, HUMAN = "Q4830453", "Q327333", "Q43229", "Q6256", "Q5"
#: entity type → (classes that confirm it, classes that only weakly do); None: no type check
EXPECTED: dict[str, tuple[set[str], set[str]] | None] = {
    "Firm": ({BUSINESS}, {ORGANIZATION}),
    "MediaOutlet": ({BUSINESS}, {ORGANIZATION}),
    "Exchange": ({BUSINESS}, {ORGANIZATION}),
    "Regulator": ({AGENCY}, {ORGANIZATION}),
    "Country": ({COUNTRY}, set()),
    "Person": ({HUMAN}, set()),
    "Chip": None,
    "AIModel": None,
}
MIN_SCORE = 0.3
KEEP = 3
MAX_ALIASES = 3
BATCH = 50
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass
class EntityInfo:
    iri: str
    type: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (text, language, "label"|"alias")
    countries: set[str] = field(default_factory=set)  # Wikidata QIDs


@dataclass
class LinkReport:
    entities: int = 0
    certain: int = 0
    with_candidates: int = 0
    nothing: int = 0
    candidates: int = 0
    dropped_by_type: int = 0
    auto_accepted: int = 0
    requests: int = 0
    cache_hits: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.entities} entities: {self.certain} with an identity link, {self.with_candidates} with "
                f"candidates ({self.candidates} links), {self.nothing} with nothing; {self.dropped_by_type} hits "
                f"dropped by the type check, {self.auto_accepted} accepted above the threshold; "
                f"{self.requests} requests, {self.cache_hits} from cache, {self.seconds:.1f}s")


# --- what the store knows --------------------------------------------------------------------------

_ENTITIES = f"""
SELECT DISTINCT ?e ?type ?p ?name WHERE {{
  ?e a ?class . FILTER(STRSTARTS(STR(?e), "{ENTITY_BASE}") && STRSTARTS(STR(?class), "{CG}"))
  BIND(STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL {{ VALUES ?p {{ rdfs:label skos:altLabel }} ?e ?p ?name }}
}}"""
_SAME_AS = f"""
SELECT DISTINCT ?e ?w WHERE {{ GRAPH ?g {{ ?e owl:sameAs ?w }}
  FILTER(STRSTARTS(STR(?w), "{WD}") && ?g != <{LINKS_GRAPH}>) }}"""
_COUNTRIES = f"""
SELECT DISTINCT ?e ?w WHERE {{
  {{ ?e cg:headquarteredIn|cg:jurisdiction ?c }} UNION {{ ?m cg:develops ?e . ?m cg:headquarteredIn ?c }}
  ?c owl:sameAs ?w FILTER(STRSTARTS(STR(?w), "{WD}"))
}}"""


def known_same_as(store: KnowledgeStore) -> set[tuple[str, str]]:
    """(entity IRI, QID) pairs asserted outside the links graph (the verified gazetteer)."""
    from kg.namespaces import PREFIXES

    rows = store.store.query(_SAME_AS, prefixes=PREFIXES)
    return {(r["e"].value, r["w"].value[len(WD):]) for r in rows}


def entities(store: KnowledgeStore) -> dict[str, EntityInfo]:
    """Every typed entity of the store with its names and the QIDs of its countries."""
    from kg.namespaces import PREFIXES

    found: dict[str, EntityInfo] = {}
    for row in store.store.query(_ENTITIES, prefixes=PREFIXES, use_default_graph_as_union=True):
        info = found.setdefault(row["e"].value, EntityInfo(row["e"].value, row["type"].value))
        if row["name"] is not None:
            kind = "label" if row["p"].value.endswith("#label") else "alias"
            entry = (row["name"].value, row["name"].language or "en", kind)
            if entry not in info.names:
                info.names.append(entry)
    for row in store.store.query(_COUNTRIES, prefixes=PREFIXES, use_default_graph_as_union=True):
        if row["e"].value in found:
            found[row["e"].value].countries.add(row["w"].value[len(WD):])
    for info in found.values():
        info.names.sort(key=lambda n: (n[2] != "label", n[1] != "ko", n[1] != "en", n[0]))
    return found


def search_names(info: EntityInfo) -> list[tuple[str, str, str]]:
    """Labels and at most MAX_ALIASES aliases, in languages Wikidata search knows (ko, en, zh)."""
    labels = [n for n in info.names if n[2] == "label"]
    aliases = [n for n in info.names if n[2] == "alias" and n[1] in ("ko", "en", "zh")][:MAX_ALIASES]
    return [(text, lang if lang in ("ko", "en", "zh") else "en", kind) for text, lang, kind in labels + aliases]


# --- searching and checking --------------------------------------------------------------------------

@dataclass
class _Hit:
    qid: str
    label: str = ""
    description: str = ""
    evidence: dict[str, float] = field(default_factory=dict)  # "ko label 엔비디아 = label" → points


def _search_all(client: WikidataClient, todo: list[EntityInfo]) -> dict[str, dict[str, _Hit]]:
    jobs = [(info.iri, name) for info in todo for name in search_names(info)]
    with ThreadPoolExecutor(max_workers=max(1, client.concurrency)) as pool:
        results = list(pool.map(lambda job: client.search(job[1][0], job[1][1]), jobs))
    hits: dict[str, dict[str, _Hit]] = defaultdict(dict)
    for (iri, (text, lang, kind)), found in zip(jobs, results):
        for item in found:
            qid = str(item.get("id", ""))
            if not _QID.match(qid):
                continue
            hit = hits[iri].setdefault(qid, _Hit(qid, item.get("label", ""), item.get("description", "")))
            match = item.get("match") or {}
            exact = normalize_name(str(match.get("text", ""))) == normalize_name(text)
            where = match.get("type", "label")
            points = (0.5 if kind == "label" else 0.4) if exact else 0.2
            hit.evidence[f"{lang} {kind} {text} {'=' if exact else '~'} {where}"] = points
    return hits


def _facts(client: WikidataClient, qids: list[str]) -> dict[str, dict[str, set[str]]]:
    """For each QID: "p31" (its classes), "class" (expected classes it is an instance of), "country"."""
    raw = client.per_item("facts", qids, lambda missing: _fetch_facts(client, missing))
    return {qid: {kind: set(values) for kind, values in facts.items()} for qid, facts in raw.items()}


def _fetch_facts(client: WikidataClient, qids: list[str]) -> dict[str, dict[str, list[str]]]:
    classes = sorted({c for spec in EXPECTED.values() if spec for group in spec for c in group})
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for start in range(0, len(qids), BATCH):
        values = " ".join(f"wd:{q}" for q in qids[start:start + BATCH])  # QIDs checked by _QID
        query = ("PREFIX wd: <http://www.wikidata.org/entity/>\nPREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
                 "SELECT ?item ?kind ?value WHERE {\n"
                 f"  VALUES ?item {{ {values} }}\n"
                 "  { ?item wdt:P31 ?value BIND(\"p31\" AS ?kind) }\n"
                 f"  UNION {{ VALUES ?value {{ {' '.join('wd:' + c for c in classes)} }}\n"
                 "          ?item wdt:P31/wdt:P279* ?value BIND(\"class\" AS ?kind) }\n"
                 "  UNION { ?item wdt:P17 ?value BIND(\"country\" AS ?kind) }\n"
                 "  UNION { ?item wdt:P159/wdt:P17 ?value BIND(\"country\" AS ?kind) }\n}")
        for row in client.select(query):
            item = row["item"]["value"][len(WD):]
            facts[item][row["kind"]["value"]].add(row["value"]["value"].rsplit("/", 1)[-1])
    return {qid: {kind: sorted(values) for kind, values in per.items()} for qid, per in facts.items()}


def score(info: EntityInfo, hit: _Hit, facts: dict[str, set[str]]) -> tuple[float | None, str]:
    """(score, method text) of one hit, or (None, reason) when the type check rules it out."""
    best = max(hit.evidence.values())
    exact_langs = {key.split(" ", 1)[0] for key, points in hit.evidence.items() if points >= 0.4}
    value = best + (0.1 if len(exact_langs) >= 2 else 0.0)
    notes = sorted(hit.evidence, key=lambda k: -hit.evidence[k])[:2]
    spec = EXPECTED.get(info.type)
    if spec is not None and facts.get("p31"):
        strong, weak = spec
        if facts.get("class", set()) & strong:
            value += 0.3
            notes.append("P31 " + "/".join(sorted(facts["class"] & strong)) + " as expected for " + info.type)
        elif facts.get("class", set()) & weak:
            value += 0.1
            notes.append("P31 only organization for " + info.type)
        else:
            return None, "wrong type for " + info.type
    elif spec is not None:
        notes.append("no P31 on Wikidata")
    countries = facts.get("country", set())
    if info.countries and countries:
        if info.countries & countries:
            value += 0.1
            notes.append("country " + "/".join(sorted(info.countries & countries)) + " agrees")
        else:
            value -= 0.3
            notes.append("country " + "/".join(sorted(countries)) + " differs from " + "/".join(sorted(info.countries)))
    return round(max(0.0, min(1.0, value)), 3), "wbsearchentities: " + "; ".join(notes)


# --- the command ---------------------------------------------------------------------------------------

def link(store: KnowledgeStore, client: WikidataClient, decisions_path: Path, *,
         accept_above: float | None = None, now: str | None = None) -> LinkReport:
    """Find candidates for every entity without an identity link and rewrite the links graph."""
    started = _time.perf_counter()
    requests0, hits0 = client.stats.requests, client.stats.cache_hits
    now = now or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    report = LinkReport()
    all_entities = entities(store)
    certain_pairs = known_same_as(store)
    decisions = read_decisions(decisions_path)
    certain = {e for e, _ in certain_pairs} | {d.entity_iri for d in decisions.values() if d.decision == "accept"}
    todo = [info for iri, info in sorted(all_entities.items()) if iri not in certain and info.names]
    hits = _search_all(client, todo)
    qids = sorted({qid for per in hits.values() for qid in per})
    facts = _facts(client, qids) if qids else {}
    candidates: list[Candidate] = []
    for info in todo:
        scored = []
        for hit in hits.get(info.iri, {}).values():
            if decisions.get((entity_key(info.iri), hit.qid), Decision("", "", "")).decision == "reject":
                continue
            value, method = score(info, hit, facts.get(hit.qid, {}))
            if value is None:
                report.dropped_by_type += 1
            elif value >= MIN_SCORE:
                scored.append(Candidate(info.iri, hit.qid, value, method, hit.label, hit.description))
        scored.sort(key=lambda c: (-c.score, c.qid))
        candidates += scored[:KEEP]
        if accept_above is not None and scored and scored[0].score >= accept_above and \
                (len(scored) == 1 or scored[0].score - scored[1].score >= 0.2):
            best = scored[0]
            decisions = record_decisions(decisions_path, [Decision(
                entity_key(info.iri), best.qid, "accept", f"{best.score:g}", best.label,
                by=f"kg link --accept-above {accept_above:g}")])
            certain.add(info.iri)
            report.auto_accepted += 1
    write_links(store, candidates, decisions, now, certain_pairs)
    with_candidates = {c.entity for c in candidates if c.entity not in certain}
    report.entities = len(all_entities)
    report.certain = len(certain & set(all_entities))
    report.with_candidates = len(with_candidates)
    report.candidates = sum(1 for c in candidates if c.entity not in certain)
    report.nothing = report.entities - report.certain - report.with_candidates
    report.requests = client.stats.requests - requests0
    report.cache_hits = client.stats.cache_hits - hits0
    report.seconds = _time.perf_counter() - started
    return report
