"""What every CLI command shares: the consoles and the rule that a KgError is one line.

Expected failures (bad input, unknown query, missing store) end in one line on stderr and exit
status 1, never a traceback.
"""

from __future__ import annotations

import functools
from typing import Callable

import typer
from rich.console import Console

from kg.errors import KgError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


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


def wide() -> Console:
    """The console for tables: the terminal's width, or a wide one when output is piped."""
    return out if out.is_terminal else Console(width=220, soft_wrap=True)
