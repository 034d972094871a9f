"""Rows for people: a rich table fitted to the terminal, or tab-separated lines when piped.

A table keeps every short column (dates, names, classes, counts) whole on one line and lets
the long text columns (titles, evidence) wrap into the width that is left. When even that
does not fit, columns are left out from the right, short ones before long text, and the
command says which: `--wide` draws every column whole, `--format csv` gives every value to
tools. Piped output is no drawing at all: a header line and one tab-separated line per row,
every column and every value whole, so `cut -f`, `sort` and `grep` work on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

SHORT_CELLS = 32
"""A column whose widest cell is at most this many terminal cells is never wrapped or cut."""
LONG_MIN = 14
"""The narrowest a long text column is wrapped to; a table that needs less is left a column short."""

Cell = str | Text


def plain_lines(columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A header line and a line per row, tab-separated (tabs and line breaks in values become spaces)."""
    lines = ["\t".join(columns), *("\t".join(_one_line(cell) for cell in row) for row in rows)]
    return "".join(line + "\n" for line in lines)


def fitted_table(columns: Sequence[str], rows: Sequence[Sequence[Cell]], *, width: int,
                 title: str | None = None, wide: bool = False) -> tuple[Table, int, list[str]]:
    """A table of the rows for a terminal `width` cells wide: the table, the width to print it
    at (more than `width` only when `wide`), and the columns left out to fit (none when `wide`)."""
    natural = [max([_width(name), *(_width(row[i]) for row in rows)]) for i, name in enumerate(columns)]
    long = [not wide and size > SHORT_CELLS for size in natural]
    kept = list(range(len(columns))) if wide else _fit(natural, long, width)
    table = Table(title=title or None, header_style="bold")
    for i in kept:
        if long[i]:
            table.add_column(columns[i], min_width=LONG_MIN, overflow="fold")
        else:
            table.add_column(columns[i], min_width=natural[i], no_wrap=True)
    for row in rows:
        table.add_row(*(_text(row[i]) for i in kept))
    drawn = _table_width([natural[i] for i in kept])
    return table, max(width, drawn) if wide else width, [columns[i] for i in range(len(columns)) if i not in kept]


def show_rows(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Cell]], *,
              title: str | None = None, table: bool | None = None, wide: bool = False) -> list[str]:
    """The rows on `console`: a table when it is a terminal (or `table` says so), else plain
    tab-separated lines; returns the columns a table left out."""
    if not (console.is_terminal if table is None else table):
        console.file.write(plain_lines(columns, rows))
        return []
    return print_rows(console, columns, rows, title=title, wide=wide)


def print_rows(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Cell]], *,
               title: str | None = None, wide: bool = False) -> list[str]:
    """Draw the rows as a table fitted to `console` (wider than it with `wide`); the columns left out."""
    table, width, hidden = fitted_table(columns, rows, width=console.width, title=title, wide=wide)
    if width > console.width:
        console = Console(file=console.file, width=width, force_terminal=console.is_terminal,
                          no_color=console.no_color, soft_wrap=True)
    console.print(table)
    return hidden


def _fit(natural: list[int], long: list[bool], width: int) -> list[int]:
    """Indexes of the columns that fit in `width`: short ones at their full width, long text at
    `LONG_MIN`; columns are dropped from the right, short ones first, while the rest is too wide."""
    kept = list(range(len(natural)))
    least = [min(size, LONG_MIN) if is_long else size for size, is_long in zip(natural, long)]
    while len(kept) > 1 and _table_width([least[i] for i in kept]) > width:
        short = [i for i in kept if not long[i]]
        kept.remove((short or kept)[-1])
    return kept


def _table_width(widths: list[int]) -> int:
    """Cells a rich table with the default box takes: contents, a space each side, a rule between
    columns and at both edges."""
    return sum(widths) + 3 * len(widths) + 1


def _width(cell: Cell) -> int:
    text = cell.plain if isinstance(cell, Text) else cell
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _text(cell: Cell) -> Text:
    """Values are shown as they are: never read as Rich markup (`[bold]` in a title stays text)."""
    return cell if isinstance(cell, Text) else Text(cell)


def _one_line(cell: Cell) -> str:
    text = cell.plain if isinstance(cell, Text) else cell
    return " ".join(text.replace("\t", " ").splitlines())
