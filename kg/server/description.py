"""The SPARQL 1.1 Service Description of `/sparql` (what a GET without a query answers)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg import formats
from kg.formats import Format
from kg.namespaces import RDF_NS, RDFS_NS
from kg.server.messages import answer
from kg.server.negotiation import GRAPH_OFFERS, negotiate
from kg.server.state import State

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
#: The W3C's name (under FORMATS_NS) of each format the endpoint answers in.
W3C_FORMAT_NAMES = {Format.JSON: "SPARQL_Results_JSON", Format.XML: "SPARQL_Results_XML",
                    Format.CSV: "SPARQL_Results_CSV", Format.TSV: "SPARQL_Results_TSV", Format.TURTLE: "Turtle",
                    Format.NTRIPLES: "N-Triples", Format.JSONLD: "JSON-LD", Format.RDFXML: "RDF_XML",
                    Format.NQUADS: "N-Quads"}


def service_description(request: Request, state: State) -> Response:
    """The description in the negotiated RDF format (people asking for HTML go to the query page)."""
    fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, request.query_params.get("format"))
    if fmt is Format.HTML:
        return RedirectResponse(state.base_url(request), status_code=303)
    triples = describe(state.base_url(request), allow_update=state.allow_update)
    body = ox.serialize(triples, format=fmt.rdf_format,
                        prefixes={"sd": SD, "formats": FORMATS_NS} if fmt is Format.TURTLE else None)
    return answer(body, fmt)


def describe(base: str, *, allow_update: bool) -> list[ox.Triple]:
    """The triples describing the endpoint at `base`sparql, grouped by subject."""
    service, endpoint = ox.NamedNode(base + "sparql#service"), ox.NamedNode(base + "sparql")
    a = ox.NamedNode(RDF_NS + "type")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    dataset = ox.BlankNode()
    triples = [ox.Triple(service, a, sd("Service")), ox.Triple(service, sd("endpoint"), endpoint),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
               ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
               ox.Triple(service, sd("defaultDataset"), dataset), ox.Triple(dataset, a, sd("Dataset")),
               ox.Triple(dataset, ox.NamedNode(RDFS_NS + "seeAlso"), ox.NamedNode(base + ".well-known/void"))]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + W3C_FORMAT_NAMES[fmt]))
                for fmt in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)]
    if allow_update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return triples
