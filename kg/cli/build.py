"""`kg build`: articles in, one graph per article replaced in the store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Self

import typer
from rich.console import Console
from rich.progress import ProgressColumn, TimeRemainingColumn
from rich.text import Text

from kg.cli.console import StoreOption, err, friendly, report_kept, setting_option, store_path
from kg.errors import KgError
from kg.settings import default_min_confidence


@friendly
def build(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders of articles (default: seeds/)")] = None,
    store: StoreOption = None,
    min_confidence: Annotated[float | None, setting_option(
        "min_confidence", "Drop extractions below this confidence")] = None,
    prune: Annotated[bool, typer.Option(help="Remove graphs of articles no longer among the inputs")] = False,
    force: Annotated[bool, typer.Option(help="Rebuild every article, changed or not")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, show_default="every core", help="Worker processes for extraction")] = None,
    executor: Annotated[str, typer.Option(
        help="Where extraction runs: auto (processes when --jobs > 1), serial, processes, dask")] = "auto",
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://host:8786); default: a LocalCluster of --jobs workers")] = None,
    output_shards: Annotated[Path | None, typer.Option(
        help="Dask: also write the built article graphs as N-Quads shards (part-NNNNN.nq, reference.nq) here")] = None,
    load: Annotated[bool, typer.Option(
        help="Load the results into the store (--no-load: only write --output-shards)")] = True,
    partition: Annotated[int, typer.Option(min=1, help="Dask: articles per task and per shard")] = 64,
) -> None:
    """Build or update the graph from articles (.txt, .md, .html, .jsonl; manifest.csv)."""
    from kg.build import EXECUTORS, BuildInterrupted
    from kg.build import build as run_build
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
    if not any(path.exists() or path.is_symlink() for path in inputs):  # before the store is made
        raise KgError("no such file or folder: " + ", ".join(map(str, inputs)), hint="name files or folders of articles")
    threshold = default_min_confidence() if min_confidence is None else min_confidence
    knowledge = KnowledgeStore(store_path(store))
    try:
        with BuildBars(err) as bars:
            report = run_build(inputs, knowledge, min_confidence=threshold, prune=prune, force=force,
                               progress=bars.show, jobs=jobs or default_jobs(),
                               executor=None if executor == "auto" else executor, scheduler=scheduler,
                               output_shards=output_shards, load=load, partition=partition)
    except BuildInterrupted as stop:
        again = "run kg build again to start over (a store's first build is loaded in bulk)" if stop.starts_over \
            else "run kg build again to continue"
        err.print(f"interrupted after {stop.report.built} articles; nothing half-written; {again}", highlight=False)
        raise typer.Exit(130) from None
    err.print(f"built {report.built}, unchanged {report.unchanged}, removed {report.removed}, "
              f"problems {len(report.problems)}; {report.actions} actions, {report.relations} relations "
              f"in {report.seconds:.1f}s → {knowledge.path}", highlight=False)
    report_kept(report.answers)
    if report.shards:
        err.print(f"wrote {len(report.shards)} N-Quads shards and reference.nq to {output_shards}", highlight=False)
    raise typer.Exit(report.exit_code)


class BuildBars:
    """The build's progress on a terminal: a bar per stage (reading, extracting, writing) with
    done/total, rate and time left; each problem printed above the bars as it is found."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from kg.build import STAGES

        self.console = console
        self.bars = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                             RateColumn(), TimeLeftColumn(), TimeElapsedColumn(), console=console,
                             transient=True, disable=not console.is_terminal)
        self.tasks = {stage: self.bars.add_task(stage, total=None) for stage in STAGES}

    def __enter__(self) -> Self:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.__exit__(*exc)

    def show(self, event) -> None:
        from rich.markup import escape

        from kg.ingest import Problem

        if isinstance(event.item, Problem):  # file names and messages are text, not Rich markup
            item = event.item
            self.console.print(f"[yellow]problem[/yellow] {escape(item.source)}: {escape(item.message)} — "
                               f"{escape(item.action)}", highlight=False)
        self.bars.update(self.tasks[event.stage], completed=event.done, total=event.total)


class RateColumn(ProgressColumn):
    """Articles a second since the build started: extraction and writing move in chunks, so
    rich's rate over the last few updates would jump."""

    def render(self, task) -> Text:
        rate = average_rate(task)
        return Text(f"{rate:,.1f}/s" if rate else "", style="progress.data.speed")


class TimeLeftColumn(TimeRemainingColumn):
    """Time left at the average rate (`RateColumn`)."""

    def render(self, task) -> Text:
        rate = average_rate(task)
        if task.total is None or not rate:
            return Text("-:--:--", style="progress.remaining")
        left = max(0.0, task.total - task.completed) / rate
        return Text(str(timedelta(seconds=int(left))), style="progress.remaining")


def average_rate(task) -> float | None:
    elapsed = task.finished_time if task.finished else task.elapsed
    return task.completed / elapsed if task.completed and elapsed else None


def _default_seeds() -> Path:
    seeds = Path("seeds")
    if not seeds.is_dir():
        raise KgError("no PATH given and no seeds/ folder here", hint="run from a checkout or name files or folders")
    return seeds
