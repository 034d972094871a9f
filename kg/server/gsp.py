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

from kg import formats
from kg.formats import Format
from kg.rdf.store import KnowledgeStore
from kg.server.errors import ServerError, one_line
from kg.server.messages import answer, media_type, read_body
from kg.server.negotiation import negotiate
from kg.server.state import State

Target = ox.NamedNode | ox.DefaultGraph | None  # one graph, the default graph, or the whole dataset
TRIPLE_FORMATS = tuple(f for f in formats.GRAPH_FORMATS if f is not Format.NQUADS)
#: What an upload may be sent as (pyoxigraph reads its media type), as the 415 answer lists it.
UPLOAD_TYPES = ", ".join(f.types[0] for f in (*formats.GRAPH_FORMATS, Format.TRIG))


async def graph_store(request: Request) -> Response:
    state: State = request.app.state.kg
    target = _target(request)
    if request.method in ("GET", "HEAD"):
        return await _read(request, state, target)
    state.check_writer(request)
    existed = isinstance(target, ox.NamedNode) and state.knowledge.has_graph(target)
    if request.method == "DELETE":
        if isinstance(target, ox.NamedNode) and not existed:
            raise ServerError(404, f"there is no graph {target} in the store.")
        await state.run(_delete, state.knowledge, target, timeout=False)
    else:
        quads = await _parse_body(request, state, target)
        await state.run(_write, state.knowledge, target, quads, request.method == "PUT", timeout=False)
    state.after_write()
    created = isinstance(target, ox.NamedNode) and request.method in ("PUT", "POST") and not existed
    return Response(status_code=201 if created else 204)


def _target(request: Request) -> Target:
    """The graph a request addresses."""
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


async def _read(request: Request, state: State, target: Target) -> Response:
    offers = formats.DATASET_FORMATS if target is None else TRIPLE_FORMATS
    fmt = negotiate(request.headers.get("accept"), offers, request.query_params.get("format"))
    if isinstance(target, ox.NamedNode) and not state.knowledge.has_graph(target):
        raise ServerError(404, f"there is no graph {target} in the store.")

    def dump() -> bytes:
        if target is None:
            return ox.serialize(state.knowledge.quads(), format=fmt.rdf_format)
        triples = [q.triple for q in state.knowledge.match(graph=target)]
        return ox.serialize(triples, format=fmt.rdf_format)

    return answer(await state.run(dump), fmt)


def _delete(knowledge: KnowledgeStore, target: Target) -> None:
    if isinstance(target, ox.NamedNode):
        knowledge.drop_graph(target)
    else:
        knowledge.update("DROP SILENT DEFAULT" if isinstance(target, ox.DefaultGraph) else "DROP SILENT ALL")


async def _parse_body(request: Request, state: State, target: Target) -> list[ox.Quad]:
    """The uploaded quads, in the target graph; 415 for a media type that is no RDF, 400 if broken."""
    kind, _ = media_type(request)
    try:
        rdf_format = ox.RdfFormat.from_media_type(kind) if kind else None
    except ValueError:
        rdf_format = None
    if rdf_format is None:
        raise ServerError(415, f"send RDF with its media type ({UPLOAD_TYPES}), not {kind or 'nothing'}.")
    body = await read_body(request, state.max_body, state.client_timeout)
    base = target.value if isinstance(target, ox.NamedNode) else state.base_url(request) + "store"
    try:
        quads = list(ox.parse(body, format=rdf_format, base_iri=base))
    except SyntaxError as exc:
        raise ServerError(400, f"the body is not valid {rdf_format.name}: {one_line(exc)}") from None
    if target is not None:
        if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
            raise ServerError(400, "a graph takes triples; send the whole dataset to /store without ?graph.")
        quads = [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    return quads


def _write(knowledge: KnowledgeStore, target: Target, quads: list[ox.Quad], replace: bool) -> None:
    """Add `quads`; with `replace`, empty the target first, in the same transaction."""
    if not replace:
        knowledge.extend(quads)
    elif isinstance(target, ox.NamedNode):
        knowledge.replace_graph(target.value, quads)
        if not quads:
            knowledge.add_graph(target)  # an empty PUT still leaves an (empty) graph behind
    else:  # the default graph, or the whole dataset
        drop = "DROP SILENT DEFAULT" if isinstance(target, ox.DefaultGraph) else "DROP SILENT ALL"
        lines = [f"GRAPH {q.graph_name} {{ {q.triple} }}" if isinstance(q.graph_name, ox.NamedNode)
                 else f"{q.triple} ." for q in quads]
        knowledge.update(drop + (" ;\nINSERT DATA {\n" + "\n".join(lines) + "\n}" if lines else ""))
