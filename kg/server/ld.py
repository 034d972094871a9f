"""Linked Data: `/id/…` answers for every IRI under https://w3id.org/chipgraph/id/, and VoID.

A person gets a page (labels in Korean and English, types, Wikidata links, each fact with the
articles that state it and their evidence sentences, and the links pointing in); a program gets
Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation (or `?format=`). The SPARQL behind
the pages lives in `kg/sparql/page-*.rq` (read by `page_queries` when the app is made, kept as
`State.pages`) and runs through `kg.query.run_query`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.formats import Format
from kg.namespaces import GRAPH_BASE, ID_BASE
from kg.namespaces import OWL_NS as OWL, RDF_NS as RDF, RDFS_NS as RDFS, SKOS_NS as SKOS
from kg.query import SavedQuery, parse_saved_query, run_query, serialize_result, shorten_iri
from kg.rdf.store import KnowledgeStore
from kg.server.errors import ServerError
from kg.server.messages import answer
from kg.server.negotiation import negotiate
from kg.server.state import State
from kg.sparql import FOLDER as SPARQL_FOLDER

DESCRIPTION_FORMATS = (Format.HTML, Format.TURTLE, Format.JSONLD, Format.NTRIPLES, Format.RDFXML)
VOID_FORMATS = (Format.TURTLE, Format.JSONLD, Format.NTRIPLES, Format.RDFXML)
_NAMES = {RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "hiddenLabel", OWL + "sameAs"}
EXTERNAL = "external-entity"  # the saved query of what Wikidata says, for entity pages


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
    page = await state.run(describe, state.knowledge, state.pages, iri, state.saved[EXTERNAL])
    if page is None:
        raise ServerError(404, f"the graph says nothing about {iri}.")
    return state.render(request, "resource.html", title=page.title, page=page, iri=iri)


async def void(request: Request) -> Response:
    """The VoID description of the dataset: counts per class and graph, links to Wikidata."""
    state: State = request.app.state.kg
    fmt = negotiate(request.headers.get("accept"), VOID_FORMATS, request.query_params.get("format"))
    endpoint = state.base_url(request) + "sparql"
    result = await state.run(run_query, state.knowledge, state.pages["void"], {"endpoint": endpoint})
    result.triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return answer(serialize_result(result, fmt), fmt)


# ------------------------------------------------------------------------------------------------
# The page model
# ------------------------------------------------------------------------------------------------


@dataclass
class Source:
    """Where a fact is stated: a graph (an article, the reference data or the ontology)."""

    graph: str
    evidence: list[str] = field(default_factory=list)
    confidence: str | None = None
    date: str | None = None


@dataclass
class Fact:
    property: str
    value: ox.NamedNode | ox.Literal | ox.BlankNode
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass
class Page:
    iri: str
    title: str
    labels: dict[str, list[str]]
    aliases: list[str]
    types: list[str]
    same_as: list[str]
    facts: list[Fact]
    incoming: list[Fact]
    names: dict[str, str]
    external: list[dict] = field(default_factory=list)  # rows of queries/external-entity.rq

    def name(self, iri: str) -> str:
        return self.names.get(iri) or shorten_iri(iri)

    def source_name(self, graph: str) -> str:
        if graph == self.iri:
            return "this article"
        if graph == GRAPH_BASE + "reference":
            return "reference data"
        if graph == GRAPH_BASE + "ontology":
            return "ontology"
        return self.names.get(graph) or shorten_iri(graph)


def describe(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str,
             external: SavedQuery) -> Page | None:
    """Everything the page shows about `iri`, or None when the graph does not mention it;
    `queries` are the page queries, `external` the saved query of cached Wikidata facts."""
    params = {"resource": iri}
    rows = run_query(knowledge, queries["resource-facts"], params).records()
    if not rows:
        return None
    names, labels, types_of = _names(run_query(knowledge, queries["resource-labels"], params).records())
    for node, types in types_of.items():  # an action has no label: its kind names it
        kinds = [t for t in types if not t.endswith("#Action")]
        if node not in names and kinds:
            names[node] = names.get(kinds[0], shorten_iri(kinds[0]))
    facts: dict[tuple, Fact] = {}
    for row in rows:
        key = (row["direction"].value, row["property"].value, row["value"])
        fact = facts.setdefault(key, Fact(row["property"].value, row["value"]))
        graph = row["graph"].value
        source = fact.sources.setdefault(graph, Source(graph))
        if row["evidence"] is not None and row["evidence"].value not in source.evidence:
            source.evidence.append(row["evidence"].value)
        if row["date"] is not None:
            source.date = row["date"].value
    for row in run_query(knowledge, queries["resource-evidence"], params).records():
        direction, other = ("out", row["object"]) if row["subject"].value == iri else ("in", row["subject"])
        fact = facts.get((direction, row["predicate"].value, other))
        source = fact.sources.get(row["graph"].value) if fact else None
        if source is None:
            continue
        if row["evidence"] is not None and row["evidence"].value not in source.evidence:
            source.evidence.append(row["evidence"].value)
        if row["confidence"] is not None:
            source.confidence = row["confidence"].value
    own = labels.get(iri, {})
    out = [f for (d, _, _), f in facts.items() if d == "out"]
    same_as = sorted({f.value.value for f in out if f.property == OWL + "sameAs" and isinstance(f.value, ox.NamedNode)})
    aliases = sorted({f.value.value for f in out if f.property == SKOS + "altLabel"})
    return Page(iri=iri, title=_title(iri, own, names, types_of.get(iri, []), out), labels=own, aliases=aliases,
                types=types_of.get(iri, []), same_as=same_as, facts=[f for f in out if f.property not in _NAMES],
                incoming=[f for (d, _, _), f in facts.items() if d == "in"], names=names,
                external=_external(knowledge, external, iri))


def _external(knowledge: KnowledgeStore, query: SavedQuery, iri: str) -> list[dict]:
    """Identity and candidate links of an entity, and the facts `kg import-external` cached
    about its Wikidata item: shown apart from the graph's own facts, marked external."""
    if not iri.startswith(ID_BASE + "entity/"):
        return []
    rows = run_query(knowledge, query, {"entity": iri}).records()
    return [r for r in rows if r["link"] is not None and r["link"].value != "none"]


def _names(rows: list[dict]) -> tuple[dict[str, str], dict[str, dict[str, list[str]]], dict[str, list[str]]]:
    """Display names ("엔비디아 (Nvidia)", an article's title), labels by language, and types, per IRI."""
    labels: dict[str, dict[str, list[str]]] = {}
    types: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for row in rows:
        node, kind, text = row["node"].value, row["kind"].value, row["text"]
        if kind == "type":
            types.setdefault(node, [])
            if text.value not in types[node]:
                types[node].append(text.value)
        elif kind == "title":
            titles.setdefault(node, text.value)
        else:
            by_lang = labels.setdefault(node, {}).setdefault(getattr(text, "language", None) or "", [])
            if text.value not in by_lang:
                by_lang.append(text.value)
    names = {}
    for node in set(labels) | set(titles):
        ko, en = labels.get(node, {}).get("ko", []), labels.get(node, {}).get("en", [])
        other = labels.get(node, {}).get("", [])
        if titles.get(node):
            names[node] = titles[node]
        elif ko and en and ko[0] != en[0]:
            names[node] = f"{ko[0]} ({en[0]})"
        else:
            names[node] = (ko or en or other or [shorten_iri(node)])[0]
    return names, labels, {node: sorted(found) for node, found in types.items()}


def _title(iri: str, labels: dict[str, list[str]], names: dict[str, str], types: list[str], out: list[Fact]) -> str:
    """A heading: the labels in both languages, an article's title, or an action's kind and date."""
    if labels.get("ko") or labels.get("en"):
        return " · ".join(dict.fromkeys(labels.get("ko", [])[:1] + labels.get("en", [])[:1]))
    if iri in names:
        return names[iri]
    kind = next((names.get(t, shorten_iri(t)) for t in types if not t.endswith("#Action")), None)
    date = next((f.value.value for f in out if f.property.endswith("#date") and isinstance(f.value, ox.Literal)), None)
    if kind:
        return f"{kind} · {date}" if date else kind
    return shorten_iri(iri)
