"""A response cache for a read-only server: the same GET answered again from memory.

A read-only server sees the store as it was when it opened it (pyoxigraph's read-only mode reads
a snapshot; writing the folder from another process meanwhile is not supported), so an answer can
never go stale while the server runs. Keys are what makes answers differ: path, query string,
Accept, Host (links and the service description use the request's address) and whether the
request has an Origin (the CORS headers, which this middleware keeps with the answer: it runs
outside the CORS middleware, so a repeated answer skips that too). Only complete 200
answers of at most a sixteenth of the budget are kept, counting key, headers and body (a long
query string with a tiny answer must not slip past the budget); the least recently used go first
once the byte budget is spent. A server that accepts updates does not cache.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ResponseCache:
    """ASGI middleware caching GET answers within `budget` bytes (0 turns it off)."""

    def __init__(self, app: ASGIApp, budget: int) -> None:
        self.app = app
        self.budget = budget
        self.used = 0
        self.entries: OrderedDict[tuple, tuple[Message, bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not self.budget:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (scope["path"], scope["query_string"], headers.get(b"accept"), headers.get(b"host"),
               b"origin" in headers)
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
            start, body = hit
            await send({**start, "headers": list(start["headers"])})  # outer middleware may add headers
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        if scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":  # a copy: outer middleware adds headers to it
                captured.append({**message, "headers": list(message.get("headers", []))})
            else:
                captured.append(message)
            await send(message)

        await self.app(scope, receive, capture)
        self._keep(key, captured)

    def _keep(self, key: tuple, messages: list[Message]) -> None:
        if not messages or messages[0]["type"] != "http.response.start" or messages[0]["status"] != 200:
            return
        bodies = messages[1:]
        if not bodies or bodies[-1].get("more_body") or any(m["type"] != "http.response.body" for m in bodies):
            return
        body = b"".join(m.get("body", b"") for m in bodies)
        size = _size(key, messages[0], body)
        if size > self.budget // 16 or key in self.entries:
            return
        self.entries[key] = (messages[0], body)
        self.used += size
        while self.used > self.budget and self.entries:
            dropped_key, (start, dropped) = self.entries.popitem(last=False)
            self.used -= _size(dropped_key, start, dropped)


def _size(key: tuple, start: Message, body: bytes) -> int:
    """What an entry costs: its body, its key (a query string may be far longer than its answer)
    and headers, plus a fixed overhead, so many tiny answers cannot outgrow the budget either."""
    return (len(body) + sum(len(part) for part in key if isinstance(part, (bytes, str)))
            + sum(len(name) + len(value) for name, value in start.get("headers", [])) + 512)
