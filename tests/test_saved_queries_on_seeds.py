"""Every saved query answers with rows on the graph of the seed articles."""

from __future__ import annotations

import pytest

from kg.queries import load_saved_queries, run_query

# Values for parameters that have no default: names the seeds certainly contain.
REQUIRED = {"entity": "엔비디아", "q": "화웨이", "chip": "H20", "country": "미국", "action": None}
SAVED = load_saved_queries()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_returns_rows(seed_store, name):
    query = SAVED[name]
    params = {p.name: REQUIRED[p.name] for p in query.parameters
              if p.required and p.default is None and REQUIRED.get(p.name)}
    result = run_query(seed_store.store, query, params)
    if result.kind == "ASK":
        assert result.boolean
    elif result.kind in ("CONSTRUCT", "DESCRIBE"):
        assert result.triples
    else:
        assert result.rows, f"{name} returned no rows on the seed graph"


def test_there_are_at_least_twelve_saved_queries():
    assert len(SAVED) >= 12
