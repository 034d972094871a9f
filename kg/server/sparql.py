"""`/sparql`: the SPARQL 1.1 Protocol (query and update) and the Service Description.

Queries run over the union of all graphs unless the request names a dataset: `default-graph-uri`
/ `named-graph-uri` parameters (which override the query's own FROM / FROM NAMED, as the protocol
says) or FROM / FROM NAMED in the query. Answers are serialised by pyoxigraph itself, straight from
its result iterators, except HTML tables, which the templates render.

pyoxigraph's `Store.update` takes no dataset, so `using-graph-uri` / `using-named-graph-uri` are
applied by writing `USING <g>` / `USING NAMED <g>` before the WHERE of each DELETE/INSERT operation
(`with_using`); an operation that has its own USING or WITH is refused with 400, as the protocol
requires. The DELETE WHERE shorthand cannot take USING and is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg import formats
from kg.formats import Format
from kg.namespaces import PREFIXES
from kg.query import clear_entity_cache
from kg.server.core import (GRAPH_FORMATS, HTML, TURTLE, ServerError, State, answer, decode_utf8, iri_list,
                            media_type, negotiate, offers_for, parse_form, read_body, result_from, group, single)
from kg.server.service import check_services

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
        """pyoxigraph `query` options: the protocol dataset, the query's FROM, or the union graph."""
        if self.default or self.named:
            return {"default_graph": list(self.default), "named_graphs": list(self.named)}
        return {} if has_from else {"use_default_graph_as_union": True}


def query_form(text: str) -> tuple[str, bool]:
    """The query form (SELECT if none is recognised) and whether the query has FROM clauses."""
    form, has_from = None, False
    for word, _, _ in keywords(text):
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        elif word == "FROM":
            has_from = True
    return form or "SELECT", has_from


async def run_query(request: Request, state: State, text: str, params: dict[str, list[str]]) -> Response:
    kind, has_from = query_form(text)
    fmt = negotiate(request.headers.get("accept"), offers_for(kind), single(params, "format"))
    dataset = Dataset(iri_list(params, "default-graph-uri"), iri_list(params, "named-graph-uri"))
    endpoint = state.base_url(request) + "sparql"
    check_services(text, endpoint, state.allowed_services)
    native_kind, body = await state.run(execute, state.store, text, dataset.options(has_from), fmt, endpoint)
    if offers_for(native_kind) is not offers_for(kind):  # the keyword scan was wrong: negotiate again
        return await run_query(request, state, text, {**params, "format": [negotiate(
            request.headers.get("accept"), offers_for(native_kind))]})
    if fmt is HTML:
        return state.render(request, "results.html", title="Query results", result=body, sparql=text)
    download = f"results.{fmt.extension}" if "download" in params else None
    return answer(body, fmt, download=download)


def execute(store: ox.Store, text: str, options: dict, fmt: Format, base_iri: str) -> tuple[str, object]:
    """Run a query in a worker thread: (query form, serialised bytes — or a QueryResult for HTML)."""
    try:
        native = store.query(text, prefixes=PREFIXES, base_iri=base_iri, **options)
    except SyntaxError as exc:
        raise ServerError(400, f"the query is malformed{_where(exc)}") from None
    except (RuntimeError, ValueError) as exc:
        raise ServerError(400, f"the query failed: {_flat(exc)}") from None
    kind = "ASK" if isinstance(native, ox.QueryBoolean) else "SELECT" if isinstance(native, ox.QuerySolutions) \
        else "CONSTRUCT"
    try:
        if fmt is HTML:
            return kind, result_from(native, kind)
        if kind in ("SELECT", "ASK"):
            return kind, native.serialize(format=fmt.results_format) if fmt in formats.RESULT_FORMATS else b""
        if fmt not in formats.GRAPH_FORMATS:
            return kind, b""
        triples = list(dict.fromkeys(native))  # the union graph repeats a triple stated in several graphs
        prefixes = PREFIXES if fmt is TURTLE else None
        return kind, ox.serialize(triples, format=fmt.rdf_format, prefixes=prefixes)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ServerError(400 if not isinstance(exc, OSError) else 500, f"the query failed: {_flat(exc)}") from None


def _flat(exc: Exception, limit: int = 400) -> str:
    """An error message on one line, cut when very long."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(exc: SyntaxError) -> str:
    """The parser's "error at L:C: expected …" as " at line L, column C: expected …"."""
    text = _flat(exc)
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
    check_services(text, endpoint, state.allowed_services)

    def update() -> None:
        try:
            state.store.update(using, prefixes=PREFIXES, base_iri=endpoint)
        except SyntaxError as exc:
            raise ServerError(400, f"the update is malformed{_where(exc)}") from None
        except (RuntimeError, ValueError) as exc:
            raise ServerError(400, f"the update failed: {_flat(exc)}") from None
        clear_entity_cache(state.store)  # labels may have changed

    await state.run(update, timeout=False)  # an update is never abandoned half-way: it commits or fails
    return Response(status_code=204)


def with_using(update: str, default: list[ox.NamedNode], named: list[ox.NamedNode]) -> str:
    """`update` with USING / USING NAMED clauses for the protocol's using-graph-uri parameters."""
    if not default and not named:
        return update
    clause = " ".join([f"USING {g}" for g in default] + [f"USING NAMED {g}" for g in named]) + " "
    positions = []
    operation: list[tuple[str, int]] = []  # depth-0 tokens of the current operation
    for word, start, depth in keywords(update, punctuation=True):
        if depth > 0 and word != "}":
            continue
        if word == ";":
            operation = []
            continue
        if word in ("USING", "WITH"):
            raise ServerError(400, "the update names its own dataset (USING or WITH) and the request gives "
                                   "using-graph-uri or using-named-graph-uri; give only one of them.")
        if word == "WHERE" and operation and operation[-1][0] != "DELETE":
            positions.append(start)
        operation.append((word, start))
    for start in reversed(positions):
        update = update[:start] + clause + update[start:]
    return update


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][^\s{}()\[\];,.<>"'\#]*)
  | (?P<word>[^\s{}()\[\];,.<>"'\#?$]+)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def keywords(text: str, *, punctuation: bool = False) -> Iterator[tuple[str, int, int]]:
    """Words of SPARQL text, upper-cased, with their offset and brace depth; strings, IRIs and
    comments skipped (so a keyword inside a literal is never taken for one). With `punctuation`,
    `{`, `}` and `;` come too (a closing brace at the depth it returns to)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        group_name, token = match.lastgroup, match.group()
        if group_name == "word":
            yield token.upper(), match.start(), depth
        elif group_name == "punct" and token in "{}":
            depth = depth + 1 if token == "{" else max(0, depth - 1)
            if punctuation:
                yield token, match.start(), depth
        elif group_name == "punct" and token == ";" and punctuation:
            yield token, match.start(), depth


# ------------------------------------------------------------------------------------------------
# Service description
# ------------------------------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                       "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads")


def service_description(request: Request, state: State) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (people asking for HTML go to the UI)."""
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS, request.query_params.get("format"))
    if fmt is HTML:
        return RedirectResponse(state.base_url(request), status_code=303)
    base = state.base_url(request)
    service, endpoint = ox.NamedNode(base + "sparql#service"), ox.NamedNode(base + "sparql")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    dataset = ox.BlankNode()
    triples = [ox.Triple(service, a, sd("Service")), ox.Triple(service, sd("endpoint"), endpoint),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
               ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
               ox.Triple(service, sd("defaultDataset"), dataset), ox.Triple(dataset, a, sd("Dataset")),
               ox.Triple(dataset, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                         ox.NamedNode(base + ".well-known/void"))]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)) for name in _RESULT_FORMAT_IRIS]
    if state.allow_update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))  # grouped by subject
    body = ox.serialize(triples, format=fmt.rdf_format,
                        prefixes={"sd": SD, "formats": FORMATS_NS} if fmt is TURTLE else None)
    return answer(body, fmt)
