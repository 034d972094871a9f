"""Checks on the curated gazetteer `ontology/entities.ttl` and its Wikidata table.

The gazetteer is data other modules trust blindly (the mention matcher, the reference graph,
entity parameters of saved queries), so its invariants are checked here: it parses, every entity
is typed and labelled once per language, no alias is shared by two entities, relations point at
entities of the right type, and owl:sameAs uses only verified Wikidata QIDs.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from kg.lexicon import ENTITY_TYPES
from kg.text import normalize_name
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

ONTOLOGY = Path(__file__).parents[1] / "ontology"
ENTITIES = ONTOLOGY / "entities.ttl"
WIKIDATA_TABLE = ONTOLOGY / "wikidata-verified.tsv"

CG = Namespace("https://w3id.org/chipgraph/ontology#")
ENTITY_BASE = "https://w3id.org/chipgraph/id/entity/"
WD_BASE = "http://www.wikidata.org/entity/"

ALLOWED_TYPES = {CG[t] for t in ENTITY_TYPES}
KEY_RE = re.compile(r"^[a-z0-9-]+$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
ALIAS_PREDICATES = (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel)
MIN_ENTITIES = 220


normalize = normalize_name  # the one rule by which the matcher compares names


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(ENTITIES, format="turtle")
    return g


@pytest.fixture(scope="module")
def entities(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Every subject of an rdf:type triple, with its types."""
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in graph.subject_objects(RDF.type):
        types[s].add(o)
    return dict(types)


@pytest.fixture(scope="module")
def wikidata_rows() -> list[dict[str, str]]:
    with WIKIDATA_TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _type_of(entities: dict[URIRef, set[URIRef]], node) -> URIRef | None:
    types = entities.get(node, set())
    return next(iter(types)) if len(types) == 1 else None


# --- basic shape -------------------------------------------------------------------------------


def test_enough_entities(entities):
    assert len(entities) >= MIN_ENTITIES, f"only {len(entities)} entities, want at least {MIN_ENTITIES}"


def test_each_type_is_represented(entities):
    seen = {t for types in entities.values() for t in types}
    assert ALLOWED_TYPES <= seen, f"types with no entity: {sorted(ALLOWED_TYPES - seen)}"


def test_every_entity_has_one_allowed_type(entities):
    bad = {str(s): sorted(map(str, t)) for s, t in entities.items() if len(t) != 1 or not t <= ALLOWED_TYPES}
    assert not bad, f"entities with a missing, extra or unknown type: {bad}"


def test_keys_are_slugs(entities):
    bad = []
    for s in entities:
        if not isinstance(s, URIRef) or not str(s).startswith(ENTITY_BASE):
            bad.append(str(s))
        elif not KEY_RE.match(str(s)[len(ENTITY_BASE):]):
            bad.append(str(s))
    assert not bad, f"entity IRIs outside {ENTITY_BASE} or with non-slug keys: {bad}"


def test_every_entity_has_one_ko_and_one_en_label(graph, entities):
    problems = {}
    for s in entities:
        labels = list(graph.objects(s, RDFS.label))
        langs = sorted(lbl.language or "-" for lbl in labels if isinstance(lbl, Literal))
        if langs != ["en", "ko"] or len(labels) != 2:
            problems[str(s)] = [f"{lbl}@{getattr(lbl, 'language', None)}" for lbl in labels]
    assert not problems, f"entities without exactly one @ko and one @en rdfs:label: {problems}"


def test_labels_are_nonempty_language_tagged_literals(graph, entities):
    bad = []
    for s in entities:
        for p in ALIAS_PREDICATES:
            for o in graph.objects(s, p):
                if not isinstance(o, Literal) or not o.language or not normalize(str(o)) or str(o) != str(o).strip():
                    bad.append((str(s), str(p), repr(o)))
    assert not bad, f"labels that are empty, untagged, padded or not literals: {bad}"


def test_no_stray_subjects(graph, entities):
    """Every triple's subject is a typed entity: a typo in a key would otherwise mint a new node."""
    stray = {str(s) for s in graph.subjects() if s not in entities}
    assert not stray, f"subjects that are not typed entities: {sorted(stray)}"


# --- aliases -----------------------------------------------------------------------------------


def test_normalize_examples():
    assert normalize("Cambricon Technologies Corp.") == "cambricontechnologiescorp"
    assert normalize("미국 상무부") == normalize("미국상무부")
    assert normalize("ＮＶＩＤＩＡ") == "nvidia"
    assert normalize("DeepSeek-R1") == "deepseekr1"


def test_no_alias_shared_by_two_entities(graph, entities):
    owners: dict[str, set[str]] = defaultdict(set)
    for s in entities:
        for p in ALIAS_PREDICATES:
            for o in graph.objects(s, p):
                owners[normalize(str(o))].add(str(s)[len(ENTITY_BASE):])
    shared = {alias: sorted(keys) for alias, keys in owners.items() if len(keys) > 1}
    assert not shared, f"normalised aliases used by more than one entity: {shared}"


def test_no_single_hangul_syllable_alias(graph, entities):
    """Single Hangul syllables (미, 중) are too ambiguous to be aliases; 中 and 美 are fine."""
    bad = []
    for s in entities:
        for p in ALIAS_PREDICATES:
            for o in graph.objects(s, p):
                n = normalize(str(o))
                if len(n) == 1 and "\uac00" <= n <= "\ud7a3":
                    bad.append((str(s), str(o)))
    assert not bad, f"single-syllable Hangul aliases: {bad}"


# --- relations ---------------------------------------------------------------------------------

# predicate -> (allowed subject types or None for any, allowed object types)
RELATIONS = {
    CG.develops: ({CG.Firm}, {CG.Chip, CG.AIModel}),
    CG.subsidiaryOf: ({CG.Firm}, {CG.Firm}),
    CG.headquarteredIn: ({CG.Firm}, {CG.Country}),
    CG.jurisdiction: ({CG.Regulator}, {CG.Country}),
    CG.ceoOf: ({CG.Person}, {CG.Firm}),
    CG.leads: ({CG.Person}, {CG.Regulator, CG.Country}),
    CG.listedOn: ({CG.Firm}, {CG.Exchange}),
}


@pytest.mark.parametrize("predicate", list(RELATIONS), ids=lambda p: str(p).rsplit("#", 1)[-1])
def test_relation_endpoints_have_the_right_type(graph, entities, predicate):
    subject_types, object_types = RELATIONS[predicate]
    bad = []
    for s, o in graph.subject_objects(predicate):
        st, ot = _type_of(entities, s), _type_of(entities, o)
        if st is None or st not in subject_types or ot is None or ot not in object_types:
            bad.append((str(s), str(o), str(st), str(ot)))
    assert not bad, f"{predicate} between wrongly typed or undefined entities: {bad}"


def test_relations_are_used(graph):
    for predicate in RELATIONS:
        assert next(graph.subject_objects(predicate), None) is not None, f"no {predicate} triple at all"


def test_no_self_or_cyclic_subsidiary(graph):
    parents = defaultdict(set)
    for s, o in graph.subject_objects(CG.subsidiaryOf):
        parents[s].add(o)
    for start in parents:
        seen, todo = set(), list(parents[start])
        while todo:
            node = todo.pop()
            assert node != start, f"subsidiaryOf cycle through {start}"
            if node not in seen:
                seen.add(node)
                todo.extend(parents.get(node, ()))


def test_every_chip_and_model_has_a_developer(graph, entities):
    orphans = [str(s) for s, t in entities.items() if t & {CG.Chip, CG.AIModel} and next(graph.subjects(CG.develops, s), None) is None]
    assert not orphans, f"chips or models nobody develops: {orphans}"


def test_every_regulator_has_a_jurisdiction(graph, entities):
    missing = [str(s) for s, t in entities.items() if CG.Regulator in t and next(graph.objects(s, CG.jurisdiction), None) is None]
    assert not missing, f"regulators without cg:jurisdiction: {missing}"


def test_ticker_goes_with_listing(graph, entities):
    bad = []
    for s in entities:
        tickers = list(graph.objects(s, CG.ticker))
        listings = list(graph.objects(s, CG.listedOn))
        if bool(tickers) != bool(listings) or any(not isinstance(t, Literal) or not str(t).strip() for t in tickers):
            bad.append(str(s))
    assert not bad, f"entities with a ticker but no listing (or the reverse): {bad}"


def test_generic_regulators_exist(entities):
    for key in ("china-government", "china-regulators", "us-government", "biden-administration",
                "trump-administration", "us-department-of-commerce", "bis", "miit", "mofcom"):
        assert _type_of(entities, URIRef(ENTITY_BASE + key)) == CG.Regulator, key


# --- Wikidata ----------------------------------------------------------------------------------


def test_wikidata_table_shape(wikidata_rows):
    assert wikidata_rows, "wikidata-verified.tsv is empty"
    assert list(wikidata_rows[0]) == ["qid", "label_en", "label_ko", "type"]
    qids = [r["qid"] for r in wikidata_rows]
    assert all(QID_RE.match(q) for q in qids), [q for q in qids if not QID_RE.match(q)]
    assert len(qids) == len(set(qids)), "duplicate QIDs in wikidata-verified.tsv"
    assert {r["type"] for r in wikidata_rows} <= {str(t).rsplit("#", 1)[-1] for t in ALLOWED_TYPES}


def test_same_as_only_verified_qids(graph, wikidata_rows):
    verified = {r["qid"] for r in wikidata_rows}
    bad, used = [], defaultdict(list)
    for s, o in graph.subject_objects(OWL.sameAs):
        qid = str(o)[len(WD_BASE):] if str(o).startswith(WD_BASE) else None
        if not isinstance(o, URIRef) or qid is None or not QID_RE.match(qid) or qid not in verified:
            bad.append((str(s), str(o)))
        else:
            used[qid].append(str(s))
    assert not bad, f"owl:sameAs objects that are not verified Wikidata QIDs: {bad}"
    reused = {q: ss for q, ss in used.items() if len(ss) > 1}
    assert not reused, f"QIDs used by more than one entity: {reused}"


def test_every_verified_qid_maps_to_an_entity_of_its_type(graph, entities, wikidata_rows):
    problems = []
    for row in wikidata_rows:
        subjects = list(graph.subjects(OWL.sameAs, URIRef(WD_BASE + row["qid"])))
        if len(subjects) != 1:
            problems.append((row["qid"], row["label_en"], "no entity" if not subjects else "several entities"))
        elif _type_of(entities, subjects[0]) != CG[row["type"]]:
            problems.append((row["qid"], row["label_en"], f"type {_type_of(entities, subjects[0])} != {row['type']}"))
    assert not problems, f"rows of wikidata-verified.tsv without a matching entity: {problems}"


# --- seeds: names the pipeline must know --------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("엔비디아", "nvidia"), ("엔디비아", "nvidia"), ("H20", "nvidia-h20"), ("어센드 910B", "huawei-ascend-910b"),
        ("어센트", "huawei-ascend"), ("910C", "huawei-ascend-910c"), ("캠브리콘 테크놀로지스", "cambricon"),
        ("쓰위안 590", "cambricon-siyuan-590"), ("쿤룬 P800", "baidu-kunlun-p800"), ("중국 규제 기관", "china-regulators"),
        ("중국 규제 당국", "china-regulators"), ("중국 당국", "china-government"), ("베이징", "china-government"),
        ("워싱턴", "us-government"), ("美 정부", "us-government"), ("산업 정보 기술부", "miit"),
        ("바이든 대통령 행정부", "biden-administration"), ("도널드 트럼프 행정부", "trump-administration"),
        ("파이낸셜타임즈", "financial-times"), ("로이터통신", "reuters"), ("디인포메이션", "the-information"),
        ("알리바바 그룹 홀딩", "alibaba-group"), ("텐센트 홀딩스", "tencent"), ("메타 플랫폼", "meta"),
        ("SMIC", "smic"), ("중신국제반도체", "smic"), ("스탭펀", "stepfun"), ("바이추안", "baichuan"),
        ("도우바오", "doubao"), ("어니", "ernie"), ("블랙웰", "nvidia-blackwell"), ("젠슨황", "jensen-huang"),
        ("어드밴스마이크로디바이시스", "amd"), ("상하이 증시", "shanghai-stock-exchange"), ("커촹반", "shanghai-stock-exchange"),
        ("中", "china"), ("美", "united-states"), ("삼성", "samsung-electronics"),
    ],
)
def test_known_surface_forms_resolve(graph, entities, surface, key):
    target = normalize(surface)
    owners = {
        str(s)[len(ENTITY_BASE):]
        for s in entities
        for p in ALIAS_PREDICATES
        for o in graph.objects(s, p)
        if normalize(str(o)) == target
    }
    assert owners == {key}, f"{surface!r} resolves to {sorted(owners)}, want {key}"


# --------------------------------------------------------------------------------------
# The YAML lexicons: checked against their schemas when loaded, frozen once cached
# --------------------------------------------------------------------------------------

LEXICON_DIR = Path(__file__).resolve().parents[1] / "ontology" / "lexicon"
LEXICONS = sorted(p.name for p in LEXICON_DIR.glob("*.yaml"))


def _edited(tmp_path: Path, name: str, edit) -> Path:
    """A copy of a shipped lexicon, parsed, changed by `edit(data)` and written back."""
    import yaml

    data = yaml.safe_load((LEXICON_DIR / name).read_text("utf-8"))
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _first_key(name: str, kind: type) -> str:
    import yaml

    data = yaml.safe_load((LEXICON_DIR / name).read_text("utf-8"))
    return next(k for k, v in data.items() if isinstance(v, kind) and not isinstance(v, bool))


@pytest.mark.parametrize("name", LEXICONS)
def test_every_shipped_lexicon_has_a_schema_and_passes_it(name):
    from kg.lexicon import load_yaml, schema_path

    assert schema_path(Path(name).stem).is_file()
    assert load_yaml(name)


@pytest.mark.parametrize("name", LEXICONS)
def test_a_misspelt_key_is_one_line_naming_file_and_key(tmp_path, name):
    from kg.errors import DataFileError
    from kg.lexicon import load_yaml

    key = next(iter(__import__("yaml").safe_load((LEXICON_DIR / name).read_text("utf-8"))))
    path = _edited(tmp_path, name, lambda data: data.__setitem__(key + "x", data.pop(key)))
    with pytest.raises(DataFileError) as info:
        load_yaml(name, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}:") and f"unknown key '{key}x'" in message and "\n" not in message
    assert f"schemas/{Path(name).stem}.schema.yaml" in message


@pytest.mark.parametrize("name", [n for n in LEXICONS if n != "calibration.yaml"])
def test_a_wrongly_typed_value_names_the_key_and_the_value(tmp_path, name):
    from kg.errors import DataFileError
    from kg.lexicon import load_yaml

    key = _first_key(name, list)
    _edited(tmp_path, name, lambda data: data.__setitem__(key, {"not": "a list"}))
    with pytest.raises(DataFileError, match=rf"'{key}' must be a list, not {{'not': 'a list'}}"):
        load_yaml(name, tmp_path)


@pytest.mark.parametrize("name", LEXICONS)
def test_a_missing_key_is_named(tmp_path, name):
    from kg.errors import DataFileError
    from kg.lexicon import load_yaml
    from kg.lexicon.schema import schema_path

    import yaml

    required = yaml.safe_load(schema_path(Path(name).stem).read_text("utf-8"))["required"]
    _edited(tmp_path, name, lambda data: data.pop(required[-1]))
    with pytest.raises(DataFileError, match=rf"missing key '{required[-1]}'"):
        load_yaml(name, tmp_path)


def test_a_nested_misspelling_names_the_whole_path_and_line(tmp_path):
    from kg.errors import DataFileError
    from kg.lexicon import load_yaml

    text = (LEXICON_DIR / "relations.yaml").read_text("utf-8")
    assert "  maker:" in text
    (tmp_path / "relations.yaml").write_text(text.replace("  maker:", "  makre:", 1), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_yaml("relations.yaml", tmp_path)
    assert "unknown key 'confidence.makre'" in info.value.message
    line = info.value.line
    assert line is not None and "makre:" in text.replace("  maker:", "  makre:", 1).splitlines()[line - 1]


def test_the_cached_lexicons_cannot_be_changed_by_a_reader():
    from kg.lexicon import lexicon

    for name in LEXICONS:
        data = lexicon(name)
        with pytest.raises(TypeError):
            data["new"] = 1  # type: ignore[index]
        lists = [v for v in data.values() if isinstance(v, tuple)]
        assert not any(isinstance(v, (list, dict, set)) for v in data.values()), name
        for value in lists:
            assert not hasattr(value, "append")


def test_the_gazetteer_cannot_be_changed_by_a_reader():
    import dataclasses

    from kg.lexicon import gazetteer

    gaz = gazetteer()
    with pytest.raises(TypeError):
        gaz.entities["nvidia2"] = gaz.entities["nvidia"]  # type: ignore[index]
    with pytest.raises(TypeError):
        gaz.alias_index["x"] = "nvidia"  # type: ignore[index]
    with pytest.raises(AttributeError):
        next(iter(gaz.relations.values())).add(("a", "b"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        gaz.entities = {}  # type: ignore[misc]
