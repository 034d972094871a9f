"""Build the knowledge graph: read articles, extract, write one named graph per article.

A build is incremental: an article whose content hash and pipeline version match what the
store holds is skipped; a changed one has its graph replaced. The skip is decided as early as
possible: the store also keeps a fingerprint of each article's raw input (`kg.rdf.store`), and an
article whose raw input hashes the same is not even decoded or cleaned, so a rebuild with
nothing changed reads the inputs once and never loads the Korean model. An article whose raw
input changed but whose content hash did not (re-encoded, say) is not rebuilt; only its
fingerprint is updated.

Memory stays flat however large the corpus: inputs are read lazily (JSONL line by line), and
the writer flushes the store every `FLUSH_TRIPLES` written triples. Without that flush
RocksDB keeps every write in memtables of up to 128 MB per column family (Oxigraph has a
dozen), which grew the writer by about 100 MB per thousand articles. Problems with single inputs are
collected and reported, never fatal to the rest.

Where extraction runs (`executor`): in this process (`serial`), in `jobs` worker processes
(`processes`, the default when jobs > 1), or on a Dask cluster (`dask`, see `kg.build.executors`).
Whatever the executor, only this process writes the store, and every article is replaced
atomically: the writer batches several articles into one SPARQL update (one transaction), so
a build killed at any point leaves each article's graph in its old or its new version.

The one exception is a *fresh* store (no article graphs yet, so nothing to replace): the
writer loads it with Oxigraph's bulk loader, which is not transactional. A marker in the
build's bookkeeping (`kg.rdf.buildstate`) is set while it runs; a build that finds the marker still set (the previous
one was killed) rebuilds every article instead of trusting the stored hashes.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from kg.build import executors
from kg.build.executors import ArticleResult, Recipe, fingerprint_of
from kg.build.progress import Progress, Tracker, count_inputs
from kg.build.writer import GraphWriter, count, write_reference_shard
from kg.errors import KgError
from kg.ingest import Article, Fingerprint, Problem, Unchanged, iter_articles
from kg.namespaces import article_iri
from kg.rdf.store import KnowledgeStore
from kg.rdf.triples import pipeline_version
from kg.resources import lexicon_dir, ontology_dir

EXECUTORS = ("serial", "processes", "dask")
BULK_LOAD_STATE = "https://w3id.org/chipgraph/graph/bulk-load"
SHARD_PATTERN = "part-{:05d}.nq"


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
    executor: str = "serial"
    shards: list[Path] = field(default_factory=list)
    answers: list[tuple[str, int, float]] = field(default_factory=list)  # saved answers kept anew

    @property
    def exit_code(self) -> int:
        """0: every input built (problems that only cost metadata, such as a bad date, are still
        reported); 2: some inputs skipped (each said); 1: nothing could be done."""
        if all(p.action.startswith("built") for p in self.problems):
            return 0
        return 2 if self.built or self.unchanged else 1


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) stopped a build. Every article graph in the store is whole, old or new
    (each is replaced in one transaction); `report` says how many were written. `starts_over`:
    the store was being bulk-loaded (its first build), so the next build rebuilds every article."""

    def __init__(self, report: BuildReport, *, starts_over: bool) -> None:
        super().__init__(f"interrupted after {report.built} articles")
        self.report, self.starts_over = report, starts_over


def current_pipeline_version() -> str:
    """The package version plus a hash of what shapes extraction: the lexicons, the gazetteer
    and the code of the stages up to the triples (a store built by other rules is rebuilt)."""
    package = Path(__file__).resolve().parents[1]
    code = [path for stage in _EXTRACTION_CODE for path in sorted((package / stage).glob("*.py"))]
    files = [*lexicon_dir().glob("*.yaml"), ontology_dir() / "entities.ttl", *code, package / "rdf" / "triples.py"]
    return pipeline_version(files)


_EXTRACTION_CODE = ("ingest", "nlp", "extract", "lexicon")


def build(paths: Sequence[Path | str], store: KnowledgeStore, *, min_confidence: float = 0.0,
          prune: bool = False, force: bool = False, progress: Progress | None = None,
          jobs: int = 1, executor: str | None = None, scheduler: str | None = None,
          client: Any = None, output_shards: Path | str | None = None, load: bool = True,
          partition: int = 64, min_parallel: int = 48, calibrated: bool = True,
          keep_answers: bool = True) -> BuildReport:
    """Build (or update) the store from the given files and folders.

    `jobs`: worker processes for extraction (1: in this process). `executor`: `serial`,
    `processes` or `dask` (default: `processes` when jobs > 1). With fewer than `min_parallel`
    articles to build, a process pool is not worth starting and extraction stays in-process.
    Dask: `client` (an existing `distributed.Client`) or `scheduler` (an address; neither: a
    LocalCluster of `jobs` workers); one task and one N-Quads shard per `partition` articles;
    shards go to `output_shards` when given, and `load=False` leaves the store's article graphs
    alone (the shards are for another triple store). `calibrated=False` keeps raw scores as
    confidences (what `bench/calibrate.py` fits the calibration on). `progress` is told how
    each stage moves on (`kg.build.progress.BuildEvent`: reading, extracting, writing).
    `keep_answers`: afterwards, compute the answers of the saved queries marked `materialise:`
    that the store's new content made stale (`kg.query.run.keep_answers`; a build that changed
    nothing recomputes nothing).
    """
    started = time.perf_counter()
    executor = executor or ("processes" if jobs > 1 else "serial")
    if executor not in EXECUTORS:
        raise KgError(f"unknown executor '{executor}'", hint="use " + ", ".join(EXECUTORS))
    if not load and output_shards is None:
        raise KgError("nothing to do with the results", hint="give --output-shards DIR, or load into the store")
    report = BuildReport(executor=executor)
    store.sync_reference()
    version = current_pipeline_version()
    recipe = Recipe(version, min_confidence, calibrated)
    states = store.article_states()
    interrupted = store.graph_state(BULK_LOAD_STATE) == "loading"
    if interrupted:  # a bulk load was killed half-way: trust no stored hash, replace every graph
        force = True
    known = None if force else _known(states, store.article_fingerprints(), version)
    fresh = not states and not interrupted
    bulk = fresh and load
    tracker = Tracker(progress, count_inputs(paths) if progress else 0)
    writer = (GraphWriter(store, report, bulk=bulk, written=tracker.writing)
              if load or executor != "dask" else None)  # only Dask can skip loading
    seen: set[str] = set()

    def changed() -> Iterator[Article]:
        for item in iter_articles(paths, known=known):
            if isinstance(item, Problem):
                report.problems.append(item)
                tracker.reading(item, build=False)
                continue
            iri = article_iri(item.identifier)
            seen.add(iri)
            if isinstance(item, Unchanged):
                report.unchanged += 1
            elif not force and states.get(iri) == (item.content_hash, version):
                report.unchanged += 1
                if writer is not None:  # raw input new to the store, content the same: remember it
                    writer.note(iri, fingerprint_of(item))
            else:
                tracker.reading(item, build=True)
                yield item
                continue
            tracker.reading(item, build=False)
        tracker.finished_reading()

    try:
        _extract_and_write(changed(), store, recipe, report, writer, tracker, executor=executor, jobs=jobs,
                           min_parallel=min_parallel, bulk=bulk, scheduler=scheduler, client=client,
                           output_shards=output_shards, partition=partition)
        if (interrupted and load) or bulk:
            store.flush()
            store.replace_graph_state(BULK_LOAD_STATE, "done")
        if prune:
            for iri in sorted(set(states) - seen):
                store.remove_graph(iri)
                report.removed += 1
        store.flush()
        if keep_answers and load:
            from kg.query.run import keep_answers as keep  # kg.query reads stores; imported when needed

            report.answers = keep(store)
    except KeyboardInterrupt:
        raise BuildInterrupted(report, starts_over=bulk or interrupted) from None
    report.seconds = time.perf_counter() - started
    return report


def _extract_and_write(articles: Iterator[Article], store: KnowledgeStore, recipe: Recipe, report: BuildReport,
                       writer: GraphWriter | None, tracker: Tracker, *, executor: str, jobs: int, min_parallel: int,
                       bulk: bool, **dask: Any) -> None:
    """Extraction on the executor, each result to the writer; a bulk load runs under its marker."""
    if bulk:
        store.replace_graph_state(BULK_LOAD_STATE, "loading")
    if executor == "dask":
        _build_dask(articles, store, recipe, report, writer, tracker, jobs=jobs, **dask)
    else:
        for result in _extract_local(articles, recipe, executor, jobs, min_parallel):
            tracker.extracting()
            writer.add(result)
    if writer is not None:
        writer.flush()


def _known(states: dict[str, tuple[str, str]], fingerprints: dict[str, tuple[str, str, str]],
           version: str) -> Callable[[str], Fingerprint | None]:
    """The `known` lookup for `iter_articles`: a stored fingerprint, trusted only while the
    article graph still has the content hash it was stored with and the current pipeline
    version (a graph rebuilt by an older Chipgraph, or by another pipeline, is re-read)."""

    def lookup(identifier: str) -> Fingerprint | None:
        iri = article_iri(identifier)
        stored = fingerprints.get(iri)
        if stored is None or states.get(iri) != (stored[0], version):
            return None
        return Fingerprint(stored[1], stored[2])

    return lookup


def _extract_local(articles: Iterator[Article], recipe: Recipe, executor: str,
                   jobs: int, min_parallel: int) -> Iterator[ArticleResult]:
    if executor == "processes" and jobs > 1:
        head = list(itertools.islice(articles, min_parallel))
        if len(head) >= min_parallel:
            yield from executors.run_processes(itertools.chain(head, articles), recipe, jobs=jobs)
            return
        articles = iter(head)
    yield from executors.run_serial(articles, recipe)


def _build_dask(articles: Iterator[Article], store: KnowledgeStore, recipe: Recipe, report: BuildReport,
                writer: GraphWriter | None, tracker: Tracker, *, scheduler: str | None, client: Any,
                jobs: int, output_shards: Path | str | None, partition: int) -> None:
    """Extraction on Dask; shards written in order when asked for; results go to the writer.

    `writer` None: the store's article graphs are left alone (the shards are the output).
    """
    own_client = client is None
    if own_client:
        client = executors.dask_client(scheduler, workers=jobs if jobs > 1 else None)
    folder = None
    if output_shards is not None:
        folder = Path(output_shards)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("part-*.nq"):
            old.unlink()
        write_reference_shard(store, folder / "reference.nq")
    try:
        results = executors.run_dask(articles, recipe, client=client, partition=partition)
        for number, batch in enumerate(results):
            if folder is not None:
                shard = folder / SHARD_PATTERN.format(number)
                with shard.open("w", encoding="utf-8") as handle:
                    handle.writelines(r.nquads() for r in batch)
                report.shards.append(shard)
            tracker.extracting(len(batch))
            for result in batch:
                if writer is not None:
                    writer.add(result)
                else:
                    count(report, result)
            if writer is None:
                tracker.writing(report.built)
    finally:
        if own_client:
            executors.close_client(client)


