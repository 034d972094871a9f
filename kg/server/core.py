"""What every part of the HTTP server shares: its state, errors, formats and request helpers.

The server's route modules (`server_sparql`, `server_gsp`, `server_queries`, `server_ld`) import
from here and from the helpers (`server_service`: the SERVICE allow-list; `server_pool`: the query
threads; `server_http`: connection limits), never from each other, so each can be read on its own;
`kg/server.py` lists the routes.

Queries block (pyoxigraph evaluates them in Rust, releasing the GIL), so `State.run` hands them to
a bounded thread pool and waits at most `timeout` seconds. pyoxigraph cannot cancel a running
query: after a timeout the client gets 503 at once, the thread finishes in the background and its
result is dropped. The pool has `threads` workers, so runaway queries can occupy at most that many
threads at a time; `kg.server.pool` replaces a thread stuck on an abandoned query, so the others
go on being answered. Requests queue for a thread and get 503 themselves if they wait past the
timeout.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg import formats
from kg.formats import Format
from kg.namespaces import ID_BASE
from kg.query import QueryResult, SavedQuery, shorten_iri, term_to_text
from kg.server.pool import QueryPool
from kg.rdf.store import KnowledgeStore

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_BODY = 4 * 1024 * 1024
DEFAULT_CLIENT_TIMEOUT = 10.0  # seconds a client may take to send a request's headers, and its body


class ServerError(Exception):
    """An HTTP error answered as one plain sentence (`status`, `message`, extra `headers`)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ------------------------------------------------------------------------------------------------
# Formats and content negotiation
# ------------------------------------------------------------------------------------------------


JSON, XML, CSV, TSV, HTML = Format.JSON, Format.XML, Format.CSV, Format.TSV, Format.HTML
TURTLE, NTRIPLES, JSONLD, RDFXML = Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.RDFXML
NQUADS, TRIG = Format.NQUADS, Format.TRIG

#: Formats offered per query form, in order of preference (the first answers `*/*`); pages add HTML.
RESULT_FORMATS = (*formats.RESULT_FORMATS, HTML)
GRAPH_FORMATS = (*formats.GRAPH_FORMATS, HTML)
DATASET_FORMATS = formats.DATASET_FORMATS


def offers_for(kind: str, *, html: bool = True) -> tuple[Format, ...]:
    """The formats a SELECT/ASK or CONSTRUCT/DESCRIBE answer can take."""
    offers = RESULT_FORMATS if kind in ("SELECT", "ASK") else GRAPH_FORMATS
    return offers if html else tuple(f for f in offers if f is not HTML)


def negotiate(accept: str | None, offers: tuple[Format, ...], requested: str | None = None) -> Format:
    """The format to answer in: the `format` parameter if given, else the best match for `Accept`.

    Each offer gets the q-value of the most specific media range that matches it; the highest q
    wins and ties go to the earlier offer. Raises ServerError 406 when nothing acceptable is offered.
    """
    names = ", ".join(offers)
    if requested:
        wanted = requested.strip().lower()
        named = formats.lookup(wanted)
        for offer in offers:
            if named is offer or wanted.split(";")[0].strip() in offer.types:
                return offer
        raise ServerError(406, f"this answer cannot be given as {requested!r}; formats offered: {names}.")
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    if best is None:
        raise ServerError(406, f"none of the media types in Accept ({accept}) can be produced here; "
                               f"offered: {', '.join(f.types[0] for f in offers)}.")
    return best


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def _quality(offer: Format, ranges: list[tuple[str, float]]) -> float:
    best_specificity, q = -1, 0.0
    for media, quality in ranges:
        kind, _, _ = media.partition("/")
        if media in offer.types:
            specificity = 2
        elif media.endswith("/*") and any(t.startswith(kind + "/") for t in offer.types):
            specificity = 1
        elif media == "*/*" or media == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, quality
    return q


# ------------------------------------------------------------------------------------------------
# State
# ------------------------------------------------------------------------------------------------


@dataclass
class State:
    """Everything a request handler needs, kept on `app.state.kg`."""

    knowledge: KnowledgeStore
    saved: dict[str, SavedQuery]
    allow_update: bool = False
    token: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    base: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    threads: int = 8
    allowed_services: tuple[str, ...] = ()
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT

    def __post_init__(self) -> None:
        self.pool = QueryPool(self.threads)
        self.templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                            trim_blocks=True, lstrip_blocks=True)
        self.templates.globals.update(cell=cell, short=shorten_iri)

    @property
    def store(self) -> ox.Store:
        return self.knowledge.store

    async def run(self, func: Callable[..., Any], *args: Any, timeout: bool = True) -> Any:
        """`func(*args)` in the query pool; ServerError 503 once it has run `timeout` seconds."""
        job = self.pool.submit(func, *args)
        future = asyncio.wrap_future(job)
        if not timeout:
            return await future
        try:
            return await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError:
            self.pool.abandon(job)
            raise ServerError(503, f"the query ran longer than {self.timeout:g} s and was abandoned; "
                                   "narrow it (LIMIT, more specific patterns) or ask for a longer --timeout.") from None

    def base_url(self, request: Request) -> str:
        """The server's public address ending in "/": `--base` if given, else the request's own."""
        if self.base:
            return self.base
        host = request.headers.get("host") or "{}:{}".format(*request.scope["server"])
        return f"{request.scope.get('scheme', 'http')}://{host}{request.scope.get('root_path', '')}/"

    def check_writer(self, request: Request) -> None:
        """Refuse a write unless updates are allowed and the request carries the bearer token."""
        if not self.allow_update or not self.token:
            raise ServerError(403, "this server is read-only; start it with --allow-update and a token to allow writes.")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise ServerError(401, "writes need the server's token as 'Authorization: Bearer <token>'.",
                              {"WWW-Authenticate": 'Bearer realm="chipgraph"'})

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        base = self.base_url(request)
        page = self.templates.get_template(template).render(base=base, href=lambda iri: local_href(base, iri),
                                                            **context)
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


# ------------------------------------------------------------------------------------------------
# Requests
# ------------------------------------------------------------------------------------------------


async def read_body(request: Request, limit: int, seconds: float = DEFAULT_CLIENT_TIMEOUT) -> bytes:
    """The request body, or ServerError 413 as soon as it is known to be longer than `limit` bytes,
    or 408 when it has not all arrived within `seconds` (a slow client would hold memory and a
    connection for as long as it liked)."""
    declared = request.headers.get("content-length")
    too_big = ServerError(413, f"the request body is larger than the limit of {limit:,} bytes.")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_big
                chunks.append(chunk)
    except TimeoutError:
        raise ServerError(408, f"the request body did not arrive within {seconds:g} s.",
                          {"Connection": "close"}) from None
    return b"".join(chunks)


def media_type(request: Request) -> tuple[str, str | None]:
    """The request's Content-Type without parameters, and its charset if one is given."""
    value = request.headers.get("content-type", "")
    kind, *params = [p.strip() for p in value.split(";")]
    charset = next((p.partition("=")[2].strip().strip('"') for p in params if p.lower().startswith("charset=")), None)
    return kind.lower(), charset


def decode_utf8(body: bytes, charset: str | None) -> str:
    """Body text; SPARQL bodies must be UTF-8 (415 for another charset, 400 for broken bytes)."""
    if charset and charset.lower().replace("-", "") != "utf8":
        raise ServerError(415, f"the body must be UTF-8, not {charset}.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServerError(400, f"the body is not valid UTF-8 (byte {exc.start}).") from None


def parse_form(text: str) -> dict[str, list[str]]:
    """An application/x-www-form-urlencoded body as name -> values."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ServerError(400, "the form body is not valid UTF-8 URL-encoding.") from None
    return group(pairs)


def group(pairs: Any) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def single(values: dict[str, list[str]], name: str) -> str | None:
    """The one value of parameter `name` (None if absent); 400 if it is given more than once."""
    found = values.get(name)
    if not found:
        return None
    if len(found) > 1:
        raise ServerError(400, f"the parameter '{name}' is given {len(found)} times; give it once.")
    return found[0]


def iri_list(values: dict[str, list[str]], name: str) -> list[ox.NamedNode]:
    """The IRIs of a repeatable parameter such as default-graph-uri; 400 for one that is no IRI."""
    nodes = []
    for value in values.get(name, []):
        try:
            nodes.append(ox.NamedNode(value))
        except ValueError:
            raise ServerError(400, f"{name} {value!r} is not an absolute IRI.") from None
    return nodes


def answer(body: bytes, fmt: Format, status: int = 200, download: str | None = None) -> Response:
    headers = {"Vary": "Accept"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return Response(body, status_code=status, media_type=fmt.media_type, headers=headers)


