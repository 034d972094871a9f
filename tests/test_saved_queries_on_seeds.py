"""Every saved query answers on the graph of the seed articles; those whose rows come from
Wikidata answer with their local rows and nothing from Wikidata when no endpoint is reachable."""

from __future__ import annotations

import pytest

from kg.link.graph import EXTERNAL_GRAPH
from kg.query import load_saved_queries, run_query

# Values for parameters that have no default: names the seeds certainly contain.
REQUIRED = {"entity": "엔비디아", "q": "화웨이", "chip": "H20", "country": "미국", "action": None}
# Federated queries never leave the machine in tests: a closed local port (SERVICE SILENT → no rows).
LOCAL_ONLY = {"endpoint": "http://127.0.0.1:9/sparql"}
# Per query: the column of the Wikidata item (from the local links), and the columns that only
# another endpoint (federated-*) or `kg import-external` (external-*) fills;
# tests/test_link_federation.py checks those against a local Wikidata stand-in.
FROM_WIKIDATA = {
    "federated-chip-maker-descriptions": ("wikidata", {"description"}),
    "federated-export-control-firms": ("wikidata", {"countryLabel", "exchangeLabel", "ticker", "parentLabel"}),
    "external-export-control-firms": ("wikidata", {"countryLabel", "exchangeLabel", "ticker", "parentLabel",
                                                   "description"}),
    "external-entity": ("item", {"property", "value", "valueLabel"}),
}
SAVED = load_saved_queries()


def _run(store, name):
    query = SAVED[name]
    params = {p.name: REQUIRED[p.name] for p in query.parameters
              if p.required and p.default is None and REQUIRED.get(p.name)}
    params.update({p.name: LOCAL_ONLY[p.name] for p in query.parameters if p.name in LOCAL_ONLY})
    return run_query(store, query, params)


@pytest.mark.parametrize("name", sorted(set(SAVED) - set(FROM_WIKIDATA)))
def test_saved_query_returns_rows(seed_store, name):
    assert not SAVED[name].is_federated, f"{name} calls SERVICE: add it to FROM_WIKIDATA"
    result = _run(seed_store, name)
    if result.kind == "ASK":
        assert result.boolean
    elif result.kind in ("CONSTRUCT", "DESCRIBE"):
        assert result.triples
    else:
        assert result.rows, f"{name} returned no rows on the seed graph"


def test_every_query_that_reads_wikidata_is_known():
    assert {n for n in SAVED if n.startswith(("federated-", "external-"))} == set(FROM_WIKIDATA)
    assert {n for n, q in SAVED.items() if q.is_federated} == {n for n in FROM_WIKIDATA if n.startswith("federated-")}


@pytest.mark.parametrize("name", sorted(FROM_WIKIDATA))
def test_wikidata_queries_answer_with_local_rows_only_when_offline(seed_store, name):
    if not SAVED[name].is_federated:
        assert EXTERNAL_GRAPH not in seed_store.graphs()  # `kg import-external` has not run
    item, remote = FROM_WIKIDATA[name]
    result = _run(seed_store, name)
    assert result.kind == "SELECT" and {item, *remote} <= set(result.variables)
    records = result.records()
    assert records, f"{name} lost its local rows"
    assert all(r[item] is None or r[item].value.startswith("http://www.wikidata.org/entity/Q") for r in records)
    assert any(r[item] is not None for r in records)
    for column in remote:
        assert all(r[column] is None for r in records), f"{name}: {column} filled with nothing to fill it from"
    if SAVED[name].is_federated:
        assert {r["endpoint"].value for r in records} == {LOCAL_ONLY["endpoint"]}


def test_there_are_at_least_twelve_saved_queries():
    assert len(SAVED) >= 12
