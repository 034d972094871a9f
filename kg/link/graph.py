"""The links graph: identity links and scored candidate links, apart from extracted facts.

Why a graph of its own (`https://w3id.org/chipgraph/graph/links`): a candidate is a guess by a
string matcher, not something the news said, so it must never be read as an extracted fact and
it must be replaceable wholesale by the next `kg link` run. Shapes written here:

    e:cambricon skos:closeMatch wd:Q990000003 .                    # a candidate
    e:nvidia    owl:sameAs      wd:Q182477 .                        # a reviewer accepted it
    <https://w3id.org/chipgraph/id/mapping/{16 hex}> a owl:Axiom ;   # how sure, how, when
        owl:annotatedSource e:cambricon ; owl:annotatedProperty skos:closeMatch ;
        owl:annotatedTarget wd:Q990000003 ;
        sssom:confidence 0.95 ;                                     # xsd:decimal in [0, 1]
        sssom:mapping_justification semapv:LexicalMatching ;        # or semapv:ManualMappingCuration
        dcterms:description "ko label 캠브리콘 = Wikidata label; P31 business; P17 China = headquarters"@en ;
        rdfs:label "Cambricon Technologies"@en ;                   # the candidate's label, for review
        rdfs:comment "fixture decoy: …"@en ;                        # its Wikidata description
        prov:generatedAtTime "2026-11-22T17:20:00Z"^^xsd:dateTime .

The annotation vocabulary is SSSOM's (https://w3id.org/sssom/) on OWL 2 axiom annotations, the
way SSSOM itself serialises mappings to RDF, so no `cg:` term is needed and mapping tools read it.
`owl:Axiom` rather than `rdf:Statement`, because the shapes give `rdf:Statement` the contract of
an *extracted* relation (evidence, article), which a mapping does not have.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from kg.link.decisions import Decision
from kg.namespaces import (ENTITY_BASE, GRAPH_BASE, ID_BASE, LINKS_GRAPH, OWL_NS as OWL, PREFIXES, RDF_NS,
                           RDFS_NS, SKOS_NS, WD_NS as WD, XSD_NS as XSD)
from kg.rdf.store import KnowledgeStore
from kg.sparql import sparql

EXTERNAL_GRAPH = GRAPH_BASE + "external/wikidata"
MAPPING_BASE = ID_BASE + "mapping/"

RDF_TYPE = RDF_NS + "type"
RDFS_LABEL = RDFS_NS + "label"
RDFS_COMMENT = RDFS_NS + "comment"
SAME_AS = OWL + "sameAs"
CLOSE_MATCH = SKOS_NS + "closeMatch"
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]


@dataclass(frozen=True)
class Candidate:
    """One scored guess that entity `entity` (IRI) is Wikidata item `qid`."""

    entity: str
    qid: str
    score: float
    method: str
    label: str = ""
    description: str = ""

    @property
    def item(self) -> str:
        return WD + self.qid


def utc_now() -> str:
    """The time a link is written, as xsd:dateTime in UTC to the second."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def mapping_iri(entity: str, predicate: str, qid: str) -> str:
    digest = hashlib.sha256(f"{entity} {predicate} {qid}".encode("utf-8")).hexdigest()[:16]
    return MAPPING_BASE + digest


def _axiom(entity: str, predicate: str, qid: str, *, score: float, justification: str, method: str,
           time: str, label: str = "", description: str = "") -> list[ox.Quad]:
    g = _n(LINKS_GRAPH)
    node = _n(mapping_iri(entity, predicate, qid))
    quads = [
        ox.Quad(_n(entity), _n(predicate), _n(WD + qid), g),
        ox.Quad(node, _n(RDF_TYPE), _n(OWL + "Axiom"), g),
        ox.Quad(node, _n(OWL + "annotatedSource"), _n(entity), g),
        ox.Quad(node, _n(OWL + "annotatedProperty"), _n(predicate), g),
        ox.Quad(node, _n(OWL + "annotatedTarget"), _n(WD + qid), g),
        ox.Quad(node, _n(SSSOM + "confidence"),
                ox.Literal(format(Decimal(str(round(score, 3))).normalize(), "f"), datatype=_n(XSD + "decimal")), g),
        ox.Quad(node, _n(SSSOM + "mapping_justification"), _n(SEMAPV + justification), g),
        ox.Quad(node, _n(DCTERMS + "description"), ox.Literal(method, language="en"), g),
        ox.Quad(node, _n(PROV + "generatedAtTime"), ox.Literal(time, datatype=_n(XSD + "dateTime")), g),
    ]
    if label:
        quads.append(ox.Quad(node, _n(RDFS_LABEL), ox.Literal(label, language="en"), g))
    if description:
        quads.append(ox.Quad(node, _n(RDFS_COMMENT), ox.Literal(description, language="en"), g))
    return quads


def write_links(store: KnowledgeStore, candidates: list[Candidate], decisions: dict[tuple[str, str], Decision],
                time: str, known_same_as: set[tuple[str, str]] = frozenset()) -> tuple[int, int]:
    """Replace the links graph: accepted decisions as owl:sameAs, other candidates as closeMatch.

    Rejected pairs are left out; an entity with an accepted link keeps no candidates.
    Returns (identity links written, candidate links written).
    """
    quads: list[ox.Quad] = []
    accepted_entities = set()
    for decision in sorted(decisions.values(), key=lambda d: (d.entity, d.qid)):
        if decision.decision != "accept":
            continue
        accepted_entities.add(decision.entity_iri)
        if (decision.entity_iri, decision.qid) in known_same_as:
            continue  # already certain in the reference graph
        when = f"{decision.date}T00:00:00Z" if decision.date else time
        quads += _axiom(decision.entity_iri, SAME_AS, decision.qid, score=1.0,
                        justification="ManualMappingCuration", time=when, label=decision.label,
                        method=f"accepted by {decision.by or 'a reviewer'} in the link decisions file")
    identities = sum(1 for q in quads if q.predicate.value == SAME_AS)
    written = 0
    for c in sorted(candidates, key=lambda c: (c.entity, -c.score, c.qid)):
        key = (c.entity[len(ENTITY_BASE):], c.qid)
        if c.entity in accepted_entities or key in decisions:
            continue
        quads += _axiom(c.entity, CLOSE_MATCH, c.qid, score=c.score, justification="LexicalMatching",
                        method=c.method, time=time, label=c.label, description=c.description)
        written += 1
    store.replace_graph(LINKS_GRAPH, quads)
    return identities, written



def read_candidates(store: KnowledgeStore) -> list[Candidate]:
    """The candidate (closeMatch) links now in the store, best first per entity."""
    rows = store.query(sparql("link-candidates"))
    return [Candidate(entity=r["entity"].value, qid=r["qid"].value, score=float(r["score"].value),
                      method=r["method"].value, label=r["label"].value if r["label"] else "",
                      description=r["comment"].value if r["comment"] else "") for r in rows]
