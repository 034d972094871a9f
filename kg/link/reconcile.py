"""`kg link`: reconcile entities that have no identity link with Wikidata items.

Why this is careful: an `owl:sameAs` makes every Wikidata fact about the item a fact about our
entity, so a wrong one silently corrupts every federated answer. Hence identity links come only
from the verified table (the gazetteer) or from a person's decision; everything the matcher finds
is a *candidate* (`skos:closeMatch` with a score, the method and the time, see `kg.link.graph`).

For each entity without an identity link:

1. search `wbsearchentities` with its Korean and English labels and a few aliases;
2. check every hit with one SPARQL query per batch: is it an instance (P31/P279*) of the class
   its type demands (a firm a business, a regulator a government agency, …; a chip or an AI model
   anything but a business, organisation, person or agency: its maker is no candidate), and is its country
   (P17, or P17 of the P159 headquarters) the country our graph gives the entity?
3. score it (`kg.link.scoring`): name evidence + type + country, with the classes and weights of
   `ontology/links/wikidata.yaml` (`kg.link.rules`); low scores are dropped, the best few kept.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kg.link.decisions import Decision, entity_key, read_decisions, record_decisions
from kg.link.graph import Candidate, utc_now, write_links
from kg.link.http import WikidataClient
from kg.link.qids import fill_values, is_qid
from kg.link.rules import LinkRules, link_rules
from kg.link.scoring import EntityInfo, Hit, score
from kg.namespaces import WD_NS as WD
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql
from kg.text import normalize_name

BATCH = 50  # items per facts query


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

def known_same_as(store: KnowledgeStore) -> set[tuple[str, str]]:
    """(entity IRI, QID) pairs asserted outside the links graph (the verified gazetteer)."""
    rows = store.query(sparql("link-known-same-as"))
    return {(r["e"].value, r["w"].value[len(WD):]) for r in rows}


def entities(store: KnowledgeStore) -> dict[str, EntityInfo]:
    """Every typed entity of the store with its names and the QIDs of its countries."""
    found: dict[str, EntityInfo] = {}
    for row in store.query(sparql("link-entities")):
        info = found.setdefault(row["e"].value, EntityInfo(row["e"].value, row["type"].value))
        if row["name"] is not None:
            kind = "label" if row["p"].value.endswith("#label") else "alias"
            entry = (row["name"].value, row["name"].language or "en", kind)
            if entry not in info.names:
                info.names.append(entry)
    for row in store.query(sparql("link-entity-countries")):
        if row["e"].value in found:
            found[row["e"].value].countries.add(row["w"].value[len(WD):])
    for info in found.values():
        info.names.sort(key=lambda n: (n[2] != "label", n[1] != "ko", n[1] != "en", n[0]))
    return found


def search_names(info: EntityInfo, rules: LinkRules | None = None) -> list[tuple[str, str, str]]:
    """Labels and a few aliases, in languages Wikidata search is asked in (others as English)."""
    rules = rules or link_rules()
    labels = [n for n in info.names if n[2] == "label"]
    aliases = [n for n in info.names if n[2] == "alias" and n[1] in rules.languages][:rules.aliases]
    return [(text, lang if lang in rules.languages else "en", kind) for text, lang, kind in labels + aliases]


# --- searching and checking --------------------------------------------------------------------------

def _search_all(client: WikidataClient, todo: list[EntityInfo], rules: LinkRules) -> dict[str, dict[str, Hit]]:
    jobs = [(info.iri, name) for info in todo for name in search_names(info, rules)]
    with ThreadPoolExecutor(max_workers=max(1, client.concurrency)) as pool:
        results = list(pool.map(lambda job: client.search(job[1][0], job[1][1]), jobs))
    hits: dict[str, dict[str, Hit]] = defaultdict(dict)
    for (iri, (text, lang, kind)), found in zip(jobs, results):
        for item in found:
            qid = str(item.get("id", ""))
            if not is_qid(qid):
                continue
            hit = hits[iri].setdefault(qid, Hit(qid, item.get("label", ""), item.get("description", "")))
            match = item.get("match") or {}
            exact = normalize_name(str(match.get("text", ""))) == normalize_name(text)
            hit.add(text=text, language=lang, kind=kind, exact=exact, where=match.get("type", "label"), rules=rules)
    return hits


def _facts(client: WikidataClient, qids: list[str], rules: LinkRules) -> dict[str, dict[str, set[str]]]:
    """For each QID: "p31" (its classes), "class" (checked classes it is an instance of), "country"."""
    raw = client.per_item("facts", qids, lambda missing: _fetch_facts(client, missing, rules.classes))
    return {qid: {kind: set(values) for kind, values in facts.items()} for qid, facts in raw.items()}


def _fetch_facts(client: WikidataClient, qids: list[str], classes: list[str]) -> dict[str, dict[str, list[str]]]:
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    template = fill_values(sparql("link-type-facts"), "value", classes)
    for start in range(0, len(qids), BATCH):
        for row in client.select(fill_values(template, "item", qids[start:start + BATCH])):
            item = row["item"]["value"][len(WD):]
            facts[item][row["kind"]["value"]].add(row["value"]["value"].rsplit("/", 1)[-1])
    return {qid: {kind: sorted(values) for kind, values in per.items()} for qid, per in facts.items()}


# --- the command ---------------------------------------------------------------------------------------

def link(store: KnowledgeStore, client: WikidataClient, decisions_path: Path, *,
         accept_above: float | None = None, now: str | None = None) -> LinkReport:
    """Find candidates for every entity without an identity link and rewrite the links graph."""
    started = _time.perf_counter()
    rules = link_rules()
    requests0, hits0 = client.stats.requests, client.stats.cache_hits
    now = now or utc_now()
    report = LinkReport()
    all_entities = entities(store)
    certain_pairs = known_same_as(store)
    decisions = read_decisions(decisions_path)
    certain = {e for e, _ in certain_pairs} | {d.entity_iri for d in decisions.values() if d.decision == "accept"}
    todo = [info for iri, info in sorted(all_entities.items()) if iri not in certain and info.names]
    hits = _search_all(client, todo, rules)
    qids = sorted({qid for per in hits.values() for qid in per})
    facts = _facts(client, qids, rules) if qids else {}
    candidates: list[Candidate] = []
    for info in todo:
        scored = []
        for hit in hits.get(info.iri, {}).values():
            if decisions.get((entity_key(info.iri), hit.qid), Decision("", "", "")).decision == "reject":
                continue
            value, method = score(info, hit, facts.get(hit.qid, {}), rules)
            if value is None:
                report.dropped_by_type += 1
            elif value >= rules.minimum_score:
                scored.append(Candidate(info.iri, hit.qid, value, method, hit.label, hit.description))
        scored.sort(key=lambda c: (-c.score, c.qid))
        candidates += scored[:rules.keep]
        if accept_above is not None and scored and scored[0].score >= accept_above and \
                (len(scored) == 1 or scored[0].score - scored[1].score >= rules.accept_lead):
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
