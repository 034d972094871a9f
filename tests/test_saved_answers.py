"""Saved answers kept at build time (`materialise:` in a saved query's header, kg.query.answers):
the answer read from them is the answer the SPARQL gives, row for row and in page order, and an
answer the store's content has moved past is never used.

The same check runs on the 2,000-article store of tests/test_server_pages_scale.py.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.build import build
from kg.errors import DataFileError
from kg.query import answers, load_saved_queries, parse_saved_query, run_query
from kg.query.run import keep_answers
from kg.rdf.store import KnowledgeStore
from kg.settings import default_min_confidence

ROOT = Path(__file__).resolve().parents[1]

#: Parameter values tried on every kept query besides its defaults: `by:` parameters select rows
#: of the kept answer; the others (fact-sources' entity) make the query run on the store.
PARAMETER_CASES = {
    "export-controls-timeline": [{"chip": "H20"}, {"chip": "어센드 910B"}, {"chip": "e:nvidia"}],
    "export-controls-by-country": [{"country": "China"}, {"country": "미국"}, {"country": "e:commerce"}],
    "fact-sources": [{"entity": "nvidia"}],
}


def kept_queries():
    return {name: saved for name, saved in load_saved_queries().items() if saved.materialise is not None}


def assert_kept_answers_equal_the_sparql(store: KnowledgeStore, pages: tuple[int, ...] = (0, 1, 100)) -> int:
    """Every kept query, at its defaults and with PARAMETER_CASES: the whole answer and pages of it
    read from the kept answer equal the SPARQL's answer (run with the `materialise:` mark removed),
    whole and paged the same way. Returns how many answers came from the kept rows."""
    from_kept = 0
    for name, saved in kept_queries().items():
        sparql_only = replace(saved, materialise=None)
        for params in [{}, *PARAMETER_CASES.get(name, [])]:
            where = f"{name} {params}"
            expected = run_query(store, sparql_only, params)
            got = run_query(store, saved, params)
            assert not expected.kept
            assert got.variables == expected.variables, where
            assert got.rows == expected.rows and got.triples == expected.triples, where
            from_kept += got.kept
            if not params:
                assert got.kept, f"{where}: the build kept no current answer"
            elif any(key not in saved.materialise for key in params):
                assert not got.kept, f"{where}: kept for other parameter values"
            for offset in pages:
                page, truth = run_query(store, saved, params, limit=7, offset=offset), \
                    run_query(store, sparql_only, params, limit=7, offset=offset)
                assert (page.rows, page.triples, page.more) == (truth.rows, truth.triples, truth.more), \
                    f"{where} page at {offset}"
                assert page.rows == expected.rows[offset:offset + 7], f"{where} page at {offset}"
                assert page.triples == expected.triples[offset:offset + 7], f"{where} page at {offset}"
    return from_kept


def test_kept_answers_equal_the_sparql_on_the_seeds(seed_store):
    assert assert_kept_answers_equal_the_sparql(seed_store) >= len(kept_queries())


def test_a_stale_kept_answer_is_never_used_and_the_next_build_renews_it(seeds_copy, tmp_path):
    store_path = tmp_path / "store"
    store = KnowledgeStore(store_path)
    first = build([seeds_copy], store, min_confidence=default_min_confidence())
    assert {name for name, _, _ in first.answers} == set(kept_queries())
    before = run_query(store, "fact-sources")
    assert before.kept

    # new content: a sentence of another article appended to the first, built without keeping answers
    article = sorted(seeds_copy.glob("000_*.txt"))[0]
    lines = sorted(seeds_copy.glob("001_*.txt"))[0].read_text(encoding="utf-8").splitlines()
    other = next(line for line in reversed(lines) if "H20" in line)
    article.write_text(article.read_text(encoding="utf-8") + "\n" + other + "\n", encoding="utf-8")
    changed = build([seeds_copy], store, min_confidence=default_min_confidence(), keep_answers=False)
    assert changed.built == 1 and not changed.answers
    stale = run_query(store, "fact-sources")
    assert not stale.kept and stale.rows != before.rows  # the old rows are there, and not used
    assert stale.rows == run_query(store, replace(load_saved_queries()["fact-sources"], materialise=None)).rows
    store = None

    # a server's read-only view of the same folder does not use them either
    reader = KnowledgeStore(store_path, read_only=True)
    assert not run_query(reader, "fact-sources", limit=5).kept
    reader = None

    store = KnowledgeStore(store_path)
    renewed = build([seeds_copy], store, min_confidence=default_min_confidence())
    assert renewed.built == 0 and {name for name, _, _ in renewed.answers} == set(kept_queries())
    fresh = run_query(store, "fact-sources")
    assert fresh.kept and fresh.rows == stale.rows
    again = build([seeds_copy], store, min_confidence=default_min_confidence())
    assert again.answers == []  # nothing changed: nothing recomputed
    assert_kept_answers_equal_the_sparql(store, pages=(0,))


def test_any_write_to_the_store_makes_its_kept_answers_stale(seed_store_path, tmp_path):
    shutil.copytree(seed_store_path, tmp_path / "store")
    store = KnowledgeStore(tmp_path / "store")
    assert run_query(store, "actions-by-class").kept
    store.update("DELETE WHERE { GRAPH ?g { ?a a cg:StockMove } }")
    assert not run_query(store, "actions-by-class").kept
    assert [name for name, _, _ in keep_answers(store)] == list(kept_queries())
    assert run_query(store, "actions-by-class").kept
    assert all("StockMove" != row[0].value for row in run_query(store, "actions-by-class").rows)


def test_a_broken_file_of_kept_answers_is_passed_over_and_the_next_build_replaces_it(seed_store_path, tmp_path):
    shutil.copytree(seed_store_path, tmp_path / "store")
    (tmp_path / "store" / answers.FILE_NAME).write_bytes(b"not a database, cut short" * 100)
    store = KnowledgeStore(tmp_path / "store")
    result = run_query(store, "stock-moves", limit=5)
    assert not result.kept
    assert result.rows == run_query(store, replace(load_saved_queries()["stock-moves"], materialise=None), limit=5).rows
    assert [name for name, _, _ in keep_answers(store)] == list(kept_queries())
    assert run_query(store, "stock-moves", limit=5).kept


def test_a_changed_query_text_is_not_answered_from_the_old_rows(seed_store, tmp_path):
    path = tmp_path / "revenue-figures.rq"
    text = (ROOT / "queries" / "revenue-figures.rq").read_text(encoding="utf-8")
    path.write_text(text.replace("ORDER BY ?firmLabel DESC", "ORDER BY DESC(?firmLabel) DESC"), encoding="utf-8")
    changed = parse_saved_query(path)
    assert changed.name == "revenue-figures" and answers.digest(changed) != answers.digest(load_saved_queries()[changed.name])
    result = run_query(seed_store, changed)
    assert not result.kept
    assert result.rows == run_query(seed_store, replace(changed, materialise=None)).rows


@pytest.mark.parametrize("header, message", [
    ("#+ materialise: yes please", "must be true, false or a mapping"),
    ("#+ materialise: {by: [nothing]}", "not a parameter of the query"),
    ("#+ materialise: {order: [x]}", "must be true, false or a mapping"),
])
def test_a_malformed_materialise_entry_says_what_is_wrong(tmp_path, header, message):
    path = tmp_path / "q.rq"
    path.write_text("#+ title: T\n#+ params:\n#+   - name: x\n#+     type: string\n" + header +
                    "\nSELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as caught:
        parse_saved_query(path)
    assert caught.value.line == 5


def test_an_ask_answer_or_one_with_an_unknown_parameter_is_not_kept(tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("#+ title: T\n#+ materialise: true\nASK { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="nothing to keep"):
        parse_saved_query(path)
    path.write_text("#+ title: T\n#+ params:\n#+   - name: x\n#+     required: true\n#+ materialise: true\n"
                    "SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="materialise: by: \\[x\\]"):
        parse_saved_query(path)


def test_a_by_parameter_the_query_does_not_select_is_refused_when_keeping(seed_store_path, tmp_path):
    shutil.copytree(seed_store_path, tmp_path / "store")
    path = tmp_path / "chips.rq"
    path.write_text("#+ title: T\n#+ params:\n#+   - name: x\n#+     type: iri\n#+ materialise: {by: [x]}\n"
                    "SELECT ?chip WHERE { ?chip a cg:Chip OPTIONAL { ?chip cg:developedBy ?x } } ORDER BY ?chip\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError, match="does not select") as caught:
        keep_answers(KnowledgeStore(tmp_path / "store"), {"chips": parse_saved_query(path)})
    assert "select ?x" in caught.value.hint


def test_a_write_through_the_server_renews_the_kept_answers_once_writes_pause(seed_store_path, tmp_path):
    """SPARQL Update and Graph Store writes make the kept answers stale (pages answer from the
    store meanwhile); the server renews them in the background after `renew_delay` quiet seconds."""
    import time

    from tests.sparql_protocol_runner import InProcess

    shutil.copytree(seed_store_path, tmp_path / "store")
    token = "renew-token-1"
    with InProcess(tmp_path / "store", allow_update=True, token=token) as http:
        state = http.app.state.kg
        state.renew_delay = 0.2
        deleted = http.post("sparql", content=b"DELETE WHERE { GRAPH ?g { ?a a cg:StockMove } }",
                            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"})
        assert deleted.status_code == 204
        deadline = time.monotonic() + 30
        while not run_query(state.knowledge, "actions-by-class").kept and time.monotonic() < deadline:
            time.sleep(0.1)
        renewed = run_query(state.knowledge, "actions-by-class")
        assert renewed.kept and all(row[0].value != "StockMove" for row in renewed.rows)
        assert_kept_answers_equal_the_sparql(state.knowledge, pages=(0,))
