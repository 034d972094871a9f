"""The server's reads, in process (`InProcess`: the app driven through httpx, no socket): the SPARQL
protocol, saved queries, Linked Data, VoID, errors, timeouts and `--base`, over the seed store.

What only a real `kg serve` shows (other clients, the CLI, raw sockets, a browser) is tested in
test_server_protocol.py, test_server_security.py and test_server_ui.py.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS

from kg.namespaces import ID_BASE, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH
from kg.query import load_saved_queries
from tests.sparql_protocol_runner import LABELS, BlackHole, InProcess, assert_query_forms_agree

E = ID_BASE + "entity/"
NVIDIA = E + "nvidia"
SRX = "{http://www.w3.org/2005/sparql-results#}"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
MAX_BODY = 100_000


@pytest.fixture(scope="module")
def http(seed_store_path):
    with InProcess(seed_store_path, max_body=MAX_BODY) as client:
        yield client


def count(http, query: str, **params) -> int:
    response = http.get("sparql", params={"query": query, **params}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# ------------------------------------------------------------------------------------------------
# SPARQL protocol
# ------------------------------------------------------------------------------------------------


def test_query_by_get_post_form_and_post_direct_agree(http):
    assert_query_forms_agree(http)


@pytest.mark.parametrize("accept, fmt, media_type", [
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    (None, "csv", "text/csv"),
    ("application/json", None, "application/sparql-results+json"),
    ("text/html", None, "text/html"),
])
def test_select_results_are_negotiated(http, accept, fmt, media_type):
    params = {"query": LABELS, **({"format": fmt} if fmt else {})}
    response = http.get("sparql", params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["label"] and ["엔비디아"] in rows
    elif media_type.endswith("+xml"):
        literals = [node.text for node in ET.fromstring(response.content).iter(SRX + "literal")]
        assert "엔비디아" in literals
    else:
        assert "엔비디아" in response.text


def test_ask_in_json_and_xml(http):
    assert http.get("sparql", params={"query": "ASK { e:nvidia owl:sameAs wd:Q182477 }"}).json()["boolean"] is True
    xml = http.get("sparql", params={"query": "ASK { e:nvidia owl:sameAs wd:Q1 }"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(xml.content).find(SRX + "boolean").text == "false"


JSONLD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"  # inside rdflib's JSON-LD parser


@pytest.mark.filterwarnings(JSONLD_WARNING)
@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_in_every_rdf_format(http, accept, rdflib_format):
    query = "CONSTRUCT { e:nvidia ?p ?o } WHERE { e:nvidia ?p ?o }"
    response = http.get("sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(NVIDIA), RDFS.label, Literal("엔비디아", lang="ko")) in graph
    assert (URIRef(NVIDIA), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q182477")) in graph
    if rdflib_format == "nt":  # the union graph states some triples in several graphs; an answer has each once
        lines = response.text.splitlines()
        assert len(lines) == len(set(lines)) == len(graph)


def test_describe_answers_rdf(http):
    response = http.get("sparql", params={"query": "DESCRIBE e:nvidia"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) > 5


def test_the_default_graph_is_the_union_unless_the_request_names_a_dataset(http):
    union = count(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    reference = count(http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s ?p ?o }} }}")
    ontology = count(http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    assert union > reference > 0 and ontology > 0
    as_default = count(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": REFERENCE_GRAPH})
    assert as_default == reference
    with_from = count(http, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert with_from == ontology
    # the protocol's dataset overrides the query's FROM
    overridden = count(http, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}",
                       **{"default-graph-uri": REFERENCE_GRAPH})
    assert overridden == reference
    named = http.get("sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                       "named-graph-uri": ONTOLOGY_GRAPH}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [ONTOLOGY_GRAPH]


def test_errors_are_one_sentence_with_the_right_status(http):
    malformed = http.get("sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert malformed.status_code == 400
    assert malformed.text.startswith("the query is malformed at line 1, column 25: expected")
    assert malformed.text.count("\n") == 1
    assert http.get("sparql", params={"query": LABELS}, headers={"Accept": "image/png"}).status_code == 406
    construct_as_csv = http.get("sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"})
    assert construct_as_csv.status_code == 406
    assert http.post("sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert http.put("sparql", params={"query": "ASK {}"}).status_code == 405
    two = http.get("sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400 and "once" in two.text
    too_big = http.post("sparql", content=b"#" * (MAX_BODY + 1), headers={"Content-Type": "application/sparql-query"})
    assert too_big.status_code == 413
    assert http.get("id/entity/no-such-thing").status_code == 404
    assert http.get("nowhere").status_code == 404


def test_writes_are_refused_by_a_read_only_server(http):
    update = http.post("sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update",
                                                                 "Authorization": "Bearer anything"})
    assert update.status_code == 403 and "read-only" in update.text
    assert http.post("sparql", data={"update": "DROP ALL"}).status_code == 403
    assert http.put("store", params={"graph": REFERENCE_GRAPH}, content=b"",
                    headers={"Content-Type": "text/turtle"}).status_code == 403
    assert http.delete("store", params={"graph": REFERENCE_GRAPH}).status_code == 403
    assert count(http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s ?p ?o }} }}") > 0


def test_graph_store_reads(http):
    response = http.get("store", params={"graph": REFERENCE_GRAPH}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    assert (URIRef(NVIDIA), RDFS.label, Literal("Nvidia", lang="en")) in graph
    assert http.get("store", params={"graph": "http://example.org/none"}).status_code == 404


def test_service_description(http):
    response = http.get("sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(SD.endpoint, URIRef(http.url + "sparql")))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph


def test_void_counts_classes_graphs_and_wikidata_links(http):
    graph = rdflib.Graph().parse(data=http.get(".well-known/void").text, format="turtle")
    dataset = next(graph.subjects(VOID.sparqlEndpoint, URIRef(http.url + "sparql")))
    firms = count(http, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cg:Firm }")
    partition = next(p for p in graph.objects(dataset, VOID.classPartition)
                     if graph.value(p, VOID["class"]) == URIRef("https://w3id.org/chipgraph/ontology#Firm"))
    assert graph.value(partition, VOID.entities).toPython() == firms
    subsets = {graph.value(s, SD.name): graph.value(s, VOID.triples).toPython() for s in graph.objects(dataset, VOID.subset)
               if graph.value(s, SD.name) is not None}
    assert subsets[URIRef(REFERENCE_GRAPH)] == count(
        http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s ?p ?o }} }}")
    linkset = next(graph.subjects(VOID.linkPredicate, OWL.sameAs))
    assert graph.value(linkset, VOID.triples).toPython() == count(
        http, "SELECT (COUNT(*) AS ?n) WHERE { ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), STR(wd:))) }") > 0


def test_cors_lets_browsers_elsewhere_query(http):
    simple = http.get("sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = http.options("sparql", headers={"Origin": "https://elsewhere.example",
                                                "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "content-type, authorization"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


# ------------------------------------------------------------------------------------------------
# Saved queries
# ------------------------------------------------------------------------------------------------


def test_saved_queries_are_listed_for_programs_and_people(http):
    listing = http.get("queries", headers={"Accept": "application/json"}).json()["queries"]
    saved = load_saved_queries()
    assert [q["name"] for q in listing] == list(saved)
    timeline = next(q for q in listing if q["name"] == "export-controls-timeline")
    assert timeline["parameters"][0]["name"] == "chip" and timeline["parameters"][0]["type"] == "entity"
    page = http.get("queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert all(q.title in page.text for q in saved.values())


def test_a_saved_query_runs_with_typed_parameters(http):
    rows = http.get("queries/export-controls-timeline", params={"chip": "H20"}).json()["results"]["bindings"]
    assert rows and {row["chip"]["value"] for row in rows} == {E + "nvidia-h20"}
    as_csv = http.get("queries/export-controls-timeline", params={"chip": "엔비디아 H20", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(rows)
    asked = http.get("queries/is-export-controlled", params={"chip": "H20"},
                     headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(asked.content).find(SRX + "boolean") is not None


def test_a_parameter_value_is_only_ever_a_literal(http):
    before = count(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    payload = '"} ; DROP ALL ; #'
    response = http.get("queries/entities-search", params={"q": payload})
    assert response.status_code == 200 and response.json()["results"]["bindings"] == []
    echoed = http.get("queries/entities-search", params={"q": "nvidia"}).json()["results"]["bindings"]
    assert echoed and all(row["q"] == {"type": "literal", "value": "nvidia"} for row in echoed)
    assert count(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before


@pytest.mark.filterwarnings(JSONLD_WARNING)
def test_a_construct_saved_query_answers_rdf(http):
    response = http.get("queries/export-control-graph", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    turtle = http.get("queries/export-control-graph", params={"format": "turtle"})
    assert len(rdflib.Graph().parse(data=turtle.text, format="turtle")) == \
        len(rdflib.Graph().parse(data=response.text, format="json-ld")) > 0


def test_saved_query_errors(http):
    assert http.get("queries/no-such-query").status_code == 404
    unknown = http.get("queries/export-controls-timeline", params={"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.text
    assert http.get("queries/entity", params={"entity": "no such firm at all"}).status_code == 400
    missing = http.get("queries/entity", headers={"Accept": "application/json"})
    assert missing.status_code == 400 and "entity" in missing.text
    form = http.get("queries/entity", headers={"Accept": "text/html"})
    assert form.status_code == 200 and 'name="entity"' in form.text
    download = http.get("queries/revenue-figures", params={"format": "tsv", "download": "1"})
    assert download.headers["content-disposition"] == 'attachment; filename="revenue-figures.tsv"'


# ------------------------------------------------------------------------------------------------
# Linked Data
# ------------------------------------------------------------------------------------------------


def test_an_entity_page_for_people(http):
    page = http.get("id/entity/nvidia", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for text in ("엔비디아", "Nvidia", "http://www.wikidata.org/entity/Q182477", "Links to here", "reference data"):
        assert text in page.text
    # facts extracted from articles come with their evidence sentence
    evidence = http.get("sparql", params={"query": """SELECT ?ev WHERE {
        ?st rdf:subject e:nvidia ; cg:evidence ?ev } LIMIT 1"""}).json()["results"]["bindings"]
    if evidence:
        assert evidence[0]["ev"]["value"] in page.text


@pytest.mark.filterwarnings(JSONLD_WARNING)
def test_an_entity_in_turtle_and_json_ld(http):
    turtle = http.get("id/entity/nvidia", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(NVIDIA), RDFS.label, Literal("엔비디아", lang="ko")) in graph
    jsonld = http.get("id/entity/nvidia", params={"format": "jsonld"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert len(rdflib.Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)


def test_action_and_article_pages(http):
    row = http.get("sparql", params={"query": """SELECT ?action ?evidence ?article WHERE {
        GRAPH ?article { ?action cg:evidence ?evidence ; a cg:ExportControl } } LIMIT 1"""}).json()
    found = row["results"]["bindings"][0]
    action_page = http.get(found["action"]["value"].replace(ID_BASE, "id/"), headers={"Accept": "text/html"})
    assert action_page.status_code == 200 and found["evidence"]["value"] in action_page.text
    article_page = http.get(found["article"]["value"].replace(ID_BASE, "id/"), headers={"Accept": "text/html"})
    assert article_page.status_code == 200 and found["action"]["value"].split("/")[-1] in article_page.text


# ------------------------------------------------------------------------------------------------
# Timeouts and --base
# ------------------------------------------------------------------------------------------------


def test_a_query_that_runs_away_gets_503_and_others_are_answered_meanwhile(seed_store_path):
    """The runaway waits on a SERVICE endpoint that never answers (closing it ends the query, so
    nothing keeps running in this process). Order of events, not speed: the quick query must be
    answered while the runaway still runs, long before its generous 3 s timeout."""
    with BlackHole() as hole, InProcess(seed_store_path, timeout=3, allow_service=[hole.url]) as http:
        events: list[tuple[str, httpx.Response]] = []

        def runaway() -> None:
            query = f"SELECT * WHERE {{ SERVICE <{hole.url}> {{ ?s ?p ?o }} }}"
            events.append(("runaway", http.get("sparql", params={"query": query})))

        worker = threading.Thread(target=runaway)
        worker.start()
        deadline = time.monotonic() + 30
        while not hole.accepted and time.monotonic() < deadline:  # the runaway is running now
            time.sleep(0.01)
        events.append(("quick", http.get("sparql", params={"query": LABELS})))
        worker.join(30)
        assert [name for name, _ in events] == ["quick", "runaway"]
        quick, abandoned = (response for _, response in events)
        assert quick.status_code == 200
        assert abandoned.status_code == 503 and "3 s" in abandoned.text and abandoned.text.count("\n") == 1


def test_base_is_the_address_of_links_and_the_service_description(seed_store_path):
    with InProcess(seed_store_path, base="https://chipgraph.example.org") as http:
        page = http.get("id/entity/nvidia", headers={"Accept": "text/html"})
        assert 'href="https://chipgraph.example.org/id/entity/nvidia-h20"' in page.text
        description = http.get("sparql", headers={"Accept": "application/n-triples"}).text
        assert "<https://chipgraph.example.org/sparql>" in description


def test_json_results_are_valid_json_documents(http):
    response = http.get("queries/wikidata-linked", params={"format": "json"})
    assert json.loads(response.content)["head"]["vars"]


def test_the_query_page_gets_the_one_prefix_table(http):
    response = http.get("prefixes.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == PREFIXES
    page = http.get("").text
    assert "const PREFIXES" not in http.get("static/app.js").text
    assert " ".join(prefix + ":" for prefix in PREFIXES) in page  # the editor's hint lists them all
