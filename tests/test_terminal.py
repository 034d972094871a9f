"""What a person meets in the terminal: query tables fitted to its width (through rich's console
width and through a real pseudo-terminal running the real `kg`), plain text when piped, the
build's progress and Ctrl-C, `--help`, and the messages of common mistakes."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.tables import LONG_MIN, SHORT_CELLS, print_rows
from kg.query import display_rows, run_query

ROOT = Path(__file__).resolve().parents[1]
KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or shutil.which("kg")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
BOX = "┏┃┡│└┗┓┩┛┘┳╇┻┴━─"
runner = CliRunner()


def kg(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def in_terminal(args: list[str], *, columns: int, env: dict | None = None, timeout: float = 120) -> tuple[str, str, int]:
    """Run the real `kg ARGS` with stdout on a pseudo-terminal `columns` wide (stderr on a pipe):
    the terminal's text without colour codes, stderr, and the exit status."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen([KG, *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=ROOT,
                             env={**clean, "TERM": "xterm-256color", **(env or {})})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        assert ready, "kg wrote nothing for too long"
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stderr = child.stderr.read().decode()
    status = child.wait(timeout)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n"), stderr, status


def header_of(table: str) -> list[str]:
    line = next(line for line in table.splitlines() if line.startswith("┃"))
    return [name.strip() for name in line.strip("┃").split("┃")]


@pytest.fixture(scope="module")
def restrictions(seed_store):
    """who-restricted-what on the seed graph, as people read it: columns and rows of text."""
    return display_rows(run_query(seed_store, "who-restricted-what"))


def short_values(columns, rows, shown):
    return {name: {row[columns.index(name)] for row in rows} - {""} for name in shown
            if max(cell_len(row[columns.index(name)]) for row in rows) <= SHORT_CELLS}


# --- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width, first", [(80, 3), (100, 5), (160, 10), (200, 10)])
def test_a_table_fits_the_console_and_keeps_short_columns_whole(restrictions, width, first):
    columns, rows = restrictions
    console = Console(file=io.StringIO(), width=width, color_system=None)
    hidden = print_rows(console, columns, rows, title="t")
    drawn = console.file.getvalue()
    lines = drawn.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    shown = header_of(drawn)
    assert shown == [c for c in columns if c not in hidden]
    assert shown[:first] == columns[:first]  # date, agent, object (and target, modality from 100 columns)
    assert "evidence" in shown  # long text wraps into what is left, it is not the first to go
    for name, values in short_values(columns, rows, shown).items():
        for value in values:
            assert any(value in line for line in lines), (name, value)
    if hidden:  # left out from the right, short columns before long text
        assert all(columns.index(h) > columns.index("modality") for h in hidden if width >= 100)


def test_long_text_wraps_within_its_column(restrictions):
    columns, rows = restrictions
    console = Console(file=io.StringIO(), width=100, color_system=None)
    print_rows(console, columns, rows)
    body = [line for line in console.file.getvalue().splitlines() if line.startswith("│")]
    evidence = [line.split("│")[header_of(console.file.getvalue()).index("evidence") + 1] for line in body]
    assert all(cell_len(cell) >= LONG_MIN for cell in evidence)
    first = rows[0][columns.index("evidence")]
    words = "".join(cell.strip() for cell in evidence[:20]).replace(" ", "")
    assert first.replace(" ", "")[:40] in words  # the sentence continues on the next lines, not cut


def test_wide_draws_every_column_whole(restrictions):
    columns, rows = restrictions
    console = Console(file=io.StringIO(), width=80, color_system=None)
    hidden = print_rows(console, columns, rows, wide=True)
    drawn = console.file.getvalue()
    assert hidden == [] and header_of(drawn) == columns
    for row in rows:
        evidence = row[columns.index("evidence")]
        assert any(evidence in line for line in drawn.splitlines())


def test_cells_are_text_not_markup(seed_store):
    console = Console(file=io.StringIO(), width=80, color_system=None)
    print_rows(console, ["title"], [["[bold]not markup[/bold] [인더AI]"]])
    assert "[bold]not markup[/bold] [인더AI]" in console.file.getvalue()


@pytest.mark.parametrize("columns", [80, 100, 160, 200])
def test_kg_query_in_a_real_terminal(seed_store_path, restrictions, columns):
    shown_out, stderr, status = in_terminal(["query", "who-restricted-what", "--store", str(seed_store_path)],
                                            columns=columns)
    assert status == 0, stderr
    table = [line for line in shown_out.splitlines() if line and line[0] in BOX]
    assert table and max(cell_len(line) for line in table) <= columns
    names, rows = restrictions
    shown = header_of(shown_out)
    assert shown[:3] == ["date", "agent", "object"]
    for name, values in short_values(names, rows, shown).items():
        for value in values:
            assert any(value in line for line in table), (columns, name, value)
    assert stderr.startswith("9 rows")
    if len(shown) < len(names):
        assert f"not shown at {columns} columns" in stderr and "--wide" in stderr


def test_piped_output_is_tab_separated_text(seed_store_path, restrictions):
    columns, rows = restrictions
    result = kg("query", "who-restricted-what", "--store", str(seed_store_path), env={"COLUMNS": "40"})
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == columns
    assert [line.split("\t") for line in lines[1:]] == rows  # every column, every value whole
    assert not set(result.stdout) & set(BOX)
    assert result.stderr.strip() == "9 rows"


def test_format_table_when_piped_honours_columns(seed_store_path):
    done = subprocess.run([KG, "query", "who-restricted-what", "--format", "table", "--store", str(seed_store_path)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "100"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert header_of(done.stdout)[:5] == ["date", "agent", "object", "target", "modality"]
    assert max(cell_len(line) for line in done.stdout.splitlines()) <= 100
