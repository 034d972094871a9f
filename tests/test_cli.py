"""The `kg` command as a user runs it: a real process, a real store, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def kg(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.startswith("error:")
    for word in words:
        assert word in result.stderr


def test_query_formats(seed_store_path):
    store = str(seed_store_path)
    table = kg("query", "actions-by-class", "--store", store)
    assert table.returncode == 0 and "ExportControl" in table.stdout
    data = json.loads(kg("query", "who-restricted-what", "--store", store, "--format", "json").stdout)
    assert data["results"]["bindings"]
    rows = list(csv.DictReader(io.StringIO(kg("query", "stock-moves", "--store", store, "--format", "csv").stdout)))
    assert any(r["percent"] == "-2.2" for r in rows)
    ask = kg("query", "ASK { ?a a cg:ExportControl }", "--store", store)
    assert ask.stdout.strip() == "yes"


def test_query_parameters_are_bound_not_pasted(seed_store_path):
    result = kg("query", "entities-search", "--param", 'q="} ; DROP ALL ; #', "--store", str(seed_store_path),
                "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["results"]["bindings"] == []
    found = kg("query", "entity", "-p", "entity=엔디비아", "--store", str(seed_store_path), "--format", "csv")
    assert "https://w3id.org/chipgraph/id/entity/nvidia" in found.stdout


def test_queries_lists_saved_queries():
    result = kg("queries")
    assert result.returncode == 0 and "export-controls-timeline" in result.stdout


def test_export_to_file_and_stats(seed_store_path, tmp_path):
    target = tmp_path / "graph.ttl"
    assert kg("export", "--store", str(seed_store_path), "-o", str(target)).returncode == 0
    assert "cg:ExportControl" in target.read_text(encoding="utf-8")
    stats = kg("stats", "--store", str(seed_store_path))
    assert stats.returncode == 0 and "articles" in stats.stdout


def test_validate_passes_on_the_seed_graph(seed_store_path):
    result = kg("validate", "--store", str(seed_store_path))
    assert result.returncode == 0 and "conform" in result.stdout


def test_build_defaults_to_seeds_and_reports_skipped_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("엔비디아는 2.2% 하락한 118달러에 거래되고 있다.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    result = kg("build", str(folder), env={"CHIPGRAPH_STORE": str(tmp_path / "store")})
    assert result.returncode == 2
    assert "b.txt" in result.stderr and "built 1" in result.stderr
    assert (tmp_path / "store").is_dir()


@pytest.mark.parametrize("args, words", [
    (("query", "no-such-query"), ["no saved query"]),
    (("query", "SELECT * WHERE { ?s ?p }"), []),
    (("query", "entity", "--param", "entity=존재하지않는회사"), []),
    (("query", "entity", "--param", "nonsense"), ["NAME=VALUE"]),
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
