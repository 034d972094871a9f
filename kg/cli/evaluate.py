"""`kg eval`: the graph scored against hand-made gold annotations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.console import StoreOption, friendly, read_store


@friendly
def eval_command(
    gold: Annotated[Path, typer.Argument(metavar="GOLD.jsonl", help="Gold annotations (JSON Lines)")],
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON")] = False,
) -> None:
    """Score the graph against gold annotations: P/R/F1 per kind, values, calibration, misses, false positives."""
    import json

    from kg.evaluate import evaluate, format_report

    report = evaluate(read_store(store), gold)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report))
