"""An installed wheel finds its ontology, lexicons and saved queries without a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (in the test extras)")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out)], check=True, capture_output=True)
    [wheel] = out.glob("chipgraph-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_carries_data_files(unpacked_wheel):
    data = unpacked_wheel / "kg" / "_data"
    for name in ("ontology/chipgraph.ttl", "ontology/shapes.ttl", "ontology/entities.ttl",
                 "ontology/lexicon/actions.yaml", "queries/export-controls-timeline.rq"):
        assert (data / name).is_file(), name


def test_installed_package_builds_and_queries_from_elsewhere(unpacked_wheel, tmp_path):
    article = tmp_path / "news" / "a.txt"
    article.parent.mkdir()
    article.write_text("바이든 행정부는 2022년에 엔비디아의 첨단 AI 칩의 중국 수출을 금지하는 조치를 발표했다.\n",
                       encoding="utf-8")
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin", "CHIPGRAPH_STORE": str(tmp_path / "st")}
    code = ("import kg.resources as r, sys; assert str(r.ontology_dir()).startswith(sys.argv[1]), r.ontology_dir(); "
            "from kg.cli import main; sys.argv = ['kg'] + sys.argv[2:]; main()")
    build = subprocess.run([sys.executable, "-c", code, str(unpacked_wheel), "build", str(article.parent)],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    query = subprocess.run([sys.executable, "-c", code, str(unpacked_wheel), "query", "who-restricted-what",
                            "--format", "csv"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert query.returncode == 0 and "바이든" in query.stdout, query.stderr
