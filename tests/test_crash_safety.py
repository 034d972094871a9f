"""Crash safety: SIGKILL at random moments never leaves half an article graph.

Two versions of the seed articles are built beforehand (old: the seeds; new: every article with
a sentence added), so each article graph has a known old and new set of quads. Then a writer
is killed with SIGKILL at random moments, again and again (fixed random seed), and after each
kill the store must open, answer a query, and hold for every article either exactly the old or
exactly the new graph. Finally a normal build completes the job.

* `test_killing_kg_build_…`: the real command, `python -m kg build`, alternating old and new
  versions with `--force` so every run has every graph to replace; kills are spread from the
  start of the process to the end of its writing.
* `test_killing_a_writer_mid_transaction_…`: a process that does nothing but replace the
  article graphs through `KnowledgeStore.replace_graph`, so nearly every kill lands inside a
  write; this checks the store's promise independently of how the build batches its writes.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from kg.namespaces import article_iri
from kg.rdf.store import KnowledgeStore

from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261122
ARTICLE_PREFIX = article_iri("x")[:-1]
ADDED = "엔비디아는 {n}.5% 상승한 12{n}달러에 거래를 마쳤다. 화웨이는 어센드 9{n}0C 칩을 개발했다고 밝혔다."


def kg(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "kg", *map(str, args)]


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def article_graphs(path: Path) -> dict[str, frozenset[str]]:
    """Open the store read-only, check it answers a query, return its article graphs' quads."""
    store = KnowledgeStore(path, read_only=True)
    try:
        rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert int(rows[0]["n"].value) > 0
        store.article_states()  # the query the next build starts with
        return {g: frozenset(str(q) for q in store.quads(g)) for g in store.graphs() if g.startswith(ARTICLE_PREFIX)}
    finally:
        del store


def check(found: dict[str, frozenset[str]], old: dict, new: dict, when: str) -> str:
    """Every article graph is the old or the new version; returns e.g. 'oonnn'."""
    assert set(found) == set(new), f"{when}: graphs {sorted(set(found) ^ set(new))} missing or extra"
    states = ""
    for graph in sorted(found):
        if found[graph] == new[graph]:
            states += "n"
        elif found[graph] == old[graph]:
            states += "o"
        else:
            extra, missing = found[graph] - old[graph] - new[graph], (old[graph] & new[graph]) - found[graph]
            pytest.fail(f"{when}: {graph} is neither version ({len(found[graph])} quads, "
                        f"{len(extra)} foreign, {len(missing)} common ones missing)")
    return states


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict:
    """Old and new seed folders, a store built from old by the command, and both expected graphs."""
    from kg.build import build

    root = tmp_path_factory.mktemp("crash")
    old, new = root / "old", root / "new"
    shutil.copytree(SEEDS, old)
    shutil.copytree(SEEDS, new)
    for n, path in enumerate(sorted(new.glob("*.txt")), 1):
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + ADDED.format(n=n) + "\n",
                        encoding="utf-8")
    store = root / "store"
    started = time.perf_counter()
    command = subprocess.run(kg("build", old, "--store", store, "--min-confidence", "0"), cwd=ROOT, env=ENV,
                             capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started  # how long a full build takes here, to aim the kills
    assert command.returncode == 0, command.stderr
    reference = KnowledgeStore(root / "reference-new")
    assert build([new], reference, min_confidence=0.0).built == 5
    expected_new = {g: frozenset(str(q) for q in reference.quads(g)) for g in reference.graphs()
                    if g.startswith(ARTICLE_PREFIX)}
    nquads = reference.store.dump(format=RdfFormat.N_QUADS)
    del reference
    expected_old = article_graphs(store)
    assert len(expected_old) == 5 and set(expected_old) == set(expected_new)
    assert all(expected_old[g] != expected_new[g] for g in expected_old)
    (root / "new.nq").write_bytes(nquads)
    return {"root": root, "old": old, "new": new, "store": store, "expected_old": expected_old,
            "expected_new": expected_new, "seconds": seconds}


def _wait_or_kill(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process after `delay` seconds unless it ended first; True if it was killed."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL
        process.wait()
        return True


def test_killing_kg_build_at_random_moments_leaves_old_or_new_graphs(versions, tmp_path):
    rng = random.Random(SEED)
    store = tmp_path / "store"
    shutil.copytree(versions["store"], store)
    old, new = versions["expected_old"], versions["expected_new"]
    full = versions["seconds"]
    seen, killed = [], 0
    for run in range(5):
        source = versions["new"] if run % 2 == 0 else versions["old"]
        process = subprocess.Popen(kg("build", source, "--store", store, "--min-confidence", "0", "--force"),
                                   cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed += _wait_or_kill(process, rng.uniform(0.2, 0.9) * full)
        seen.append(check(article_graphs(store), old, new, f"after kill {run}"))
    assert killed >= 1, "the kills should mostly land before the build ends"
    finish = subprocess.run(kg("build", versions["new"], "--store", store, "--min-confidence", "0"), cwd=ROOT,
                            env=ENV, capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    assert check(article_graphs(store), old, new, "after the final build") == "nnnnn"
    print(f"full build {full:.1f}s; {killed} of 5 runs killed; states after them: {seen}")


WRITER = textwrap.dedent("""
    import sys
    from pyoxigraph import RdfFormat, parse
    from kg.rdf.store import KnowledgeStore

    store = KnowledgeStore(sys.argv[1])
    graphs = {}
    for version, path in (("old", sys.argv[2]), ("new", sys.argv[3])):
        with open(path, "rb") as handle:
            for quad in parse(handle, format=RdfFormat.N_QUADS):
                if quad.graph_name.value.startswith(sys.argv[4]):
                    graphs.setdefault(quad.graph_name.value, {}).setdefault(version, []).append(quad)
    print("ready", flush=True)
    turn = 0
    while True:
        for graph in sorted(graphs):
            store.replace_graph(graph, graphs[graph]["new" if turn % 2 == 0 else "old"])
        turn += 1
""")


def test_killing_a_writer_mid_transaction_leaves_old_or_new_graphs(versions, tmp_path):
    rng = random.Random(SEED + 1)
    store = tmp_path / "store"
    shutil.copytree(versions["store"], store)
    old_nq = tmp_path / "old.nq"
    old_nq.write_bytes(KnowledgeStore(versions["store"], read_only=True).store.dump(format=RdfFormat.N_QUADS))
    old, new = versions["expected_old"], versions["expected_new"]
    seen = []
    for run in range(6):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(store), str(old_nq),
                                    str(versions["root"] / "new.nq"), ARTICLE_PREFIX],
                                   cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        assert _wait_or_kill(process, rng.uniform(0.05, 0.6)), process.stderr.read()
        seen.append(check(article_graphs(store), old, new, f"after kill {run}"))
    assert len(set(seen)) > 1, f"the kills all left the same state {seen}; the writer did not write"
    print(f"states seen after kills: {seen}")
