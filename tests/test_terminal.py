"""What a person meets in the terminal: query tables fitted to its width (through rich's console
width and through a real pseudo-terminal running the real `kg`), plain text when piped, the
build's progress and Ctrl-C, `--help`, and the messages of common mistakes."""

from __future__ import annotations

import fcntl
import importlib.util
import io
import os
import pty
import re
import select
import shutil
import signal
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


def in_terminal(args: list[str], *, columns: int, env: dict | None = None, timeout: float = 300,
                stderr_too: bool = False, interrupt_when=None) -> tuple[str, str, int]:
    """Run the real `kg ARGS` with stdout (and with `stderr_too` stderr) on a pseudo-terminal
    `columns` wide: the terminal's text without colour codes, stderr when it went to a pipe,
    and the exit status. `interrupt_when`: a test of the text so far; once it holds, the
    process gets SIGINT, as Ctrl-C sends it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen([KG, *args], stdin=slave, stdout=slave, stderr=slave if stderr_too else subprocess.PIPE,
                             cwd=ROOT,
                             env={**clean, "TERM": "xterm-256color", **(env or {})})
    os.close(slave)
    chunks: list[bytes] = []
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
        if interrupt_when is not None and interrupt_when(_screen(chunks)):
            child.send_signal(signal.SIGINT)
            interrupt_when = None
    os.close(master)
    stderr = child.stderr.read().decode() if child.stderr else ""
    status = child.wait(timeout)
    return _screen(chunks), stderr, status


def _screen(chunks: list[bytes]) -> str:
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "100"}, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert header_of(done.stdout)[:5] == ["date", "agent", "object", "target", "modality"]
    assert max(cell_len(line) for line in done.stdout.splitlines()) <= 100


# --- build progress and Ctrl-C -----------------------------------------------------------------

SYNTHETIC = 128
BAR = re.compile(r"^(reading|extracting|writing)\s+\S+\s+(\d+)/(\d+)\s+([\d,.]+/s)?\s*(\d+:\d\d:\d\d|-:--:--)\s+\d+:\d\d:\d\d",
                 re.MULTILINE)


def bars(screen: str) -> dict[str, list[tuple[int, int]]]:
    """Every progress line drawn, per stage: (done, total)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for match in BAR.finditer(screen):
        found.setdefault(match[1], []).append((int(match[2]), int(match[3])))
    return found


def written_at_least(count: int):
    return lambda screen: any(done >= count for done, _ in bars(screen).get("writing", []))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Synthetic articles (the seeds' sentences recombined, as bench/build_bench.py makes them)."""
    spec = importlib.util.spec_from_file_location("kg_build_bench", ROOT / "bench" / "build_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path_factory.mktemp("corpus") / "synthetic.jsonl"
    bench.make_corpus(path, SYNTHETIC, bench.seed_sentences())
    return path


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, frozenset[str]]:
    """Each synthetic article's graph as an uninterrupted build writes it."""
    from kg.build import build
    from kg.rdf.store import KnowledgeStore
    from kg.settings import default_min_confidence

    store = KnowledgeStore(tmp_path_factory.mktemp("reference") / "store")
    assert build([corpus], store, min_confidence=default_min_confidence()).built == SYNTHETIC
    return synthetic_graphs(store)


def synthetic_graphs(store) -> dict[str, frozenset[str]]:
    from kg.namespaces import article_iri

    prefix = article_iri("syn-")
    return {g: frozenset(map(str, store.quads(g))) for g in store.graphs() if g.startswith(prefix)}


def test_build_reports_each_stage_with_its_total(seeds_copy, tmp_path):
    from kg.build import STAGES, build
    from kg.ingest import Problem
    from kg.rdf.store import KnowledgeStore

    (seeds_copy / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    store, events = KnowledgeStore(tmp_path / "store"), []
    report = build([seeds_copy], store, progress=events.append)
    last = {stage: [e for e in events if e.stage == stage][-1] for stage in STAGES}
    assert (last["reading"].done, last["reading"].total) == (6, 6)  # five articles and the PNG
    assert (last["extracting"].done, last["extracting"].total) == (5, 5) == (report.built, report.built)
    assert (last["writing"].done, last["writing"].total) == (5, 5)
    assert [e.item.source for e in events if isinstance(e.item, Problem)] == [str(seeds_copy / "photo.txt")]
    assert all(e.total == 6 for e in events if e.stage == "reading")  # counted before reading starts
    for stage in STAGES:
        done = [e.done for e in events if e.stage == stage]
        assert done == sorted(done) and all(e.done <= e.total for e in events if e.stage == stage)
    events.clear()
    assert build([seeds_copy], store, progress=events.append).unchanged == 5
    assert [(e.done, e.total) for e in events if e.stage == "extracting"][-1] == (0, 0)


def test_ctrl_c_during_kg_build_leaves_nothing_half_written(corpus, reference, seed_store_path, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)  # not a first build: articles are written in transactions
    screen, _, status = in_terminal(["build", str(corpus), "--store", str(store), "--jobs", "1"], columns=120,
                                    stderr_too=True, interrupt_when=written_at_least(1))
    assert status == 130, screen[-2000:]
    assert "Traceback" not in screen
    last = screen.strip().splitlines()[-1]
    found = re.fullmatch(r"interrupted after (\d+) articles; nothing half-written; run kg build again to continue", last)
    assert found, last
    written = int(found[1])
    shown = bars(screen)
    assert {"reading", "extracting", "writing"} <= set(shown)
    assert shown["extracting"][-1][1] == SYNTHETIC and any(done for done, _ in shown["extracting"])
    assert re.search(rf"extracting .* \d+/{SYNTHETIC} +[\d.,]+/s +\d+:\d\d:\d\d", screen)  # count, total, rate, time left
    from kg.rdf.store import KnowledgeStore

    graphs = synthetic_graphs(KnowledgeStore(store, read_only=True))
    assert 0 < written == len(graphs) < SYNTHETIC
    assert all(quads == reference[g] for g, quads in graphs.items())  # whole graphs only
    again = subprocess.run([KG, "build", str(corpus), "--store", str(store), "--jobs", "1"], capture_output=True,
                           text=True, cwd=ROOT, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    assert f"built {SYNTHETIC - written}, unchanged {written}," in again.stderr
    assert synthetic_graphs(KnowledgeStore(store, read_only=True)) == reference


def test_ctrl_c_stops_worker_processes_at_once(corpus, reference, seed_store_path, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)
    workers: list[int] = []

    def seen_writing(screen: str) -> bool:
        if not written_at_least(1)(screen):
            return False
        workers.extend(worker_pids())
        return True

    screen, _, status = in_terminal(["build", str(corpus), "--store", str(store), "--jobs", "2"], columns=120,
                                    stderr_too=True, interrupt_when=seen_writing)
    assert status == 130 and "interrupted after" in screen and "Traceback" not in screen, screen[-2000:]
    assert len(workers) == 2
    assert not [pid for pid in workers if alive(pid)]  # stopped by the build, not left to finish their chunks
    from kg.rdf.store import KnowledgeStore

    graphs = synthetic_graphs(KnowledgeStore(store, read_only=True))
    assert graphs and all(quads == reference[g] for g, quads in graphs.items())


def test_ctrl_c_during_a_first_build_says_it_starts_over(corpus, tmp_path):
    store = tmp_path / "store"
    extracted = lambda screen: any(done >= 64 for done, _ in bars(screen).get("extracting", []))
    screen, _, status = in_terminal(["build", str(corpus), "--store", str(store), "--jobs", "1"], columns=120,
                                    stderr_too=True, interrupt_when=extracted)
    assert status == 130 and "nothing half-written; run kg build again to start over" in screen, screen[-2000:]
    again = subprocess.run([KG, "build", str(corpus), "--store", str(store), "--jobs", "1"], capture_output=True,
                           text=True, cwd=ROOT, timeout=600, check=False)
    assert again.returncode == 0 and f"built {SYNTHETIC}, unchanged 0" in again.stderr, again.stderr


def worker_pids() -> list[int]:
    """Extraction workers of the `kg build` running under this test (children of its child)."""
    children = [pid for pid in _children(os.getpid())]
    return [pid for child in children for pid in _children(child)
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Still running (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- help and messages -------------------------------------------------------------------------


def help_text(*command: str) -> str:
    """`kg COMMAND --help` as one line of words (the panels' borders and line breaks taken out)."""
    shown = kg(*command, "--help", env={"COLUMNS": "100"}).stdout
    return " ".join(shown.translate(str.maketrans("│╭╮╰╯─", "      ")).split())


def test_help_shows_defaults_and_environment_variables():
    from kg.settings import SETTINGS

    build = help_text("build")
    for name in ("store", "min_confidence"):
        assert f"[env var: {SETTINGS[name].env}]" in build and f"[default: ({SETTINGS[name].default})]" in build
    link = help_text("link")
    for name in ("store", "wikidata_endpoint", "wikidata_api", "link_cache", "link_decisions"):
        assert f"[env var: {SETTINGS[name].env}]" in link and f"({SETTINGS[name].default})" in link
    assert "[env var: CHIPGRAPH_STORE]" in help_text("query") and "[env var: CHIPGRAPH_TOKEN]" in help_text("serve")


@pytest.mark.parametrize("command", [(), ("build",), ("query",), ("queries",), ("export",), ("stats",), ("validate",),
                                     ("link",), ("link", "review"), ("import-external",), ("eval",), ("serve",)])
def test_help_has_no_type_noise_on_flags(command):
    shown = help_text(*command)
    assert "<bool>" not in shown and "--help Show this message" in shown


def test_environment_variables_are_read(seed_store_path, tmp_path):
    assert kg("stats", env={"CHIPGRAPH_STORE": str(seed_store_path)}).exit_code == 0
    bad = kg("build", "--store", str(tmp_path / "s"), env={"CHIPGRAPH_MIN_CONFIDENCE": "high"})
    assert bad.exit_code == 2 and "CHIPGRAPH_MIN_CONFIDENCE" in bad.stderr and "Traceback" not in bad.stderr


def test_stats_on_an_empty_store_says_how_to_build(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    built = subprocess.run([KG, "build", str(empty), "--store", str(tmp_path / "store")], capture_output=True,
                           text=True, cwd=ROOT, timeout=300, check=False)  # a store with no article in it
    assert "built 0" in built.stderr
    result = kg("stats", "--store", str(tmp_path / "store"))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{tmp_path / 'store'} is empty: no articles yet") and "kg build" in result.stdout
    for where, words in ((empty, "the folder is empty"), (tmp_path / "nowhere", "no store here")):
        missing = kg("stats", "--store", str(where))
        assert missing.exit_code == 1 and missing.stderr.startswith("error:") and words in missing.stderr
        assert "kg build" in missing.stderr and len(missing.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", [("query", "actions-by-class"), ("export",)])
def test_an_unknown_format_lists_the_choices(seed_store_path, command):
    result = kg(*command, "--format", "yaml", "--store", str(seed_store_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown format 'yaml' (choose ")
    assert ("table, json" in result.stderr) == (command[0] == "query")  # `table` where it applies


@pytest.mark.parametrize("path", ["nosuch.rq", "queries/nosuch.rq", "/nowhere/who-restricted-what.rq"])
def test_a_missing_query_file_is_file_not_found(seed_store_path, path):
    result = kg("query", path, "--store", str(seed_store_path))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: file not found: {path}"), result.stderr
    assert "no saved query" not in result.stderr


def test_a_saved_query_may_still_be_named_with_rq(seed_store_path):
    assert kg("query", "actions-by-class.rq", "--store", str(seed_store_path)).exit_code == 0


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "json"])
def test_an_ask_result_ends_with_a_newline(seed_store_path, fmt):
    result = kg("query", "ASK { ?a a cg:ExportControl }", "--format", fmt, "--store", str(seed_store_path))
    assert result.exit_code == 0 and result.stdout.endswith("\n") and "true" in result.stdout
    if fmt in ("csv", "tsv"):
        assert result.stdout == "true\n"


def test_building_nothing_that_exists_makes_no_store(tmp_path):
    result = kg("build", str(tmp_path / "nosuchdir"), "--store", str(tmp_path / "s3"))
    assert result.exit_code == 1 and result.stderr.startswith("error: no such file or folder: ")
    assert not (tmp_path / "s3").exists()
