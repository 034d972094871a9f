"""What every request handler shares: the store, the queries, the settings, the query threads.

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
import functools
import hmac
import queue
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kg.query import SavedQuery
from kg.rdf.store import KnowledgeStore
from kg.server.errors import QueryTimeout, ServerError
from kg.server.messages import DEFAULT_CLIENT_TIMEOUT, DEFAULT_MAX_BODY
from kg.server.pool import QueryPool
from kg.server.rendering import render, templates
from kg.server.service import Services

_END = object()  # the last piece of a streamed answer
log = logging.getLogger("kg.server")


@dataclass
class State:
    """Everything a request handler needs, kept on `app.state.kg`.

    `saved` are the saved queries served at /queries; `pages` the queries behind the Linked Data
    pages and VoID (`kg/sparql/page-*.rq`, by name without the prefix). Both are read when the
    app is made.
    """

    knowledge: KnowledgeStore
    saved: dict[str, SavedQuery]
    pages: dict[str, SavedQuery] = field(default_factory=dict)
    allow_update: bool = False
    token: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    base: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    threads: int = 8
    allowed_services: Services = field(default_factory=lambda: Services(()))
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT

    renew_delay: float = 2.0

    def __post_init__(self) -> None:
        self.pool = QueryPool(self.threads)
        self.templates = templates()
        self._renewal = threading.Condition()
        self._written_at: float | None = None
        self._renewer: threading.Thread | None = None

    def after_write(self) -> None:
        """Renew the kept answers of the saved queries (`kg.query.answers`) once writes pause for
        `renew_delay` seconds. Until then a page whose kept answer is no longer current answers
        from the store, as it would without one: never stale, only slower."""
        with self._renewal:
            self._written_at = time.monotonic()
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew, name="kg-renew-answers", daemon=True)
                self._renewer.start()
            self._renewal.notify()

    def _renew(self) -> None:
        from kg.query.run import keep_answers

        while True:
            with self._renewal:
                while self._written_at is not None and time.monotonic() - self._written_at < self.renew_delay:
                    self._renewal.wait(self.renew_delay - (time.monotonic() - self._written_at))
                self._written_at = None
            try:
                keep_answers(self.knowledge, self.saved)
            except Exception as exc:  # noqa: BLE001 — a failed renewal leaves pages answering live
                log.warning("could not renew the kept answers of the saved queries: %s", exc)
            with self._renewal:
                if self._written_at is None:
                    self._renewer = None
                    return

    async def run(self, func: Callable[..., Any], *args: Any, timeout: bool = True, doing: str | None = None,
                  **options: Any) -> Any:
        """`func(*args, **options)` in the query pool; ServerError 503 once it has run `timeout`
        seconds. `doing` names what the server was answering when it is not the user's own query
        (a page, a saved query), so the 503 says what to try instead of asking for a LIMIT."""
        job = self.pool.submit(functools.partial(func, **options) if options else func, *args)
        future = asyncio.wrap_future(job)
        if not timeout:
            return await future
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            self.pool.abandon(job)
            raise QueryTimeout(self.timeout, doing) from None
        except asyncio.CancelledError:  # the client went away: its thread is replaced, as after a timeout
            self.pool.abandon(job)
            raise

    async def stream(self, pieces: Callable[[], Iterator[bytes]], *, doing: str) -> AsyncIterator[bytes]:
        """The pieces `pieces()` makes, made in one query thread (a pyoxigraph answer must be read in
        the thread that asked for it) and handed over as they come, a few ahead of the client.

        The first piece is awaited here: an error or a timeout before it is an ordinary error
        answer (400, 503 naming `doing`). A later timeout, or a client that goes away, stops the
        thread at its next piece; the answer then ends early."""
        handoff: queue.Queue = queue.Queue(maxsize=4)
        stop = threading.Event()

        def produce() -> None:
            try:
                for piece in pieces():
                    while not stop.is_set():
                        try:
                            handoff.put(piece, timeout=0.2)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                handoff.put(_END)
            except BaseException as exc:  # noqa: BLE001 - handed to the request, which raises it
                handoff.put(exc)

        job = self.pool.submit(produce)

        async def take() -> Any:
            try:
                item = await asyncio.to_thread(handoff.get, timeout=self.timeout)
            except queue.Empty:
                stop.set()
                self.pool.abandon(job)
                raise QueryTimeout(self.timeout, doing) from None
            if isinstance(item, BaseException):
                raise item
            return item

        first = await take()

        async def rest() -> AsyncIterator[bytes]:
            try:
                item = first
                while item is not _END:
                    yield item
                    item = await take()
            finally:
                stop.set()

        return rest()

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
        """A page of `kg/server/templates`, its links relative to this server's address."""
        return render(self.templates, self.base_url(request), template, status, **context)
