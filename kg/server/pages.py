"""What a Linked Data page shows a person (`/id/…` as HTML), bounded by the resource, never by the corpus.

A page has a summary and then one page of the links to the resource (`?page=N`, optionally
`?property=IRI`): the busiest entity of a large corpus is the object of hundreds of thousands
of triples, so no request reads them all.

- Facts (what the resource says): at most `OUT_CAP` triples, grouped by property and value.
- Links per property: counted up to `COUNT_CAP` (`page-resource-in-count.rq`); more shows as "1,000+".
- Actions (entities): up to `ACTION_SAMPLE` of the actions it plays a role in, with class, date and
  confidence. Up to that many the class counts and the most recent and most confident actions are
  exact; beyond it they are those of the sample, except that the most recent are first looked for
  date by date from the store's latest down (`page-actions-with.rq`: each question reads one
  date's actions through the index instead of sorting all the entity's actions). Confidences take
  a handful of calibrated values, each shared by a large part of the corpus, so asking value by
  value would read most of it: the sample's most confident are shown.
- Links to here: `PAGE_SIZE` per page, with LIMIT/OFFSET in index order (the same order on every
  page while the store is unchanged; an ORDER BY would sort every link for every page).

Names (labels, article titles, the outlet · date · identifier of an untitled article) come from
`kg.server.names`, which asks the store for each once per snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.namespaces import (
    ARTICLE_BASE,
    ENTITY_BASE,
    PREFIXES,
)
from kg.namespaces import OWL_NS as OWL
from kg.namespaces import RDF_NS as RDF
from kg.namespaces import RDFS_NS as RDFS
from kg.namespaces import SKOS_NS as SKOS
from kg.query import SavedQuery, run_query, shorten_iri
from kg.query.curies import as_iri
from kg.rdf.store import KnowledgeStore, Term
from kg.server.errors import ServerError
from kg.server.names import Names
from kg.server.state import State

CG, DCTERMS = PREFIXES["cg"], PREFIXES["dcterms"]
EXTERNAL = "external-entity"  # the saved query of what Wikidata says, for entity pages

COUNT_CAP = 1_000  # page-resource-in-count.rq counts one more to tell
ACTION_SAMPLE = 500  # page-resource-actions.rq reads one more to tell
OUT_CAP = 500
PAGE_SIZE = 50
TOP = 10
LADDER_PROBES = 20  # dates tried, latest first, for a busy entity
DETAIL_CAP = 80  # triples read about one action, statement or article shown in a row

_HEADER = {RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "hiddenLabel", OWL + "sameAs"}
_ROLES = (CG + "agent", CG + "object", CG + "target", CG + "reportedBy")


@dataclass
class Node:
    """A resource as one graph states it: an action, a statement, an article or an entity."""

    iri: str
    graph: str
    kind: str | None = None
    date: str | None = None
    confidence: str | None = None
    evidence: str | None = None
    roles: list[tuple[str, Term]] = field(default_factory=list)


@dataclass
class Fact:
    """A triple the resource is the subject of, and the graphs that state it."""

    property: str
    value: Term
    graphs: list[str] = field(default_factory=list)


@dataclass
class Count:
    iri: str
    count: int
    capped: bool = False


@dataclass
class Page:
    iri: str
    title: str
    labels: dict[str, list[str]]
    aliases: list[str]
    types: list[str]
    same_as: list[str]
    facts: list[Fact]
    facts_capped: bool
    link_counts: list[Count]
    links: list[tuple[str, Node]]
    page: int
    more: bool
    property: str | None
    names: dict[str, str]
    classes: list[Count] = field(default_factory=list)
    actions: Count | None = None  # how many actions the classes were counted over
    recent: list[Node] = field(default_factory=list)
    confident: list[Node] = field(default_factory=list)
    article: Node | None = None
    external: list[dict] = field(default_factory=list)  # rows of queries/external-entity.rq

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    def name(self, iri: str) -> str:
        return self.names.get(iri) or shorten_iri(iri)

    def source_name(self, graph: str) -> str:
        if graph == self.iri:
            return "this article"
        return self.name(graph)


async def resource_page(request: Request, state: State, iri: str) -> Response:
    """The page `?page=N` (from 1) about `iri`, of the links of `?property=` if given; the next and
    previous pages are linked in the page and in a `Link` header (rel="next", rel="prev")."""
    number, prop = _page_number(request.query_params.get("page")), request.query_params.get("property")
    if prop is not None:
        found = as_iri(prop.strip())
        if found is None:
            raise ServerError(400, f"property {prop!r} is not an IRI; give an absolute IRI or a CURIE such as cg:agent.")
        prop = found.value
    doing = f"the page about {shorten_iri(iri)}" + (f" (page {number})" if number > 1 else "")
    page = await state.run(describe, state.knowledge, state.pages, iri, doing=doing, page=number, prop=prop,
                           external=state.saved.get(EXTERNAL))
    if page is None:
        raise ServerError(404, f"the graph says nothing about {iri}.")
    if number > 1 and not page.links:
        raise ServerError(404, f"{shorten_iri(iri)} has fewer links than page {number} would show; "
                               f"the last page is shorter: try ?page=1.")
    links = {"next": page_link(page, number + 1) if page.more else None,
             "prev": page_link(page, number - 1) if number > 1 else None}
    response = state.render(request, "resource.html", title=page.title, page=page, iri=iri, pages=links)
    header = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items() if href)
    if header:
        response.headers["Link"] = header
    return response


def page_link(page: Page, number: int) -> str:
    """The query string of another page of the same listing (relative to the resource's page)."""
    params = {**({"property": page.property} if page.property else {}), **({"page": number} if number > 1 else {})}
    return "?" + urlencode(params) if params else "?"


def _page_number(given: str | None) -> int:
    if given is None or given == "":
        return 1
    if not given.isdigit() or int(given) < 1:
        raise ServerError(400, f"page {given!r} is not a page number; pages are numbered from 1 (?page=2).")
    return int(given)


def describe(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str, *, page: int = 1,
             prop: str | None = None, external: SavedQuery | None = None) -> Page | None:
    """Everything the page `page` about `iri` shows, or None when the graph says nothing about it;
    `queries` are the page queries (`kg/sparql/page-*.rq` by name), `prop` limits the links to one
    property, `external` is the saved query of cached Wikidata facts."""
    resource = {"resource": iri}
    out = run_query(knowledge, queries["resource-out"], resource, limit=OUT_CAP)
    linking = {**resource, **({"property": prop} if prop else {})}
    links = run_query(knowledge, queries["resource-in"], linking, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if not out.rows and not links.rows and not _linked(knowledge, queries, iri):
        return None
    own = _Own.read(out.records())
    names = Names(knowledge, queries)
    listed = [(row["property"].value, node(knowledge, queries, row["subject"].value, row["graph"].value))
              for row in links.records()]
    found = Page(iri=iri, title="", labels=own.labels, aliases=own.aliases, types=own.types, same_as=own.same_as,
                 facts=own.facts, facts_capped=out.more, link_counts=link_counts(knowledge, queries, iri),
                 links=listed, page=page, more=links.more, property=prop, names={})
    if iri.startswith(ENTITY_BASE):
        _summarise_actions(knowledge, queries, iri, found)
        if external is not None:
            found.external = [r for r in run_query(knowledge, external, {"entity": iri}).records()
                              if r["link"] is not None and r["link"].value != "none"]
    if iri.startswith(ARTICLE_BASE):
        found.classes = [Count(r["class"].value, int(r["count"].value))
                         for r in run_query(knowledge, queries["article-classes"], resource).records()]
        found.article = node(knowledge, queries, iri, iri)
    found.names = names.of(_shown(found))
    found.title = _title(found, names)
    return found


def _linked(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str) -> bool:
    return bool(run_query(knowledge, queries["resource-in"], {"resource": iri}, limit=1).rows)


@dataclass
class _Own:
    """The resource's own triples, sorted into the page's header and its facts table."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @classmethod
    def read(cls, rows: list[dict]) -> _Own:
        labels: dict[str, dict[str, None]] = {}
        header: dict[str, dict[str, None]] = {SKOS + "altLabel": {}, RDF + "type": {}, OWL + "sameAs": {}}
        graphs: dict[tuple[str, Term], dict[str, None]] = {}
        for row in rows:
            prop, value = row["property"].value, row["value"]
            if prop == RDFS + "label" and isinstance(value, ox.Literal):
                labels.setdefault(value.language or "", {})[value.value] = None
            elif prop in header:
                header[prop][value.value] = None
            if prop not in _HEADER:
                graphs.setdefault((prop, value), {})[row["graph"].value] = None
        facts = [Fact(prop, value, list(found)) for (prop, value), found in graphs.items()]
        return cls(labels={lang: list(names) for lang, names in labels.items()},
                   aliases=sorted(header[SKOS + "altLabel"]), types=sorted(header[RDF + "type"]),
                   same_as=sorted(header[OWL + "sameAs"]), facts=sorted(facts, key=lambda f: (f.property, str(f.value))))


def link_counts(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str) -> list[Count]:
    """Links to `iri` per property, each counted up to COUNT_CAP (`capped` beyond it)."""
    counts = []
    for prop in _link_properties(knowledge, queries):
        rows = run_query(knowledge, queries["resource-in-count"], {"resource": iri, "property": prop}).rows
        n = int(rows[0][0].value) if rows else 0
        if n:
            counts.append(Count(prop.value, min(n, COUNT_CAP), capped=n > COUNT_CAP))
    return sorted(counts, key=lambda c: (-c.count, c.iri))


def _link_properties(knowledge: KnowledgeStore, queries: dict[str, SavedQuery]) -> list[ox.NamedNode]:
    return knowledge.memo("server.page-link-properties", lambda: [
        row[0] for row in run_query(knowledge, queries["link-properties"]).rows])


def node(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str, graph: str) -> Node:
    """What `graph` says about `iri`: kind, date, confidence, evidence and the other roles."""
    found = Node(iri, graph)
    rows = run_query(knowledge, queries["resource-out"], {"resource": iri, "graph": graph}, limit=DETAIL_CAP).records()
    for row in rows:
        prop, value = row["property"].value, row["value"]
        if prop == RDF + "type" and found.kind is None:
            found.kind = value.value
        elif prop in (CG + "date", DCTERMS + "date"):
            found.date = value.value
        elif prop == CG + "confidence":
            found.confidence = value.value
        elif prop == CG + "evidence":
            found.evidence = value.value
        elif prop in _ROLES or prop.startswith(RDF) or prop == CG + "outlet":
            found.roles.append((prop, value))
    found.roles.sort(key=lambda r: (r[0], str(r[1])))
    return found


def _summarise_actions(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str, page: Page) -> None:
    """Class counts and the most recent and most confident actions of an entity (see the module)."""
    rows = run_query(knowledge, queries["resource-actions"], {"resource": iri}).records()
    sampled = len(rows) > ACTION_SAMPLE
    rows = rows[:ACTION_SAMPLE]
    if not rows:
        return
    classes: dict[str, set[str]] = {}
    for row in rows:
        classes.setdefault(row["class"].value, set()).add(row["action"].value)
    page.classes = sorted((Count(c, len(a)) for c, a in classes.items()), key=lambda c: (-c.count, c.iri))
    page.actions = Count(iri, len({row["action"].value for row in rows}), capped=sampled)
    recent = _top(rows, "date", _date_key)
    if sampled:  # the latest dates of the whole store first, then the sample's
        recent = _top(_ladder(knowledge, queries, iri, CG + "date", _date_key) + recent, "date", _date_key)
    page.recent = [node(knowledge, queries, r["action"].value, r["graph"].value) for r in recent]
    page.confident = [node(knowledge, queries, r["action"].value, r["graph"].value)
                      for r in _top(rows, "confidence", _number_key)]


def _top(rows: list[dict], name: str, key) -> list[dict]:
    """The TOP rows with the highest `name`, one per action and graph, ties in a fixed order."""
    valued = [r for r in rows if r.get(name) is not None]
    valued.sort(key=lambda r: (key(r[name]), r["action"].value, r["graph"].value), reverse=True)
    return _distinct(valued)[:TOP]


def _ladder(knowledge: KnowledgeStore, queries: dict[str, SavedQuery], iri: str, prop: str, key) -> list[dict]:
    """Up to TOP actions of `iri` with the highest values of `prop`, asked value by value from
    the store's highest down (at most LADDER_PROBES values: each question reads one value's
    actions through the index)."""
    values = knowledge.memo(f"server.page-values.{prop}", lambda: sorted(
        (row[0] for row in run_query(knowledge, queries["values"], {"property": prop}).rows), key=key, reverse=True))
    found: list[dict] = []
    for value in values[:LADDER_PROBES]:
        asked = {"resource": iri, "property": prop, "value": value}
        found = _distinct(found + run_query(knowledge, queries["actions-with"], asked, limit=TOP).records())
        if len(found) >= TOP:
            break
    return [{**row, "date" if prop == CG + "date" else "confidence": row["value"]} for row in found]


def _distinct(rows: list[dict]) -> list[dict]:
    """One row per action and graph, in the order given."""
    seen: dict[tuple[str, str], dict] = {}
    for row in rows:
        seen.setdefault((row["action"].value, row["graph"].value), row)
    return list(seen.values())


def _date_key(term: Term) -> str:
    return term.value


def _number_key(term: Term) -> Decimal:
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return Decimal(0)


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


def _shown(page: Page) -> set[str]:
    """Every IRI the page names: types, properties, values, roles, graphs, classes."""
    iris = {page.iri, *page.types, *(c.iri for c in page.link_counts), *(c.iri for c in page.classes)}
    for fact in page.facts:
        iris |= {fact.property, *fact.graphs, *_iris([fact.value])}
    nodes = [n for _, n in page.links] + page.recent + page.confident + ([page.article] if page.article else [])
    for item in nodes:
        iris |= {item.iri, item.graph, *([item.kind] if item.kind else []), *(p for p, _ in item.roles),
                 *_iris(v for _, v in item.roles)}
    iris |= {p for p, _ in page.links}
    if page.property:
        iris.add(page.property)
    return iris


def _iris(terms) -> set[str]:
    return {t.value for t in terms if isinstance(t, ox.NamedNode)}


def _title(page: Page, names: Names) -> str:
    """A heading: the labels in both languages, an article's name, or an action's kind and date."""
    if page.labels.get("ko") or page.labels.get("en"):
        return " · ".join(dict.fromkeys(page.labels.get("ko", [])[:1] + page.labels.get("en", [])[:1]))
    if page.iri.startswith(ARTICLE_BASE):
        return names.name(page.iri)
    kinds = [t for t in page.types if not t.endswith("#Action")]
    date = next((f.value.value for f in page.facts if f.property == CG + "date"), None)
    if kinds:
        kind = names.name(kinds[0])
        return f"{kind} · {date}" if date else kind
    return names.name(page.iri)
