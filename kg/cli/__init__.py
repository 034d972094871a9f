"""The `kg` command: a thin layer over the library; each command parses, calls, prints.

One module per command group, registered here in the order `kg --help` lists them: `build`,
`query` (query, queries), `export`, `check` (stats, validate), `link` (link, link review,
import-external), `evaluate` (eval) and `serve`; `console` holds what they share.

Expected failures (bad input, unknown query, missing store) end in one line on stderr and exit
status 1, never a traceback. Heavy modules are imported inside commands so `kg --help` and
`kg query` start fast and never load the Korean model.
"""

from __future__ import annotations

import typer

from kg.cli.build import build
from kg.cli.check import stats, validate
from kg.cli.console import Command, Group
from kg.cli.evaluate import eval_command
from kg.cli.export import export
from kg.cli.link import import_external, link_app
from kg.cli.query import list_queries, query
from kg.cli.serve import serve

app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Chipgraph: a knowledge graph of AI chips and export controls from Korean news.")
app.command(cls=Command)(build)
app.command(cls=Command)(query)
app.command("queries", cls=Command)(list_queries)
app.command(cls=Command)(export)
app.command(cls=Command)(stats)
app.command(cls=Command)(validate)
app.add_typer(link_app, name="link")
app.command("import-external", cls=Command)(import_external)
app.command("eval", cls=Command)(eval_command)
app.command(cls=Command)(serve)

__all__ = ["app", "main"]


def main() -> None:
    """The `kg` console script (and `python -m kg`)."""
    app()
