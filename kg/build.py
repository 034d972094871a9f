"""Build the knowledge graph: read articles, extract, write one named graph per article.

A build is incremental: an article whose content hash and pipeline version match what the
store holds is skipped; a changed one has its graph replaced in one transaction. Problems with
single inputs are collected and reported, never fatal to the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from kg.extract import extract
from kg.graph import article_quads, pipeline_version
from kg.ingest import Article, Problem, iter_articles
from kg.namespaces import article_iri
from kg.resources import lexicon_dir, ontology_dir
from kg.store import KnowledgeStore

Progress = Callable[[Article | Problem], None]


@dataclass
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    built: int = 0
    unchanged: int = 0
    removed: int = 0
    actions: int = 0
    relations: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every input built; 2: some skipped (each said); 1: nothing could be done."""
        if not self.problems:
            return 0
        return 2 if self.built or self.unchanged else 1


def current_pipeline_version() -> str:
    files = [*lexicon_dir().glob("*.yaml"), ontology_dir() / "entities.ttl"]
    return pipeline_version(files)


def build(paths: Sequence[Path | str], store: KnowledgeStore, *, min_confidence: float = 0.0,
          prune: bool = False, force: bool = False, progress: Progress | None = None) -> BuildReport:
    """Build (or update) the store from the given files and folders."""
    started = time.perf_counter()
    report = BuildReport()
    store.sync_reference()
    version = current_pipeline_version()
    states = store.article_states()
    seen: set[str] = set()
    for item in iter_articles(paths):
        if progress:
            progress(item)
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        iri = article_iri(item.identifier)
        seen.add(iri)
        if not force and states.get(iri) == (item.content_hash, version):
            report.unchanged += 1
            continue
        _build_one(item, iri, store, version, min_confidence, report)
    if prune:
        for iri in sorted(set(states) - seen):
            store.remove_graph(iri)
            report.removed += 1
    store.flush()
    report.seconds = time.perf_counter() - started
    return report


def _build_one(article: Article, iri: str, store: KnowledgeStore, version: str,
               min_confidence: float, report: BuildReport) -> None:
    extraction = extract(article)
    quads = article_quads(extraction, pipeline_version=version, min_confidence=min_confidence)
    store.replace_graph(iri, quads)
    report.built += 1
    report.actions += sum(1 for a in extraction.actions if a.confidence >= min_confidence)
    report.relations += sum(1 for r in extraction.relations if r.confidence >= min_confidence)
