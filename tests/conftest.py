"""Shared fixtures: the seed graph is built once per test session into a real store on disk."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _wikidata_servers():
    """tests/fixtures/wikidata/servers.py: a local Wikidata stand-in (endpoint + search API)."""
    spec = importlib.util.spec_from_file_location("kg_wikidata_fixture", ROOT / "tests/fixtures/wikidata/servers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WIKIDATA_SERVERS = _wikidata_servers()


@pytest.fixture(scope="module")
def wikidata():
    """The local Wikidata SPARQL endpoint and wbsearchentities API, on free 127.0.0.1 ports."""
    endpoint, api = WIKIDATA_SERVERS.SparqlEndpoint(), WIKIDATA_SERVERS.SearchApi()
    yield endpoint, api
    endpoint.stop()
    api.stop()


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory) -> Path:
    """A store built from seeds/ with the default settings, shared read-only by tests."""
    from kg.build import build
    from kg.settings import default_min_confidence
    from kg.rdf.store import KnowledgeStore

    path = tmp_path_factory.mktemp("seed-store") / "store"
    store = KnowledgeStore(path)
    report = build([SEEDS], store, min_confidence=default_min_confidence())
    assert report.built == 5 and not report.problems
    del store
    return path


@pytest.fixture(scope="session")
def seed_store(seed_store_path):
    from kg.rdf.store import KnowledgeStore

    return KnowledgeStore(seed_store_path, read_only=True)


@pytest.fixture()
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
