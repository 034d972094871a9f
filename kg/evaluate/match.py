"""Matching gold records to predictions: which pairs may match, and the best one-to-one assignment.

Per doc and kind the evaluator looks for the maximum number of matches, ties broken by agreeing
values; a greedy pass would lose a match whenever one gold record fits two predictions. Misses
and false positives are explained here too (the closest prediction, restatements).
"""

from __future__ import annotations

from kg.evaluate.gold import Alternatives, Gold
from kg.evaluate.graph import Graph, Predicted, entity_key
from kg.evaluate.values import value_checks
from kg.namespaces import ROLES
from kg.text import normalize_name


def names(graph: Graph, value: str) -> set[str]:
    """The normalised names of a role value: an entity's labels, or the literal itself."""
    item = graph.entities.get(value)
    return item.labels if item is not None else {normalize_name(value)}


def roles_ok(graph: Graph, gold: Gold, pred: Predicted) -> dict[str, bool]:
    """For each gold role: is every required participant among the predicted values?"""
    out = {}
    for role, participants in gold.roles.items():
        values = [names(graph, v) for v in pred.roles.get(role, [])]
        out[role] = all(any(set(alts) & found for found in values) for alts in participants)
    return out


def class_ok(graph: Graph, gold_cls: str, pred_cls: str) -> bool:
    return gold_cls == pred_cls or gold_cls in graph.subclasses.get(pred_cls, ())


def gold_labels(gold: Gold) -> set[str]:
    """The normalised labels of a gold entity."""
    return {normalize_name(gold.record.get(k) or "") for k in ("label_ko", "label_en")} - {""}


def type_ok(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    """A matched entity is typed right when the gold type (if any) is among its types."""
    wanted = gold.record.get("type")
    return not wanted or wanted in graph.entities[pred.iri].types


def compatible(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    """May this pair match? Entities by a shared label; actions by class and every gold role;
    relations by predicate and both ends."""
    if gold.kind == "entity":
        return bool(gold_labels(gold) & graph.entities[pred.iri].labels)
    if gold.kind == "relation":
        return gold.record["p"] == pred.cls and all(roles_ok(graph, gold, pred).values())
    return class_ok(graph, gold.record["type"], pred.cls) and all(roles_ok(graph, gold, pred).values())


def loosely_compatible(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    """An action of the gold class (or a subclass) with at least one gold role right (the class alone
    when the gold names no role): found, though perhaps not in every detail."""
    if not class_ok(graph, gold.record["type"], pred.cls):
        return False
    checks = roles_ok(graph, gold, pred)
    return not checks or any(checks.values())


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


def match_loosely(graph: Graph, golds: list[Gold], preds: list[Predicted]) -> list[tuple[int, int]]:
    """As many one-to-one pairs of gold actions and loosely compatible predictions as possible."""
    return assign([[1.0 if loosely_compatible(graph, g, p) else 0.0 for p in preds] for g in golds])


def restates(graph: Graph, gold: Gold, pred: Predicted) -> bool:
    """A prediction whose roles all agree with an already matched gold record, or name something
    close to it (the maker of the gold chip, the country of the gold regulator): a restatement,
    usually a headline or a less specific sentence about the same event. Diagnosis only."""
    if gold.kind != "action" or not class_ok(graph, gold.record["type"], pred.cls):
        return False

    def near(value: str, alternatives: Alternatives) -> bool:
        candidates = {value} | graph.related.get(value, set())
        return any(set(alternatives) & names(graph, c) for c in candidates)

    for role, values in pred.roles.items():
        if role in gold.roles and not all(any(near(v, a) for a in gold.roles[role]) for v in values):
            return False
    return any(role in gold.roles for role in pred.roles)


def closest(graph: Graph, gold: Gold, preds: list[Predicted], matched: dict[int, int]) -> str:
    """Why a gold record was missed: the nearest prediction and what it got wrong."""
    if gold.kind == "entity":
        wanted = gold_labels(gold)
        known = [e for e in graph.entities.values() if e.labels & wanted]
        if not known:
            return "no entity with this name in the store"
        return "known as " + ", ".join(sorted(entity_key(e.iri) for e in known)) + " but not mentioned"
    best, best_key = None, (-1, -1)
    for j, pred in enumerate(preds):
        same = gold.record["type"] == pred.cls if gold.kind == "action" else gold.record["p"] == pred.cls
        checks = roles_ok(graph, gold, pred)
        key = (int(same) * 10 + sum(checks.values()), int(j not in matched))
        if (same or sum(checks.values())) and key > best_key:
            best, best_key = (pred, checks, same), key
    if best is None:
        return f"no {gold.record['type'] if gold.kind == 'action' else gold.record['p']} predicted in this doc"
    pred, checks, same = best
    wrong = [r for r, ok in checks.items() if not ok]
    why = ("class " + pred.cls + (", " if wrong else "")) if not same else ""
    why += ", ".join(f"{r} ✗" for r in wrong) or ("" if not same else "roles ✓ (taken by another gold record)")
    return f"closest: {describe_prediction(graph, pred)} [{why}]"


def describe_prediction(graph: Graph, pred: Predicted) -> str:
    """A prediction in one line, with the names a reader of the gold file knows."""
    def show(iri: str) -> str:
        entity = graph.entities.get(iri)
        return entity.display if entity is not None else iri

    if pred.kind == "entity":
        entity = graph.entities[pred.iri]
        kinds = "/".join(sorted(t for t in entity.types if t not in ("Entity", "Organization"))) or "?"
        return f"{entity.display} ({entity_key(pred.iri)}, {kinds})"
    if pred.kind == "relation":
        return f"{show(pred.roles['s'][0])} {pred.cls} {show(pred.roles['o'][0])}"
    parts = [pred.cls] + [f"{r}={'+'.join(show(v) for v in pred.roles[r])}" for r in ROLES if r in pred.roles]
    for name, value in sorted(pred.values.items()):
        parts.append(f"{name}={value}")
    return " ".join(parts)
