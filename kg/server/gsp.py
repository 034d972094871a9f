"""`/store`: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

`?graph=IRI` names a graph, `?default` the default graph, neither the whole dataset (as Oxigraph
server does). GET reads (always allowed); PUT replaces, POST adds, DELETE removes — only when the
server allows updates and the request carries its token. Bodies are parsed completely before the
store is touched, and a PUT replaces a graph in one transaction, so a bad upload changes nothing.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.query import clear_entity_cache
from kg.server.core import (DATASET_FORMATS, GRAPH_FORMATS, HTML, NQUADS, ServerError, State, answer, media_type, negotiate,
                            read_body)

TRIPLE_FORMATS = tuple(f for f in GRAPH_FORMATS if f is not HTML and f is not NQUADS)


async def graph_store(request: Request) -> Response:
    state: State = request.app.state.kg
    target = _target(request)
    if request.method in ("GET", "HEAD"):
        return await _read(request, state, target)
    state.check_writer(request)
    existed = isinstance(target, ox.NamedNode) and state.store.contains_named_graph(target)
    if request.method == "DELETE":
        if isinstance(target, ox.NamedNode) and not existed:
            raise ServerError(404, f"there is no graph {target} in the store.")
        await state.run(_delete, state, target, timeout=False)
    else:
        quads = await _parse_body(request, state, target)
        await state.run(_write, state, target, quads, request.method == "PUT", timeout=False)
    clear_entity_cache(state.store)
    created = isinstance(target, ox.NamedNode) and request.method in ("PUT", "POST") and not existed
    return Response(status_code=201 if created else 204)


def _target(request: Request) -> ox.NamedNode | ox.DefaultGraph | None:
    """The graph a request addresses: a named graph, the default graph, or None for all of them."""
    params = request.query_params
    graphs = params.getlist("graph")
    if len(graphs) > 1 or (graphs and "default" in params):
        raise ServerError(400, "name one graph: either ?graph=IRI or ?default.")
    if "default" in params:
        return ox.DefaultGraph()
    if graphs:
        try:
            return ox.NamedNode(graphs[0])
        except ValueError:
            raise ServerError(400, f"graph {graphs[0]!r} is not an absolute IRI.") from None
    return None


async def _read(request: Request, state: State, target) -> Response:
    offers = DATASET_FORMATS if target is None else TRIPLE_FORMATS
    fmt = negotiate(request.headers.get("accept"), offers, request.query_params.get("format"))
    if isinstance(target, ox.NamedNode) and not state.store.contains_named_graph(target):
        raise ServerError(404, f"there is no graph {target} in the store.")

    def dump() -> bytes:
        if target is None:
            return ox.serialize(state.knowledge.quads(), format=fmt.rdf_format)
        triples = [q.triple for q in state.store.quads_for_pattern(None, None, None, target)]
        return ox.serialize(triples, format=fmt.rdf_format)

    return answer(await state.run(dump), fmt)


def _delete(state: State, target) -> None:
    if isinstance(target, ox.NamedNode):
        state.store.remove_graph(target)
    elif isinstance(target, ox.DefaultGraph):
        state.store.clear_graph(target)
    else:
        state.store.clear()


async def _parse_body(request: Request, state: State, target) -> list[ox.Quad]:
    kind, _ = media_type(request)
    try:
        rdf_format = ox.RdfFormat.from_media_type(kind) if kind else None
    except ValueError:
        rdf_format = None
    if rdf_format is None:
        raise ServerError(415, f"send RDF with its media type (text/turtle, application/n-triples, application/ld+json, "
                               f"application/rdf+xml, application/n-quads, application/trig), not {kind or 'nothing'}.")
    body = await read_body(request, state.max_body, state.client_timeout)
    base = target.value if isinstance(target, ox.NamedNode) else state.base_url(request) + "store"
    try:
        quads = list(ox.parse(body, format=rdf_format, base_iri=base))
    except SyntaxError as exc:
        raise ServerError(400, f"the body is not valid {rdf_format.name}: {' '.join(str(exc).split())}") from None
    if target is not None:
        if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
            raise ServerError(400, "a graph takes triples; send the whole dataset to /store without ?graph.")
        quads = [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    return quads


def _write(state: State, target, quads: list[ox.Quad], replace: bool) -> None:
    """Add `quads`; with `replace`, empty the target first, in the same transaction."""
    if not replace:
        state.store.extend(quads)
    elif isinstance(target, ox.NamedNode):
        state.knowledge.replace_graph(target.value, quads)
        if not quads:
            state.store.add_graph(target)  # an empty PUT still leaves an (empty) graph behind
    else:  # the default graph, or the whole dataset
        drop = "DROP SILENT DEFAULT" if isinstance(target, ox.DefaultGraph) else "DROP SILENT ALL"
        lines = [f"GRAPH {q.graph_name} {{ {q.triple} }}" if isinstance(q.graph_name, ox.NamedNode)
                 else f"{q.triple} ." for q in quads]
        state.store.update(drop + (" ;\nINSERT DATA {\n" + "\n".join(lines) + "\n}" if lines else ""))
