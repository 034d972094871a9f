"""Extraction off the writer's process: a local process pool or a Dask cluster.

The contract: workers turn an `Article` into an `ArticleResult` (the article graph's triples as
N-Triples text lines, plus counts); exactly one process, the one holding the store, writes. The
lines are those `KnowledgeStore.replace_graph` would have written for the same quads, so a build
on any executor gives the same graph, quad for quad, as the single-process build.

Memory stays bounded: articles are read lazily and at most `window` chunks (or partitions) are
in flight at any time; results come back in input order.

Each worker process loads the Korean model once (pool initializer; on Dask, the first task a
worker runs loads it and later tasks reuse it through `kg.nlp.morph.analyzer`'s cache).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import os
import signal
import time
from typing import Any, Iterable, Iterator, NamedTuple

from kg.ingest import Article


class Recipe(NamedTuple):
    """What a worker needs to know besides the articles (plain data: it travels to workers)."""

    version: str              # the pipeline version stamped on each article graph
    min_confidence: float     # facts below this are not written
    calibrated: bool = True   # False: raw scores as confidences (for fitting the calibration)


class ArticleResult(NamedTuple):
    """One article's extraction, ready for the writer (picklable, plain data)."""

    iri: str
    triples: tuple[str, ...]   # "<s> <p> <o>" — N-Triples without the final " ."
    actions: int
    relations: int
    fingerprint: str = ""      # what the store keeps to skip the article next time (see kg.rdf.store)

    def nquads(self) -> str:
        """The article graph as N-Quads text (one line per quad, in the graph's stable order)."""
        graph = f"<{self.iri}>"
        return "".join(f"{t} {graph} .\n" for t in self.triples)


def extract_chunk(articles: list[Article], recipe: Recipe) -> list[ArticleResult]:
    """Extract a few articles together (see `kg.extract.extract_many`) and serialise their
    graphs (runs in any process)."""
    from kg.extract import Calibration, extract_many

    calibration = Calibration.shipped() if recipe.calibrated else Calibration.identity()
    with _no_cycle_collection():
        return [_result(extraction, recipe) for extraction in extract_many(articles, calibration=calibration)]


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for one chunk, then back as it was.

    Extraction allocates millions of short-lived tuples and records, and the collector would
    walk them about once per 700 allocations; but they hold no reference cycles (a 1,000-article
    build leaves ≈ 600 cyclic objects behind), so reference counting frees them all anyway and
    the walks are wasted: ≈ 2% of a one-core build. The pause is as long as a chunk (a second
    or so); whatever cycles it made are collected after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _result(extraction: Any, recipe: Recipe) -> ArticleResult:
    from kg.namespaces import article_iri
    from kg.rdf.triples import article_ntriples

    article, min_confidence = extraction.article, recipe.min_confidence
    return ArticleResult(
        article_iri(article.identifier),
        tuple(article_ntriples(extraction, pipeline_version=recipe.version, min_confidence=min_confidence)),
        sum(1 for a in extraction.actions if a.confidence >= min_confidence),
        sum(1 for r in extraction.relations if r.confidence >= min_confidence),
        fingerprint_of(article),
    )


def fingerprint_of(article: Article) -> str:
    """The build-state value stored with the article's graph (format: `kg.rdf.store`)."""
    from kg.rdf.store import fingerprint_value

    return fingerprint_value(article.content_hash, article.raw_hash, article.text_key)


def _warm_up(parent: int | None = None) -> None:
    """Pool initializer: load the model, gazetteer and lexicons once per worker process.

    A worker also exits when the build that started it is gone (killed with SIGKILL, say), so
    no orphan keeps a core and half a gigabyte. It ignores Ctrl-C, which a terminal sends to
    the whole process group: the build stops its workers itself (`run_processes`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()
    from kg.extract import warm_up

    warm_up()


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- executors ----------------------------------------------------------------------------------
# Each maps an iterable of articles to an iterator of ArticleResult in the same order.


def run_serial(articles: Iterable[Article], recipe: Recipe, *,
               chunk: int = 64) -> Iterator[ArticleResult]:
    """Extraction in this process, `chunk` articles at a time: Kiwi's model and the rules'
    tables each stay in the CPU cache for a whole chunk (one core, 1,000 articles: 16 → 64
    articles a chunk took the extraction ≈ 6% faster; 1 → 16, ≈ 12%; beyond 64, no gain)."""
    for batch in chunked(articles, chunk):
        yield from extract_chunk(batch, recipe)


def run_processes(articles: Iterable[Article], recipe: Recipe, *, jobs: int,
                  chunk: int = 32, window: int | None = None) -> Iterator[ArticleResult]:
    """Extraction in `jobs` worker processes, at most `window` chunks in flight."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    window = window or 3 * jobs
    # spawn: the parent holds an open RocksDB store and threads; a forked child must not inherit them
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_warm_up, initargs=(os.getpid(),))
    try:
        pending: collections.deque = collections.deque()
        for batch in chunked(articles, chunk):
            pending.append(pool.submit(extract_chunk, batch, recipe))
            while len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:  # Ctrl-C, or the consumer stopped: no waiting for chunks nobody will read
        _stop_workers(pool)
        raise
    pool.shutdown()


def _stop_workers(pool) -> None:
    """Cancel what is queued and end the workers now (`ProcessPoolExecutor.terminate_workers`
    from Python 3.14; before, its table of worker processes)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() lets go of the table
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()


def run_dask(articles: Iterable[Article], recipe: Recipe, *, client: Any,
             partition: int = 64, window: int | None = None) -> Iterator[list[ArticleResult]]:
    """Extraction on a Dask cluster, one task per partition of `partition` articles, in order.

    Yields one list of results per partition (a partition becomes one N-Quads shard).
    """
    if window is None:
        workers = client.scheduler_info().get("workers", {})
        threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        window = 2 * threads
    pending: collections.deque = collections.deque()
    for batch in chunked(articles, partition):
        pending.append(client.submit(extract_chunk, batch, recipe, pure=False))
        while len(pending) >= window:
            future = pending.popleft()
            yield future.result()
            future.release()
    while pending:
        future = pending.popleft()
        yield future.result()
        future.release()


def dask_client(scheduler: str | None, *, workers: int | None = None, threads_per_worker: int = 1,
                processes: bool = True):
    """A client of the cluster at `scheduler`, or of a LocalCluster on this machine (closed with it)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        from kg.errors import KgError

        raise KgError("the Dask executor needs dask.distributed",
                      hint="pip install 'chipgraph[dask]'") from exc
    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=threads_per_worker,
                           processes=processes, dashboard_address=None)
    client = Client(cluster)
    client._chipgraph_cluster = cluster  # closed by close_client
    return client


def close_client(client: Any) -> None:
    cluster = getattr(client, "_chipgraph_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
