"""The `kg` command: every command group through typer's in-process runner, one-line errors,
and the README's quick start (`kg build && kg query export-controls-timeline`) as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.formats import EXPORT_FORMATS, GRAPH_FORMATS, RESULT_FORMATS
from kg.query import load_saved_queries
from kg.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def kg(*args: str, env: dict | None = None):
    """`kg ARGS` in this process; stdout and stderr kept apart."""
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def kg_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_clean_error(result, *words: str) -> None:
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr


def test_readme_quick_start_as_real_processes(tmp_path):
    env = {"CHIPGRAPH_STORE": str(tmp_path / "store")}
    build = kg_process("build", env=env)  # no PATH: the seeds/ of the checkout
    assert build.returncode == 0, build.stderr
    assert "built 5, unchanged 0" in build.stderr
    timeline = kg_process("query", "export-controls-timeline", env=env)
    assert timeline.returncode == 0, timeline.stderr
    assert "H20" in timeline.stdout and "rows" in timeline.stderr


def test_query_formats(seed_store_path):
    store = str(seed_store_path)
    table = kg("query", "actions-by-class", "--store", store)
    assert table.exit_code == 0 and "ExportControl" in table.stdout and "rows" in table.stderr
    data = json.loads(kg("query", "who-restricted-what", "--store", store, "--format", "json").stdout)
    assert data["results"]["bindings"]
    rows = list(csv.DictReader(io.StringIO(kg("query", "stock-moves", "--store", store, "--format", "csv").stdout)))
    assert any(r["percent"] == "-2.2" for r in rows)
    ask = kg("query", "ASK { ?a a cg:ExportControl }", "--store", store)
    assert ask.stdout.strip() == "yes"
    graph = kg("query", "export-control-graph", "--store", store, "--format", "ttl")  # an alias of turtle
    assert graph.exit_code == 0 and "@prefix cg:" in graph.stdout


def test_query_format_help_lists_what_kg_formats_offers():
    shown = kg("query", "--help").stdout.replace("\n", " ")
    for fmt in ("table", *RESULT_FORMATS, *GRAPH_FORMATS[:2]):
        assert fmt in shown
    assert "|".join(EXPORT_FORMATS) in kg("export", "--help").stdout


def test_query_parameters_are_bound_not_pasted(seed_store_path):
    result = kg("query", "entities-search", "--param", 'q="} ; DROP ALL ; #', "--store", str(seed_store_path),
                "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["results"]["bindings"] == []
    found = kg("query", "entity", "-p", "entity=엔디비아", "--store", str(seed_store_path), "--format", "csv")
    assert "https://w3id.org/chipgraph/id/entity/nvidia" in found.stdout


def test_queries_lists_saved_queries():
    result = kg("queries")
    assert result.exit_code == 0
    assert all(name in result.stdout for name in load_saved_queries())
    assert "country:entity=미국" in result.stdout  # a parameter with its type and default


def test_export_to_file_and_stats(seed_store_path, tmp_path):
    target = tmp_path / "graph.ttl"
    written = kg("export", "--store", str(seed_store_path), "-o", str(target))
    assert written.exit_code == 0 and f"bytes to {target}" in written.stderr
    assert "cg:ExportControl" in target.read_text(encoding="utf-8")
    nquads = kg("export", "--store", str(seed_store_path), "--format", "nq", "--graph", "003")
    assert nquads.exit_code == 0 and nquads.stdout.count(" .\n") > 10 and "@prefix" not in nquads.stdout
    stats = kg("stats", "--store", str(seed_store_path))
    assert stats.exit_code == 0 and "articles" in stats.stdout


def test_validate_passes_on_the_seed_graph(seed_store_path):
    result = kg("validate", "--store", str(seed_store_path))
    assert result.exit_code == 0 and "conform" in result.stdout


def test_eval_reports_scores_as_json(seed_store_path):
    result = kg("eval", str(ROOT / "tests/gold/seeds.jsonl"), "--store", str(seed_store_path), "--json")
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout), dict)


def test_build_reports_skipped_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("엔비디아는 2.2% 하락한 118달러에 거래되고 있다.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    result = kg("build", str(folder), env={"CHIPGRAPH_STORE": str(tmp_path / "store")})
    assert result.exit_code == 2
    assert "b.txt" in result.stderr and "built 1" in result.stderr
    assert (tmp_path / "store").is_dir()


@pytest.mark.parametrize("args, words", [
    (("build", "--executor", "threads"), ["unknown executor 'threads'"]),
    (("build", "--scheduler", "tcp://x:1"), ["--scheduler needs --executor dask"]),
    (("build", "--no-load"), ["--no-load without --output-shards"]),
])
def test_build_option_mistakes_are_one_line(tmp_path, args, words):
    assert_clean_error(kg(*args, "--store", str(tmp_path / "store")), *words)


@pytest.mark.parametrize("args, words", [
    (("query", "no-such-query"), ["no saved query"]),
    (("query", "SELECT * WHERE { ?s ?p }"), ["syntax error"]),
    (("query", "entity", "--param", "entity=존재하지않는회사"), ["no entity is called"]),
    (("query", "entity", "--param", "nonsense"), ["NAME=VALUE"]),
    (("query", "stock-moves", "--format", "turtle"), ["cannot be written as 'turtle'"]),
    (("export", "--graph", "999"), ["no graph"]),
    (("export", "--format", "docx"), ["unknown format"]),
])
def test_bad_requests_get_one_clear_line(seed_store_path, args, words):
    assert_clean_error(kg(*args, "--store", str(seed_store_path)), *words)


def test_missing_store_is_explained(tmp_path):
    assert_clean_error(kg("stats", "--store", str(tmp_path / "nowhere")), "kg build")


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS.values():
        assert setting.env in readme and setting.default in readme, setting.name


def test_help_does_not_load_the_korean_model():
    code = "import sys; from typer.testing import CliRunner; from kg.cli import app; " \
           "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; print('kiwipiepy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr


def test_a_store_named_relative_to_the_working_folder_is_read(seed_store_path, tmp_path, monkeypatch):
    """The README's commands name the store relative to where they run (./chipgraph-store)."""
    import shutil
    shutil.copytree(seed_store_path, tmp_path / "here")
    monkeypatch.chdir(tmp_path)
    for args in (["stats"], ["validate"], ["query", "actions-by-class", "--format", "csv"], ["export", "--graph", "003"]):
        result = runner.invoke(app, [*args, "--store", "here"])
        assert result.exit_code == 0, (args, result.output)
