"""Score a built graph against hand-made gold annotations (`kg eval`).

Why this exists: the extractor is a set of hand-written rules that several people edit at once.
Without a fixed yardstick every rule change trades errors we cannot see. Gold files state what a
careful reader finds in each article; this module reads what the graph holds for the same
articles (SPARQL over the store, never the extractor's Python objects, so it scores exactly what
users query) and reports precision, recall and F1 per kind, the accuracy of dates and numbers,
the misses and false positives with their evidence, and how well `cg:confidence` predicts
correctness (the calibration table).

Gold file: JSON Lines; blank lines and lines starting with `#` are skipped. `doc` is an article
identifier or its prefix before the first `_` (`000` for `000_e3e1c4b4497a31e5`).

* entity   `{"doc", "kind": "entity", "label_ko", "label_en", "type", "wikidata"?}`
* action   `{"doc", "kind": "action", "type", "agent"?, "object"?, "target"?, "date"?,
  "percent"?, "price"?, "quantity"?, "amount_usd"?, "period"?, "modality"?, "evidence"?}`
* relation `{"doc", "kind": "relation", "s", "p", "o", "evidence"?}`

Every record may carry a free-text `note`. A role value is a label (`"엔비디아"`), alternatives
for one participant named differently in the article (`"미국 정부 | 미국"`: either matches), or a
list of such values that must all be present (`["바이트댄스", "텐센트"]`, coordinated agents).
`amount_usd` is a number or `[min, max]` for a range. `modality` is one name or a list of
acceptable ones. A doc that appears in the gold file is taken as fully annotated: everything the
graph holds for it and the gold lacks is a false positive; articles absent from the gold file
are not scored.

Matching (per doc and kind, a maximum one-to-one assignment, ties broken by agreeing values):

* labels match an entity's `rdfs:label`, `skos:altLabel` or `skos:hiddenLabel` after
  `kg.query.normalize_name` (NFKC, case, spaces and punctuation ignored);
* an action matches when its class is the gold class or a subclass, and every gold role value
  matches one of the predicted values of that role (an absent gold role is no constraint);
* dates and numbers do not decide a match; they are scored over matched actions: a date is right
  when equal at the gold's precision (`2024-09` accepts `2024-09-27`, not `2024`), numbers when
  equal as decimals (percent signed), a period when one normalised text contains the other.
  Modality is scored the same way, separately.

Findings say why, for whoever tunes the extractor: a miss names the closest prediction and what
it got wrong (`closest: … [agent ✗]`); a false positive that agrees with an already matched gold
action, or names the maker of its chip or the country of its regulator, is marked `restates gold
line N` — a headline or a vaguer sentence about one event that the graph holds as a second node.

Calibration: every predicted action, relation and discovered entity (one with a `cg:confidence`
in its article graph) in a gold doc is right when it was matched. Gazetteer entities carry no
confidence; the "entities (all)" table counts them as confidence 1.0.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import DataFileError, StoreError
from kg.namespaces import ACTION_BASE, ENTITY_BASE, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH, RDF_NS as RDF, ROLES
from kg.text import normalize_name

CG = PREFIXES["cg"]
KINDS = ("entity", "action", "relation")
NUMBERS = ("percent", "price", "quantity", "amount_usd")
VALUES = ("date", *NUMBERS, "period")  # what "dates and numbers" scores
MODALITIES = ("Asserted", "Reported", "Planned", "Expected", "Denied", "Hypothetical")
PREDICATES = ("develops", "uses", "subsidiaryOf", "ceoOf", "headquarteredIn", "jurisdiction", "listedOn")
BUCKETS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
_KEYS = {
    "entity": {"doc", "kind", "label_ko", "label_en", "type", "wikidata", "note"},
    "action": {"doc", "kind", "type", *ROLES, *NUMBERS, "date", "period", "modality", "evidence", "note"},
    "relation": {"doc", "kind", "s", "p", "o", "evidence", "note"},
}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# ------------------------------------------------------------------------------------------------
# Gold
# ------------------------------------------------------------------------------------------------

Alternatives = tuple[str, ...]  # normalised labels, any of which names the participant


@dataclass(frozen=True)
class Gold:
    """One gold record; `roles` maps a role to the participants that must all be present."""

    kind: str
    doc: str
    line: int
    record: dict[str, Any]
    roles: dict[str, tuple[Alternatives, ...]] = field(default_factory=dict)

    def describe(self) -> str:
        r = self.record
        if self.kind == "entity":
            return f"{r.get('label_ko') or ''} / {r.get('label_en') or ''} ({r.get('type') or '?'})"
        if self.kind == "relation":
            return f"{r['s']} {r['p']} {r['o']}"
        parts = [r["type"]] + [f"{k}={_show(r[k])}" for k in (*ROLES, *VALUES, "modality") if k in r]
        return " ".join(parts)


def _show(value: Any) -> str:
    return "+".join(map(str, value)) if isinstance(value, list) else str(value)


def load_gold(path: Path | str) -> list[Gold]:
    """Read a gold JSONL file; `DataFileError` naming file:line for a malformed record."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read the gold file: {exc}", path=path) from None
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise DataFileError(f"not valid JSON ({exc.msg}, column {exc.colno})", path=path, line=number) from None
        records.append(_parse_record(data, path, number))
    if not records:
        raise DataFileError("the gold file has no records", path=path)
    return records


def _parse_record(data: Any, path: Path, line: int) -> Gold:
    def bad(message: str, hint: str | None = None) -> DataFileError:
        return DataFileError(message, path=path, line=line, hint=hint)

    if not isinstance(data, dict):
        raise bad("a gold record must be a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise bad(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    doc = data.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise bad("doc must name the article (its identifier or the prefix before '_')")
    unknown = set(data) - _KEYS[kind]
    if unknown:
        raise bad(f"unknown field(s) for a{'n' if kind[0] in 'ae' else ''} {kind}: {', '.join(sorted(unknown))}",
                  hint="allowed: " + ", ".join(sorted(_KEYS[kind])))
    roles: dict[str, tuple[Alternatives, ...]] = {}
    if kind == "entity":
        if not any(isinstance(data.get(k), str) and normalize_name(data[k]) for k in ("label_ko", "label_en")):
            raise bad("an entity needs label_ko or label_en")
    elif kind == "relation":
        for key in ("s", "o"):
            roles[key] = _role_value(data.get(key), key, bad)
        if data.get("p") not in PREDICATES:
            raise bad(f"p must be one of {', '.join(PREDICATES)}, not {data.get('p')!r}")
    else:
        if not isinstance(data.get("type"), str) or not data["type"]:
            raise bad("an action needs a type (an action class such as ExportControl)")
        for role in ROLES:
            if role in data:
                roles[role] = _role_value(data[role], role, bad)
        if "date" in data and not (isinstance(data["date"], str) and _DATE.match(data["date"])):
            raise bad(f"date {data['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        for key in ("percent", "price", "quantity"):
            if key in data:
                _decimal(data[key], key, bad)
        if "amount_usd" in data:
            amount = data["amount_usd"]
            if isinstance(amount, list):
                if len(amount) != 2:
                    raise bad("amount_usd as a list must be [min, max]")
                [_decimal(a, "amount_usd", bad) for a in amount]
            else:
                _decimal(amount, "amount_usd", bad)
        if "period" in data and not (isinstance(data["period"], str) and normalize_name(data["period"])):
            raise bad("period must be text")
        if "modality" in data:
            wanted = data["modality"] if isinstance(data["modality"], list) else [data["modality"]]
            if not wanted or any(m not in MODALITIES for m in wanted):
                raise bad(f"modality must be among {', '.join(MODALITIES)}")
    return Gold(kind=kind, doc=doc.strip(), line=line, record=data, roles=roles)


def _role_value(value: Any, role: str, bad) -> tuple[Alternatives, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise bad(f"{role} must be a label, 'label | label' or a list of labels")
    out = []
    for item in items:
        alternatives = tuple(n for n in (normalize_name(a) for a in item.split("|")) if n)
        if not alternatives:
            raise bad(f"{role} has an empty label")
        out.append(alternatives)
    return tuple(out)


def _decimal(value: Any, key: str, bad=None) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        if bad is None:
            raise
        raise bad(f"{key} {value!r} is not a number") from None


# ------------------------------------------------------------------------------------------------
# Predictions (read from the store with SPARQL)
# ------------------------------------------------------------------------------------------------


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


def _open(store: Any) -> ox.Store:
    if isinstance(store, ox.Store):
        return store
    if isinstance(getattr(store, "store", None), ox.Store):
        return store.store
    path = Path(store)
    if not path.exists():
        raise StoreError("no store here", path=path, hint="run `kg build` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store: {exc}", path=path) from None


def _rows(store: ox.Store, query: str) -> list:
    return list(store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True))


def _local(iri: str) -> str:
    return iri[len(CG):] if iri.startswith(CG) else iri


def read_graph(store: ox.Store) -> Graph:
    """Everything scoring needs, in a handful of SPARQL queries."""
    subclasses: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, f"SELECT ?c ?s WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c rdfs:subClassOf* ?s }} }}"):
        if row["c"].value.startswith(CG) and row["s"].value.startswith(CG):
            subclasses[_local(row["c"].value)].add(_local(row["s"].value))

    entities: dict[str, Entity] = {}
    base = f'FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{ENTITY_BASE}"))'

    def entity(iri: str) -> Entity:
        return entities.setdefault(iri, Entity(iri=iri, display=iri[len(ENTITY_BASE):]))

    display_rank: dict[str, int] = {}
    for row in _rows(store, "SELECT ?e ?p ?l WHERE { VALUES ?p { rdfs:label skos:altLabel skos:hiddenLabel } "
                            f"?e ?p ?l {base} }}"):
        item = entity(row["e"].value)
        item.labels.add(normalize_name(row["l"].value))
        rank = {"label": 0, "altLabel": 2, "hiddenLabel": 4}[row["p"].value.rsplit("#", 1)[-1]]
        rank += 0 if getattr(row["l"], "language", None) == "ko" else 1
        if rank < display_rank.get(item.iri, 99):
            display_rank[item.iri], item.display = rank, row["l"].value
    for row in _rows(store, f"SELECT ?e ?t WHERE {{ ?e a ?t {base} }}"):
        local = _local(row["t"].value)
        entity(row["e"].value).types |= subclasses.get(local, set()) | {local}
    for row in _rows(store, f"SELECT ?e ?q WHERE {{ ?e owl:sameAs ?q {base} }}"):
        entity(row["e"].value).wikidata.add(row["q"].value.rsplit("/", 1)[-1])
    for item in entities.values():
        item.labels.add(normalize_name(item.iri[len(ENTITY_BASE):]))
        item.labels.discard("")

    articles = {row["id"].value: row["g"].value for row in _rows(
        store, "SELECT ?g ?id WHERE { GRAPH ?g { ?g a cg:Article ; dcterms:identifier ?id } }")}
    predicted: dict[str, dict[str, list[Predicted]]] = defaultdict(lambda: defaultdict(list))
    _read_mentions(store, predicted, entity)
    _read_actions(store, predicted, subclasses)
    _read_relations(store, predicted)
    related: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, f"SELECT ?a ?b WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?a cg:develops|cg:jurisdiction ?b }} }}"):
        related[row["a"].value].add(row["b"].value)
        related[row["b"].value].add(row["a"].value)
    return Graph(entities=entities, related=dict(related), articles=articles, subclasses=dict(subclasses),
                 predicted=predicted)


def _read_mentions(store: ox.Store, predicted, entity) -> None:
    confidence = {(r["g"].value, r["e"].value): float(r["c"].value) for r in _rows(
        store, "SELECT ?g ?e ?c WHERE { GRAPH ?g { ?g a cg:Article . ?e cg:confidence ?c FILTER(isIRI(?e)) } }")}
    for row in _rows(store, "SELECT ?g ?e WHERE { GRAPH ?g { ?g cg:mentions ?e } }"):
        graph, iri = row["g"].value, row["e"].value
        entity(iri)
        predicted[graph]["entity"].append(Predicted(kind="entity", iri=iri, confidence=confidence.get((graph, iri))))


def _read_actions(store: ox.Store, predicted, subclasses) -> None:
    action_classes = {c for c, sup in subclasses.items() if "Action" in sup and c != "Action"}
    found: dict[tuple[str, str], Predicted] = {}
    for row in _rows(store, "SELECT ?g ?a ?p ?o WHERE { GRAPH ?g { ?a a ?c ; ?p ?o "
                            f"FILTER(STRSTARTS(STR(?c), \"{CG}\")) }} }}"):
        graph, iri, prop, obj = row["g"].value, row["a"].value, row["p"].value, row["o"]
        if not iri.startswith(ACTION_BASE):
            continue
        item = found.setdefault((graph, iri), Predicted(kind="action", iri=iri))
        name = _local(prop)
        if prop == RDF + "type":
            if _local(obj.value) in action_classes or not action_classes:
                item.cls = _local(obj.value)
        elif name in (*ROLES, "reportedBy"):
            item.roles.setdefault(name, []).append(obj.value)
        elif name == "modality":
            item.values["modality"] = _local(obj.value)
        elif name == "confidence":
            item.confidence = float(obj.value)
        elif name == "evidence":
            item.evidence = obj.value
        elif name in ("date", "period"):
            item.values[name] = obj.value
        elif name in ("percent", "price", "quantity", "amountUSD", "minAmountUSD", "maxAmountUSD"):
            item.values[name] = Decimal(obj.value)
    for (graph, _), item in sorted(found.items()):
        if item.cls:
            predicted[graph]["action"].append(item)


def _read_relations(store: ox.Store, predicted) -> None:
    for row in _rows(store, """SELECT ?g ?st ?s ?p ?o ?c ?ev WHERE { GRAPH ?g {
            ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL { ?st cg:confidence ?c } OPTIONAL { ?st cg:evidence ?ev } } } ORDER BY ?g ?st"""):
        predicted[row["g"].value]["relation"].append(Predicted(
            kind="relation", iri=row["st"].value, cls=_local(row["p"].value),
            roles={"s": [row["s"].value], "o": [row["o"].value]},
            confidence=float(row["c"].value) if row["c"] is not None else None,
            evidence=row["ev"].value if row["ev"] is not None else ""))


# ------------------------------------------------------------------------------------------------
# Matching
# ------------------------------------------------------------------------------------------------


def _names(graph: Graph, value: str) -> set[str]:
    item = graph.entities.get(value)
    return item.labels if item is not None else {normalize_name(value)}


def _roles_ok(graph: Graph, gold: Gold, pred: Predicted) -> dict[str, bool]:
    """For each gold role: is every required participant among the predicted values?"""
    out = {}
    for role, participants in gold.roles.items():
        values = [_names(graph, v) for v in pred.roles.get(role, [])]
        out[role] = all(any(set(alts) & names for names in values) for alts in participants)
    return out


def _class_ok(graph: Graph, gold_cls: str, pred_cls: str) -> bool:
    return gold_cls == pred_cls or gold_cls in graph.subclasses.get(pred_cls, ())


def _entity_ok(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    wanted = {normalize_name(gold.record.get(k) or "") for k in ("label_ko", "label_en")} - {""}
    return bool(wanted & graph.entities[pred.iri].labels)


def value_checks(gold: Gold, pred: Predicted) -> dict[str, bool]:
    """Which gold values (date, numbers, period, modality) the matched prediction gets right."""
    r, v = gold.record, pred.values
    checks: dict[str, bool] = {}
    if "date" in r:
        got = v.get("date") or ""
        checks["date"] = len(got) >= len(r["date"]) and got[:len(r["date"])] == r["date"]
    for key, name in (("percent", "percent"), ("price", "price"), ("quantity", "quantity")):
        if key in r:
            checks[key] = v.get(name) == _decimal(r[key], key)
    if "amount_usd" in r:
        amount = r["amount_usd"]
        if isinstance(amount, list):
            checks["amount_usd"] = (v.get("minAmountUSD") == _decimal(amount[0], "amount_usd")
                                    and v.get("maxAmountUSD") == _decimal(amount[1], "amount_usd"))
        else:
            checks["amount_usd"] = v.get("amountUSD") == _decimal(amount, "amount_usd")
    if "period" in r:
        want, got = normalize_name(r["period"]), normalize_name(v.get("period") or "")
        checks["period"] = bool(got) and (want in got or got in want)
    if "modality" in r:
        wanted = r["modality"] if isinstance(r["modality"], list) else [r["modality"]]
        checks["modality"] = v.get("modality") in wanted
    return checks


def compatible(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    if gold.kind == "entity":
        return _entity_ok(graph, gold, pred)
    if gold.kind == "relation":
        return gold.record["p"] == pred.cls and all(_roles_ok(graph, gold, pred).values())
    return _class_ok(graph, gold.record["type"], pred.cls) and all(_roles_ok(graph, gold, pred).values())


def _agreement(graph: Graph, gold: Gold, pred: Predicted) -> int:
    """Tie-breaker between compatible pairs: agreeing values, the right entity type."""
    if gold.kind == "action":
        return sum(value_checks(gold, pred).values())
    if gold.kind == "entity":
        return int(gold.record.get("type") in graph.entities[pred.iri].types)
    return 0


def assign(weights: list[list[float]]) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment (Hungarian algorithm); pairs of weight 0 are dropped."""
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if not rows or not cols:
        return []
    n = max(rows, cols)
    top = max(max(row) for row in weights)
    cost = [[top - (weights[i][j] if i < rows and j < cols else 0.0) for j in range(n)] for i in range(n)]
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, n + 1) if p[j] and p[j] - 1 < rows and j - 1 < cols]
    return sorted((i, j) for i, j in pairs if weights[i][j] > 0)


def match(graph: Graph, golds: list[Gold], preds: list[Predicted]) -> list[tuple[int, int]]:
    """Pairs (gold index, prediction index): as many matches as possible, then the best-agreeing."""
    scale = 1.0 / (10.0 * (min(len(golds), len(preds)) + 1))  # all tie-breakers together < one match
    weights = [[(1.0 + scale * min(_agreement(graph, g, p), 9) / 9) if compatible(graph, g, p) else 0.0
                for p in preds] for g in golds]
    return assign(weights)


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass
class Finding:
    """A miss (gold not found) or a false positive (prediction matching no gold)."""

    kind: str
    doc: str
    what: str
    evidence: str = ""
    line: int | None = None  # gold line, for misses
    iri: str | None = None  # prediction, for false positives
    confidence: float | None = None
    note: str = ""  # closest prediction for a miss; "duplicate of line N" for a restatement


@dataclass
class Bucket:
    label: str
    low: float
    high: float
    count: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.count if self.count else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.label, "count": self.count, "right": self.right,
                "precision": round(self.precision, 4)}


@dataclass
class EvalReport:
    gold_path: str
    scores: dict[str, Score]  # per kind
    per_class: dict[str, Score]  # actions, per gold/predicted class
    per_doc: dict[str, dict[str, Score]]
    values: dict[str, Accuracy]  # date, percent, …, "all" (dates and numbers), modality
    attributes: dict[str, Accuracy]  # entity type, wikidata
    calibration: dict[str, list[Bucket]]
    misses: list[Finding] = field(default_factory=list)
    false_positives: list[Finding] = field(default_factory=list)
    wrong_values: list[Finding] = field(default_factory=list)  # matched actions with a wrong date/number/modality
    warnings: list[str] = field(default_factory=list)
    outcomes: list[tuple[str, float, bool]] = field(default_factory=list)  # (kind, confidence, right): for fitting

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold_path,
            "scores": {k: s.to_dict() for k, s in self.scores.items()},
            "per_class": {k: s.to_dict() for k, s in sorted(self.per_class.items())},
            "per_doc": {d: {k: s.to_dict() for k, s in kinds.items()} for d, kinds in sorted(self.per_doc.items())},
            "values": {k: a.to_dict() for k, a in self.values.items()},
            "attributes": {k: a.to_dict() for k, a in self.attributes.items()},
            "calibration": {k: [b.to_dict() for b in bs] for k, bs in self.calibration.items()},
            "misses": [asdict(f) for f in self.misses],
            "false_positives": [asdict(f) for f in self.false_positives],
            "wrong_values": [asdict(f) for f in self.wrong_values],
            "warnings": list(self.warnings),
        }


def evaluate(store: Any, gold_path: Path | str) -> EvalReport:
    """Score the store (KnowledgeStore, pyoxigraph Store or store folder) against a gold file."""
    golds = load_gold(gold_path)
    graph = read_graph(_open(store))
    _check_classes(graph, golds, Path(gold_path))
    docs = _resolve_docs(graph, golds, Path(gold_path))
    report = EvalReport(gold_path=str(gold_path), scores={k: Score() for k in KINDS}, per_class={}, per_doc={},
                        values={k: Accuracy() for k in (*VALUES, "all", "modality")},
                        attributes={"entity type": Accuracy(), "wikidata": Accuracy()},
                        calibration={k: [Bucket(_bucket_label(lo, hi), lo, hi) for lo, hi in BUCKETS]
                                     for k in ("actions", "relations", "entities (discovered)", "entities (all)")})
    for doc, graph_iri in docs.items():
        if graph_iri is None:
            report.warnings.append(f"no article for doc {doc!r} in the store: its gold records count as misses")
        preds = graph.predicted.get(graph_iri, {}) if graph_iri else {}
        report.per_doc[doc] = {}
        for kind in KINDS:
            gold_here = [g for g in golds if g.doc == doc and g.kind == kind]
            _score_kind(report, graph, doc, kind, gold_here, list(preds.get(kind, [])))
    for buckets in report.calibration.values():
        _add_cumulative(buckets)
    return report


def _bucket_label(low: float, high: float) -> str:
    if low == 0.0:
        return f"< {high:.1f}"
    return f"≥ {low:.1f}" if high > 1.0 else f"{low:.1f}–{high:.1f}"


def _add_cumulative(buckets: list[Bucket]) -> None:
    high = [b for b in buckets if b.low >= 0.8]
    buckets.append(Bucket("all ≥ 0.8", 0.8, 1.01, sum(b.count for b in high), sum(b.right for b in high)))


def _check_classes(graph: Graph, golds: list[Gold], path: Path) -> None:
    known = {c for c, sup in graph.subclasses.items() if "Action" in sup}
    for g in golds:
        if g.kind == "action" and known and g.record["type"] not in known:
            raise DataFileError(f"unknown action class {g.record['type']!r}", path=path, line=g.line,
                                hint="use one of " + ", ".join(sorted(known)))


def _resolve_docs(graph: Graph, golds: list[Gold], path: Path) -> dict[str, str | None]:
    """Gold doc → article graph IRI: the identifier itself, or the one identifier with that prefix."""
    out: dict[str, str | None] = {}
    for g in golds:
        if g.doc in out:
            continue
        if g.doc in graph.articles:
            out[g.doc] = graph.articles[g.doc]
            continue
        found = sorted(i for i in graph.articles if i.split("_", 1)[0] == g.doc)
        if len(found) > 1:
            raise DataFileError(f"doc {g.doc!r} could be any of {', '.join(found)}", path=path, line=g.line,
                                hint="give the full article identifier")
        out[g.doc] = graph.articles[found[0]] if found else None
    return out


def _score_kind(report: EvalReport, graph: Graph, doc: str, kind: str, golds: list[Gold],
                preds: list[Predicted]) -> None:
    pairs = match(graph, golds, preds)
    score = Score(tp=len(pairs), fp=len(preds) - len(pairs), fn=len(golds) - len(pairs))
    report.scores[kind].add(score)
    report.per_doc[doc][kind] = score
    matched_gold = {i: j for i, j in pairs}
    matched_pred = {j: i for i, j in pairs}
    for i, j in pairs:
        _score_attributes(report, graph, golds[i], preds[j])
        if kind == "action":
            wrong = [k for k, ok in value_checks(golds[i], preds[j]).items() if not ok]
            if wrong:
                report.wrong_values.append(Finding(
                    kind=kind, doc=doc, what=golds[i].describe(), line=golds[i].line, iri=preds[j].iri,
                    evidence=preds[j].evidence, confidence=preds[j].confidence,
                    note="; ".join(f"{k}: got {_got(preds[j], k)}" for k in wrong)))
    for i, gold in enumerate(golds):
        if i not in matched_gold:
            report.misses.append(Finding(kind=kind, doc=doc, what=gold.describe(), line=gold.line,
                                         evidence=gold.record.get("evidence", ""),
                                         note=_closest(graph, gold, preds, matched_pred)))
    for j, pred in enumerate(preds):
        right = j in matched_pred
        if not right:
            dup = next((golds[i] for i in matched_gold if _restates(graph, golds[i], pred)), None)
            report.false_positives.append(Finding(
                kind=kind, doc=doc, what=describe_prediction(graph, pred), iri=pred.iri, evidence=pred.evidence,
                confidence=pred.confidence, note=f"restates gold line {dup.line}" if dup else ""))
        _calibrate(report, kind, pred, right)
    if kind == "action":
        for cls in sorted({g.record["type"] for g in golds} | {p.cls for p in preds}):
            per = report.per_class.setdefault(cls, Score())
            per.tp += sum(1 for i, _ in pairs if golds[i].record["type"] == cls)
            per.fn += sum(1 for i, g in enumerate(golds) if g.record["type"] == cls and i not in matched_gold)
            per.fp += sum(1 for j, p in enumerate(preds) if p.cls == cls and j not in matched_pred)


def _got(pred: Predicted, key: str) -> str:
    v = pred.values
    if key == "amount_usd":
        found = [str(v[n]) for n in ("amountUSD", "minAmountUSD", "maxAmountUSD") if n in v]
        return "/".join(found) or "nothing"
    return str(v.get(key, "nothing"))


def _score_attributes(report: EvalReport, graph: Graph, gold: Gold, pred: Predicted) -> None:
    if gold.kind == "action":
        for key, ok in value_checks(gold, pred).items():
            report.values[key].total += 1
            report.values[key].right += ok
            if key != "modality":
                report.values["all"].total += 1
                report.values["all"].right += ok
    elif gold.kind == "entity":
        entity = graph.entities[pred.iri]
        if gold.record.get("type"):
            report.attributes["entity type"].total += 1
            report.attributes["entity type"].right += gold.record["type"] in entity.types
        if gold.record.get("wikidata"):
            report.attributes["wikidata"].total += 1
            report.attributes["wikidata"].right += gold.record["wikidata"] in entity.wikidata


def _calibrate(report: EvalReport, kind: str, pred: Predicted, right: bool) -> None:
    if kind == "action":
        tables = ["actions"]
    elif kind == "relation":
        tables = ["relations"]
    else:
        tables = ["entities (all)"] + (["entities (discovered)"] if pred.confidence is not None else [])
    confidence = 1.0 if pred.confidence is None else pred.confidence
    if pred.confidence is not None:
        report.outcomes.append((kind, confidence, right))
    for name in tables:
        for bucket in report.calibration[name]:
            if bucket.low <= confidence < bucket.high:
                bucket.count += 1
                bucket.right += right


def _restates(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    """A prediction whose roles all agree with an already matched gold record, or name something
    close to it (the maker of the gold chip, the country of the gold regulator): a restatement,
    usually a headline or a less specific sentence about the same event. Diagnosis only."""
    if gold.kind != "action" or not _class_ok(graph, gold.record["type"], pred.cls):
        return False

    def near(value: str, alternatives: Alternatives) -> bool:
        candidates = {value} | graph.related.get(value, set())
        return any(set(alternatives) & _names(graph, c) for c in candidates)

    for role, values in pred.roles.items():
        if role in gold.roles and not all(any(near(v, a) for a in gold.roles[role]) for v in values):
            return False
    return any(role in gold.roles for role in pred.roles)


def _closest(graph: Graph, gold: Gold, preds: list[Predicted], matched: dict[int, int]) -> str:
    """Why a gold record was missed: the nearest prediction and what it got wrong."""
    if gold.kind == "entity":
        wanted = {normalize_name(gold.record.get(k) or "") for k in ("label_ko", "label_en")} - {""}
        known = [e for e in graph.entities.values() if e.labels & wanted]
        if not known:
            return "no entity with this name in the store"
        return "known as " + ", ".join(sorted(_key(e.iri) for e in known)) + " but not mentioned"
    best, best_key = None, (-1, -1)
    for j, pred in enumerate(preds):
        same = gold.record["type"] == pred.cls if gold.kind == "action" else gold.record["p"] == pred.cls
        roles = _roles_ok(graph, gold, pred)
        key = (int(same) * 10 + sum(roles.values()), int(j not in matched))
        if (same or sum(roles.values())) and key > best_key:
            best, best_key = (pred, roles, same), key
    if best is None:
        return f"no {gold.record['type'] if gold.kind == 'action' else gold.record['p']} predicted in this doc"
    pred, roles, same = best
    wrong = [r for r, ok in roles.items() if not ok]
    why = ("class " + pred.cls + (", " if wrong else "")) if not same else ""
    why += ", ".join(f"{r} ✗" for r in wrong) or ("" if not same else "roles ✓ (taken by another gold record)")
    return f"closest: {describe_prediction(graph, pred)} [{why}]"


def _key(iri: str) -> str:
    return iri[len(ENTITY_BASE):] if iri.startswith(ENTITY_BASE) else iri


def describe_prediction(graph: Graph, pred: Predicted) -> str:
    def show(iri: str) -> str:
        entity = graph.entities.get(iri)
        return entity.display if entity is not None else iri

    if pred.kind == "entity":
        entity = graph.entities[pred.iri]
        kinds = "/".join(sorted(t for t in entity.types if t not in ("Entity", "Organization"))) or "?"
        return f"{entity.display} ({_key(pred.iri)}, {kinds})"
    if pred.kind == "relation":
        return f"{show(pred.roles['s'][0])} {pred.cls} {show(pred.roles['o'][0])}"
    parts = [pred.cls] + [f"{r}={'+'.join(show(v) for v in pred.roles[r])}" for r in ROLES if r in pred.roles]
    for name, value in sorted(pred.values.items()):
        parts.append(f"{name}={value}")
    return " ".join(parts)


# ------------------------------------------------------------------------------------------------
# Text output (kg eval, bench/quality.py)
# ------------------------------------------------------------------------------------------------


def format_report(report: EvalReport, *, findings: bool = True) -> str:
    """The report as Markdown: scores, values, calibration, then misses and false positives."""
    lines = [f"# Evaluation against {report.gold_path}", ""]
    lines += [f"> warning: {w}" for w in report.warnings]
    lines += ["| kind | gold | predicted | TP | P | R | F1 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, s in report.scores.items():
        lines.append(f"| {kind} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {s.precision:.2f} | {s.recall:.2f} "
                     f"| {s.f1:.2f} |")
    lines += ["", "| action class | gold | predicted | TP | P | R | F1 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for cls, s in sorted(report.per_class.items()):
        lines.append(f"| {cls} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {s.precision:.2f} | {s.recall:.2f} "
                     f"| {s.f1:.2f} |")
    lines += ["", "| value of matched actions | right | total | accuracy |", "| --- | ---: | ---: | ---: |"]
    for name, a in [*report.values.items(), *report.attributes.items()]:
        if a.total or name == "all":
            label = "dates and numbers (all)" if name == "all" else name
            lines.append(f"| {label} | {a.right} | {a.total} | {a.value:.2f} |")
    lines += ["", format_calibration(report.calibration)]
    if findings:
        lines += ["", f"## Misses ({len(report.misses)})", ""]
        lines += [_finding_line(f) for f in report.misses]
        lines += ["", f"## False positives ({len(report.false_positives)})", ""]
        lines += [_finding_line(f) for f in report.false_positives]
        lines += ["", f"## Wrong values of matched actions ({len(report.wrong_values)})", ""]
        lines += [_finding_line(f) for f in report.wrong_values]
    return "\n".join(lines) + "\n"


def format_calibration(tables: dict[str, list[Bucket]]) -> str:
    names = list(tables)
    head = "| confidence | " + " | ".join(f"{n}: n | {n}: precision" for n in names) + " |"
    lines = [head, "| --- |" + " ---: | ---: |" * len(names)]
    for index, bucket in enumerate(next(iter(tables.values()))):
        cells = []
        for name in names:
            b = tables[name][index]
            cells += [str(b.count), f"{b.precision:.0%}" if b.count else "–"]
        lines.append(f"| {bucket.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _finding_line(f: Finding) -> str:
    where = f"line {f.line}" if f.line is not None else (f"conf {f.confidence:.2f}" if f.confidence is not None else "")
    text = f"- [{f.doc}] {f.kind}: {f.what}" + (f" ({where})" if where else "")
    if f.note:
        text += f" — {f.note}"
    if f.evidence:
        text += f"\n  > {f.evidence}"
    return text

