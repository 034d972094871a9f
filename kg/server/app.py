"""`kg serve`: the store over HTTP for people and programs (Starlette app, run by uvicorn).

Routes (all in `ROUTES` below):

    /                       the query page (editor, saved queries, entity search)
    /sparql (and /sparql/)  SPARQL 1.1 Protocol: query (GET, POST form, POST direct) and update;
                            without a query, the Service Description
    /store                  SPARQL 1.1 Graph Store HTTP Protocol (writes need --allow-update)
    /queries                the saved queries (HTML or JSON)
    /queries/{name}         run one saved query, parameters from the query string
    /prefixes.json          the prefix table the query page shortens IRIs with
    /id/{path}              Linked Data for https://w3id.org/chipgraph/id/{path}
    /.well-known/void       VoID description of the dataset (also /void)
    /static/…               the page's CSS and JavaScript (no CDN: works offline)

The store is opened read-only unless updates are allowed; writes then need the bearer token.
Errors are answered as one plain-text sentence with the matching status (400, 401, 403, 404, 405,
406, 408, 413, 415, 431, 503). See `kg.server.state` for how queries are timed out, `kg.server.service`
for the SERVICE allow-list and `kg.server.http` for slow and oversized requests.

Imports run one way: this module imports the routes (`sparql` with `description` and `syntax`,
`gsp`, `ld`, `queries`), which import the shared ground (`state`, `errors`, `negotiation`,
`messages`, `rendering`, `service`, `pool`; `cache` and `http` wrap the app), which never imports
a route.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import KgError, QueryError
from kg.query import load_saved_queries
from kg.rdf.store import KnowledgeStore
from kg.server.cache import ResponseCache
from kg.server.errors import QueryTimeout, ServerError, for_http
from kg.server.gsp import graph_store
from kg.server.http import guarded_protocol
from kg.server.ld import page_queries, resource, void
from kg.server.messages import DEFAULT_CLIENT_TIMEOUT, DEFAULT_MAX_BODY, timeout_message
from kg.server.queries import index, list_queries, prefixes, saved_query
from kg.server.service import DEFAULT_ALLOWED, Services
from kg.server.sparql import sparql_endpoint
from kg.server.state import State
from kg.server.workers import default_workers, listening_socket, run_workers

STATIC = Path(__file__).resolve().parent / "static"

ROUTES = [
    Route("/", index, methods=["GET"]),
    Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
    Route("/sparql/", sparql_endpoint, methods=["GET", "POST"]),
    Route("/store", graph_store, methods=["GET", "PUT", "POST", "DELETE"]),
    Route("/queries", list_queries, methods=["GET"]),
    Route("/queries/{name}", saved_query, methods=["GET"]),
    Route("/prefixes.json", prefixes, methods=["GET"]),
    Route("/id/{path:path}", resource, methods=["GET"]),
    Route("/.well-known/void", void, methods=["GET"]),
    Route("/void", void, methods=["GET"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def create_app(store_path: Path | str, *, allow_update: bool = False, token: str | None = None,
               timeout: float = 30.0, base: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               threads: int = 8, cache_mb: float = 64, allow_service: tuple[str, ...] | list[str] | None = None,
               client_timeout: float = DEFAULT_CLIENT_TIMEOUT) -> Starlette:
    """The HTTP app over the store at `store_path` (opened read-only unless `allow_update`).

    `base` is the server's public address (e.g. https://chipgraph.example.org/) used for links
    and in the service description; by default each request's own address is used. A read-only
    server keeps up to `cache_mb` MB of answers to repeat (`kg.server.cache`); 0 turns that off.
    `allow_service` lists the endpoints SERVICE may call (`kg.server.service`; None: Wikidata's
    only, "none" in the list: no endpoint at all); `client_timeout` bounds how long a client may
    take to send a request body (and, under `serve`, its headers).
    """
    if allow_update and not token:
        raise KgError("--allow-update needs a token", hint="pass --token or set CHIPGRAPH_TOKEN")
    if base is not None and not base.endswith("/"):
        base += "/"
    state = State(knowledge=KnowledgeStore(store_path, read_only=not allow_update), saved=load_saved_queries(),
                  pages=page_queries(), allow_update=allow_update, token=token, timeout=timeout, base=base, max_body=max_body,
                  threads=threads, allowed_services=Services(allowed_services(allow_service), client_timeout),
                  client_timeout=client_timeout)
    middleware = [Middleware(ResponseCache, budget=0 if allow_update else int(cache_mb * 1024 * 1024)),
                  Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "PUT", "DELETE"],
                             allow_headers=["Authorization", "Content-Type", "Accept"],
                             expose_headers=["Content-Type", "Content-Disposition"], max_age=3600)]
    handlers = {ServerError: _server_error, QueryError: _kg_error, KgError: _kg_error, 405: _not_allowed,
                404: _not_found}
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers=handlers)
    app.state.kg = state
    return app


def allowed_services(given: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The SERVICE allow-list: the default unless `--allow-service` is given, nothing for "none"."""
    if not given:
        return DEFAULT_ALLOWED
    if any(url.strip().lower() == "none" for url in given):
        return ()
    return tuple(dict.fromkeys(url.strip() for url in given))


async def _server_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServerError)
    message = timeout_message(request.url.path, exc.seconds) if isinstance(exc, QueryTimeout) else exc.message
    return PlainTextResponse(message + "\n", status_code=exc.status, headers=exc.headers)


async def _kg_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KgError)
    status = 400 if isinstance(exc, QueryError) else 500
    return PlainTextResponse(for_http(exc) + "\n", status_code=status)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    allowed = getattr(exc, "headers", None) or {}
    return PlainTextResponse(f"{request.method} is not allowed on {request.url.path}.\n", status_code=405,
                             headers=allowed)


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"nothing is served at {request.url.path}; the query page is at /.\n", status_code=404)


def serve(store_path: Path | str, *, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          **options) -> None:
    """Run the server until interrupted (the `kg serve` command): in `workers` processes (default:
    one per core; always one for a server that accepts updates, see `kg.server.workers`)."""
    writable = bool(options.get("allow_update"))
    if workers is not None and workers < 1:
        raise KgError(f"--workers must be at least 1, not {workers}")
    if writable and workers not in (None, 1):
        raise KgError("a server that accepts updates runs in one process", hint="drop --workers or --allow-update")
    count = 1 if writable else workers or default_workers()
    mode = "read-write (token required)" if writable else "read-only"
    banner = (f"serving {store_path} ({mode}, {count} worker{'s' if count > 1 else ''}) at http://{host}:{port}/"
              " — SPARQL endpoint /sparql")
    if count == 1:
        app = create_app(store_path, **options)
        sock = listening_socket(host, port, reuse_port=False)
        print(banner, flush=True)
        _uvicorn(app, sock)
        return

    if not Path(store_path).exists():  # said once, here, rather than by every worker; opens nothing
        KnowledgeStore(store_path, read_only=True)

    def serve_one(sock) -> None:
        _uvicorn(create_app(store_path, **options), sock)

    run_workers(count, host, port, serve_one, banner)


def _uvicorn(app: Starlette, sock) -> None:
    """uvicorn on a listening socket, with the limits of `kg.server.http`.

    No access log (it would print every query, and whatever clients put in URLs); uvicorn never
    logs headers, so the bearer token cannot reach the logs. Connections beyond
    `limit_concurrency` are answered 503 by uvicorn; slow or huge request heads by `guarded_protocol`.
    """
    import uvicorn

    seconds = app.state.kg.client_timeout
    config = uvicorn.Config(app, log_level="warning", access_log=False, http=guarded_protocol(seconds),
                            timeout_keep_alive=5, limit_concurrency=1024, server_header=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
