"""`kg stats` and `kg validate`: what the store holds, and whether it keeps the ontology's rules."""

from __future__ import annotations

import typer

from kg.cli.console import StoreOption, friendly, out, read_store


@friendly
def stats(store: StoreOption = None) -> None:
    """Counts of articles, entities, actions and relations in the store."""
    from rich.table import Table

    from kg.rdf.stats import store_stats

    knowledge = read_store(store)
    if not knowledge.article_states():
        out.print(f"{knowledge.path} is empty: no articles yet (build it with `kg build [PATH ...] --store "
                  f"{knowledge.path}`; no PATH builds seeds/)", highlight=False, markup=False)
        return
    sections = store_stats(knowledge)
    for title, rows in sections.items():
        table = Table(title=title, header_style="bold")
        table.add_column("")
        table.add_column("count", justify="right")
        for label, count in rows:
            table.add_row(label, f"{count:,}")
        out.print(table)


@friendly
def validate(store: StoreOption = None) -> None:
    """Check the graph against the SHACL shapes, invariant queries and verified QIDs."""
    from kg.link import accepted_qids
    from kg.rdf.validate import validate as run_validate

    report = run_validate(read_store(store), accepted=accepted_qids())
    for finding in report.findings:
        out.print(f"[red]✗[/red] {finding.check}: {finding.focus} — {finding.message}", highlight=False)
    if report.conforms:
        out.print(f"[green]✓[/green] {report.triples:,} triples conform to the shapes and checks", highlight=False)
        return
    out.print(f"{len(report.findings)} problems", highlight=False)
    raise typer.Exit(1)
