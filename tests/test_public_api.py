"""The public face (`kg.__all__`) and the README's Python example, run as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kg

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in kg.__all__:
        assert getattr(kg, name) is not None
    for name in ("open_store", "build_graph", "run_query", "export", "iter_articles", "extract_article"):
        assert f"kg.{name}" in readme, name


def test_the_readme_python_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Using Chipgraph from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "5 0 " + lines[0].split()[-1] and int(lines[0].split()[-1]) > 20  # built, unchanged, actions
    assert any("H20" not in line and "미국" in line for line in lines[1:])  # the H20 timeline names its agent
    assert sum(line.startswith(("000_", "001_", "002_", "003_", "004_")) for line in lines) == 5


def test_extract_article_needs_no_store():
    article = kg.Article(identifier="x", text="미국 상무부는 엔비디아 H20의 중국 수출을 금지했다.", date="2025-04-15")
    extraction = kg.extract_article(article)
    assert [(a.cls, a.roles.get("object")) for a in extraction.actions] == [("ExportControl", ("nvidia-h20",))]
