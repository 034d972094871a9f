"""How many seed-graph entities `kg link` links, and how long it takes with a cold and a warm cache.

Runs against the local Wikidata stand-ins of `tests/fixtures/wikidata/` (an `oxigraph serve` and a
`wbsearchentities` app on 127.0.0.1), never the internet: the counts therefore say how the
gazetteer's verified links, the fixture's few real items and its fictional decoys fall out, and
the timings measure Chipgraph's own work plus local HTTP round trips (no network latency, no
rate limiting — against Wikidata a cold run is bounded by its ~1 request per entity name).

    python bench/link_bench.py                 # builds the seed graph into a temporary store
    python bench/link_bench.py --store DIR     # or uses an existing store (it is modified)
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.link.reconcile import link  # noqa: E402
from kg.link.external import import_external  # noqa: E402
from kg.link.http import WikidataClient  # noqa: E402
from kg.rdf.store import KnowledgeStore  # noqa: E402

_spec = importlib.util.spec_from_file_location("kg_wikidata_fixture", ROOT / "tests/fixtures/wikidata/servers.py")
servers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servers)


def _mentioned(store: KnowledgeStore) -> dict[str, int]:
    """The same classification restricted to entities some article mentions."""
    mentioned = {r["e"].value for r in store.query("SELECT DISTINCT ?e WHERE { GRAPH ?g { ?a cg:mentions ?e } }")}
    certain = {r["e"].value for r in store.query("SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e owl:sameAs ?w } }")} \
        & mentioned
    close = [r["e"].value for r in store.query("SELECT ?e WHERE { GRAPH cgg:links { ?e skos:closeMatch ?w } }")
             if r["e"].value in mentioned]
    return {"total": len(mentioned), "certain": len(certain), "candidate": len(set(close) - certain),
            "nothing": len(mentioned - certain - set(close)), "links": len(close)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="warm runs to average")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-link-bench-"))
    try:
        if args.store is None:
            from kg.build import build

            args.store = work / "store"
            started = time.perf_counter()
            build([ROOT / "seeds"], KnowledgeStore(args.store))
            print(f"seed graph built in {time.perf_counter() - started:.1f}s")
        store = KnowledgeStore(args.store)
        endpoint, api = servers.SparqlEndpoint(), servers.SearchApi()
        try:
            client = WikidataClient(api=api.url, endpoint=endpoint.url, cache_dir=work / "cache")
            decisions = work / "decisions.tsv"
            cold = link(store, client, decisions)
            warm = [link(store, client, decisions) for _ in range(args.runs)]
            started = time.perf_counter()
            items, triples = import_external(store, client)
            imported = time.perf_counter() - started
            client.close()
        finally:
            endpoint.stop()
            api.stop()
        best_warm = min(w.seconds for w in warm)
        mentioned = _mentioned(store)
        print()
        print("| entities | certain link (owl:sameAs) | candidates only (skos:closeMatch) | nothing | candidate links |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        print(f"| all {cold.entities} (gazetteer + discovered) | {cold.certain} | {cold.with_candidates} | "
              f"{cold.nothing} | {cold.candidates} |")
        print(f"| {mentioned['total']} mentioned in the seed articles | {mentioned['certain']} | "
              f"{mentioned['candidate']} | {mentioned['nothing']} | {mentioned['links']} |")
        print()
        print("| run | requests | cache hits | seconds |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| cold cache | {cold.requests} | {cold.cache_hits} | {cold.seconds:.2f} |")
        print(f"| warm cache (best of {len(warm)}) | {warm[0].requests} | {warm[0].cache_hits} | {best_warm:.2f} |")
        print(f"| import-external | {(items + 24) // 25} | 0 | {imported:.2f} |")
        print()
        print(f"hits dropped by the type check: {cold.dropped_by_type}; imported {triples} triples about {items} items")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
