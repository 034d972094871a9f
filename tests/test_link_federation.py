"""Federated saved queries, `kg import-external`, the VoID linkset and the link commands' CLI.

All against the local Wikidata stand-ins of `tests/fixtures/wikidata/` (free 127.0.0.1 ports).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import typer
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF
from typer.testing import CliRunner

from kg.cli.link import import_external as import_command
from kg.cli.link import link_app
from kg.link import EXTERNAL_GRAPH, WikidataClient, import_external, import_query, linkset
from kg.namespaces import REFERENCE_GRAPH
from kg.query import load_saved_queries, run_query, term_to_text
from kg.rdf.store import KnowledgeStore
from tests.conftest import WIKIDATA_SERVERS

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata"
servers = WIKIDATA_SERVERS
VOID = Namespace("http://rdfs.org/ns/void#")

DATA = """
@prefix cg: <https://w3id.org/chipgraph/ontology#> .
@prefix e: <https://w3id.org/chipgraph/id/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .
e:united-states a cg:Country ; rdfs:label "미국"@ko, "United States"@en ; owl:sameAs wd:Q30 .
e:nvidia a cg:Firm ; rdfs:label "엔비디아"@ko, "Nvidia"@en ; owl:sameAs wd:Q182477 .
e:smic a cg:Firm ; rdfs:label "SMIC"@ko, "SMIC"@en ; owl:sameAs wd:Q648533 .
e:google a cg:Firm ; rdfs:label "구글"@ko, "Google"@en ; owl:sameAs wd:Q95 .
e:cambricon a cg:Firm ; rdfs:label "캠브리콘"@ko, "Cambricon"@en .
e:nvidia-h20 a cg:Chip ; rdfs:label "H20"@ko, "Nvidia H20"@en .
e:nvidia cg:develops e:nvidia-h20 .
e:cambricon-mlu a cg:Chip ; rdfs:label "MLU"@ko, "MLU"@en .
e:cambricon cg:develops e:cambricon-mlu .
"""
ACTIONS = """
@prefix cg: <https://w3id.org/chipgraph/ontology#> .
@prefix e: <https://w3id.org/chipgraph/id/entity/> .
@prefix act: <https://w3id.org/chipgraph/id/action/> .
act:0000000000000001 a cg:ExportControl ; cg:agent e:united-states ; cg:object e:nvidia-h20 ; cg:target e:smic .
act:0000000000000002 a cg:ExportControl ; cg:target e:google .
act:0000000000000003 a cg:ExportControl ; cg:target e:cambricon .
"""
ARTICLE = "https://w3id.org/chipgraph/id/article/test_0001"


def make_store(path: Path) -> KnowledgeStore:
    knowledge = KnowledgeStore(path)
    knowledge.load(DATA.encode(), ox.RdfFormat.TURTLE, graph=ox.NamedNode(REFERENCE_GRAPH))
    knowledge.load(ACTIONS.encode(), ox.RdfFormat.TURTLE, graph=ox.NamedNode(ARTICLE))
    return knowledge


@pytest.fixture()
def store(tmp_path):
    return make_store(tmp_path / "store")


def rows(result):
    return [{k: term_to_text(v) for k, v in r.items()} for r in result.records()]


def test_federated_firms_query_binds_the_endpoint_as_an_iri(wikidata, store):
    endpoint, _ = wikidata
    query = load_saved_queries()["federated-export-control-firms"]
    assert query.parameter("endpoint").type == "iri"
    assert query.parameter("endpoint").default == "https://query.wikidata.org/sparql"
    found = rows(run_query(store, query, {"endpoint": endpoint.url}))
    table = {(r["firmLabel"], r["countryLabel"], r["exchangeLabel"], r["ticker"], r["parentLabel"]) for r in found}
    assert ("엔비디아@ko", "United States@en", "Nasdaq@en", "NVDA", "") in table  # maker of the controlled H20
    assert ("SMIC@ko", "China@en", "Hong Kong Stock Exchange@en", "0981", "") in table
    assert ("SMIC@ko", "China@en", "Shanghai Stock Exchange@en", "688981", "") in table
    assert ("구글@ko", "United States@en", "", "", "Alphabet Inc.@en") in table
    assert ("캠브리콘@ko", "", "", "", "") in table  # no identity link: no decoy facts leak in


def test_a_hostile_endpoint_value_is_only_ever_an_iri(store):
    from kg.errors import QueryError

    query = load_saved_queries()["federated-export-control-firms"]
    with pytest.raises(QueryError, match="is not an IRI"):
        run_query(store, query, {"endpoint": "http://x/> } ; DROP ALL ; #"})


def test_chip_maker_descriptions(wikidata, store):
    endpoint, _ = wikidata
    found = rows(run_query(store, load_saved_queries()["federated-chip-maker-descriptions"],
                           {"endpoint": endpoint.url}))
    assert {(r["makerLabel"], r["description"]) for r in found} == {
        ("엔비디아@ko", "American multinational technology company@en"), ("캠브리콘@ko", "")}


def test_import_external_then_the_offline_query_gives_the_same_answer(wikidata, store, tmp_path):
    endpoint, _ = wikidata
    client = WikidataClient(endpoint=endpoint.url, cache_dir=tmp_path / "cache")
    items, triples = import_external(store, client)
    assert items == 4 and triples > 20
    again = import_external(store, client)  # re-running refreshes (replaces) the graph
    assert again == (items, triples)
    client.close()
    offline = rows(run_query(store, load_saved_queries()["external-export-control-firms"]))
    live = rows(run_query(store, load_saved_queries()["federated-export-control-firms"],
                          {"endpoint": endpoint.url}))
    key = ("firmLabel", "countryLabel", "exchangeLabel", "ticker", "parentLabel")
    assert {tuple(r[k] for k in key) for r in offline} == {tuple(r[k] for k in key) for r in live}
    assert any(r["description"] == "American multinational technology company@en" for r in offline)
    graph = ox.NamedNode(EXTERNAL_GRAPH)
    assert list(store.match(graph, ox.NamedNode("http://purl.org/dc/terms/source"),
                                              ox.NamedNode(endpoint.url), graph))


def test_import_query_refuses_anything_but_qids():
    from kg.errors import KgError

    assert "wd:Q182477 wd:Q95" in import_query(["Q182477", "Q95"])
    with pytest.raises(KgError):
        import_query(["Q1 } ; DROP ALL"])


def test_linkset_counts_identity_links_and_names_the_target(store):
    graph = Graph().parse(data=linkset(store), format="turtle")
    ls = URIRef("https://w3id.org/chipgraph/void#wikidata-sameAs")
    assert (ls, RDF.type, VOID.Linkset) in graph
    assert (ls, VOID.linkPredicate, OWL.sameAs) in graph
    assert graph.value(ls, VOID.triples) == Literal(4)
    target = graph.value(ls, VOID.objectsTarget)
    assert str(graph.value(target, URIRef("http://purl.org/dc/terms/title"))) == "Wikidata"
    assert len(list(graph.triples((None, OWL.sameAs, None)))) == 4
    assert linkset(store) == linkset(store)  # deterministic


def test_cli_link_review_and_import(wikidata, tmp_path):
    endpoint, api = wikidata
    app = typer.Typer()
    app.add_typer(link_app, name="link")
    app.command("import-external")(import_command)
    path = str(tmp_path / "cli-store")
    knowledge = make_store(Path(path))
    knowledge.flush()
    del knowledge  # the CLI opens the store itself
    import gc

    gc.collect()
    common = ["--store", path]
    decisions = str(tmp_path / "decisions.tsv")
    runner = CliRunner()
    result = runner.invoke(app, ["link", *common, "--endpoint", endpoint.url, "--api", api.url,
                                 "--cache", str(tmp_path / "cache"), "--decisions", decisions])
    assert result.exit_code == 0, result.output
    assert "with candidates" in result.output
    result = runner.invoke(app, ["link", "review", *common, "--decisions", decisions])
    assert result.exit_code == 0 and "Q990000003" in result.output
    result = runner.invoke(app, ["link", "review", *common, "--decisions", decisions,
                                 "--reject", "cambricon=Q990000003"])
    assert result.exit_code == 0 and "recorded 1 decisions" in result.output
    result = runner.invoke(app, ["import-external", *common, "--endpoint", endpoint.url])
    assert result.exit_code == 0 and "about 4 linked items" in result.output
    from kg.query.run import keep_answers
    from kg.rdf.store import KnowledgeStore

    written = KnowledgeStore(Path(path))
    assert keep_answers(written) == []  # the command renewed the saved answers its write made stale
    del written
    gc.collect()
    port = servers.free_port()
    result = runner.invoke(app, ["link", *common, "--endpoint", f"http://127.0.0.1:{port}/q",
                                 "--api", f"http://127.0.0.1:{port}/w/api.php", "--cache", str(tmp_path / "c2"),
                                 "--decisions", decisions])
    assert result.exit_code == 1 and "cannot reach" in result.output and "Traceback" not in result.output


def test_entity_external_marks_links_and_cached_facts(wikidata, store, tmp_path):
    endpoint, api = wikidata
    from kg.link import link

    client = WikidataClient(api=api.url, endpoint=endpoint.url, cache_dir=tmp_path / "cache")
    link(store, client, tmp_path / "decisions.tsv")
    import_external(store, client)
    client.close()
    query = load_saved_queries()["external-entity"]
    smic = rows(run_query(store, query, {"entity": "SMIC"}))
    facts = {(r["link"], r["property"], r["valueLabel"] or r["value"]) for r in smic}
    assert ("verified", "http://www.wikidata.org/prop/direct/P249", "688981") in facts
    assert ("verified", "http://www.wikidata.org/prop/direct/P414", "Shanghai Stock Exchange@en") in facts
    assert all(r["graph"] == "cgg:reference" for r in smic)
    cambricon = rows(run_query(store, query, {"entity": "캠브리콘"}))
    assert {(r["link"], r["item"], r["property"]) for r in cambricon} == {
        ("candidate", "wd:Q990000003", ""), ("candidate", "wd:Q990000004", "")}
    assert cambricon[0]["item"] == "wd:Q990000003"  # best first
    assert rows(run_query(store, query, {"entity": "e:united-states"}))[0]["link"] == "verified"


def test_entity_page_shows_the_wikidata_link_and_imported_facts_as_external(wikidata, tmp_path):
    import httpx

    from tests.sparql_protocol_runner import ServerProcess

    endpoint, _ = wikidata
    path = tmp_path / "store"
    knowledge = make_store(path)
    client = WikidataClient(endpoint=endpoint.url, cache_dir=tmp_path / "cache")
    import_external(knowledge, client)
    client.close()
    del knowledge
    with ServerProcess(path) as server:
        page = httpx.get(server.url + "id/entity/nvidia", headers={"Accept": "text/html"}, timeout=30).text
        plain = httpx.get(server.url + "id/entity/nvidia-h20", headers={"Accept": "text/html"}, timeout=30).text
    external = page[page.index('id="external"'):]
    assert "From Wikidata" in page and "verified identity" in external
    assert "Q182477" in external and "Nasdaq" in external
    assert 'id="external"' not in plain  # no Wikidata item, nothing external to show


def test_validate_counts_accepted_qids_as_verified(tmp_path):
    from kg.rdf.validate import validate

    knowledge = KnowledgeStore(None)
    knowledge.load(b"<https://w3id.org/chipgraph/id/entity/cambricon> <http://www.w3.org/2002/07/owl#sameAs> "
                   b"<http://www.wikidata.org/entity/Q990000003> .", ox.RdfFormat.N_TRIPLES,
                   graph=ox.NamedNode("https://w3id.org/chipgraph/graph/links"))
    unverified = [f for f in validate(knowledge).findings if f.check == "wikidata"]
    assert [f.focus for f in unverified] == ["https://w3id.org/chipgraph/id/entity/cambricon"]
    assert not [f for f in validate(knowledge, accepted={"Q990000003"}).findings if f.check == "wikidata"]
