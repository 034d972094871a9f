"""The query page (`/`, and the prefix table it shows IRIs with, `/prefixes.json`) and the saved
queries over HTTP (`/queries`, `/queries/{name}`).

Modelled on Datasette's canned queries: every `queries/*.rq` file has its own URL; its declared
parameters come from the query string and are bound as typed RDF terms by `kg.query.run_query`
(never pasted into the query text); the answer takes the same formats as `/sparql`, and people
get a page with a form, the results as a table and download links.

Paging, as Datasette pages: a page (HTML) or a JSON answer holds `?_size=` rows (default
`PAGE_SIZE`, at most `MAX_PAGE_SIZE`) from `?_next=` (a token the previous page gives, in its
JSON `next` / `next_url` and a `Link: <…>; rel="next"` header). The order is total
(`kg.query.run_query`), so pages neither repeat nor lose rows. CSV and TSV, and JSON with
`?_stream=1`, are the whole answer, streamed as it is read (the page's download links).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kg.errors import QueryError
from kg.formats import Format
from kg.namespaces import PREFIXES
from kg.query import (STREAM_FORMATS, QueryResult, SavedQuery, bind_parameters, iter_rows, run_query,
                      serialize_result, stream_rows)
from kg.server.errors import ServerError, for_http
from kg.server.messages import answer
from kg.server.negotiation import negotiate, offers_for
from kg.server.service import check_services
from kg.server.state import State

PAGE_SIZE = 100  # Datasette's default_page_size
MAX_PAGE_SIZE = 1000  # and its max_returned_rows
_RESERVED = ("format", "download", "_size", "_next", "_stream")  # query-string names that are not parameters


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
    """Run one saved query with the parameters of the query string: a page of its answer for people
    and for JSON, the whole answer streamed for CSV, TSV and `?_stream=1`."""
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
    paging = Paging.read(request)
    if fmt is Format.HTML:
        return await _page(request, state, saved, values, paging)
    download = f"{saved.name}.{fmt.extension}" if "download" in request.query_params else None
    doing = f"the saved query {saved.name}"
    if saved.kind == "SELECT" and fmt in STREAM_FORMATS and (paging.stream or fmt is not Format.JSON):
        pieces = await state.stream(lambda: _pieces(state, saved, values, fmt, state.base_url(request)), doing=doing)
        headers = {"Vary": "Accept", **({"Content-Disposition": f'attachment; filename="{download}"'} if download else {})}
        return StreamingResponse(pieces, media_type=fmt.media_type, headers=headers)
    if saved.kind != "SELECT" or fmt is not Format.JSON:
        result = await state.run(_run, state, saved, values, state.base_url(request), doing=doing)  # QueryError: 400
        return answer(serialize_result(result, fmt), fmt, download=download)
    result = await state.run(_run, state, saved, values, state.base_url(request), doing=doing, paging=paging)
    following = paging.next_url(request, state.base_url(request), saved, result)
    links = {"next": str(paging.offset + paging.size), "next_url": following} if following else None
    response = answer(serialize_result(result, fmt, links=links), fmt, download=download)
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


class Paging:
    """`?_size=`, `?_next=` and `?_stream=` of a request, checked."""

    def __init__(self, size: int, offset: int, stream: bool) -> None:
        self.size, self.offset, self.stream = size, offset, stream

    @classmethod
    def read(cls, request: Request) -> Paging:
        given = request.query_params
        size = _number(given.get("_size"), "_size", PAGE_SIZE) if given.get("_size") != "max" else MAX_PAGE_SIZE
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ServerError(400, f"_size must be between 1 and {MAX_PAGE_SIZE:,} rows (or max), not {size:,}.")
        stream = given.get("_stream", "").lower() in ("1", "on", "true", "yes")
        return cls(size, _number(given.get("_next"), "_next", 0), stream)

    def next_url(self, request: Request, base: str, saved: SavedQuery, result: QueryResult) -> str | None:
        """The address of the page after `result`, or None when it is the last."""
        if not result.more:
            return None
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "_next"]
        return f"{base}queries/{saved.name}?" + urlencode([*kept, ("_next", str(self.offset + self.size))])


def _number(given: str | None, name: str, default: int) -> int:
    if given is None or given == "":
        return default
    if not given.isdigit():
        raise ServerError(400, f"{name} must be a whole number, not {given!r}; "
                               + ("follow the next link a page gives." if name == "_next" else "for example ?_size=50."))
    return int(given)


async def _page(request: Request, state: State, saved: SavedQuery, values: dict[str, str], paging: Paging) -> Response:
    """The saved query's page: its form, and one page of results when every required parameter
    has a value."""
    missing = [p.name for p in saved.parameters if p.required and p.default is None and not values.get(p.name)]
    result, error, status, following = None, None, 200, None
    if not missing:
        try:
            result = await state.run(_run, state, saved, values, state.base_url(request), paging=paging,
                                     doing=f"the page of the saved query {saved.name}")
        except QueryError as exc:
            error, status = for_http(exc), 400
        else:
            following = paging.next_url(request, state.base_url(request), saved, result)
    whole = {"_stream": "1"} if saved.kind == "SELECT" else {}
    downloads = [(f.value, "?" + urlencode({**values, "format": f.value, **whole, "download": "1"}))
                 for f in offers_for(saved.kind, html=False)]
    response = state.render(request, "query.html", status=status, title=saved.title, query=saved, values=values,
                            result=result, error=error, downloads=downloads, missing=missing,
                            first=paging.offset + 1, following=following)
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


def _pieces(state: State, saved: SavedQuery, values: dict[str, str], fmt: Format, base: str):
    """The whole answer in `fmt`, piece by piece (run in the query thread that reads it)."""
    _check_services(state, saved, values, base)
    variables, rows = iter_rows(state.knowledge, saved, values)
    return stream_rows(variables, rows, fmt)


def _run(state: State, saved: SavedQuery, values: dict[str, str], base: str, paging: Paging | None = None):
    """Run a saved query (one page of it, with `paging`) in a worker thread."""
    _check_services(state, saved, values, base)
    if paging is None:
        return run_query(state.knowledge, saved, values)
    return run_query(state.knowledge, saved, values, limit=paging.size, offset=paging.offset)


def _check_services(state: State, saved: SavedQuery, values: dict[str, str], base: str) -> None:
    """Refuse the query before it runs if a SERVICE clause would call an endpoint off the allow-list,
    with the parameters bound (`SERVICE ?endpoint` takes the value the request gives)."""
    if "service" in saved.sparql.lower():
        check_services(saved.sparql, base + "sparql", state.allowed_services,
                       bind_parameters(state.knowledge, saved, values))


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
