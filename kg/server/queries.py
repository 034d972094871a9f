"""The query page (`/`, and the prefix table it shows IRIs with, `/prefixes.json`) and the saved
queries over HTTP (`/queries`, `/queries/{name}`).

Modelled on Datasette's canned queries: every `queries/*.rq` file has its own URL; its declared
parameters come from the query string and are bound as typed RDF terms by `kg.query.run_query`
(never pasted into the query text); the answer takes the same formats as `/sparql`, and people
get a page with a form, the results as a table and download links.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import QueryError
from kg.formats import Format
from kg.namespaces import PREFIXES
from kg.query import SavedQuery, bind_parameters, run_query, serialize_result
from kg.server.errors import ServerError, for_http
from kg.server.messages import answer
from kg.server.negotiation import negotiate, offers_for
from kg.server.service import check_services
from kg.server.state import State

_RESERVED = ("format", "download")  # query-string names that are not query parameters


async def index(request: Request) -> Response:
    """The page to write and run SPARQL; `?query=` pre-fills the editor."""
    state: State = request.app.state.kg
    return state.render(request, "index.html", title="Chipgraph SPARQL", queries=list(state.saved.values()),
                        sparql=request.query_params.get("query") or _EXAMPLE)


async def prefixes(request: Request) -> Response:
    """The one prefix table (`kg.namespaces.PREFIXES`, prefix -> namespace), for the page's script."""
    body = json.dumps(PREFIXES, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(body, media_type="application/json")


async def list_queries(request: Request) -> Response:
    """The saved queries: a page for people, JSON for programs."""
    state: State = request.app.state.kg
    fmt = negotiate(request.headers.get("accept"), (Format.JSON, Format.HTML), request.query_params.get("format"))
    if fmt is Format.HTML:
        return state.render(request, "queries.html", title="Saved queries", queries=list(state.saved.values()))
    base = state.base_url(request)
    listing = [describe(saved, base) for saved in state.saved.values()]
    body = json.dumps({"queries": listing}, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(body, media_type="application/json", headers={"Vary": "Accept"})


def describe(saved: SavedQuery, base: str) -> dict:
    return {"name": saved.name, "title": saved.title, "description": saved.description, "kind": saved.kind,
            "url": f"{base}queries/{saved.name}",
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                            "description": p.description} for p in saved.parameters],
            "sparql": saved.sparql}


async def saved_query(request: Request) -> Response:
    """Run one saved query with the parameters of the query string."""
    state: State = request.app.state.kg
    name = request.path_params["name"]
    saved = state.saved.get(name)
    if saved is None:
        raise ServerError(404, f"there is no saved query called {name!r}; see {state.base_url(request)}queries.")
    values = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise ServerError(400, f"the parameter '{key}' is given twice; give it once.")
        if key not in _RESERVED:
            values[key] = value
    fmt = negotiate(request.headers.get("accept"), offers_for(saved.kind), request.query_params.get("format"))
    if fmt is Format.HTML:
        return await _page(request, state, saved, values)
    result = await state.run(_run, state, saved, values, state.base_url(request))  # QueryError: 400
    download = f"{saved.name}.{fmt.extension}" if "download" in request.query_params else None
    return answer(serialize_result(result, fmt), fmt, download=download)


async def _page(request: Request, state: State, saved: SavedQuery, values: dict[str, str]) -> Response:
    """The saved query's page: its form, and its results when every required parameter has a value."""
    missing = [p.name for p in saved.parameters if p.required and p.default is None and not values.get(p.name)]
    result, error, status = None, None, 200
    if not missing:
        try:
            result = await state.run(_run, state, saved, values, state.base_url(request))
        except QueryError as exc:
            error, status = for_http(exc), 400
    downloads = [(f.value, "?" + urlencode({**values, "format": f.value, "download": "1"}))
                 for f in offers_for(saved.kind, html=False)]
    return state.render(request, "query.html", status=status, title=saved.title, query=saved, values=values,
                        result=result, error=error, downloads=downloads, missing=missing)


def _run(state: State, saved: SavedQuery, values: dict[str, str], base: str):
    """Run a saved query in a worker thread, after checking where its SERVICE clauses would call
    with the parameters bound (`SERVICE ?endpoint` takes the value the request gives)."""
    if "service" in saved.sparql.lower():
        check_services(saved.sparql, base + "sparql", state.allowed_services,
                       bind_parameters(state.knowledge, saved, values))
    return run_query(state.knowledge, saved, values)


_EXAMPLE = """\
# Export controls and the chips they concern (cg:, e:, rdfs: … are predeclared)
SELECT DISTINCT ?action ?kind ?chip ?chipLabel ?date WHERE {
  ?action a ?class ; cg:object ?chip .
  VALUES ?class { cg:ExportControl cg:ExportPermission }
  BIND(STRAFTER(STR(?class), "#") AS ?kind)
  OPTIONAL { ?action cg:date ?date }
  OPTIONAL { ?chip rdfs:label ?chipLabel FILTER(LANG(?chipLabel) = "en") }
}
ORDER BY ?date
LIMIT 50
"""
