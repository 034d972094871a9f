"""What an evaluation finds: counts, accuracies, findings, calibration buckets and the summary.

Plain data with `to_dict` for `kg eval --json`; computing them is `kg.evaluate.score`, printing
them `kg.evaluate.report`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
class Measure:
    """One line of the summary: a share with its numerator and denominator (no value when there is
    nothing to count, e.g. no gold numbers in the set)."""

    name: str
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"value": None if value is None else round(value, 4), "numerator": self.numerator,
                "denominator": self.denominator}


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
    summary: dict[str, Measure] = field(default_factory=dict)  # the measures of issue 13's table, by name
    misses: list[Finding] = field(default_factory=list)
    false_positives: list[Finding] = field(default_factory=list)
    wrong_values: list[Finding] = field(default_factory=list)  # matched actions with a wrong date/number/modality
    warnings: list[str] = field(default_factory=list)
    outcomes: list[tuple[str, float, bool]] = field(default_factory=list)  # (kind, confidence, right): for fitting

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold_path,
            "summary": {name: m.to_dict() for name, m in self.summary.items()},
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
