"""Linked Data: `/id/…` answers for every IRI under https://w3id.org/chipgraph/id/, and VoID.

A person gets a page (`kg.server.pages`: a summary, then the links pointing in, page by page); a
program gets Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation (or `?format=`). The SPARQL behind
the pages lives in `kg/sparql/page-*.rq` (read by `page_queries` when the app is made, kept as
`State.pages`) and runs through `kg.query.run_query`.
"""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.formats import Format
from kg.namespaces import ID_BASE
from kg.query import SavedQuery, parse_saved_query, run_query, serialize_result
from kg.server.errors import ServerError
from kg.server.messages import answer
from kg.server.negotiation import negotiate
from kg.server.pages import resource_page
from kg.server.state import State
from kg.sparql import FOLDER as SPARQL_FOLDER

DESCRIPTION_FORMATS = (Format.HTML, Format.TURTLE, Format.JSONLD, Format.NTRIPLES, Format.RDFXML)
VOID_FORMATS = (Format.TURTLE, Format.JSONLD, Format.NTRIPLES, Format.RDFXML)


def page_queries() -> dict[str, SavedQuery]:
    """The queries of the pages and VoID (`kg/sparql/page-NAME.rq`), by NAME."""
    return {path.stem.removeprefix("page-"): parse_saved_query(path)
            for path in sorted(SPARQL_FOLDER.glob("page-*.rq"))}


async def resource(request: Request) -> Response:
    """The page or RDF description of the Chipgraph IRI this path stands for."""
    state: State = request.app.state.kg
    raw = request.scope.get("raw_path") or request.url.path.encode()
    iri = ID_BASE + raw.decode("latin-1").split("/id/", 1)[1]
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise ServerError(404, f"{unquote(iri)} is not a valid IRI.") from None
    fmt = negotiate(request.headers.get("accept"), DESCRIPTION_FORMATS, request.query_params.get("format"))
    if fmt is not Format.HTML:
        result = await state.run(run_query, state.knowledge, state.pages["resource-describe"], {"resource": iri})
        if not result.triples:
            raise ServerError(404, f"the graph says nothing about {iri}.")
        result.triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return answer(serialize_result(result, fmt), fmt)
    return await resource_page(request, state, iri)


async def void(request: Request) -> Response:
    """The VoID description of the dataset: counts per class and graph, links to Wikidata."""
    state: State = request.app.state.kg
    fmt = negotiate(request.headers.get("accept"), VOID_FORMATS, request.query_params.get("format"))
    endpoint = state.base_url(request) + "sparql"
    result = await state.run(run_query, state.knowledge, state.pages["void"], {"endpoint": endpoint})
    result.triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return answer(serialize_result(result, fmt), fmt)
