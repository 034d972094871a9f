"""Shared fixtures: the seed graph is built once per test session into a real store on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory) -> Path:
    """A store built from seeds/ with the default settings, shared read-only by tests."""
    from kg.build import build
    from kg.settings import default_min_confidence
    from kg.store import KnowledgeStore

    path = tmp_path_factory.mktemp("seed-store") / "store"
    store = KnowledgeStore(path)
    report = build([SEEDS], store, min_confidence=default_min_confidence())
    assert report.built == 5 and not report.problems
    del store
    return path


@pytest.fixture(scope="session")
def seed_store(seed_store_path):
    from kg.store import KnowledgeStore

    return KnowledgeStore(seed_store_path, read_only=True)


@pytest.fixture()
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
