"""`kg link` against local stand-ins for Wikidata: ranking, type checks, decisions, cache, politeness.

The search API and the SPARQL endpoint are real servers on free 127.0.0.1 ports
(`tests/fixtures/wikidata/servers.py`: `oxigraph serve-read-only` over `items.ttl`, and a small
`wbsearchentities` app over the same file); nothing reaches the internet.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.link import (CLOSE_MATCH, LINKS_GRAPH, SAME_AS, LinkError, WikidataClient, apply_decisions, decide, link,
                     read_candidates, read_decisions)
from kg.namespaces import REFERENCE_GRAPH
from kg.rdf.store import KnowledgeStore
from tests.conftest import WIKIDATA_SERVERS

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata"
E = "https://w3id.org/chipgraph/id/entity/"
WD = "http://www.wikidata.org/entity/"

servers = WIKIDATA_SERVERS

REFERENCE = """
@prefix cg: <https://w3id.org/chipgraph/ontology#> .
@prefix e: <https://w3id.org/chipgraph/id/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .
e:united-states a cg:Country ; rdfs:label "미국"@ko, "United States"@en ; owl:sameAs wd:Q30 .
e:china a cg:Country ; rdfs:label "중국"@ko, "China"@en ; owl:sameAs wd:Q148 .
e:nvidia a cg:Firm ; rdfs:label "엔비디아"@ko, "Nvidia"@en ; skos:altLabel "Nvidia Corporation"@en ;
    skos:hiddenLabel "앤비디아"@ko ; cg:headquarteredIn e:united-states .
e:huawei a cg:Firm ; rdfs:label "화웨이"@ko, "Huawei"@en ; owl:sameAs wd:Q160120 ; cg:headquarteredIn e:china .
e:cambricon a cg:Firm ; rdfs:label "캠브리콘"@ko, "Cambricon"@en ; cg:headquarteredIn e:china .
e:bis a cg:Regulator ; rdfs:label "미국 상무부 산업안보국"@ko, "Bureau of Industry and Security"@en ;
    skos:altLabel "산업안보국"@ko ; cg:jurisdiction e:united-states .
e:nvidia-h20 a cg:Chip ; rdfs:label "H20"@ko, "Nvidia H20"@en .
e:nvidia cg:develops e:nvidia-h20 .
e:nowhere a cg:Firm ; rdfs:label "없는회사"@ko, "Nowhere Corp"@en .
"""


def small_store(text: str = REFERENCE) -> KnowledgeStore:
    store = KnowledgeStore(None)
    store.load(text.encode("utf-8"), ox.RdfFormat.TURTLE, graph=ox.NamedNode(REFERENCE_GRAPH))
    return store


@pytest.fixture()
def client(wikidata, tmp_path):
    endpoint, api = wikidata
    c = WikidataClient(api=api.url, endpoint=endpoint.url, cache_dir=tmp_path / "cache", backoff=0.01)
    yield c
    c.close()


def by_entity(store):
    found = {}
    for c in read_candidates(store):
        found.setdefault(c.entity[len(E):], []).append(c)
    return found


def test_real_item_outranks_decoys_and_wrong_types_are_dropped(client, tmp_path):
    store = small_store()
    report = link(store, client, tmp_path / "decisions.tsv")
    found = by_entity(store)
    nvidia = found["nvidia"]
    assert nvidia[0].qid == "Q182477" and nvidia[0].score == 1.0
    assert "P31 Q4830453" in nvidia[0].method and "country Q30 agrees" in nvidia[0].method
    decoy = {c.qid: c for c in nvidia}["Q990000002"]  # a business called Nvidia in Germany
    assert decoy.score < 0.6 and "differs" in decoy.method
    assert "Q990000001" not in {c.qid for c in nvidia}  # a person called Nvidia: wrong type
    assert report.dropped_by_type >= 1
    assert found["bis"][0].qid == "Q990000006"  # a government agency for a regulator
    assert [c.qid for c in found["cambricon"]][:2] == ["Q990000003", "Q990000004"]  # business beats "organization"
    assert found["nvidia-h20"][0].score < 0.6  # chips get no type bonus
    assert "nowhere" not in found and "huawei" not in found and "china" not in found
    assert (report.entities, report.certain, report.nothing) == (8, 3, 1)  # certain: us, china, huawei
    assert report.with_candidates == 4


def test_verified_entities_are_never_searched_and_requests_name_the_project(wikidata, client, tmp_path):
    _, api = wikidata
    before = len(api.requests)
    link(small_store(), client, tmp_path / "decisions.tsv")
    searched = {r["search"] for r in api.requests[before:]}
    assert "엔비디아" in searched and "Nvidia Corporation" in searched
    assert not searched & {"화웨이", "Huawei", "중국", "미국"}
    assert "앤비디아" not in searched  # misspellings are matched in text, never searched
    assert any(ua.startswith("Chipgraph/") and "w3id.org/chipgraph" in ua for ua in api.user_agents)


def test_a_rerun_is_served_from_the_cache(client, tmp_path):
    first = link(small_store(), client, tmp_path / "decisions.tsv")
    second = link(small_store(), client, tmp_path / "decisions.tsv")
    assert first.requests > 0 and first.cache_hits == 0
    assert second.requests == 0 and second.cache_hits >= first.requests - 1


def test_concurrency_is_bounded(wikidata, tmp_path):
    _, api = wikidata
    c = WikidataClient(api=api.url, cache_dir=None, concurrency=2)
    api.delay, api.max_active = 0.02, 0
    try:
        link_names = [f"Nv{i}" for i in range(12)]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda text: c.search(text, "en"), link_names))
    finally:
        api.delay = 0.0
        c.close()
    assert 1 <= api.max_active <= 2


def test_a_cached_run_works_when_the_service_is_gone(tmp_path):
    endpoint, api = servers.SparqlEndpoint(), servers.SearchApi()
    try:
        c = WikidataClient(api=api.url, endpoint=endpoint.url, cache_dir=tmp_path / "cache")
        link(small_store(), c, tmp_path / "decisions.tsv")
    finally:
        endpoint.stop()
        api.stop()
    report = link(small_store(), c, tmp_path / "decisions.tsv")  # same addresses, nobody answering
    c.close()
    assert report.requests == 0 and report.with_candidates == 4


def test_429_is_retried_with_back_off(wikidata, client):
    _, api = wikidata
    api.fail_next = 2
    hits = client.search("Nvidia", "en")
    assert hits[0]["id"] == "Q182477" and client.stats.retries == 2


def test_offline_gives_one_clear_sentence(tmp_path):
    port = servers.free_port()  # nothing listens here
    c = WikidataClient(api=f"http://127.0.0.1:{port}/w/api.php", endpoint=f"http://127.0.0.1:{port}/sparql",
                       cache_dir=tmp_path / "cache", retries=0)
    with pytest.raises(LinkError, match=r"cannot reach http://127\.0\.0\.1:\d+/w/api\.php .*offline"):
        link(small_store(), c, tmp_path / "decisions.tsv")
    assert "\n" not in str(LinkError("x"))


def _same_as(store):
    return {(q.subject.value[len(E):], q.object.value[len(WD):])
            for q in store.match(None, ox.NamedNode(SAME_AS), None, ox.NamedNode(LINKS_GRAPH))}


def test_accepting_and_rejecting_survive_a_rebuild(client, tmp_path):
    decisions = tmp_path / "ontology" / "links" / "decisions.tsv"
    store = small_store()
    link(store, client, decisions)
    decide(store, decisions, accept=["nvidia=Q182477"], reject=["캠브리콘=wd:Q990000004"], by="tester")
    assert _same_as(store) == {("nvidia", "Q182477")}
    found = by_entity(store)
    assert "nvidia" not in found  # an accepted entity keeps no candidates
    assert [c.qid for c in found["cambricon"]] == ["Q990000003"]
    rows = list(csv.DictReader(decisions.open(encoding="utf-8"), delimiter="\t"))
    assert [(r["entity"], r["qid"], r["decision"], r["by"]) for r in rows] == [
        ("cambricon", "Q990000004", "reject", "tester"), ("nvidia", "Q182477", "accept", "tester")]

    rebuilt = small_store()  # a fresh store: the decisions file brings the decisions back
    report = link(rebuilt, client, decisions)
    assert report.requests == 0  # warm cache
    assert _same_as(rebuilt) == {("nvidia", "Q182477")}
    assert [c.qid for c in by_entity(rebuilt)["cambricon"]] == ["Q990000003"]
    assert report.certain == 4

    offline = small_store()
    apply_decisions(offline, decisions)  # no network at all
    assert _same_as(offline) == {("nvidia", "Q182477")}


def test_the_links_graph_keeps_score_method_and_time_apart_from_facts(client, tmp_path):
    store = small_store()
    link(store, client, tmp_path / "decisions.tsv", now="2026-11-22T17:00:00Z")
    graphs = {q.graph_name.value for q in store.match(None, ox.NamedNode(CLOSE_MATCH), None)}
    assert graphs == {LINKS_GRAPH}
    rows = list(store.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?score ?just ?time ?method WHERE { GRAPH <%s> {
          ?m a owl:Axiom ; owl:annotatedSource <%snvidia> ; owl:annotatedTarget <%sQ182477> ;
             owl:annotatedProperty <%s> ; <https://w3id.org/sssom/confidence> ?score ;
             <https://w3id.org/sssom/mapping_justification> ?just ;
             <http://www.w3.org/ns/prov#generatedAtTime> ?time ; <http://purl.org/dc/terms/description> ?method } }
    """ % (LINKS_GRAPH, E, WD, CLOSE_MATCH)))
    assert len(rows) == 1
    row = rows[0]
    assert row["score"] == ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert row["just"].value == "https://w3id.org/semapv/vocab/LexicalMatching"
    assert row["time"].value == "2026-11-22T17:00:00Z"
    assert row["method"].value.startswith("wbsearchentities: ")
    # nothing is typed rdf:Statement, so the extracted-relation shapes do not apply
    assert not list(store.match(None, None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"), ox.NamedNode(LINKS_GRAPH)))


def test_accept_above_records_only_clear_winners(client, tmp_path):
    decisions = tmp_path / "decisions.tsv"
    store = small_store()
    report = link(store, client, decisions, accept_above=0.95)
    accepted = {(d.entity, d.qid) for d in read_decisions(decisions).values() if d.decision == "accept"}
    # nvidia (1.0 vs 0.5) and the BIS decoy (alone) are clear; cambricon's two hits are 0.7 apart too
    assert ("nvidia", "Q182477") in accepted
    assert all(d.by == "kg link --accept-above 0.95" for d in read_decisions(decisions).values())
    assert report.auto_accepted == len(accepted)
    assert ("nvidia", "Q182477") in _same_as(store)


def test_bad_decisions_file_names_file_and_line(tmp_path):
    bad = tmp_path / "decisions.tsv"
    bad.write_text("entity\tqid\tdecision\nnvidia\tQ182477\tmaybe\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"decisions\.tsv:2: decision must be accept or reject"):
        read_decisions(bad)


def test_fixture_uses_only_verified_qids_or_marked_fictional_ones():
    verified = {row["qid"] for row in csv.DictReader(
        (Path(__file__).parents[1] / "ontology" / "wikidata-verified.tsv").open(encoding="utf-8"), delimiter="\t")}
    classes = {"Q4830453", "Q327333", "Q43229", "Q6256", "Q5"}
    text = (FIXTURE / "items.ttl").read_text(encoding="utf-8")
    subjects = set(re.findall(r"^wd:(Q\d+) ", text, re.MULTILINE))
    for qid in subjects - verified - classes:
        assert re.fullmatch(r"Q99000(00|01)\d\d", qid), f"{qid} is neither verified nor in the fictional range"
        assert re.search(rf"wd:{qid} [^.]*fixture (decoy|placeholder)", text), f"{qid} is not marked as fictional"


# --- the rules file (ontology/links/wikidata.yaml) ------------------------------------------------

RULES = Path(__file__).parents[1] / "ontology" / "links" / "wikidata.yaml"


def _rules_copy(tmp_path, old: str, new: str) -> Path:
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "wikidata.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, message", [
    ("  exact alias: 0.4", "  exact alais: 0.4", r"wikidata\.yaml:\d+: unknown key 'scores\.exact alais'"),
    ("accept lead: 0.2\n", "", r"wikidata\.yaml.*'accept lead'"),
    ("  prefix: 0.2", "  prefix: lots", r"wikidata\.yaml:\d+: .*'scores\.prefix'"),
    ("{confirm: [government agency]", "{confirm: [agency]", r"'types: Regulator: confirm' must list names of 'classes'"),
    ("  Person:", "  Persn:", r"'types': 'Persn' is not a Chipgraph entity type"),
    ("  human: Q5", "  human: human", r"'classes': 'human' must be a Wikidata id"),
])
def test_a_bad_rules_file_is_one_sentence_naming_file_and_key(tmp_path, old, new, message):
    from kg.errors import DataFileError
    from kg.link import load_rules

    with pytest.raises(DataFileError, match=message):
        load_rules(_rules_copy(tmp_path, old, new))


def test_rules_are_read_once_and_cannot_be_changed():
    import dataclasses

    from kg.link import link_rules

    rules = link_rules()
    assert link_rules() is rules
    with pytest.raises(TypeError):
        rules.scores["exact label"] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.keep = 10
    assert rules.classes == sorted({"Q4830453", "Q327333", "Q43229", "Q6256", "Q5"})


def test_scores_follow_the_weights_of_the_rules_file(tmp_path):
    from kg.link import load_rules
    from kg.link.scoring import EntityInfo, Hit, score

    info = EntityInfo(E + "nvidia", "Firm", countries={"Q30"})
    shipped = load_rules()
    lenient = load_rules(_rules_copy(tmp_path, "  country differs: -0.3", "  country differs: 0.0"))
    facts = {"p31": {"Q4830453"}, "class": {"Q4830453"}, "country": {"Q183"}}
    values = []
    for rules in (shipped, lenient):
        hit = Hit("Q990000002")
        hit.add(text="Nvidia", language="en", kind="label", exact=True, where="label", rules=rules)
        values.append(score(info, hit, facts, rules)[0])
    assert values == [0.5, 0.8]  # 0.5 name + 0.3 business, with and without the country penalty


def test_the_rdf_stage_never_imports_the_link_stage():
    """export and validate sit below kg.link in the pipeline: nothing in kg/rdf names it."""
    rdf = Path(__file__).parents[1] / "kg" / "rdf"
    for module in rdf.glob("*.py"):
        assert not re.search(r"^\s*(from|import) kg\.link", module.read_text(encoding="utf-8"), re.MULTILINE), module


# --- chips and AI models get a type check too (issue 16) -----------------------------------------

# What Wikidata's search does to product names: a firm's item carries the product line among its
# aliases, so searching the chip's Korean name finds the firm. The fixture says so with one alias on
# the (fictional) Cambricon item, adds a (fictional) item of the right kind for the chip, and lets
# the model's Korean alias find the firm DeepSeek (a verified QID).
PRODUCTS = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
wd:Q990000003 skos:altLabel "캠브리콘 MLU370"@ko .
wd:Q990000010 rdfs:label "AI accelerator (fixture class)"@en ;
    schema:description "fixture placeholder class, not a real item"@en .
wd:Q990000009 rdfs:label "Cambricon MLU370"@en ; schema:description "fixture decoy: a plausible AI accelerator"@en ;
    wdt:P31 wd:Q990000010 .
"""
CHIPS = REFERENCE + """
e:cambricon-mlu370 a cg:Chip ; rdfs:label "MLU370"@ko, "Cambricon MLU370"@en ; skos:altLabel "캠브리콘 MLU370"@ko .
e:cambricon cg:develops e:cambricon-mlu370 .
e:deepseek a cg:Firm ; rdfs:label "딥시크"@ko, "DeepSeek"@en ; owl:sameAs wd:Q131577453 ; cg:headquarteredIn e:china .
e:deepseek-v3 a cg:AIModel ; rdfs:label "DeepSeek-V3"@en, "딥시크-V3"@ko ; skos:altLabel "딥시크"@ko .
e:deepseek cg:develops e:deepseek-v3 .
"""


@pytest.fixture(scope="module")
def product_wikidata(tmp_path_factory):
    """The Wikidata stand-ins over the shared fixture plus PRODUCTS, on their own 127.0.0.1 ports."""
    data = tmp_path_factory.mktemp("products") / "items.ttl"
    data.write_text((FIXTURE / "items.ttl").read_text(encoding="utf-8") + PRODUCTS, encoding="utf-8")
    endpoint, api = servers.SparqlEndpoint(data), servers.SearchApi(data)
    yield endpoint, api
    endpoint.stop()
    api.stop()


def test_chips_and_models_are_never_given_a_firm(product_wikidata, tmp_path):
    endpoint, api = product_wikidata
    hits = api.search("캠브리콘 MLU370", "ko", 7)["search"]
    assert [h["id"] for h in hits] == ["Q990000003"]  # the search does offer the firm for the chip
    assert "Q131577453" in {h["id"] for h in api.search("딥시크", "ko", 7)["search"]}  # and the firm for the model
    store = small_store(CHIPS)
    client = WikidataClient(api=api.url, endpoint=endpoint.url, cache_dir=tmp_path / "cache")
    report = link(store, client, tmp_path / "decisions.tsv")
    client.close()
    found = {key: [c.qid for c in cs] for key, cs in by_entity(store).items()}
    assert "Q990000003" in found["cambricon"]  # the firm keeps its candidate ...
    assert found["cambricon-mlu370"] == ["Q990000009"]  # ... the chip keeps only the accelerator
    assert "deepseek-v3" not in found  # a business (DeepSeek) is no AI model
    assert found["nvidia-h20"] == ["Q990000007"]  # an item without P31 is not ruled out
    close = {(q.subject.value[len(E):], q.object.value[len(WD):])
             for q in store.match(None, ox.NamedNode(CLOSE_MATCH), None, ox.NamedNode(LINKS_GRAPH))}
    assert ("cambricon-mlu370", "Q990000003") not in close and ("deepseek-v3", "Q131577453") not in close
    assert report.dropped_by_type >= 3  # the Nvidia person, the firm for the chip, the firm for the model


def test_the_chip_type_check_reads_its_classes_from_the_rules_file(tmp_path):
    from kg.link import link_rules, load_rules
    from kg.link.scoring import EntityInfo, Hit, score

    for type_name in ("Chip", "AIModel"):
        assert link_rules().types[type_name].exclude == {"Q4830453", "Q43229", "Q5", "Q327333"}
    chip = EntityInfo(E + "cambricon-mlu370", "Chip")
    hit = Hit("Q990000003")
    rules = load_rules()
    hit.add(text="캠브리콘 MLU370", language="ko", kind="alias", exact=True, where="alias", rules=rules)
    business = {"p31": {"Q4830453"}, "class": {"Q4830453", "Q43229"}}
    assert score(chip, hit, business, rules) == (None, "wrong type for Chip")
    without = load_rules(_rules_copy(tmp_path, "  Chip:    {exclude: [business, organization, human, government agency]}\n", ""))
    assert score(chip, hit, business, without)[0] == 0.4  # no rule for chips: the name alone counts
