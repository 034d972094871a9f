"""Pages and saved queries on a corpus: a store of 2,000 synthetic articles (bench/build_bench.py's
`make_corpus`: the seed articles' sentences recombined under new ids and dates), built once for
this module, served in process (`InProcess`).

Speed is checked with the server's own limit, not a clock in the test: the entity and article
pages are served with `--timeout` PAGE_LIMIT, so a page that needs longer is a 503 and the test
fails; saved queries, whose first page may need the whole answer sorted, get the default limit.
bench/pages_bench.py measures the same pages on 50,000 articles (BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import ID_BASE
from kg.server.pages import ACTION_SAMPLE, COUNT_CAP, PAGE_SIZE
from kg.server.queries import MAX_PAGE_SIZE
from kg.sparql import sparql
from tests.sparql_protocol_runner import InProcess

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 2000
PAGE_LIMIT = 5.0  # seconds: the server's --timeout for pages (the bench's target on 50,000 is 0.3 s)
KEPT_LIMIT = 1.0  # seconds: the --timeout for the first page of a saved query whose answer the build kept
E = ID_BASE + "entity/"
BUSY = ("nvidia", "china", "united-states")


def _make_corpus():
    spec = importlib.util.spec_from_file_location("kg_build_bench", ROOT / "bench" / "build_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus, module.seed_sentences


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> Path:
    """2,000 synthetic articles built into a store on disk once; the build time is printed (-s)."""
    from kg.build import build
    from kg.rdf.store import KnowledgeStore
    from kg.settings import default_min_confidence

    make_corpus, seed_sentences = _make_corpus()
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder / "corpus.jsonl", ARTICLES, seed_sentences())
    started = time.perf_counter()
    report = build([folder / "corpus.jsonl"], KnowledgeStore(folder / "store"), min_confidence=default_min_confidence(),
                   jobs=len(os.sched_getaffinity(0)))
    print(f"\nbuilt {report.built} synthetic articles in {time.perf_counter() - started:.1f} s")
    assert report.built == ARTICLES and not report.problems
    return folder / "store"


@pytest.fixture(scope="module")
def pages(corpus_store):
    with InProcess(corpus_store, timeout=PAGE_LIMIT, cache_mb=0) as client:
        yield client


@pytest.fixture(scope="module")
def queries(corpus_store):
    with InProcess(corpus_store, cache_mb=0) as client:
        yield client


def html(client, path: str, **params):
    response = client.get(path, params=params, headers={"Accept": "text/html"})
    assert response.status_code == 200, f"{path} {params}: {response.status_code} {response.text[:300]}"
    return response, BeautifulSoup(response.text, "html.parser")


def count(client, query: str) -> int:
    rows = client.get("sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(rows.json()["results"]["bindings"][0]["n"]["value"])


def incoming(soup) -> list[tuple[str, str, str]]:
    """(property, from, stated in) of each row of the page's links table."""
    rows = soup.select("#incoming tbody tr")
    return [tuple(row.select("td")[i].find("a")["href"] for i in range(3)) for row in rows]


def next_link(response) -> str | None:
    header = response.headers.get("link", "")
    for part in header.split(","):
        target, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return urljoin(str(response.url), target.strip()[1:-1])
    return None


# ------------------------------------------------------------------------------------------------
# Entity and article pages
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", BUSY)
def test_a_busy_entity_page_has_a_summary_and_one_page_of_links(pages, key):
    response, soup = html(pages, f"id/entity/{key}")
    assert soup.select("#link-counts tbody tr") and soup.select("#action-classes tbody tr")
    assert soup.select("#recent li") and soup.select("#confident li")
    assert len(incoming(soup)) == PAGE_SIZE
    assert next_link(response).endswith("?page=2")


@pytest.mark.parametrize("key", ("nvidia", "deepseek"))
def test_link_counts_are_exact_up_to_the_cap(pages, key):
    mentions = count(pages, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?a cg:mentions e:{key} }} }}")
    _, soup = html(pages, f"id/entity/{key}")
    shown = {row.find("a")["title"]: row.select_one(".n").text for row in soup.select("#link-counts tbody tr")}
    expected = f"{mentions:,}" if mentions <= COUNT_CAP else f"{COUNT_CAP:,}+"
    assert shown["https://w3id.org/chipgraph/ontology#mentions"] == expected


def test_the_caps_of_the_page_queries_are_the_pages_own():
    for name, cap in (("page-resource-in-count", COUNT_CAP), ("page-resource-actions", ACTION_SAMPLE)):
        assert f"LIMIT {cap + 1}\n" in sparql(name), name  # one more than the cap, to tell there are more


def test_the_most_recent_actions_are_the_latest_of_all_not_of_a_sample(pages):
    latest = pages.get("sparql", params={"query": """SELECT (MAX(STR(?d)) AS ?n) WHERE {
        VALUES ?role { cg:agent cg:object cg:target cg:reportedBy } ?a ?role e:nvidia ; cg:date ?d }"""}).json()
    newest = latest["results"]["bindings"][0]["n"]["value"]
    _, soup = html(pages, "id/entity/nvidia")
    assert "sample" in soup.select_one("#action-classes caption").text  # more actions than the sample holds
    assert newest in soup.select_one("#recent li").text


def test_paging_through_the_links_of_a_property_loses_and_repeats_nothing(pages):
    expected = count(pages, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a cg:mentions e:deepseek } }")
    assert expected > 2 * PAGE_SIZE
    seen: list[tuple[str, str, str]] = []
    path, pages_read = "id/entity/deepseek?property=cg:mentions", 0
    while path:
        response = pages.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, response.text
        rows = incoming(BeautifulSoup(response.text, "html.parser"))
        assert 0 < len(rows) <= PAGE_SIZE
        seen += rows
        path, pages_read = next_link(response), pages_read + 1
    assert len(seen) == len(set(seen)) == expected
    assert pages_read == -(-expected // PAGE_SIZE)
    again = incoming(html(pages, "id/entity/deepseek", property="cg:mentions", page=2)[1])
    assert again == seen[PAGE_SIZE:2 * PAGE_SIZE]  # the same order on every request


def test_pages_past_the_end_and_bad_page_numbers_are_refused(pages):
    assert pages.get("id/entity/nvidia", params={"page": 10_000}, headers={"Accept": "text/html"}).status_code == 404
    for bad in ("0", "-1", "two"):
        refused = pages.get("id/entity/nvidia", params={"page": bad}, headers={"Accept": "text/html"})
        assert refused.status_code == 400 and "numbered from 1" in refused.text
    assert pages.get("id/entity/nvidia", params={"property": "not an iri"},
                     headers={"Accept": "text/html"}).status_code == 400


def test_an_untitled_article_is_named_by_outlet_date_and_identifier(pages):
    found = pages.get("sparql", params={"query": """SELECT ?a ?date ?id WHERE {
        GRAPH ?a { ?a a cg:Article ; dcterms:date ?date ; dcterms:identifier ?id FILTER NOT EXISTS { ?a dcterms:title ?t } } }
        LIMIT 1"""}).json()["results"]["bindings"][0]
    _, soup = html(pages, found["a"]["value"].replace(ID_BASE, "id/"))
    assert soup.h1.text == f"{found['date']['value']} · {found['id']['value']}"
    assert soup.select("#action-classes tbody tr")  # what the article contributes, by class


@pytest.mark.parametrize("key", BUSY)
def test_deep_pages_of_busy_entities_answer_within_the_limit(pages, key):
    response, soup = html(pages, f"id/entity/{key}", page=20)
    assert len(incoming(soup)) == PAGE_SIZE and 'rel="prev"' in response.headers["link"]


def test_a_page_that_runs_past_the_limit_says_which_page_and_what_to_try(corpus_store):
    with InProcess(corpus_store, timeout=0.001, cache_mb=0) as tight:
        response = tight.get("id/entity/nvidia", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "the page /id/entity/nvidia" in response.text and "--timeout" in response.text and "LIMIT" not in response.text


# ------------------------------------------------------------------------------------------------
# Saved queries
# ------------------------------------------------------------------------------------------------


def test_saved_query_pages_join_up_to_the_whole_streamed_answer(queries):
    name, size = "export-controls-timeline", 400
    whole = queries.get(f"queries/{name}", params={"_stream": "1"})
    assert whole.status_code == 200
    expected = whole.json()["results"]["bindings"]
    assert len(expected) > 2 * size
    rows, url, answered = [], f"queries/{name}?_size={size}", 0
    while url:
        page = queries.get(url)
        document = page.json()
        assert len(document["results"]["bindings"]) <= size
        rows += document["results"]["bindings"]
        url = document.get("next_url")
        assert url == next_link(page)
        answered += 1
    assert rows == expected and answered == -(-len(expected) // size)
    streamed = list(csv.reader(io.StringIO(queries.get(f"queries/{name}", params={"format": "csv"}).text)))
    assert len(streamed) == len(expected) + 1
    assert [r[0] for r in streamed[1:]] == [b.get("date", {}).get("value", "") for b in expected]


def test_saved_query_page_sizes_are_bounded(queries):
    first = queries.get("queries/export-controls-timeline").json()
    assert len(first["results"]["bindings"]) == 100 and first["next"] == "100"
    assert len(queries.get("queries/export-controls-timeline", params={"_size": "max"}).json()["results"]["bindings"]) == MAX_PAGE_SIZE
    too_big = queries.get("queries/export-controls-timeline", params={"_size": MAX_PAGE_SIZE + 1})
    assert too_big.status_code == 400 and f"{MAX_PAGE_SIZE:,}" in too_big.text
    page = queries.get("queries/export-controls-timeline", params={"_size": 25}, headers={"Accept": "text/html"})
    soup = BeautifulSoup(page.text, "html.parser")
    assert len(soup.select("#results tbody tr")) == 25 and soup.select_one("a#next")
    assert all("_stream=1" in a["href"] for a in soup.select(".downloads a"))


def test_every_saved_query_answers_its_first_page_within_the_limit(queries):
    for listed in queries.get("queries").json()["queries"]:
        if listed["name"].startswith("federated-"):
            continue  # they call Wikidata
        params = {p["name"]: "nvidia" for p in listed["parameters"] if p["required"] and p["default"] is None}
        response = queries.get(f"queries/{listed['name']}", params={**params, "_size": 20},
                               headers={"Accept": "text/html"})
        assert response.status_code == 200, f"{listed['name']}: {response.status_code} {response.text[:200]}"


def test_kg_query_limit_gives_the_first_page(corpus_store, queries):
    runner = CliRunner()
    done = runner.invoke(app, ["query", "who-restricted-what", "--store", str(corpus_store), "--limit", "7",
                               "--format", "csv"])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    page = queries.get("queries/who-restricted-what", params={"_size": 7}).json()["results"]["bindings"]
    assert [r["article"] for r in rows] == [b["article"]["value"] for b in page]


# --- saved answers kept by the build (materialise:, kg.query.answers) ------------------------------


def test_kept_answers_equal_the_sparql_on_the_corpus(corpus_store):
    from kg.rdf.store import KnowledgeStore
    from tests.test_saved_answers import assert_kept_answers_equal_the_sparql, kept_queries

    store = KnowledgeStore(corpus_store, read_only=True)
    assert assert_kept_answers_equal_the_sparql(store, pages=(0, 500)) >= len(kept_queries())


def test_every_kept_saved_query_answers_its_first_page_within_its_limit(corpus_store):
    """With the server's --timeout at KEPT_LIMIT: the SPARQL of most of these takes longer on
    2,000 articles (and far longer on 50,000, BENCHMARKS.md); a kept answer is an indexed read."""
    from tests.test_saved_answers import PARAMETER_CASES, kept_queries

    with InProcess(corpus_store, timeout=KEPT_LIMIT, cache_mb=0) as client:
        for name, saved in kept_queries().items():
            for params in [{}, *(p for p in PARAMETER_CASES.get(name, []) if set(p) <= set(saved.materialise))]:
                machine = "json" if saved.kind == "SELECT" else "turtle"
                for fmt in (machine, "html"):
                    response = client.get(f"queries/{name}", params={**params, "_size": 100, "format": fmt})
                    assert response.status_code == 200, f"{name} {params}: {response.status_code} {response.text[:300]}"
                following = client.get(f"queries/{name}", params={**params, "_size": 100, "_next": 100,
                                                                  "format": machine})
                assert following.status_code == 200, f"{name} {params} page 2: {following.text[:300]}"
