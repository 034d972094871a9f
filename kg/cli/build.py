"""`kg build`: articles in, one graph per article replaced in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.console import StoreOption, err, friendly, store_path
from kg.errors import KgError
from kg.settings import SETTINGS, default_min_confidence


@friendly
def build(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders of articles (default: seeds/)")] = None,
    store: StoreOption = None,
    min_confidence: Annotated[Optional[float], typer.Option(
        help=f"Drop extractions below this confidence [env {SETTINGS['min_confidence'].env}; "
             f"default {SETTINGS['min_confidence'].default}]")] = None,
    prune: Annotated[bool, typer.Option(help="Remove graphs of articles no longer among the inputs")] = False,
    force: Annotated[bool, typer.Option(help="Rebuild every article, changed or not")] = False,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for extraction [default: every core]")] = None,
    executor: Annotated[str, typer.Option(
        help="Where extraction runs: auto (processes when --jobs > 1), serial, processes, dask")] = "auto",
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address (tcp://host:8786); default: a LocalCluster of --jobs workers")] = None,
    output_shards: Annotated[Optional[Path], typer.Option(
        help="Dask: also write the built article graphs as N-Quads shards (part-NNNNN.nq, reference.nq) here")] = None,
    load: Annotated[bool, typer.Option(
        help="Load the results into the store (--no-load: only write --output-shards)")] = True,
    partition: Annotated[int, typer.Option(min=1, help="Dask: articles per task and per shard")] = 64,
) -> None:
    """Build or update the graph from articles (.txt, .md, .html, .jsonl; manifest.csv)."""
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.build import EXECUTORS
    from kg.build import build as run_build
    from kg.ingest import Problem
    from kg.build.executors import default_jobs
    from kg.rdf.store import KnowledgeStore

    if executor != "auto" and executor not in EXECUTORS:
        raise KgError(f"unknown executor '{executor}'", hint="use auto, " + ", ".join(EXECUTORS))
    if scheduler and executor != "dask":
        raise KgError("--scheduler needs --executor dask")
    if output_shards is not None and executor != "dask":
        raise KgError("--output-shards needs --executor dask")
    if not load and output_shards is None:
        raise KgError("--no-load without --output-shards would throw the results away")

    inputs = paths or [_default_seeds()]
    threshold = default_min_confidence() if min_confidence is None else min_confidence
    knowledge = KnowledgeStore(store_path(store))
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("building", total=None)

        def tick(item):
            if isinstance(item, Problem):  # file names and messages are text, not Rich markup
                err.print(f"[yellow]problem[/yellow] {escape(item.source)}: {escape(item.message)} — "
                          f"{escape(item.action)}", highlight=False)
            bar.advance(task)

        report = run_build(inputs, knowledge, min_confidence=threshold, prune=prune, force=force, progress=tick,
                           jobs=jobs or default_jobs(), executor=None if executor == "auto" else executor,
                           scheduler=scheduler, output_shards=output_shards, load=load, partition=partition)
    err.print(f"built {report.built}, unchanged {report.unchanged}, removed {report.removed}, "
              f"problems {len(report.problems)}; {report.actions} actions, {report.relations} relations "
              f"in {report.seconds:.1f}s → {knowledge.path}", highlight=False)
    if report.shards:
        err.print(f"wrote {len(report.shards)} N-Quads shards and reference.nq to {output_shards}", highlight=False)
    raise typer.Exit(report.exit_code)


def _default_seeds() -> Path:
    seeds = Path("seeds")
    if not seeds.is_dir():
        raise KgError("no PATH given and no seeds/ folder here", hint="run from a checkout or name files or folders")
    return seeds
