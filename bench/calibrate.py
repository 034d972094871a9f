"""Fit `ontology/lexicon/calibration.yaml`: raw extraction scores → calibrated confidence.

Builds the seed and unseen gold sets, and the development part of the real-news set where its
local copies exist (tests/gold/REALNEWS.md), with calibration switched off, matches every
extracted action and relation against the gold annotations (kg.evaluate), fits an isotonic map
of correctness on raw score per kind (Wilson lower bounds, see kg/extract/calibration.py), writes
the table and prints the calibration table of the result, per set. Only the real development
articles are fitted on, with a one-sided 95% bound (Z): the self-written sets flatter the rules
written by the same hands, and the held-out real articles showed the pooled fit promising more
than it kept. The held-out real articles are never fitted on: their table is printed apart, as
the honest check.

    python bench/calibrate.py            # print what the fit would be
    python bench/calibrate.py --write    # and write ontology/lexicon/calibration.yaml
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.extract import calibration  # noqa: E402
from kg.build import build  # noqa: E402
from kg.evaluate import evaluate  # noqa: E402
from kg.rdf.store import KnowledgeStore  # noqa: E402

SETS = {"seeds": (ROOT / "seeds", ROOT / "tests/gold/seeds.jsonl"),
        "unseen": (ROOT / "tests/gold/unseen", ROOT / "tests/gold/unseen.jsonl")}
FITTED = ("realnews-dev",)
Z = 1.64
TARGET = ROOT / "ontology/lexicon/calibration.yaml"
HEADER = """# Raw extraction score → calibrated confidence, per kind of fact: [lowest raw score, confidence].
# Fitted by `python bench/calibrate.py --write` on the real-news development set (isotonic fit,
# one-sided 95% Wilson lower bound of each block's precision; neither the self-written sets nor the
# held-out real articles are fitted on). Refit after changing the extraction rules.
"""


def realnews_sets(workdir: Path) -> dict[str, tuple[Path, Path]]:
    """The real-news dev and heldout splits as (articles folder, gold file), where copies exist."""
    from bench.realnews import GOLD, TEXTS, check_copies, read_table, split_gold, stage

    rows, _ = check_copies(read_table(), TEXTS)
    sets = {}
    for split in ("dev", "heldout"):
        chosen = [r for r in rows if r["split"] == split]
        if chosen:
            folder = workdir / f"realnews-{split}"
            stage(chosen, TEXTS, folder)
            sets[f"realnews-{split}"] = (folder, split_gold(GOLD, {r["id"] for r in chosen},
                                                            workdir / f"realnews-{split}.jsonl"))
    return sets


def outcomes(workdir: Path, sets: dict[str, tuple[Path, Path]], *,
             calibrated: bool) -> dict[str, dict[str, list[tuple[float, bool]]]]:
    found: dict[str, dict[str, list[tuple[float, bool]]]] = {}
    for name, (articles, gold) in sets.items():
        store = KnowledgeStore(workdir / name)
        build([articles], store, min_confidence=0.0, force=True, calibrated=calibrated)
        report = evaluate(store, gold)
        for kind, confidence, right in report.outcomes:
            found.setdefault(name, {}).setdefault(kind, []).append((confidence, right))
    return found


def table(rows: list[tuple[float, bool]]) -> str:
    lines = ["| confidence | facts | right | precision |", "| --- | ---: | ---: | ---: |"]
    for low, high in ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01), (0.8, 1.01)):
        hits = [r for c, r in rows if low <= c < high]
        label = f"≥ {low}" if (low, high) == (0.8, 1.01) else f"{low}–{min(high, 1.0)}"
        share = f"{sum(hits) / len(hits):.0%}" if hits else "–"
        lines.append(f"| {label} | {len(hits)} | {sum(hits)} | {share} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write ontology/lexicon/calibration.yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets = dict(SETS, **realnews_sets(Path(tmp) / "articles"))
        raw = outcomes(Path(tmp) / "raw", sets, calibrated=False)
        steps = {kind: calibration.fit([o for name, found in raw.items() if name in FITTED
                                        for o in found.get(kind, [])], z=Z)
                 for kind in ("action", "relation")}
        if args.write:
            body = "".join(f"{kind}:\n" + "".join(f"  - [{start}, {value}]\n" for start, value in rows)
                           for kind, rows in steps.items())
            TARGET.write_text(HEADER + body, encoding="utf-8")
            from kg.lexicon import lexicon
            lexicon.cache_clear()
            calibration._shipped.cache_clear()
            calibrated = outcomes(Path(tmp) / "calibrated", sets, calibrated=True)
        else:
            calibrated = None
    for kind, rows in steps.items():
        print(f"{kind}: " + ", ".join(f"≥{start}→{value}" for start, value in rows))
    for name in raw:
        for kind in ("action", "relation"):
            print(f"\n{name}, {kind}s, raw scores:\n{table(raw[name].get(kind, []))}")
            if calibrated:
                print(f"\n{name}, {kind}s, calibrated:\n{table(calibrated[name].get(kind, []))}")


if __name__ == "__main__":
    main()
