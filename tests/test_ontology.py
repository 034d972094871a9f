"""The ontology (`ontology/chipgraph.ttl`), the code's term list (`kg.namespaces.CG`) and the SHACL
shapes (`ontology/shapes.ttl`) agree with each other and with ARCHITECTURE.md.

SHACL is run the way `kg/validate.py` should run it: the data graph is the union of all named
graphs *including the ontology* (so `sh:class cg:Entity` sees the rdfs:subClassOf hierarchy), no
inference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SH

# a plain Namespace: pytest probes module globals, and the closed rdflib XSD namespace warns on that
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

from kg.namespaces import CG, ONTOLOGY_IRI, article_iri, entity_iri

# rdflib's own TriG parser uses its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

ROOT = Path(__file__).parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "chipgraph.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
CG_NS = str(CG._NS)
CGSH = Namespace("https://w3id.org/chipgraph/shapes#")


def cg_terms() -> set[URIRef]:
    names = [name for name in CG.__annotations__ if not name.startswith("_")]
    assert names, "kg.namespaces.CG declares no terms"
    return {URIRef(CG_NS + name) for name in names}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def in_cg(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(CG_NS)


# --------------------------------------------------------------------------- ontology ↔ CG


def test_files_parse(ontology: Graph, shapes: Graph) -> None:
    assert len(ontology) > 100
    assert len(shapes) > 50
    assert (None, RDF.type, SH.NodeShape) in shapes


def test_ontology_header(ontology: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(onto, DCTERMS.license) is not None
    for prop in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ontology.objects(onto, prop)}
        assert {"en", "ko"} <= langs, f"ontology {prop} needs @en and @ko"


def test_every_cg_term_is_declared(ontology: Graph) -> None:
    untyped = sorted(t for t in cg_terms() if ontology.value(t, RDF.type) is None)
    assert not untyped, f"terms in kg.namespaces.CG without an rdf:type in chipgraph.ttl: {untyped}"


def test_every_declared_term_is_in_cg(ontology: Graph) -> None:
    declared = {s for s in ontology.subjects(RDF.type, None) if in_cg(s)}
    extra = sorted(declared - cg_terms())
    assert not extra, f"terms declared in chipgraph.ttl but missing from kg.namespaces.CG: {extra}"


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_no_unknown_cg_iri_is_used(path: Path) -> None:
    """A typo such as cg:Chips in a domain or a shape would otherwise go unnoticed."""
    graph = Graph().parse(path, format="turtle")
    used = {term for triple in graph for term in triple if in_cg(term)}
    unknown = sorted(used - cg_terms())
    assert not unknown, f"{path.name} uses cg: IRIs that are not in kg.namespaces.CG: {unknown}"


def test_every_term_has_bilingual_label_and_comment(ontology: Graph) -> None:
    problems = []
    for term in sorted(cg_terms()):
        for prop in (RDFS.label, RDFS.comment):
            langs = [o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)]
            for lang in ("ko", "en"):
                if langs.count(lang) != 1:
                    problems.append(f"{term.fragment}: {langs.count(lang)} {prop.fragment}@{lang}")
    assert not problems, "\n".join(problems)


def test_term_kinds(ontology: Graph) -> None:
    """Capitalised terms are classes or modality individuals, lower-case ones are properties."""
    individuals = {CG.Asserted, CG.Reported, CG.Planned, CG.Expected, CG.Denied, CG.Hypothetical}
    for term in cg_terms():
        types = set(ontology.objects(term, RDF.type))
        if term in individuals:
            assert {OWL.NamedIndividual, CG.Modality} <= types, term
        elif term.fragment[0].isupper():
            assert OWL.Class in types, term
        else:
            assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}, term


def test_class_hierarchy(ontology: Graph) -> None:
    def parents(cls: URIRef) -> set:
        return set(ontology.objects(cls, RDFS.subClassOf))

    for cls in (CG.Firm, CG.Regulator, CG.MediaOutlet, CG.Exchange):
        assert CG.Organization in parents(cls), cls
    for cls in (CG.Organization, CG.Chip, CG.Country, CG.Person, CG.AIModel):
        assert CG.Entity in parents(cls), cls
    actions = {s for s in ontology.subjects(RDFS.subClassOf, CG.Action)}
    assert actions == {
        CG.ExportControl, CG.ExportPermission, CG.PurchaseGuidance, CG.Purchase,
        CG.ChipDevelopment, CG.ModelTraining, CG.Investigation, CG.StockMove, CG.Revenue,
        CG.Statement,
    }
    assert PROV.Activity in parents(CG.Action)
    assert PROV.Entity in parents(CG.Article)
    assert (CG.agent, RDFS.subPropertyOf, PROV.wasAssociatedWith) in ontology


def test_modality_is_closed(ontology: Graph) -> None:
    enum = ontology.value(CG.Modality, OWL.equivalentClass)
    members = set(ontology.items(ontology.value(enum, OWL.oneOf)))
    assert members == set(ontology.subjects(RDF.type, CG.Modality))
    assert len(members) == 6


def test_shape_targets_cover_all_subclasses(ontology: Graph, shapes: Graph) -> None:
    """Targets are listed explicitly so they do not depend on the ontology being loaded."""

    def subclasses(root: URIRef) -> set:
        return set(ontology.transitive_subjects(RDFS.subClassOf, root))

    assert set(shapes.objects(CGSH.ActionShape, SH.targetClass)) == subclasses(CG.Action)
    assert set(shapes.objects(CGSH.EntityShape, SH.targetClass)) == subclasses(CG.Entity)


def test_every_shape_has_an_english_message(shapes: Graph) -> None:
    shape_nodes = {
        s for s in shapes.subjects(RDF.type, None)
        if shapes.value(s, RDF.type) in (SH.NodeShape, SH.PropertyShape)
    }
    missing = sorted(s for s in shape_nodes if not any(
        m.language == "en" for m in shapes.objects(s, SH.message)))
    assert not missing, f"shapes without an @en sh:message: {missing}"


# --------------------------------------------------------------------------- SHACL

A = article_iri("000_e3e1c4b4497a31e5")
ACTION = URIRef("https://w3id.org/chipgraph/id/action/3f2a9c0d1e2b4a5f")
STATEMENT = URIRef("https://w3id.org/chipgraph/id/statement/9c1e0a2b3c4d5e6f")
ARTICLE = URIRef(A)


def E(key: str) -> URIRef:
    return URIRef(entity_iri(key))


SAMPLE = f"""
@prefix cg:      <https://w3id.org/chipgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix ent:     <https://w3id.org/chipgraph/id/entity/> .

<https://w3id.org/chipgraph/graph/reference> {{
    ent:huawei a cg:Firm ; rdfs:label "화웨이"@ko , "Huawei"@en ;
        skos:altLabel "Huawei Technologies"@en ; owl:sameAs <http://www.wikidata.org/entity/Q160120> ;
        cg:headquarteredIn ent:china .
    ent:huawei-ascend-910b a cg:Chip ; rdfs:label "어센드 910B"@ko , "Ascend 910B"@en ;
        skos:hiddenLabel "어샌드 910B"@ko .
    ent:nvidia-h20 a cg:Chip ; rdfs:label "H20"@ko , "H20"@en .
    ent:china a cg:Country ; rdfs:label "중국"@ko , "China"@en ;
        owl:sameAs <http://www.wikidata.org/entity/Q148> .
    ent:china-regulators a cg:Regulator ; rdfs:label "중국 규제 당국"@ko , "Chinese regulators"@en ;
        cg:jurisdiction ent:china .
    ent:hankyung a cg:MediaOutlet ; rdfs:label "한국경제"@ko , "Korea Economic Daily"@en .
    ent:bloomberg a cg:MediaOutlet ; rdfs:label "블룸버그"@ko , "Bloomberg"@en .
    ent:huawei cg:develops ent:huawei-ascend-910b .
}}

<{A}> {{
    <{A}> a cg:Article ;
        dcterms:identifier "000_e3e1c4b4497a31e5" ; dcterms:title "\\"중국산 써라\\" 파격 결정에…"@ko ;
        dcterms:date "2024-09-30"^^xsd:date ; cg:outlet ent:hankyung ;
        schema:url <https://www.hankyung.com/article/202409301234i> ;
        cg:contentHash "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0" ;
        cg:pipelineVersion "0.1.0" ;
        cg:mentions ent:huawei , ent:huawei-ascend-910b , ent:nvidia-h20 , ent:china ,
            ent:china-regulators , ent:bloomberg , ent:new-baichuan .

    <{ACTION}> a cg:PurchaseGuidance ;
        cg:agent ent:china-regulators ; cg:object ent:nvidia-h20 ; cg:target ent:china ;
        cg:date "2024-09-27"^^xsd:date ; cg:dateText "지난 금요일"@ko ;
        cg:modality cg:Reported ; cg:reportedBy ent:bloomberg ;
        cg:evidence "블룸버그 통신은 지난 금요일 늦게 중국 규제 기관이 중국 기업이 엔비디아의 H20 칩을 구매하지 못하도록 지침을 내렸다고 보도했다."@ko ;
        cg:confidence 0.85 ;
        prov:wasDerivedFrom <{A}> .

    ent:huawei cg:develops ent:huawei-ascend-910b .
    <{STATEMENT}> a rdf:Statement ; rdf:subject ent:huawei ;
        rdf:predicate cg:develops ; rdf:object ent:huawei-ascend-910b ;
        cg:evidence "바이트댄스는 다음 AI모델을 화웨이의 어센드 910B칩을 사용해 훈련시킬 것으로 알려졌다."@ko ;
        cg:confidence 0.8 ; prov:wasDerivedFrom <{A}> .

    ent:new-baichuan a cg:Firm ; rdfs:label "바이추안"@ko , "Baichuan"@en ; cg:confidence 0.6 .
}}
"""


@pytest.fixture()
def sample() -> Graph:
    """The sample TriG flattened into one graph: the union of its named graphs."""
    dataset = Dataset()
    dataset.parse(data=SAMPLE, format="trig")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) > 40
    return union


def run_shacl(data: Graph, ontology: Graph, shapes: Graph) -> tuple[bool, set, str]:
    conforms, report, text = validate(
        data + ontology, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    results = set()
    for result in report.objects(None, SH.result):
        results.add((
            report.value(result, SH.focusNode),
            report.value(result, SH.resultPath),
            report.value(result, SH.sourceConstraintComponent),
        ))
    return conforms, results, text


def test_sample_conforms(sample: Graph, ontology: Graph, shapes: Graph) -> None:
    conforms, results, text = run_shacl(sample, ontology, shapes)
    assert conforms, text
    assert not results


def test_sample_conforms_with_ontology_passed_as_ont_graph(
    sample: Graph, ontology: Graph, shapes: Graph
) -> None:
    conforms, _, text = validate(sample, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text


def test_without_ontology_subclass_checks_fail_loudly(sample: Graph, shapes: Graph) -> None:
    """Documented requirement: the ontology must be part of the data graph."""
    conforms, report, _ = validate(sample, shacl_graph=shapes, inference="none")
    assert not conforms
    assert (None, SH.sourceConstraintComponent, SH.ClassConstraintComponent) in report


def _drop(*triples):
    def mutate(g: Graph) -> None:
        for triple in triples:
            g.remove(triple)
    return mutate


def _set(subject, predicate, value):
    def mutate(g: Graph) -> None:
        g.remove((subject, predicate, None))
        g.add((subject, predicate, value))
    return mutate


def _add(*triples):
    def mutate(g: Graph) -> None:
        for triple in triples:
            g.add(triple)
    return mutate


BROKEN = {
    "action without evidence": (
        _drop((ACTION, CG.evidence, None)),
        {(ACTION, CG.evidence, SH.MinCountConstraintComponent)},
    ),
    "action confidence 1.5": (
        _set(ACTION, CG.confidence, Literal("1.5", datatype=XSD.decimal)),
        {(ACTION, CG.confidence, SH.MaxInclusiveConstraintComponent)},
    ),
    "action date typed xsd:string": (
        _set(ACTION, CG.date, Literal("2024-09-27", datatype=XSD.string)),
        {(ACTION, CG.date, SH.OrConstraintComponent)},
    ),
    "action date impossible": (
        # built lazily: rdflib logs a conversion error whenever this literal is created
        lambda g: _set(ACTION, CG.date, Literal("2024-13-45", datatype=XSD.date))(g),
        {(ACTION, CG.date, SH.OrConstraintComponent)},
    ),
    "owl:sameAs to a non-Wikidata IRI": (
        _set(E("china"), OWL.sameAs, URIRef("https://en.wikipedia.org/wiki/China")),
        {(E("china"), OWL.sameAs, SH.PatternConstraintComponent)},
    ),
    "entity with two @ko labels": (
        _add((E("huawei"), RDFS.label, Literal("화웨이 테크놀로지", lang="ko"))),
        {(E("huawei"), RDFS.label, SH.UniqueLangConstraintComponent)},
    ),
    "mentions an untyped IRI": (
        _add((ARTICLE, CG.mentions, E("new-nobody"))),
        {(ARTICLE, CG.mentions, SH.ClassConstraintComponent)},
    ),
    "action with neither agent nor object": (
        _drop((ACTION, CG.agent, None), (ACTION, CG.object, None)),
        {(ACTION, None, SH.OrConstraintComponent)},
    ),
    "evidence not tagged @ko": (
        _set(ACTION, CG.evidence, Literal("Bloomberg reported ...", lang="en")),
        {(ACTION, CG.evidence, SH.LanguageInConstraintComponent)},
    ),
    "modality outside the six": (
        _set(ACTION, CG.modality, CG.Firm),
        {(ACTION, CG.modality, SH.InConstraintComponent)},
    ),
    "amount typed xsd:integer": (
        _add((ACTION, CG.amountUSD, Literal("6200000000", datatype=XSD.integer))),
        {(ACTION, CG.amountUSD, SH.DatatypeConstraintComponent)},
    ),
    "action not derived from an article": (
        _drop((ACTION, PROV.wasDerivedFrom, None)),
        {(ACTION, PROV.wasDerivedFrom, SH.MinCountConstraintComponent)},
    ),
    "statement with two subjects": (
        _add((STATEMENT, RDF.subject, E("china"))),
        {(STATEMENT, RDF.subject, SH.MaxCountConstraintComponent)},
    ),
    "statement confidence missing": (
        _drop((STATEMENT, CG.confidence, None)),
        {(STATEMENT, CG.confidence, SH.MinCountConstraintComponent)},
    ),
    "article with two identifiers": (
        _add((ARTICLE, DCTERMS.identifier, Literal("other"))),
        {(ARTICLE, DCTERMS.identifier, SH.MaxCountConstraintComponent)},
    ),
    "outlet is not a media outlet": (
        _set(ARTICLE, CG.outlet, E("huawei")),
        {(ARTICLE, CG.outlet, SH.ClassConstraintComponent)},
    ),
    "entity without a label": (
        _drop((E("nvidia-h20"), RDFS.label, None)),
        {(E("nvidia-h20"), RDFS.label, SH.MinCountConstraintComponent)},
    ),
    "new entity confidence as a string": (
        _set(E("new-baichuan"), CG.confidence, Literal("0.6")),
        # a string cannot be compared with 0 and 1 either, so the range checks fail too
        {(E("new-baichuan"), CG.confidence, SH.DatatypeConstraintComponent),
         (E("new-baichuan"), CG.confidence, SH.MinInclusiveConstraintComponent),
         (E("new-baichuan"), CG.confidence, SH.MaxInclusiveConstraintComponent)},
    ),
    "regulator jurisdiction not a country": (
        _set(E("china-regulators"), CG.jurisdiction, E("huawei")),
        {(E("china-regulators"), CG.jurisdiction, SH.ClassConstraintComponent)},
    ),
    "agent is a blank node": (
        _set(ACTION, CG.agent, BNode()),
        {(ACTION, CG.agent, SH.NodeKindConstraintComponent),
         (ACTION, CG.agent, SH.ClassConstraintComponent)},
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_variant_fails_for_the_expected_reason(
    case: str, sample: Graph, ontology: Graph, shapes: Graph
) -> None:
    mutate, expected = BROKEN[case]
    mutate(sample)
    conforms, results, text = run_shacl(sample, ontology, shapes)
    assert not conforms, f"{case}: expected a violation"
    # compare (focus, path, component); a None path in `expected` means a node-level result
    assert results == expected, f"{case}: unexpected results\n{text}"
