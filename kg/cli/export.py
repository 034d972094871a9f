"""`kg export`: the graph (or some of its graphs) in an RDF format of `kg.formats.EXPORT_FORMATS`,
or the VoID linkset of its Wikidata links."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.console import StoreOption, err, friendly, read_store
from kg.formats import EXPORT_FORMATS, Format


@friendly
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="|".join(EXPORT_FORMATS))] = Format.TURTLE.value,
    graph: Annotated[list[str] | None, typer.Option(
        "--graph", "-g", help="Graph: article identifier, `reference`, `ontology` or IRI; repeatable")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file")] = None,
    linkset: Annotated[bool, typer.Option(
        "--linkset", help="Write a VoID linkset (Turtle) of the owl:sameAs links to Wikidata instead")] = False,
    store: StoreOption = None,
) -> None:
    """Export the graph (deterministic: same store, same bytes)."""
    from kg.link import linkset as void_linkset
    from kg.rdf.export import export as run_export

    knowledge = read_store(store)
    data = void_linkset(knowledge) if linkset else run_export(knowledge, fmt, graph or [])
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}", highlight=False)
    else:
        sys.stdout.buffer.write(data)
