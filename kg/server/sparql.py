"""`/sparql`: the SPARQL 1.1 Protocol, query and update (without either, the Service Description).

Queries run over the union of all graphs unless the request names a dataset: `default-graph-uri`
/ `named-graph-uri` parameters (which override the query's own FROM / FROM NAMED, as the protocol
says) or FROM / FROM NAMED in the query. Answers are serialised by pyoxigraph itself, straight from
its result iterators, except HTML tables, which the templates render. Every query and update goes
through `KnowledgeStore` (the one prefix table predeclared); `using-graph-uri` and
`using-named-graph-uri` become USING clauses (`kg.server.syntax.with_using`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg import formats
from kg.formats import Format
from kg.namespaces import PREFIXES
from kg.rdf.export import jsonld
from kg.server.description import service_description
from kg.server.errors import ServerError, one_line
from kg.server.messages import (
    answer,
    decode_utf8,
    group,
    iri_list,
    media_type,
    parse_form,
    read_body,
    single,
)
from kg.server.negotiation import negotiate, offers_for
from kg.server.rendering import result_from
from kg.server.service import check_services
from kg.server.state import State
from kg.server.syntax import query_form, with_using

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


async def sparql_endpoint(request: Request) -> Response:
    """GET: a query (or the service description); POST: a query or an update, form or direct."""
    state: State = request.app.state.kg
    url_params = group(request.query_params.multi_items())
    if request.method in ("GET", "HEAD"):
        if "update" in url_params:
            raise ServerError(400, "an update must be sent by POST, not GET.")
        query = single(url_params, "query")
        if query is None:
            return service_description(request, state)
        return await run_query(request, state, query, url_params)
    kind, charset = media_type(request)
    if kind not in (FORM, SPARQL_QUERY, SPARQL_UPDATE):
        raise ServerError(415, f"POST a query or update as {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}"
                               + (f", not {kind}." if kind else "; the request has no Content-Type."))
    text = decode_utf8(await read_body(request, state.max_body, state.client_timeout), charset)
    if kind == SPARQL_QUERY:
        return await run_query(request, state, text, url_params)
    if kind == SPARQL_UPDATE:
        return await run_update(request, state, text, url_params)
    form = parse_form(text)
    params = {**url_params, **{k: v for k, v in form.items() if k not in ("query", "update")}}
    if "query" in form and "update" in form:
        raise ServerError(400, "give either a query or an update, not both.")
    if "query" in form:
        return await run_query(request, state, single(form, "query") or "", params)
    if "update" in form:
        return await run_update(request, state, single(form, "update") or "", params)
    raise ServerError(400, "the form has neither a 'query' nor an 'update' field.")


# ------------------------------------------------------------------------------------------------
# Queries
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The dataset a request names (`default-graph-uri`, `named-graph-uri`); empty = not named."""

    default: list[ox.NamedNode] = field(default_factory=list)
    named: list[ox.NamedNode] = field(default_factory=list)

    def options(self, has_from: bool) -> dict:
        """`KnowledgeStore.query` options: the protocol dataset, the query's FROM, or the union graph."""
        if self.default or self.named:
            return {"default_graph": list(self.default), "named_graphs": list(self.named)}
        return {"union": not has_from}


async def run_query(request: Request, state: State, text: str, params: dict[str, list[str]]) -> Response:
    kind, has_from = query_form(text)
    fmt = negotiate(request.headers.get("accept"), offers_for(kind), single(params, "format"))
    dataset = Dataset(iri_list(params, "default-graph-uri"), iri_list(params, "named-graph-uri"))
    endpoint = state.base_url(request) + "sparql"
    native_kind, body = await state.run(execute, state, text, dataset.options(has_from), fmt, endpoint)
    if offers_for(native_kind) is not offers_for(kind):  # the keyword scan was wrong: negotiate again
        return await run_query(request, state, text, {**params, "format": [negotiate(
            request.headers.get("accept"), offers_for(native_kind))]})
    if fmt is Format.HTML:
        return state.render(request, "results.html", title="Query results", result=body, sparql=text)
    download = f"results.{fmt.extension}" if "download" in params else None
    return answer(body, fmt, download=download)


def execute(state: State, text: str, options: dict, fmt: Format, base_iri: str) -> tuple[str, object]:
    """Run a query in a worker thread: (query form, serialised bytes — or a QueryResult for HTML)."""
    check_services(text, base_iri, state.allowed_services)
    try:
        native = state.knowledge.query(text, base_iri=base_iri, **options)
    except SyntaxError as exc:
        raise ServerError(400, f"the query is malformed{_where(exc)}") from None
    except (RuntimeError, ValueError) as exc:
        raise ServerError(400, f"the query failed: {one_line(exc, 400)}") from None
    except OSError as exc:
        raise _read_failure(exc, text) from None
    kind = "ASK" if isinstance(native, ox.QueryBoolean) else "SELECT" if isinstance(native, ox.QuerySolutions) \
        else "CONSTRUCT"
    try:
        if fmt is Format.HTML:
            return kind, result_from(native, kind)
        if kind in ("SELECT", "ASK"):
            return kind, native.serialize(format=fmt.results_format) if fmt in formats.RESULT_FORMATS else b""
        if fmt not in formats.GRAPH_FORMATS:
            return kind, b""
        triples = list(dict.fromkeys(native))  # the union graph repeats a triple stated in several graphs
        if fmt is Format.JSONLD:
            return kind, jsonld(triples)
        prefixes = PREFIXES if fmt is Format.TURTLE else None
        return kind, ox.serialize(triples, format=fmt.rdf_format, prefixes=prefixes)
    except (RuntimeError, ValueError) as exc:
        raise ServerError(400, f"the query failed: {one_line(exc, 400)}") from None
    except OSError as exc:
        raise _read_failure(exc, text) from None


def _read_failure(exc: OSError, text: str) -> ServerError:
    """502 when a SERVICE call broke off after its endpoint was reached, else 500 (the store)."""
    if "service" in text.lower():
        return ServerError(502, f"a SERVICE endpoint stopped answering: {one_line(exc, 400)}")
    return ServerError(500, f"the store could not be read: {one_line(exc, 400)}")


def _where(exc: SyntaxError) -> str:
    """The parser's "error at L:C: expected …" as " at line L, column C: expected …"."""
    text = one_line(exc, 400)
    position = re.match(r"error at (\d+):(\d+): ", text)
    if position:
        return f" at line {position.group(1)}, column {position.group(2)}: {text[position.end():]}"
    return f": {text}"


# ------------------------------------------------------------------------------------------------
# Updates
# ------------------------------------------------------------------------------------------------


async def run_update(request: Request, state: State, text: str, params: dict[str, list[str]]) -> Response:
    state.check_writer(request)
    using = with_using(text, iri_list(params, "using-graph-uri"), iri_list(params, "using-named-graph-uri"))
    endpoint = state.base_url(request) + "sparql"
    await state.run(update, state, using, endpoint, timeout=False)  # never abandoned half-way
    state.after_write()
    return Response(status_code=204)


def update(state: State, text: str, base_iri: str) -> None:
    """Run an update in a worker thread: it commits or fails as a whole."""
    check_services(text, base_iri, state.allowed_services)
    try:
        state.knowledge.update(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise ServerError(400, f"the update is malformed{_where(exc)}") from None
    except (RuntimeError, ValueError) as exc:
        raise ServerError(400, f"the update failed: {one_line(exc, 400)}") from None
