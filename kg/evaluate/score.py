"""Scoring: match each doc's gold records to its predictions and count what was found.

Besides precision, recall and F1 per kind, values and calibration, it fills the summary with the
measures of issue 13's table (`SUMMARY`), the numbers that say whether the graph holds on real
news: each a share with its numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataFileError
from kg.evaluate.gold import KINDS, VALUES, Gold, load_gold
from kg.evaluate.graph import Graph, Predicted, open_store, read_graph
from kg.evaluate.match import closest, describe_prediction, match, match_loosely, restates, type_ok
from kg.evaluate.results import Accuracy, Bucket, EvalReport, Finding, Measure, Score
from kg.evaluate.values import NUMBER_CHECKS, got, value_checks

BUCKETS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
ENTITIES_TYPED = "entities found (recall, typed)"
ACTIONS_LOOSE = "actions found, class + at least one role right"
ACTIONS_STRICT = "actions found with every named role right"
ACTION_PRECISION = "extracted actions that match an annotated one (precision, lower bound)"
DATES = "matched actions with the right date"
NUMBERS_RIGHT = "matched actions with the right numbers"
RELATIONS = "stated relations found in the article's graph"
SUMMARY = (ENTITIES_TYPED, ACTIONS_LOOSE, ACTIONS_STRICT, ACTION_PRECISION, DATES, NUMBERS_RIGHT, RELATIONS)


@dataclass
class _Tally:
    """Counts of the summary that the per-kind scores do not hold already."""

    entities_typed: int = 0
    actions_loose: int = 0
    numbers_right: int = 0
    numbers_total: int = 0


def evaluate(store: Any, gold_path: Path | str) -> EvalReport:
    """Score the store (a KnowledgeStore or a store folder) against a gold file."""
    golds = load_gold(gold_path)
    graph = read_graph(open_store(store))
    _check_classes(graph, golds, Path(gold_path))
    docs = _resolve_docs(graph, golds, Path(gold_path))
    report = EvalReport(gold_path=str(gold_path), scores={k: Score() for k in KINDS}, per_class={}, per_doc={},
                        values={k: Accuracy() for k in (*VALUES, "all", "modality")},
                        attributes={"entity type": Accuracy(), "wikidata": Accuracy()},
                        calibration={k: [Bucket(_bucket_label(lo, hi), lo, hi) for lo, hi in BUCKETS]
                                     for k in ("actions", "relations", "entities (discovered)", "entities (all)")})
    tally = _Tally()
    for doc, graph_iri in docs.items():
        if graph_iri is None:
            report.warnings.append(f"no article for doc {doc!r} in the store: its gold records count as misses")
        preds = graph.predicted.get(graph_iri, {}) if graph_iri else {}
        report.per_doc[doc] = {}
        for kind in KINDS:
            gold_here = [g for g in golds if g.doc == doc and g.kind == kind]
            _score_kind(report, tally, graph, doc, kind, gold_here, list(preds.get(kind, [])))
    for buckets in report.calibration.values():
        _add_cumulative(buckets)
    report.summary = _summary(report, tally)
    return report


def _summary(report: EvalReport, tally: _Tally) -> dict[str, Measure]:
    entity, action, relation = (report.scores[k] for k in KINDS)
    gold_actions = action.tp + action.fn
    measures = [
        Measure(ENTITIES_TYPED, tally.entities_typed, entity.tp + entity.fn),
        Measure(ACTIONS_LOOSE, tally.actions_loose, gold_actions),
        Measure(ACTIONS_STRICT, action.tp, gold_actions),
        Measure(ACTION_PRECISION, action.tp, action.tp + action.fp),
        Measure(DATES, report.values["date"].right, report.values["date"].total),
        Measure(NUMBERS_RIGHT, tally.numbers_right, tally.numbers_total),
        Measure(RELATIONS, relation.tp, relation.tp + relation.fn),
    ]
    return {m.name: m for m in measures}


def _bucket_label(low: float, high: float) -> str:
    if low == 0.0:
        return f"< {high:.1f}"
    return f"≥ {low:.1f}" if high > 1.0 else f"{low:.1f}–{high:.1f}"


def _add_cumulative(buckets: list[Bucket]) -> None:
    high = [b for b in buckets if b.low >= 0.8]
    buckets.append(Bucket("all ≥ 0.8", 0.8, 1.01, sum(b.count for b in high), sum(b.right for b in high)))


def _check_classes(graph: Graph, golds: list[Gold], path: Path) -> None:
    """Gold action classes and entity types must be the ontology's (a misspelt class would only
    ever count as misses)."""
    known = {"action": graph.classes_under("Action"), "entity": graph.classes_under("Entity")}
    for g in golds:
        wanted = g.record.get("type")
        if g.kind in known and known[g.kind] and wanted and wanted not in known[g.kind]:
            what = "action class" if g.kind == "action" else "entity type"
            raise DataFileError(f"unknown {what} {wanted!r}", path=path, line=g.line,
                                hint="use one of " + ", ".join(sorted(known[g.kind])))


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


def _score_kind(report: EvalReport, tally: _Tally, graph: Graph, doc: str, kind: str, golds: list[Gold],
                preds: list[Predicted]) -> None:
    pairs = match(graph, golds, preds)
    score = Score(tp=len(pairs), fp=len(preds) - len(pairs), fn=len(golds) - len(pairs))
    report.scores[kind].add(score)
    report.per_doc[doc][kind] = score
    matched_gold = {i: j for i, j in pairs}
    matched_pred = {j: i for i, j in pairs}
    for i, j in pairs:
        _score_attributes(report, tally, graph, golds[i], preds[j])
        if kind == "action":
            wrong = [k for k, ok in value_checks(golds[i], preds[j]).items() if not ok]
            if wrong:
                report.wrong_values.append(Finding(
                    kind=kind, doc=doc, what=golds[i].describe(), line=golds[i].line, iri=preds[j].iri,
                    evidence=preds[j].evidence, confidence=preds[j].confidence,
                    note="; ".join(f"{k}: got {got(preds[j], k)}" for k in wrong)))
    for i, gold in enumerate(golds):
        if i not in matched_gold:
            report.misses.append(Finding(kind=kind, doc=doc, what=gold.describe(), line=gold.line,
                                         evidence=gold.record.get("evidence", ""),
                                         note=closest(graph, gold, preds, matched_pred)))
    for j, pred in enumerate(preds):
        right = j in matched_pred
        if not right:
            dup = next((golds[i] for i in matched_gold if restates(graph, golds[i], pred)), None)
            report.false_positives.append(Finding(
                kind=kind, doc=doc, what=describe_prediction(graph, pred), iri=pred.iri, evidence=pred.evidence,
                confidence=pred.confidence, note=f"restates gold line {dup.line}" if dup else ""))
        _calibrate(report, kind, pred, right)
    if kind == "action":
        tally.actions_loose += len(match_loosely(graph, golds, preds))
        _score_classes(report, golds, preds, pairs)


def _score_classes(report: EvalReport, golds: list[Gold], preds: list[Predicted],
                   pairs: list[tuple[int, int]]) -> None:
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    for cls in sorted({g.record["type"] for g in golds} | {p.cls for p in preds}):
        per = report.per_class.setdefault(cls, Score())
        per.tp += sum(1 for i, _ in pairs if golds[i].record["type"] == cls)
        per.fn += sum(1 for i, g in enumerate(golds) if g.record["type"] == cls and i not in matched_gold)
        per.fp += sum(1 for j, p in enumerate(preds) if p.cls == cls and j not in matched_pred)


def _score_attributes(report: EvalReport, tally: _Tally, graph: Graph, gold: Gold, pred: Predicted) -> None:
    if gold.kind == "action":
        checks = value_checks(gold, pred)
        for key, ok in checks.items():
            report.values[key].total += 1
            report.values[key].right += ok
            if key != "modality":
                report.values["all"].total += 1
                report.values["all"].right += ok
        numbers = [ok for key, ok in checks.items() if key in NUMBER_CHECKS]
        if numbers:
            tally.numbers_total += 1
            tally.numbers_right += all(numbers)
    elif gold.kind == "entity":
        entity = graph.entities[pred.iri]
        tally.entities_typed += type_ok(graph, gold, pred)
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
