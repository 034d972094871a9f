"""`kg query` and `kg queries`: saved queries and SPARQL text, run on the store, printed as a
table for people or in any results or RDF format of `kg.formats` for tools."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kg.cli.console import StoreOption, err, friendly, out, read_store
from kg.cli.tables import show_rows
from kg.errors import KgError
from kg.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, parse_format

#: `table` for people, then what a SELECT/ASK result and a CONSTRUCT/DESCRIBE graph can be written as.
QUERY_FORMATS = (Format.TABLE, *RESULT_FORMATS, *GRAPH_FORMATS)


@friendly
def query(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="Saved query name, .rq file or SPARQL text")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="|".join(QUERY_FORMATS) + " (default: a table on a terminal, "
        "tab-separated text when piped)")] = None,
    wide: Annotated[bool, typer.Option(
        "--wide", help="Tables: every column, every value whole (lines as long as they need)")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, metavar="N",
                                              help="At most this many rows (the first)")] = None,
    store: StoreOption = None,
) -> None:
    """Run a saved query or SPARQL text against the store."""
    from kg.query import resolve_query, run_query, serialize_result

    chosen = None if fmt is None else parse_format(fmt, QUERY_FORMATS)
    values = parse_params(param or [])
    knowledge = read_store(store)
    saved = resolve_query(query_text)
    result = run_query(knowledge, saved, values, limit=limit)
    if chosen is None or chosen is Format.TABLE:
        _print_for_people(result, saved.title, table=chosen is Format.TABLE or None, wide=wide)
        return
    sys.stdout.buffer.write(serialize_result(result, chosen))


def parse_params(items: list[str]) -> dict[str, str]:
    """`--param NAME=VALUE` options as a mapping (the value may contain `=`)."""
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise KgError(f"--param '{item}' is not NAME=VALUE")
        values[name.strip()] = value
    return values


def _print_for_people(result, title: str, *, table: bool | None, wide: bool) -> None:
    """ASK as yes/no, a graph as Turtle, SELECT rows as a table fitted to the terminal (or when
    `table`), else as tab-separated lines; the row count, and any column left out, on stderr."""
    from kg.query import display_rows, serialize_result

    if result.kind == "ASK":
        sys.stdout.write("yes\n" if result.boolean else "no\n")
        return
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.buffer.write(serialize_result(result, Format.TURTLE))
        return
    columns, rows = display_rows(result)
    hidden = show_rows(out, columns, rows, title=title, table=table, wide=wide)
    note = f"; not shown at {out.width} columns: {', '.join(hidden)} (--wide or --format csv shows them)"
    err.print(f"{len(rows)} rows" + (note if hidden else ""), highlight=False)


@friendly
def list_queries() -> None:
    """List the saved queries with their parameters."""
    from rich.text import Text

    from kg.query import load_saved_queries

    rows = []
    for name, saved in load_saved_queries().items():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in saved.parameters)
        rows.append([name, Text.assemble(saved.title, "\n", (saved.description, "dim")), params])
    show_rows(out, ["name", "title", "parameters"], rows)
