"""What every CLI command shares: the consoles, the `--store` option and the rule that a
KgError is one line.

Expected failures (bad input, unknown query, missing store) end in one line on stderr and exit
status 1, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from kg.errors import KgError, StoreError
from kg.settings import SETTINGS, default_store

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)



def setting_option(name: str, help: str, *decls: str):
    """The option of a setting in `kg.settings`: read from its environment variable, and `--help`
    shows the variable and the default."""
    setting = SETTINGS[name]
    return typer.Option(*decls, help=help, envvar=setting.env, show_envvar=True, show_default=setting.default)


StoreOption = Annotated[Path | None, setting_option("store", "Store folder", "--store")]


class Command(TyperCommand):
    """A command whose `--help` leaves out the `<bool>` type of on/off flags (the flag says it)."""

    def format_help(self, ctx, formatter) -> None:
        _quiet_flags(self.get_params(ctx))
        super().format_help(ctx, formatter)


class Group(TyperGroup):
    """A command group whose `--help` leaves out the `<bool>` type of on/off flags."""

    def format_help(self, ctx, formatter) -> None:
        _quiet_flags(self.get_params(ctx))
        super().format_help(ctx, formatter)


def _quiet_flags(params) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


def report_kept(kept: list[tuple[str, int, float]]) -> None:
    """Say what the saved answers kept for pages cost (`kg.query.run.keep_answers`), if any."""
    if kept:
        rows = sum(count for _, count, _ in kept)
        seconds = sum(spent for _, _, spent in kept)
        err.print(f"kept the answers of {len(kept)} saved queries ({rows:,} rows, {seconds:.1f}s) "
                  "for their pages", highlight=False)


def keep_after_write(knowledge) -> None:
    """A command that wrote to the store renews the saved answers it made stale, so pages stay
    fast (they would otherwise run their queries until the next build)."""
    from kg.query.run import keep_answers  # kg.query reads stores; imported when needed

    report_kept(keep_answers(knowledge))


def store_path(store: Path | None) -> Path:
    """The `--store` folder, else the configured default (`CHIPGRAPH_STORE`, ./chipgraph-store)."""
    return store or default_store()


def read_store(store: Path | None):
    """The `--store` opened read-only. An empty folder is no store either (say how to build one,
    rather than what RocksDB misses in it)."""
    from kg.rdf.store import KnowledgeStore

    path = store_path(store)
    if path.is_dir() and not any(path.iterdir()):
        raise StoreError("no store here, the folder is empty", path=path, hint=f"run `kg build --store {path}` first")
    return KnowledgeStore(path, read_only=True)


def friendly(func: Callable) -> Callable:
    """Turn KgError into one clear line and exit status 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
            raise typer.Exit(1) from None
    return wrapper

