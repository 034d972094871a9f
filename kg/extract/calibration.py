"""Turn raw extraction scores into confidences that mean what they say.

The extractor's raw score multiplies cue strengths; it orders facts well but its scale is
arbitrary. `ontology/lexicon/calibration.yaml` maps it, per kind of fact, to the share of facts
with that score that were right on the real-news development articles — conservatively (a
one-sided 95% lower bound), so that a small block of lucky facts does not claim too much.
`bench/calibrate.py` fits the table; rerun it after changing the rules.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field
from typing import Iterable

from kg.lexicon import lexicon

Table = tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True)
class Calibration:
    """Per kind of fact ("action", "relation"), the steps raw score → confidence.

    `Calibration.shipped()` is the fitted table; `Calibration.identity()` keeps raw scores (what
    `bench/calibrate.py` fits on). Passed to extraction explicitly, so nothing switches it
    process-wide and worker processes get the same one.
    """

    tables: dict[str, Table] = field(default_factory=dict)

    @classmethod
    def shipped(cls) -> "Calibration":
        return _shipped()

    @classmethod
    def identity(cls) -> "Calibration":
        return cls({})

    def __call__(self, kind: str, raw: float) -> float:
        """The calibrated confidence of a raw score (the raw score when no table is fitted)."""
        table = self.tables.get(kind)
        if table is None:
            return raw
        thresholds, values = table
        i = bisect.bisect_right(thresholds, raw) - 1
        return values[max(i, 0)]


@functools.lru_cache(maxsize=1)
def _shipped() -> Calibration:
    tables: dict[str, Table] = {}
    for kind, steps in (lexicon("calibration.yaml") or {}).items():
        if steps:
            ordered = sorted((float(raw), float(value)) for raw, value in steps)
            tables[kind] = (tuple(r for r, _ in ordered), tuple(v for _, v in ordered))
    return Calibration(tables)


def calibrate(kind: str, raw: float) -> float:
    """The shipped calibration of a raw score."""
    return _shipped()(kind, raw)


def fit(outcomes: Iterable[tuple[float, bool]], *, z: float = 1.0) -> list[tuple[float, float]]:
    """Isotonic (pool-adjacent-violators) fit of correctness on raw score; each block's value
    is the Wilson lower bound of its precision, so small blocks do not claim too much.
    Returns steps (lowest raw score of the block, confidence)."""
    pooled: dict[float, list[float]] = {}
    for score, right in outcomes:
        counts = pooled.setdefault(round(score, 6), [0.0, 0.0])
        counts[0] += bool(right)
        counts[1] += 1
    blocks: list[list[float]] = []  # [start score, right, total]
    for score, (right, total) in sorted(pooled.items()):
        blocks.append([score, right, total])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    steps = [(start, round(_wilson_lower(right, total, z), 3)) for start, right, total in blocks]
    return _monotone(steps)


def _wilson_lower(right: float, total: float, z: float) -> float:
    if total == 0:
        return 0.0
    p = right / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, (centre - margin) / (1 + z * z / total))


def _monotone(steps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Lower bounds of pooled blocks can dip where a later block is smaller: keep them rising."""
    result: list[tuple[float, float]] = []
    for start, value in steps:
        if result and value < result[-1][1]:
            value = result[-1][1]
        result.append((start, value))
    return result
