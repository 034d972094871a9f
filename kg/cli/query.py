"""`kg query` and `kg queries`: saved queries and SPARQL text, run on the store, printed as a
table for people or in any results or RDF format of `kg.formats` for tools."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from kg.cli.console import StoreOption, err, friendly, out, store_path, wide
from kg.errors import KgError
from kg.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, lookup

#: `table` for people, then what a SELECT/ASK result and a CONSTRUCT/DESCRIBE graph can be written as.
QUERY_FORMATS = (Format.TABLE, *RESULT_FORMATS, *GRAPH_FORMATS)


@friendly
def query(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="Saved query name, .rq file or SPARQL text")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="NAME=VALUE, repeatable")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="|".join(QUERY_FORMATS))] = "table",
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, metavar="N",
                                                 help="At most this many rows (the first)")] = None,
    store: StoreOption = None,
) -> None:
    """Run a saved query or SPARQL text against the store."""
    from kg.query import resolve_query, run_query, serialize_result
    from kg.rdf.store import KnowledgeStore

    values = parse_params(param or [])
    knowledge = KnowledgeStore(store_path(store), read_only=True)
    saved = resolve_query(query_text)
    result = run_query(knowledge, saved, values, limit=limit)
    if lookup(fmt) is Format.TABLE:
        _print_table(result, saved.title)
        return
    sys.stdout.buffer.write(serialize_result(result, fmt))


def parse_params(items: list[str]) -> dict[str, str]:
    """`--param NAME=VALUE` options as a mapping (the value may contain `=`)."""
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

    from kg.query import serialize_result

    if result.kind == "ASK":
        out.print("yes" if result.boolean else "no")
        return
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.buffer.write(serialize_result(result, Format.TURTLE))
        return
    names = list(result.variables)
    shown = [i for i, name in enumerate(names) if f"{name}Label" not in names]
    table = Table(title=title or None, header_style="bold")
    for i in shown:
        table.add_column(names[i], overflow="ellipsis", max_width=60, no_wrap=True)
    for row in result.rows:
        table.add_row(*(_cell(row[i]) for i in shown))
    wide().print(table)
    err.print(f"{len(result.rows)} rows", highlight=False)


def _cell(term) -> str:
    """A literal's value without its tag or type; an IRI as a CURIE where a prefix fits."""
    import pyoxigraph as ox

    from kg.query import shorten_iri

    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return shorten_iri(term.value)
    return str(term)


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
