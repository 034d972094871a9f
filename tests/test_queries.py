"""Saved queries (`queries/*.rq`) and `kg.query`: parsing, binding, running, serialising.

Every test runs on a real on-disk `KnowledgeStore` loaded from `tests/fixtures/sample.trig`.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import DataFileError, QueryError
from kg.namespaces import ID_BASE, REFERENCE_GRAPH
from kg.rdf.store import KnowledgeStore
from kg.resources import queries_dir
from kg.text import normalize_name
from kg.query import (
    Parameter,
    QueryResult,
    SavedQuery,
    bind_parameters,
    load_saved_queries,
    parse_saved_query,
    resolve_entity,
    resolve_query,
    run_query,
    serialize_result,
    term_to_text,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sample.trig"
E = ID_BASE + "entity/"
ACT = ID_BASE + "action/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CORROBORATED = ACT + "3f2a9c1e5b7d4a60"

# a value for every parameter name used by a saved query (a new parameter needs an entry here)
SAMPLE_VALUES = {
    "chip": "H20",
    "country": "미국",
    "entity": "중국 규제 당국",
    "action": "act:3f2a9c1e5b7d4a60",
    "q": "화웨이",
    "endpoint": "http://127.0.0.1:9/sparql",  # federated-*: nothing listens; SERVICE SILENT keeps the local rows
}
# values for the required parameters when running a query "with its defaults"
REQUIRED_VALUES = {"entity": {"entity": "엔비디아"}, "entities-search": {"q": "어센드"},
                   # never the default (public Wikidata) endpoint in tests; see tests/test_link_federation.py
                   "federated-export-control-firms": {"endpoint": "http://127.0.0.1:9/sparql"},
                   "federated-chip-maker-descriptions": {"endpoint": "http://127.0.0.1:9/sparql"}}

INJECTIONS = [
    '"} ; DROP ALL ; #',
    "<http://x> } SERVICE <http://evil/> {",
    'x"\n} ; DELETE WHERE { ?s ?p ?o } ;\n# ',
    "') } UNION { ?s ?p ?o } #",
]

SAVED = load_saved_queries()

# rdflib's own parsers use its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")


def _load(path: Path) -> KnowledgeStore:
    store = KnowledgeStore(path)
    store.load(FIXTURE.read_bytes(), ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    """A store shared by the tests of this module that only read (tests that write use `own_store`)."""
    return _load(tmp_path_factory.mktemp("store") / "kg")


@pytest.fixture
def own_store(tmp_path: Path) -> KnowledgeStore:
    return _load(tmp_path / "kg")


def _quads(store: KnowledgeStore) -> set[ox.Quad]:
    return set(store.match())


def _nonempty(result: QueryResult) -> bool:
    if result.kind == "SELECT":
        return len(result.rows) > 0
    if result.kind == "ASK":
        return bool(result.boolean)
    return len(result.triples) > 0


# ------------------------------------------------------------------------------------------------
# the fixture itself
# ------------------------------------------------------------------------------------------------


def test_fixture_follows_the_graph_model(store: KnowledgeStore) -> None:
    graphs = set(store.graphs())
    articles = {g for g in graphs if g.startswith(ID_BASE + "article/")}
    assert REFERENCE_GRAPH in graphs and len(articles) == 2
    # the corroborated action is in both article graphs under the same IRI
    in_graphs = {q.graph_name.value for q in store.match(ox.NamedNode(CORROBORATED))}
    assert in_graphs == articles
    # rdflib agrees that the file is valid TriG
    dataset = rdflib.Dataset()
    dataset.parse(FIXTURE, format="trig")
    assert len(list(dataset.quads())) == len(_quads(store))


# ------------------------------------------------------------------------------------------------
# the saved queries
# ------------------------------------------------------------------------------------------------


def test_there_are_enough_saved_queries_of_every_kind() -> None:
    assert len(SAVED) >= 14
    kinds = {q.kind for q in SAVED.values()}
    assert "SELECT" in kinds and kinds & {"ASK", "CONSTRUCT"}
    # every file of the folder is loaded, in name order, under its file name, with its text
    assert list(SAVED) == sorted(path.stem for path in queries_dir().glob("*.rq"))
    for name, query in SAVED.items():
        assert query.path == queries_dir() / f"{name}.rq"
        assert query.sparql == query.path.read_text(encoding="utf-8").lstrip("\ufeff")
        assert query.sparql.lstrip().startswith("#+ title:"), name
        assert query.title and query.description, name
        for param in query.parameters:
            assert param.description, f"{name}: parameter {param.name} has no description"
            assert param.name in SAMPLE_VALUES, f"add a sample value for {param.name!r} ({name})"


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_runs_with_defaults(store: KnowledgeStore, name: str) -> None:
    result = run_query(store, SAVED[name], REQUIRED_VALUES.get(name, {}))
    assert result.kind == SAVED[name].kind
    assert _nonempty(result), f"{name} returned nothing on the fixture"


@pytest.mark.parametrize("name", sorted(n for n, q in SAVED.items() if q.parameters))
def test_saved_query_runs_with_every_parameter_given(store: KnowledgeStore, name: str) -> None:
    query = SAVED[name]
    params = {p.name: SAMPLE_VALUES[p.name] for p in query.parameters}
    result = run_query(store, query, params)
    assert _nonempty(result), f"{name} returned nothing with {params}"


def test_saved_query_by_name_path_and_text(store: KnowledgeStore) -> None:
    by_name = resolve_query("wikidata-linked")
    assert by_name.path == queries_dir() / "wikidata-linked.rq" and by_name.kind == "SELECT"
    assert by_name.title == "Entities linked to Wikidata"
    assert resolve_query("wikidata-linked.rq").path == by_name.path
    assert resolve_query(str(by_name.path)).title == by_name.title
    adhoc = resolve_query("SELECT ?l WHERE { e:nvidia rdfs:label ?l }")
    assert adhoc.name == "ad-hoc" and adhoc.parameters == () and adhoc.path is None and adhoc.kind == "SELECT"
    with pytest.raises(QueryError, match="did you mean wikidata-linked"):
        resolve_query("wikidata-linkd")
    with pytest.raises(QueryError, match="file not found: /nonexistent/select-things.rq"):
        resolve_query("/nonexistent/select-things.rq")
    with pytest.raises(QueryError, match="file not found: select-things.rq"):
        resolve_query("select-things.rq")
    with pytest.raises(QueryError, match="empty"):
        resolve_query("  ")


def test_query_file_outside_the_folder(store: KnowledgeStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "#+ title: Select labels\nSELECT ?l WHERE { e:china rdfs:label ?l }\n", "select-labels.rq")
    result = run_query(store, str(path))
    assert result.query is not None and result.query.title == "Select labels" and len(result.rows) == 2
    plain = _write(tmp_path, "ASK { e:china ?p ?o }\n", "plain.rq")  # no header: titled by its name
    assert resolve_query(str(plain)).title == "plain"
    assert run_query(store, str(plain)).boolean is True


def test_adhoc_text_uses_the_standard_prefixes_and_the_union_graph(store: KnowledgeStore) -> None:
    result = run_query(store, "SELECT ?l WHERE { e:nvidia rdfs:label ?l } ORDER BY ?l")
    assert [term_to_text(row[0]) for row in result.rows] == ["Nvidia@en", "엔비디아@ko"]
    # the corroborated action's agent appears in both article graphs; GRAPH ?g still sees them apart
    result = run_query(store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ <{CORROBORATED}> a ?c }} }}")
    assert result.rows[0][0].value == "2"


def test_query_results_are_as_expected(store: KnowledgeStore) -> None:
    corroborated = run_query(store, "corroborated-claims").records()
    assert {r["action"].value for r in corroborated} == {CORROBORATED}
    assert {r["article"].value for r in corroborated} == {
        ID_BASE + "article/000_e3e1c4b4497a31e5", ID_BASE + "article/003_95b58d0a8247b5bf"}
    linked = {r["qid"].value for r in run_query(store, "wikidata-linked").records()}
    assert linked == {"Q182477", "Q160120", "Q148"}
    unlinked = {r["entity"].value: r for r in run_query(store, "unlinked-entities").records()}
    assert E + "nvidia" not in unlinked and E + "new-baichuan" in unlinked
    assert unlinked[E + "new-baichuan"]["discovered"].value == "true"
    by_country = run_query(store, "export-controls-by-country").records()
    assert [r["agent"].value for r in by_country] == [E + "us-government"]
    assert run_query(store, "export-controls-by-country", {"country": "China"}).rows == []
    adopters = {r["adopter"].value for r in run_query(store, "domestic-chip-adopters").records()}
    assert adopters == {E + "bytedance", E + "new-baichuan"}
    developers = {(r["firm"].value, r["chip"].value) for r in run_query(store, "chinese-chip-developers").records()}
    assert developers == {(E + "huawei", E + "huawei-ascend-910b"), (E + "huawei", E + "huawei-ascend-910c")}
    revenue = run_query(store, "revenue-figures").records()
    assert len(revenue) == 2 and any(r["minAmountUSD"] is not None and r["maxAmountUSD"] is not None for r in revenue)
    moves = run_query(store, "stock-moves").records()
    assert {r["percent"].value for r in moves} == {"-2.2", "-6.9"}
    # the purchase guidance of 2024-09-27 is reported next to the move of 2024-09-30, not the 2025 one
    near = {(r["move"].value, r["event"].value) for r in moves if r["event"] is not None}
    assert (ACT + "5d2e8f4a1c6b9073", CORROBORATED) in near
    assert (ACT + "2c8e6a4f0b9d1357", CORROBORATED) not in near
    timeline = run_query(store, "export-controls-timeline", {"chip": "어센드 910B"})
    assert timeline.rows == []


def test_entity_query_never_shows_hidden_labels(store: KnowledgeStore) -> None:
    result = run_query(store, "entity", {"entity": "엔비디야"})
    records = result.records()
    assert {r["entity"].value for r in records} == {E + "nvidia"}
    shown = " ".join(term_to_text(t) for row in result.rows for t in row)
    assert "엔비디야" not in shown and "엔비디아" in shown
    sections = {r["section"].value for r in records}
    assert {"1 about", "2 relation out", "4 action", "5 mentioned in"} <= sections
    search = run_query(store, "entities-search", {"q": "엔비디야"}).records()
    assert [r["entity"].value for r in search] == [E + "nvidia"]
    assert "엔비디야" not in search[0]["matched"].value


def test_fact_sources_filters_by_action_and_entity(store: KnowledgeStore) -> None:
    everything = run_query(store, "fact-sources").records()
    one = run_query(store, "fact-sources", {"action": CORROBORATED}).records()
    assert {r["fact"].value for r in one} == {CORROBORATED} and len(one) == 2
    assert all(r["evidence"] is not None and r["confidence"] is not None for r in one)
    bytedance = run_query(store, "fact-sources", {"entity": "ByteDance"}).records()
    assert 0 < len(bytedance) < len(everything)
    assert any(r["kind"].value == "relation uses" for r in bytedance)


# ------------------------------------------------------------------------------------------------
# headers
# ------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_header_is_parsed(tmp_path: Path) -> None:
    timeline = SAVED["export-controls-timeline"]
    assert timeline.title == "Export controls on a chip over time"
    [chip] = timeline.parameters
    assert (chip.name, chip.type, chip.default, chip.required) == ("chip", "entity", None, False)
    assert chip.description and chip.description in timeline.sparql
    assert SAVED["export-controls-by-country"].parameters[0].default == "미국"
    assert SAVED["entity"].parameters[0].required is True
    assert SAVED["export-control-graph"].kind == "CONSTRUCT"
    assert SAVED["is-export-controlled"].kind == "ASK"

    path = _write(tmp_path, """
        #+ title: Typed parameters
        #+ description: |
        #+   Several lines
        #+   of description.
        #+ params:
        #+   - name: since
        #+     type: date
        #+     default: 2024-09-30
        #+     description: first day
        #+   - name: limit
        #+     type: integer
        #+     default: 5
        #+   - name: strict
        #+     type: boolean
        #+     default: true
        #+     required: true
        # an ordinary comment
        PREFIX cg: <https://w3id.org/chipgraph/ontology#>  # "SELECT" in a comment
        CONSTRUCT { ?a cg:date ?since } WHERE { ?a cg:date ?since FILTER(?limit > 0 && ?strict) }
    """)
    query = parse_saved_query(path)
    assert query.name == "q" and query.title == "Typed parameters"
    assert query.description == "Several lines\nof description."
    assert [(p.name, p.type, p.default, p.required) for p in query.parameters] == [
        ("since", "date", "2024-09-30", False), ("limit", "integer", "5", False), ("strict", "boolean", "true", True)]
    assert query.kind == "CONSTRUCT"
    assert query.parameters[0].description == "first day"


@pytest.mark.parametrize(("header", "line", "message"), [
    ("#+ title: Broken\n#+ params:\n#+   - name: chip\n#+    type: [entity\n", 4, "not valid YAML"),
    ("#+ title: Unknown type\n#+ params:\n#+   - name: chip\n#+     type: chip\n", 4, "unknown type 'chip'"),
    ("#+ description: no title here\n", 1, "no title"),
    ("#+ title: Bad name\n#+ params:\n#+   - name: 'two words'\n#+     type: string\n", 3, "not a SPARQL variable"),
    ("#+ title: Unused\n#+ params:\n#+   - name: missing\n#+     type: string\n", 3, "not used"),
    ("#+ title: Bound\n#+ params:\n#+   - name: chip\n#+     type: entity\n", 3, "BOUND"),
])
def test_broken_header_names_file_and_line(tmp_path: Path, header: str, line: int, message: str) -> None:
    body = "SELECT ?chip WHERE { ?a ?b ?chip FILTER(BOUND(?chip)) }\n" if "Bound" in header else \
        "SELECT ?chip WHERE { ?a ?b ?chip }\n"
    path = tmp_path / "broken.rq"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as info:
        parse_saved_query(path)
    assert info.value.path == path and info.value.line == line
    assert f"broken.rq:{line}:" in str(info.value)


def test_broken_file_in_a_folder_fails_the_load(tmp_path: Path) -> None:
    _write(tmp_path, "#+ title: Fine\nASK { ?s ?p ?o }\n", "a.rq")
    _write(tmp_path, "#+ title: [\nASK { ?s ?p ?o }\n", "b.rq")
    with pytest.raises(DataFileError, match="b.rq"):
        load_saved_queries(tmp_path)
    (tmp_path / "b.rq").unlink()
    assert list(load_saved_queries(tmp_path)) == ["a"]


# ------------------------------------------------------------------------------------------------
# entity resolution
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "key"), [
    ("엔비디아", "nvidia"),                  # Korean label
    ("Nvidia", "nvidia"),                    # English label
    ("  nVidia ", "nvidia"),                 # case and surrounding space
    ("엔비디아코퍼레이션", "nvidia"),          # altLabel written without its space
    ("HUAWEI  technologies", "huawei"),      # altLabel, other case and spacing
    ("틱톡-모회사", "bytedance"),             # altLabel with punctuation
    ("엔비디야", "nvidia"),                  # hiddenLabel (a misspelling)
    ("U.S. Government", "us-government"),    # punctuation dropped
    ("ＨＵＡＷＥＩ", "huawei"),               # full-width letters (NFKC)
    ("바이추안", "new-baichuan"),             # discovered entity, labelled in an article graph
    ("nvidia-h20", "nvidia-h20"),            # the entity key
    (E + "huawei", "huawei"),                # IRI
    ("e:china", "china"),                    # CURIE
    ("wd:Q160120", "huawei"),                # Wikidata IRI → the entity that is owl:sameAs it
    ("http://www.wikidata.org/entity/Q148", "china"),
])
def test_entity_resolution(store: KnowledgeStore, value: str, key: str) -> None:
    assert resolve_entity(store, value) == ox.NamedNode(E + key)


def test_entity_parameter_binds_the_iri(store: KnowledgeStore) -> None:
    bound = bind_parameters(store, SAVED["entity"], {"entity": "화웨이"})
    assert bound == {ox.Variable("entity"): ox.NamedNode(E + "huawei")}
    assert normalize_name(" Ascend-910B ") == normalize_name("ascend 910b") == "ascend910b"


def test_preferred_label_wins_over_alias(store: KnowledgeStore) -> None:
    # "미국" is the label of the United States; "미 정부" and "美" are aliases — no ambiguity
    assert resolve_entity(store, "미국") == ox.NamedNode(E + "united-states")
    assert resolve_entity(store, "미 정부") == ox.NamedNode(E + "us-government")


@pytest.mark.parametrize("value", ["Ascend", "어센드"])
def test_ambiguous_entity_lists_candidates(store: KnowledgeStore, value: str) -> None:
    with pytest.raises(QueryError, match="several entities") as info:
        run_query(store, "entity", {"entity": value})
    assert "huawei-ascend-910b" in str(info.value) and "huawei-ascend-910c" in str(info.value)


def test_unknown_entity_suggests_a_search(store: KnowledgeStore) -> None:
    with pytest.raises(QueryError, match="no entity is called '삼성전자'") as info:
        run_query(store, "entity", {"entity": "삼성전자"})
    assert "entities-search" in str(info.value)
    with pytest.raises(QueryError, match="Nvidia|엔비디아"):
        resolve_entity(store, "Nvidiaa")  # a near miss is answered with a suggestion


RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_entity_names_follow_writes_through_the_store(own_store: KnowledgeStore) -> None:
    assert resolve_entity(own_store, "화웨이") == ox.NamedNode(E + "huawei")  # the name index is now built
    iri = ox.NamedNode(E + "cambricon")
    own_store.extend([ox.Quad(iri, RDFS_LABEL, ox.Literal("캠브리콘", language="ko"), ox.NamedNode(REFERENCE_GRAPH))])
    assert resolve_entity(own_store, "캠브리콘") == iri
    own_store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{iri.value}> rdfs:label ?l }} }}")
    with pytest.raises(QueryError, match="no entity is called"):
        resolve_entity(own_store, "캠브리콘")


def test_a_miss_rebuilds_the_name_index(own_store: KnowledgeStore) -> None:
    """A write that bypasses the KnowledgeStore (here the pyoxigraph store itself, standing in for
    another writer) is not seen by `memo`: a name the index lacks is looked for again in the data
    before the caller is told there is none."""
    with pytest.raises(QueryError):
        resolve_entity(own_store, "캠브리콘")
    iri = ox.NamedNode(E + "cambricon")
    own_store.store.add(ox.Quad(iri, RDFS_LABEL, ox.Literal("캠브리콘", language="ko"), ox.NamedNode(REFERENCE_GRAPH)))
    assert resolve_entity(own_store, "캠브리콘") == iri


# ------------------------------------------------------------------------------------------------
# parameter binding
# ------------------------------------------------------------------------------------------------


def _typed_query(*params: Parameter) -> SavedQuery:
    names = " ".join(f"?{p.name}" for p in params)
    return SavedQuery("typed", "Typed", "", tuple(params), f"SELECT {names} WHERE {{}}", None)


@pytest.mark.parametrize(("ptype", "value", "expected"), [
    ("string", "  spaced ", ox.Literal("  spaced ")),
    ("date", "2024-09-30", ox.Literal("2024-09-30", datatype=ox.NamedNode(XSD + "date"))),
    ("date", "2024-09", ox.Literal("2024-09", datatype=ox.NamedNode(XSD + "gYearMonth"))),
    ("date", "2024", ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear"))),
    ("integer", "+42", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("decimal", "-2.20", ox.Literal("-2.2", datatype=ox.NamedNode(XSD + "decimal"))),
    ("decimal", "7.00", ox.Literal("7", datatype=ox.NamedNode(XSD + "decimal"))),
    ("boolean", "Yes", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ("boolean", "false", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
    ("iri", "cg:ExportControl", ox.NamedNode("https://w3id.org/chipgraph/ontology#ExportControl")),
    ("iri", "https://example.org/x", ox.NamedNode("https://example.org/x")),
])
def test_typed_parameters(store: KnowledgeStore, ptype: str, value: str, expected: ox.Literal) -> None:
    query = _typed_query(Parameter("v", ptype, None, "", True))
    assert bind_parameters(store, query, {"v": value}) == {ox.Variable("v"): expected}
    assert run_query(store, query, {"v": value}).rows == [(expected,)]


@pytest.mark.parametrize(("ptype", "value"), [
    ("date", "2024-13"), ("date", "2024-02-30"), ("date", "30.09.2024"), ("date", "지난 금요일"),
    ("integer", "1.5"), ("integer", "1_000"), ("decimal", "1e3"), ("decimal", "NaN"),
    ("boolean", "maybe"), ("iri", "not an iri"), ("iri", "<http://x> } SERVICE <http://evil/> {"),
])
def test_bad_typed_values(store: KnowledgeStore, ptype: str, value: str) -> None:
    query = _typed_query(Parameter("v", ptype, None, "", True))
    with pytest.raises(QueryError, match="'v'"):
        bind_parameters(store, query, {"v": value})


def test_unknown_missing_and_default_parameters(store: KnowledgeStore) -> None:
    with pytest.raises(QueryError, match="no parameter 'chipp'") as info:
        run_query(store, "export-controls-timeline", {"chipp": "H20"})
    assert "chip" in (info.value.hint or "")
    with pytest.raises(QueryError, match="no parameter"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"x": "1"})
    with pytest.raises(QueryError, match="needs the parameter 'q'"):
        run_query(store, "entities-search")
    # a default is bound when the value is missing or empty; an optional parameter may stay unbound
    assert bind_parameters(store, SAVED["export-controls-by-country"], {}) == \
        {ox.Variable("country"): ox.NamedNode(E + "united-states")}
    assert bind_parameters(store, SAVED["export-controls-by-country"], {"country": ""}) == \
        {ox.Variable("country"): ox.NamedNode(E + "united-states")}
    assert bind_parameters(store, SAVED["export-controls-timeline"], {}) == {}


# ------------------------------------------------------------------------------------------------
# injection and read-only
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_values_are_only_literals(own_store: KnowledgeStore, value: str) -> None:
    before = _quads(own_store)
    search = SAVED["entities-search"]
    assert bind_parameters(own_store, search, {"q": value}) == {ox.Variable("q"): ox.Literal(value)}
    assert run_query(own_store, search, {"q": value}).rows == []
    with pytest.raises(QueryError):
        run_query(own_store, "export-controls-timeline", {"chip": value})
    with pytest.raises(QueryError):
        run_query(own_store, "fact-sources", {"action": value})
    assert _quads(own_store) == before


def test_updates_are_refused(own_store: KnowledgeStore) -> None:
    before = _quads(own_store)
    for update in ("DROP ALL", "CLEAR DEFAULT", "DELETE WHERE { ?s ?p ?o }",
                   "PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }"):
        with pytest.raises(QueryError):
            run_query(own_store, update)
    assert _quads(own_store) == before


def test_syntax_error_carries_the_parser_message(store: KnowledgeStore) -> None:
    bad = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as native:
        store.query(bad)
    with pytest.raises(QueryError, match="syntax error") as info:
        run_query(store, bad)
    first_line = str(native.value).splitlines()[0]
    assert first_line[:40] in str(info.value)
    assert "\n" not in str(info.value)


def test_syntax_error_in_a_saved_file_names_the_file(store: KnowledgeStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "#+ title: Broken body\nSELECT ?s WHERE { ?s ?p \n", "body.rq")
    with pytest.raises(QueryError, match="syntax error") as info:
        run_query(store, str(path))
    assert info.value.path == path


def test_timeout(store: KnowledgeStore) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryError, match="ran longer than 0.05 s"):
        run_query(store, slow, timeout=0.05)
    fast = run_query(store, "actions-by-class", timeout=30)
    assert fast.rows


# ------------------------------------------------------------------------------------------------
# serialisation and display
# ------------------------------------------------------------------------------------------------


def test_select_serialisations_parse(store: KnowledgeStore) -> None:
    result = run_query(store, "stock-moves")
    n = len(result.rows)
    document = json.loads(serialize_result(result, "json"))
    assert document["head"]["vars"] == list(result.variables)
    assert len(document["results"]["bindings"]) == n
    first = document["results"]["bindings"][0]
    assert first["percent"] == {"type": "literal", "value": "-2.2", "datatype": XSD + "decimal"}
    assert first["firmLabel"] == {"type": "literal", "value": "엔비디아", "xml:lang": "ko"}
    assert first["move"]["type"] == "uri"

    rows = list(csv.reader(io.StringIO(serialize_result(result, "csv").decode("utf-8"))))
    assert rows[0] == list(result.variables) and len(rows) == n + 1
    tsv = serialize_result(result, "tsv").decode("utf-8").splitlines()
    assert tsv[0].split("\t") == [f"?{v}" for v in result.variables] and len(tsv) == n + 1
    root = ET.fromstring(serialize_result(result, "xml"))
    assert len(root.findall("{http://www.w3.org/2005/sparql-results#}results/*")) == n
    for fmt, native in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                        ("tsv", ox.QueryResultsFormat.TSV)):
        assert len(list(ox.parse_query_results(serialize_result(result, fmt), format=native))) == n


def test_ask_serialisations(store: KnowledgeStore) -> None:
    result = run_query(store, "is-export-controlled")
    assert result.kind == "ASK" and result.boolean is True
    assert json.loads(serialize_result(result, "json")) == {"head": {}, "boolean": True}
    assert ET.fromstring(serialize_result(result, "xml")).find(
        "{http://www.w3.org/2005/sparql-results#}boolean").text == "true"
    assert serialize_result(result, "csv").strip() == b"true"
    with pytest.raises(QueryError, match="cannot be written"):
        serialize_result(result, "turtle")


@pytest.mark.parametrize(("fmt", "rdflib_format"), [
    ("turtle", "turtle"), ("ntriples", "nt"), ("nquads", "nquads"), ("jsonld", "json-ld"), ("rdfxml", "xml"),
])
def test_graph_serialisations_parse(store: KnowledgeStore, fmt: str, rdflib_format: str) -> None:
    result = run_query(store, "export-control-graph")
    assert result.kind == "CONSTRUCT" and len(set(result.triples)) == len(result.triples)
    data = serialize_result(result, fmt)
    if fmt == "nquads":
        graph = rdflib.Dataset()
        graph.parse(data=data, format=rdflib_format)
        count = len(list(graph.quads()))
    else:
        graph = rdflib.Graph()
        graph.parse(data=data, format=rdflib_format)
        count = len(graph)
    assert count == len(result.triples)
    with pytest.raises(QueryError, match="cannot be written"):
        serialize_result(result, "csv")


def test_term_to_text() -> None:
    assert term_to_text(ox.NamedNode(E + "nvidia")) == "e:nvidia"
    assert term_to_text(ox.NamedNode("https://w3id.org/chipgraph/ontology#ExportControl")) == "cg:ExportControl"
    assert term_to_text(ox.NamedNode(ID_BASE + "article/000_e3e1c4b4497a31e5")) == "art:000_e3e1c4b4497a31e5"
    assert term_to_text(ox.NamedNode("http://www.wikidata.org/entity/Q148")) == "wd:Q148"
    assert term_to_text(ox.NamedNode(XSD + "date")) == "xsd:date"
    assert term_to_text(ox.NamedNode("https://example.org/x")) == "https://example.org/x"
    assert term_to_text(ox.Literal("엔비디아", language="ko")) == "엔비디아@ko"
    assert term_to_text(ox.Literal("-2.2", datatype=ox.NamedNode(XSD + "decimal"))) == "-2.2"
    assert term_to_text(ox.BlankNode("b0")) == "_:b0"
    assert term_to_text(None) == ""


def test_federated_queries_are_recognised() -> None:
    assert SAVED["federated-export-control-firms"].is_federated
    assert not SAVED["external-export-control-firms"].is_federated  # reads the cache graph instead
    commented = SavedQuery("c", "C", "", (), '# SERVICE in a comment\nSELECT ("SERVICE" AS ?s) {}', None)
    assert not commented.is_federated
    assert SavedQuery("s", "S", "", (), "SELECT * { service <http://x/> { ?s ?p ?o } }", None).is_federated
