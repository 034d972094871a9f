"""Check the built graph: SHACL shapes, invariant queries and verified Wikidata links.

Three kinds of check, all read from `ontology/`: the SHACL shapes (`shapes.ttl`, run by pyshacl
on the union of all graphs with the ontology, no inference), `checks/*-violation.rq` queries
that must return no rows (invariants SHACL core cannot state, as ODK does), and owl:sameAs
links, which must name a QID of `wikidata-verified.tsv` or one a reviewer accepted (the caller
passes those in: the decisions file belongs to `kg.link`, which sits above this package).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode
from rdflib import Graph
from rdflib.namespace import RDF, SH

from kg.namespaces import OWL_NS, WD_NS
from kg.rdf.export import rdflib_graph
from kg.rdf.store import KnowledgeStore
from kg.resources import ontology_dir


@dataclass(frozen=True)
class Finding:
    check: str
    focus: str
    message: str


@dataclass
class ValidationReport:
    triples: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.findings


def validate(store: KnowledgeStore, folder: Path | None = None, *,
             accepted: Iterable[str] = ()) -> ValidationReport:
    """Run every check on the store; an empty findings list means the graph conforms.

    `accepted`: QIDs a reviewer accepted (`kg.link.accepted_qids()`), verified as the table's are.
    """
    folder = folder or ontology_dir()
    data = rdflib_graph(store.quads())
    report = ValidationReport(triples=len(data))
    report.findings += _shacl(data, folder)
    report.findings += _violation_queries(store, folder / "checks")
    report.findings += _unverified_links(store, folder / "wikidata-verified.tsv", set(accepted))
    return report


def _shacl(data: Graph, folder: Path) -> list[Finding]:
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(folder / "shapes.ttl", format="turtle")
    ontology = Graph().parse(folder / "chipgraph.ttl", format="turtle")
    _, results, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                   advanced=False, allow_warnings=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        findings.append(Finding("shacl", str(focus), f"{message} (path {path})" if path else str(message)))
    return sorted(set(findings), key=lambda f: (f.focus, f.message))


def _violation_queries(store: KnowledgeStore, folder: Path) -> list[Finding]:
    findings = []
    for path in sorted(folder.glob("*-violation.rq")):
        rows = store.query(path.read_text(encoding="utf-8"))
        for row in rows:
            values = [str(v.value) for v in row if v is not None]
            findings.append(Finding(path.stem, values[0] if values else "", " ".join(values)))
    return findings


def _unverified_links(store: KnowledgeStore, table: Path, accepted: set[str]) -> list[Finding]:
    with table.open(encoding="utf-8") as handle:
        verified = {row["qid"] for row in csv.DictReader(handle, delimiter="\t")} | accepted
    findings = []
    for quad in store.match(None, NamedNode(OWL_NS + "sameAs"), None):
        target = quad.object.value
        if target.startswith(WD_NS) and target[len(WD_NS):] not in verified:
            findings.append(Finding("wikidata", quad.subject.value, f"unverified Wikidata link {target}"))
    return findings
