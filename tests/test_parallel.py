"""Parallel and distributed builds give the single-process graph, quad for quad.

A tiny synthetic corpus (seed lines recombined under new ids and dates) is built once in this
process; then in worker processes (`jobs=2`), on a Dask LocalCluster (2 worker processes, one
thread each) and from N-Quads shards loaded into a plain pyoxigraph store.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from kg.build import executors as parallel
from kg.build import BULK_LOAD_STATE, build
from kg.ingest import Article
from kg.namespaces import article_iri
from kg.rdf.store import KnowledgeStore

from tests.conftest import ROOT, SEEDS

ARTICLES = 20
STATE_GRAPH = "https://w3id.org/chipgraph/graph/build-state"


def _write_corpus(path: Path, count: int = ARTICLES, *, seed: int = 7) -> Path:
    lines = [line.strip() for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()
             if len(line.strip()) > 30]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            record = {"id": f"par-{i:03d}", "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "text": "\n".join(rng.sample(lines, 6))}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _quads(store, *, blank_nodes: bool = True) -> list[str]:
    """Every quad but the build-state bookkeeping, as sorted N-Quads lines.

    `blank_nodes=False` blurs blank node labels (the ontology graph's), which a parser renames.
    """
    raw = store.store if isinstance(store, KnowledgeStore) else store
    lines = (str(q) for q in raw.quads_for_pattern(None, None, None)
             if not (isinstance(q.graph_name, NamedNode) and q.graph_name.value == STATE_GRAPH))
    return sorted(lines if blank_nodes else (re.sub(r"_:\S+", "_:b", line) for line in lines))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("corpus") / "feed.jsonl")


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    store = KnowledgeStore(tmp_path_factory.mktemp("serial") / "store")
    report = build([corpus], store)
    assert report.built == ARTICLES and not report.problems and report.executor == "serial"
    return store, report


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def test_worker_processes_give_the_single_process_graph(corpus, serial, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    report = build([corpus], store, jobs=2, min_parallel=0)
    assert report.executor == "processes"
    assert (report.built, report.actions, report.relations) == (serial[1].built, serial[1].actions, serial[1].relations)
    assert _quads(store) == _quads(serial[0])


def test_incremental_and_prune_with_worker_processes(corpus, serial, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([corpus], store, jobs=2, min_parallel=0)
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    records[3]["text"] += "\n엔비디아는 2.2% 하락한 118달러에 거래되고 있다."
    del records[5]
    changed = tmp_path / "feed.jsonl"
    changed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    report = build([changed], store, jobs=2, min_parallel=0, prune=True)
    assert (report.built, report.unchanged, report.removed) == (1, ARTICLES - 2, 1)
    assert article_iri("par-005") not in store.graphs()
    assert build([changed], store, jobs=2, min_parallel=0).unchanged == ARTICLES - 1
    # the same inputs built from scratch in one process: the same graph
    fresh = KnowledgeStore(tmp_path / "fresh")
    build([changed], fresh)
    assert _quads(store) == _quads(fresh)


def test_the_pool_reads_ahead_a_bounded_number_of_articles():
    pulled = 0
    ahead = []

    def articles():
        nonlocal pulled
        for i in range(60):
            pulled += 1
            yield Article(identifier=f"b{i}", text="엔비디아 주가가 하락했다.", content_hash=f"sha256:{i}")

    got = 0
    for _ in parallel.run_processes(articles(), parallel.Recipe("v", 0.0), jobs=2, chunk=2, window=3):
        got += 1
        ahead.append(pulled - got)
    assert got == 60
    assert max(ahead) <= 2 * 3 + 2  # window chunks in flight plus the one being cut


def test_a_chunk_pauses_the_cycle_collector_and_leaves_it_as_it_was(monkeypatch):
    import gc

    import kg.extract

    during = []
    real = kg.extract.extract_many
    monkeypatch.setattr(kg.extract, "extract_many", lambda articles, **options: (during.append(gc.isenabled()), real(articles, **options))[1])
    article = Article(identifier="gc", text="엔비디아 주가가 하락했다.", content_hash="sha256:gc")
    assert gc.isenabled()
    assert len(parallel.extract_chunk([article], parallel.Recipe("v", 0.0))) == 1
    assert gc.isenabled()
    gc.disable()
    try:
        parallel.extract_chunk([article], parallel.Recipe("v", 0.0))
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()
    with pytest.raises(RuntimeError):
        monkeypatch.setattr(kg.extract, "extract_many", lambda articles, **options: (_ for _ in ()).throw(RuntimeError("boom")))
        parallel.extract_chunk([article], parallel.Recipe("v", 0.0))
    assert gc.isenabled() and during == [False, False]


def test_dask_build_equals_single_process_and_shards_load_anywhere(corpus, serial, client, tmp_path):
    shards = tmp_path / "shards"
    store = KnowledgeStore(tmp_path / "store")
    report = build([corpus], store, executor="dask", client=client, partition=8, output_shards=shards)
    assert report.executor == "dask" and report.built == ARTICLES
    assert _quads(store) == _quads(serial[0])  # loaded in bulk into the fresh store
    assert [p.name for p in report.shards] == ["part-00000.nq", "part-00001.nq", "part-00002.nq"]
    assert store.graph_state(BULK_LOAD_STATE) == "done"
    # the shards alone (plus reference.nq) are the whole graph, for any N-Quads loader
    other = Store()
    for shard in sorted(shards.glob("*.nq")):
        other.bulk_load(path=str(shard), format=RdfFormat.N_QUADS)
    assert _quads(other, blank_nodes=False) == _quads(serial[0], blank_nodes=False)
    # deterministic: a second run writes the same bytes
    first = {p.name: p.read_bytes() for p in shards.glob("*.nq")}
    again = tmp_path / "again"
    build([corpus], KnowledgeStore(None), executor="dask", client=client, partition=8, output_shards=again,
          load=False)
    assert {p.name: p.read_bytes() for p in again.glob("*.nq")} == first
    # an existing store is updated per article (transactional), only what changed
    assert build([corpus], store, executor="dask", client=client).unchanged == ARTICLES
    rebuilt = build([corpus], store, executor="dask", client=client, force=True, partition=8)
    assert rebuilt.built == ARTICLES and _quads(store) == _quads(serial[0])


def test_a_fresh_store_is_bulk_loaded_and_equals_one_updated_article_by_article(corpus, serial, tmp_path):
    assert serial[0].graph_state(BULK_LOAD_STATE) == "done"  # the serial fixture built a fresh store
    first = tmp_path / "first.jsonl"
    first.write_text(corpus.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path / "store")
    build([first], store)
    store.replace_graph_state(BULK_LOAD_STATE, "untouched")
    report = build([corpus], store)  # no longer fresh: every other article goes through updates
    assert (report.built, report.unchanged) == (ARTICLES - 1, 1)
    assert store.graph_state(BULK_LOAD_STATE) == "untouched"
    assert _quads(store) == _quads(serial[0])
    assert build([corpus], store).unchanged == ARTICLES  # fingerprints were written both ways


def test_an_interrupted_bulk_load_is_rebuilt_not_trusted(corpus, serial, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([corpus], store)
    victim = article_iri("par-002")
    store.update(f"DELETE WHERE {{ GRAPH <{victim}> {{ ?a <https://w3id.org/chipgraph/ontology#evidence> ?e }} }}")
    store.replace_graph_state(BULK_LOAD_STATE, "loading")  # as if killed during a bulk load
    report = build([corpus], store)
    assert report.built == ARTICLES and store.graph_state(BULK_LOAD_STATE) == "done"
    assert _quads(store) == _quads(serial[0])
    assert build([corpus], store).unchanged == ARTICLES


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_dask_with_a_scheduler_writes_shards(corpus, serial, client, tmp_path):
    shards = tmp_path / "shards"
    result = _kg("build", str(corpus), "--store", str(tmp_path / "store"), "--min-confidence", "0",
                 "--executor", "dask", "--scheduler", client.scheduler.address, "--partition", "8",
                 "--output-shards", str(shards), "--no-load")
    assert result.returncode == 0, result.stderr
    assert "wrote 3 N-Quads shards" in result.stderr
    other = Store()
    for shard in sorted(shards.glob("*.nq")):
        other.bulk_load(path=str(shard), format=RdfFormat.N_QUADS)
    assert _quads(other, blank_nodes=False) == _quads(serial[0], blank_nodes=False)


def test_cli_rejects_inconsistent_options(tmp_path):
    result = _kg("build", "seeds", "--store", str(tmp_path / "store"), "--scheduler", "tcp://127.0.0.1:1")
    assert result.returncode == 1 and result.stderr.startswith("error:") and "--executor dask" in result.stderr
    result = _kg("build", "seeds", "--store", str(tmp_path / "store"), "--executor", "spark")
    assert result.returncode == 1 and "unknown executor" in result.stderr
