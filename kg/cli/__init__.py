"""The `kg` command: a thin layer over the library; each command parses, calls, prints.

Expected failures (bad input, unknown query, missing store) end in one line on stderr and exit
status 1, never a traceback. Heavy modules are imported inside commands so `kg --help` and
`kg query` start fast and never load the Korean model.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.console import err, friendly, out, wide
from kg.errors import KgError
from kg.settings import SETTINGS, default_min_confidence, default_store

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Chipgraph: a knowledge graph of AI chips and export controls from Korean news.")
StoreOption = Annotated[Optional[Path], typer.Option(
    "--store", help=f"Store folder [env {SETTINGS['store'].env}; default {SETTINGS['store'].default}]")]


def _store_path(store: Path | None) -> Path:
    return store or default_store()


@app.command()
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
    knowledge = KnowledgeStore(_store_path(store))
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


@app.command()
@friendly
def query(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="Saved query name, .rq file or SPARQL text")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="NAME=VALUE, repeatable")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table|json|csv|tsv|xml|turtle|ntriples|jsonld")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a saved query or SPARQL text against the store."""
    from kg.query import resolve_query, run_query, serialize_result
    from kg.rdf.store import KnowledgeStore

    values = _parse_params(param or [])
    knowledge = KnowledgeStore(_store_path(store), read_only=True)
    saved = resolve_query(knowledge.store, query_text)
    result = run_query(knowledge.store, saved, values)
    if fmt == "table":
        _print_table(result, saved.title)
        return
    sys.stdout.buffer.write(serialize_result(result, fmt))


def _parse_params(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise KgError(f"--param '{item}' is not NAME=VALUE")
        values[name.strip()] = value
    return values


def _print_table(result, title: str) -> None:
    """Rows as a table for people: IRI columns give way to their `…Label` twins, literals show
    their value without language tags, long cells are cut (use --format csv for everything)."""
    from rich.table import Table

    from kg.query import serialize_result, shorten_iri

    if result.kind == "ASK":
        out.print("yes" if result.boolean else "no")
        return
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.buffer.write(serialize_result(result, "turtle"))
        return
    names = list(result.variables)
    shown = [i for i, name in enumerate(names) if f"{name}Label" not in names]
    table = Table(title=title or None, header_style="bold")
    for i in shown:
        table.add_column(names[i], overflow="ellipsis", max_width=60, no_wrap=True)
    for row in result.rows:
        table.add_row(*(_cell(row[i], shorten_iri) for i in shown))
    wide().print(table)
    err.print(f"{len(result.rows)} rows", highlight=False)


def _cell(term, shorten) -> str:
    if term is None:
        return ""
    if hasattr(term, "language") and hasattr(term, "datatype"):
        return term.value
    return shorten(term.value) if hasattr(term, "value") else str(term)


@app.command("queries")
@friendly
def list_queries() -> None:
    """List the saved queries with their parameters."""
    from rich.table import Table

    from kg.query import load_saved_queries

    table = Table(header_style="bold")
    table.add_column("name", no_wrap=True)
    for column in ("title", "parameters"):
        table.add_column(column, overflow="fold")
    for name, saved in load_saved_queries().items():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in saved.parameters)
        table.add_row(name, f"{saved.title}\n[dim]{saved.description}[/dim]", params)
    wide().print(table)


@app.command()
@friendly
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle|trig|nquads|ntriples|jsonld")] = "turtle",
    graph: Annotated[Optional[list[str]], typer.Option(
        "--graph", "-g", help="Graph: article identifier, `reference`, `ontology` or IRI; repeatable")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file")] = None,
    linkset: Annotated[bool, typer.Option(
        "--linkset", help="Write a VoID linkset (Turtle) of the owl:sameAs links to Wikidata instead")] = False,
    store: StoreOption = None,
) -> None:
    """Export the graph (deterministic: same store, same bytes)."""
    from kg.link import linkset as void_linkset
    from kg.rdf.export import export as run_export
    from kg.rdf.store import KnowledgeStore

    knowledge = KnowledgeStore(_store_path(store), read_only=True)
    data = void_linkset(knowledge) if linkset else run_export(knowledge, fmt, graph or [])
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}", highlight=False)
    else:
        sys.stdout.buffer.write(data)


@app.command()
@friendly
def stats(store: StoreOption = None) -> None:
    """Counts of articles, entities, actions and relations in the store."""
    from rich.table import Table

    from kg.rdf.stats import store_stats
    from kg.rdf.store import KnowledgeStore

    sections = store_stats(KnowledgeStore(_store_path(store), read_only=True))
    for title, rows in sections.items():
        table = Table(title=title, header_style="bold")
        table.add_column("")
        table.add_column("count", justify="right")
        for label, count in rows:
            table.add_row(label, f"{count:,}")
        out.print(table)


@app.command()
@friendly
def validate(store: StoreOption = None) -> None:
    """Check the graph against the SHACL shapes, invariant queries and verified QIDs."""
    from kg.link import accepted_qids
    from kg.rdf.store import KnowledgeStore
    from kg.rdf.validate import validate as run_validate

    report = run_validate(KnowledgeStore(_store_path(store), read_only=True), accepted=accepted_qids())
    for finding in report.findings:
        out.print(f"[red]✗[/red] {finding.check}: {finding.focus} — {finding.message}", highlight=False)
    if report.conforms:
        out.print(f"[green]✓[/green] {report.triples:,} triples conform to the shapes and checks", highlight=False)
        return
    out.print(f"{len(report.findings)} problems", highlight=False)
    raise typer.Exit(1)


def _register_linking() -> None:
    from kg.cli.link import import_external, link_app

    app.add_typer(link_app, name="link")
    app.command("import-external")(import_external)


_register_linking()


def main() -> None:
    app()


@app.command("eval")
@friendly
def eval_command(
    gold: Annotated[Path, typer.Argument(metavar="GOLD.jsonl", help="Gold annotations (JSON Lines)")],
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON")] = False,
) -> None:
    """Score the graph against gold annotations: P/R/F1 per kind, values, calibration, misses, false positives."""
    import json

    from kg.evaluate import evaluate, format_report
    from kg.rdf.store import KnowledgeStore

    report = evaluate(KnowledgeStore(_store_path(store), read_only=True), gold)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report))


@app.command()
@friendly
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    base: Annotated[Optional[str], typer.Option(
        help="Public address of the server (e.g. https://chipgraph.example.org/); "
             "https://w3id.org/chipgraph/id/… IRIs link to BASE/id/…  [default: each request's own address]")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is answered 503")] = 30.0,
    allow_update: Annotated[bool, typer.Option(
        "--allow-update", help="Accept SPARQL Update and Graph Store writes (needs --token)")] = False,
    token: Annotated[Optional[str], typer.Option(
        envvar="CHIPGRAPH_TOKEN", show_envvar=True, help="Bearer token that writes must carry")] = None,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes")] = 4 * 1024 * 1024,
    cache_mb: Annotated[float, typer.Option(
        help="Memory for repeating answers of a read-only server, in MB (0: off)")] = 64,
    allow_service: Annotated[Optional[list[str]], typer.Option(
        "--allow-service", metavar="URL",
        help="Endpoint a query's SERVICE may call, repeatable; 'none' for no endpoint "
             "(default: only https://query.wikidata.org/sparql)")] = None,
    client_timeout: Annotated[float, typer.Option(
        help="Seconds a client may take to send a request's headers, and its body (else 408)")] = 10.0,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, saved queries, Linked Data pages and a query page."""
    from kg.server.app import serve as run_server

    run_server(_store_path(store), host=host, port=port, base=base, timeout=timeout, allow_update=allow_update,
               token=token, max_body=max_body, cache_mb=cache_mb, allow_service=allow_service,
               client_timeout=client_timeout)
