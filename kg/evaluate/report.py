"""The report as Markdown (`kg eval`, bench/quality.py, bench/realnews.py).

The summary table comes first: it is what a reader compares across runs and sets; the tables per
kind, class and value, the calibration and the findings follow for whoever tunes the extractor.
"""

from __future__ import annotations

from kg.evaluate.results import Bucket, EvalReport, Finding, Measure, Score


def format_report(report: EvalReport, *, findings: bool = True) -> str:
    """Summary, scores, values, calibration, then misses, false positives and wrong values."""
    lines = [f"# Evaluation against {report.gold_path}", ""]
    lines += [f"> warning: {w}" for w in report.warnings]
    if report.summary:
        lines += [format_summary(report.summary), ""]
    lines += ["| kind | gold | predicted | TP | P | R | F1 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [_score_line(kind, s) for kind, s in report.scores.items()]
    lines += ["", "| action class | gold | predicted | TP | P | R | F1 |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [_score_line(cls, s) for cls, s in sorted(report.per_class.items())]
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


def format_summary(summary: dict[str, Measure]) -> str:
    """The measures of issue 13's table: value, numerator and denominator ("–" when nothing counted)."""
    lines = ["| measure | value | right | of |", "| --- | ---: | ---: | ---: |"]
    for measure in summary.values():
        value = "–" if measure.value is None else f"{measure.value:.2f}"
        lines.append(f"| {measure.name} | {value} | {measure.numerator} | {measure.denominator} |")
    return "\n".join(lines)


def _score_line(name: str, s: Score) -> str:
    return (f"| {name} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {s.precision:.2f} | {s.recall:.2f} "
            f"| {s.f1:.2f} |")


def format_calibration(tables: dict[str, list[Bucket]]) -> str:
    """Precision per confidence bucket, one column pair per table (actions, relations, entities)."""
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
