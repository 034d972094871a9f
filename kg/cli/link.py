"""CLI commands for linking to Wikidata: `kg link`, `kg link review`, `kg import-external`.

`kg/cli/__init__.py` registers them with `app.add_typer(link_app, name="link")` and
`app.command("import-external")(import_external)`.
Like every command, each parses, calls one library function and prints; a KgError becomes one
line on stderr and exit status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.console import (Command, Group, StoreOption, err, friendly, keep_after_write, out, setting_option,
                            store_path)
from kg.cli.tables import show_rows

link_app = typer.Typer(cls=Group, add_completion=False, invoke_without_command=True, rich_markup_mode="rich",
                       help="Find Wikidata candidates for entities without an identity link; `review` them.")


EndpointOption = Annotated[str | None, setting_option("wikidata_endpoint", "SPARQL endpoint")]
ApiOption = Annotated[str | None, setting_option("wikidata_api", "MediaWiki API (wbsearchentities)")]
CacheOption = Annotated[Path | None, setting_option("link_cache", "Cache folder of Wikidata answers")]
DecisionsOption = Annotated[Path | None, setting_option("link_decisions", "Review decisions file")]


def _client(endpoint: str | None, api: str | None, cache: Path | None):
    from kg.link import WikidataClient

    kwargs = {k: v for k, v in (("endpoint", endpoint), ("api", api), ("cache_dir", cache)) if v is not None}
    return WikidataClient(**kwargs)


def _decisions(path: Path | None) -> Path:
    from kg.link import default_decisions_path

    return path or default_decisions_path()


@link_app.callback()
@friendly
def link(
    ctx: typer.Context,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    api: ApiOption = None,
    cache: CacheOption = None,
    decisions: DecisionsOption = None,
    accept_above: Annotated[float | None, typer.Option(
        help="Accept a candidate as owl:sameAs when it scores at least this and leads the next by 0.2 "
             "(recorded in the decisions file)")] = None,
) -> None:
    """Search Wikidata for entities without an identity link and write scored candidates."""
    if ctx.invoked_subcommand is not None:
        return
    from kg.link import link as run_link
    from kg.rdf.store import KnowledgeStore

    knowledge = KnowledgeStore(store_path(store))
    client = _client(endpoint, api, cache)
    try:
        report = run_link(knowledge, client, _decisions(decisions), accept_above=accept_above)
    finally:
        client.close()
    out.print(report.summary(), highlight=False)
    keep_after_write(knowledge)


@link_app.command("review", cls=Command)
@friendly
def review(
    store: StoreOption = None,
    decisions: DecisionsOption = None,
    accept: Annotated[list[str] | None, typer.Option(help="ENTITY=QID to accept as owl:sameAs")] = None,
    reject: Annotated[list[str] | None, typer.Option(help="ENTITY=QID to reject")] = None,
    by: Annotated[str, typer.Option(help="Who decides (kept in the decisions file)")] = "reviewer",
) -> None:
    """List candidate links, or accept/reject them (kept in the versioned decisions file)."""
    from kg.link import decide, pending
    from kg.query import shorten_iri
    from kg.rdf.store import KnowledgeStore

    knowledge = KnowledgeStore(store_path(store))
    if accept or reject:
        decide(knowledge, _decisions(decisions), accept=accept or [], reject=reject or [], by=by)
        out.print(f"recorded {len(accept or []) + len(reject or [])} decisions in {_decisions(decisions)}",
                  highlight=False)
        keep_after_write(knowledge)
        return
    rows = pending(knowledge)
    show_rows(out, ["entity", "QID", "score", "Wikidata label", "description", "method"],
              [[shorten_iri(c.entity), c.qid, f"{c.score:.2f}", c.label, c.description, c.method] for c in rows],
              title="Candidate Wikidata links (accept with --accept ENTITY=QID)")
    err.print(f"{len(rows)} candidates", highlight=False)


@friendly
def import_external(
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    cache: CacheOption = None,
) -> None:
    """Fetch facts about linked entities from Wikidata into a cache graph, for offline queries."""
    from kg.link import import_external as run_import
    from kg.rdf.store import KnowledgeStore

    knowledge = KnowledgeStore(store_path(store))
    client = _client(endpoint, None, cache)
    try:
        items, triples = run_import(knowledge, client)
    finally:
        client.close()
    out.print(f"imported {triples} triples about {items} linked items from {client.endpoint}", highlight=False)
    keep_after_write(knowledge)
