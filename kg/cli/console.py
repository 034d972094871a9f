"""What every CLI command shares: the consoles, the `--store` option and the rule that a
KgError is one line.

Expected failures (bad input, unknown query, missing store) end in one line on stderr and exit
status 1, never a traceback.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer
from rich.console import Console

from kg.errors import KgError
from kg.settings import SETTINGS, default_store

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[Optional[Path], typer.Option(
    "--store", help=f"Store folder [env {SETTINGS['store'].env}; default {SETTINGS['store'].default}]")]


def store_path(store: Path | None) -> Path:
    """The `--store` folder, else the configured default (`CHIPGRAPH_STORE`, ./chipgraph-store)."""
    return store or default_store()


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

