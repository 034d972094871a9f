"""The HTML pages: the Jinja templates, and what they need to show RDF terms and results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from starlette.responses import HTMLResponse

from kg.namespaces import ID_BASE, PREFIXES
from kg.query import QueryResult, shorten_iri, term_to_text

TEMPLATES = Path(__file__).resolve().parent / "templates"


def templates() -> jinja2.Environment:
    """The page templates, autoescaped, with `cell`, `short` and the prefix table available."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(cell=cell, short=shorten_iri, prefixes=tuple(PREFIXES))
    return environment


def render(environment: jinja2.Environment, base: str, template: str, status: int = 200,
           **context: Any) -> HTMLResponse:
    """A page, with links relative to the server's public address `base`."""
    page = environment.get_template(template).render(base=base, href=lambda iri: local_href(base, iri), **context)
    return HTMLResponse(page, status_code=status, headers={"Vary": "Accept"})


def local_href(base: str, iri: str) -> str:
    """Where a person follows an IRI: our own page for Chipgraph IRIs, the IRI itself for other
    web IRIs, nowhere for other schemes (a `javascript:` IRI in the data must not become a link)."""
    if iri.startswith(ID_BASE):
        return base + "id/" + iri[len(ID_BASE):]
    return iri if iri.lower().startswith(("http://", "https://")) else "#"


def cell(term: Any) -> dict[str, Any]:
    """A result cell for the HTML templates: text, link target (IRIs), language and datatype."""
    if term is None:
        return {"text": "", "iri": None}
    if isinstance(term, ox.NamedNode):
        return {"text": shorten_iri(term.value), "iri": term.value}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1] if not term.language else None
        return {"text": term.value, "iri": None, "lang": term.language,
                "datatype": None if datatype in (None, "string", "langString") else datatype}
    return {"text": term_to_text(term), "iri": None}


def result_from(native: Any, kind: str) -> QueryResult:
    """A pyoxigraph result as the store-independent QueryResult the HTML templates render."""
    if isinstance(native, ox.QueryBoolean):
        return QueryResult(kind="ASK", boolean=bool(native))
    if isinstance(native, ox.QuerySolutions):
        return QueryResult(kind="SELECT", variables=tuple(v.value for v in native.variables),
                           rows=[tuple(s) for s in native])
    return QueryResult(kind=kind, triples=list(dict.fromkeys(native)))
