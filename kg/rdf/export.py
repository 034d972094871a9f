"""Export the graph in RDF formats, byte-identical for the same store content.

Turtle and TriG are written by rdflib's pretty serialisers (which sort subjects and
predicates) from quads fed in sorted order; N-Quads and N-Triples are sorted lines; JSON-LD
(`jsonld`, also what the server answers) is written here, compact and sorted. So a diff between
two exports means the graph changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Triple, serialize
from pyoxigraph import Literal as Literal_
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.errors import KgError
from kg.formats import EXPORT_FORMATS, Format, parse_format
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH, article_iri
from kg.rdf.store import KnowledgeStore

_GRAPH_NAMES = {"ontology": ONTOLOGY_GRAPH, "reference": REFERENCE_GRAPH}


def resolve_graph(name: str, store: KnowledgeStore) -> str:
    """A graph given as an IRI, `ontology`, `reference` or an article identifier."""
    if name in _GRAPH_NAMES:
        return _GRAPH_NAMES[name]
    candidates = [name] if name.startswith(("http://", "https://")) else [article_iri(name)]
    if not name.startswith(("http://", "https://")):
        candidates += [g for g in store.article_states() if g.rsplit("/", 1)[-1].startswith(name + "_")]
    known = set(store.graphs())
    for candidate in candidates:
        if candidate in known:
            return candidate
    raise KgError(f"no graph called '{name}' in the store",
                  hint="use an article identifier, `reference`, `ontology` or a graph IRI (see `kg stats`)")


def export(store: KnowledgeStore, fmt: str | Format = Format.TURTLE, graphs: Iterable[str] = ()) -> bytes:
    """Serialise the chosen graphs (default: all) in `fmt` (one of `EXPORT_FORMATS`)."""
    fmt = parse_format(fmt, EXPORT_FORMATS)
    names = [resolve_graph(g, store) for g in graphs]
    quads = [q for name in names for q in store.quads(name)] if names else store.quads()
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    if fmt == "nquads":
        return _sorted_lines(serialize(quads, format=RdfFormat.N_QUADS))
    if fmt == "ntriples":
        triples = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
        return _sorted_lines(serialize(triples, format=RdfFormat.N_TRIPLES))
    if fmt == "turtle":
        return rdflib_graph(quads).serialize(format="turtle", encoding="utf-8")
    if fmt == "trig":
        return _trig(quads)
    return jsonld(quads)


def _by_graph(quads: list[Quad]) -> dict[str, list[Quad]]:
    groups: dict[str, list[Quad]] = {}
    for quad in quads:
        groups.setdefault(str(quad.graph_name), []).append(quad)
    return groups


def _trig(quads: list[Quad]) -> bytes:
    """TriG with graphs in IRI order, each body written by the Turtle serialiser.

    All graphs share one namespace manager, so a prefix rdflib has to invent for one graph
    means the same namespace in every graph and is declared once at the top.
    """
    shared = rdflib_graph([])
    bodies = []
    for name, members in sorted(_by_graph(quads).items()):
        graph = rdflib_graph(members)
        graph.namespace_manager = shared.namespace_manager
        lines = [line for line in graph.serialize(format="turtle").splitlines() if not line.startswith("@prefix")]
        inner = "\n".join(("    " + line) if line else "" for line in lines).strip("\n")
        label = shared.namespace_manager.normalizeUri(URIRef(name[1:-1])) if name.startswith("<") else name
        bodies.append(f"\n{label} {{\n{inner}\n}}\n")
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(shared.namespace_manager.namespaces())
                       if p)
    return (prefixes + "".join(bodies)).encode("utf-8")


def jsonld(statements: Iterable[Quad | Triple]) -> bytes:
    """JSON-LD that tools read: the prefix table (`kg.namespaces.PREFIXES`) as its `@context`,
    compact IRIs (`e:nvidia`, `cg:agent`, `xsd:date`), one node object per subject, graphs and
    nodes in IRI order (so the bytes are the same for the same statements).

    The default graph's nodes (all of them, for triples) are the top-level `@graph`; each named
    graph is a node object there with its own `@graph`, as JSON-LD 1.1 writes a dataset. pyoxigraph's
    writer ignores prefixes, and rdflib's follows hashing, hence this one.
    """
    default: list = []
    named: dict[str, list] = {}
    for statement in statements:
        graph = getattr(statement, "graph_name", None)
        if graph is None or isinstance(graph, DefaultGraph):
            default.append(statement)
        else:
            named.setdefault(_json_id(graph), []).append(statement)
    document = _nodes(default)
    document += [{"@id": _compact(name), "@graph": _nodes(members)} for name, members in sorted(named.items())]
    return (json.dumps({"@context": dict(PREFIXES), "@graph": document}, ensure_ascii=False, indent=1,
                       sort_keys=True) + "\n").encode("utf-8")


def _nodes(statements: list) -> list[dict]:
    """Node objects, one per subject, in IRI order; values in the order given."""
    nodes: dict[str, dict] = {}
    for q in statements:
        subject = _json_id(q.subject)
        node = nodes.setdefault(subject, {"@id": _compact(subject)})
        if q.predicate.value == str(RDF.type) and not isinstance(q.object, Literal_):
            node.setdefault("@type", []).append(_compact(_json_id(q.object)))
        else:
            node.setdefault(_compact(q.predicate.value), []).append(_json_value(q.object))
    return [nodes[key] for key in sorted(nodes)]


def _compact(iri: str) -> str:
    """`prefix:local` for an IRI under a namespace of the prefix table (the longest), else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")) \
                and not iri[len(namespace):].startswith("//"):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def _json_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _json_value(term) -> dict:
    if not isinstance(term, Literal_):
        return {"@id": _compact(_json_id(term))}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == str(XSD.string):
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def _term(term):
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def rdflib_graph(quads: list[Quad]) -> Graph:
    """The quads' triples as an rdflib Graph with the prefix table bound (graph names dropped):
    what the Turtle writer serialises and what SHACL validation reads."""
    graph = Graph(bind_namespaces="none")
    _bind(graph)
    for q in quads:
        graph.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return graph

