"""The HTTP connection limits uvicorn lacks: slow or oversized request heads are cut off.

uvicorn times out idle keep-alive connections (`timeout_keep_alive`) but not a client that sends
its request line and headers a byte at a time (slowloris): each such connection holds a socket and
a parser for as long as the client likes. Its httptools parser also has no limit on the size of the
head. `guarded_protocol` wraps uvicorn's own protocol class so that, from the moment a connection
opens (or a keep-alive request's first byte arrives), the head must arrive within `seconds` (else
408) and be at most `max_head` bytes (else 431); both answers close the connection. Bodies are
read with their own deadline by `kg.server.core.read_body`.
"""

from __future__ import annotations

import asyncio

MAX_HEAD = 64 * 1024  # request line and headers; long SPARQL queries go by POST


def guarded_protocol(seconds: float, max_head: int = MAX_HEAD) -> type | str:
    """uvicorn's httptools protocol class with these limits; without httptools, uvicorn's h11
    protocol as it is (h11 limits the head to 16 KiB itself, but nothing times a slow head out)."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
        return "h11"
    return type("GuardedProtocol", (_Guard, HttpToolsProtocol), {"head_seconds": seconds, "max_head": max_head})


class _Guard:
    """Mixin over uvicorn's HttpToolsProtocol. Its parser callbacks say where a message is: a head
    is being read from the connection's start, or the end of the previous message, until the
    headers are complete. Bytes are counted as they arrive (httptools buffers an unfinished header
    itself, so counting parsed headers would come too late); a chunk that also holds the end of
    the head is let through, the parser then splits it."""

    head_seconds: float
    max_head: int
    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._reading_head = True
        self._head_bytes = 0  # bytes of the unfinished head so far, and their last three
        self._tail = b""
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head:
                window = self._tail + data[:max(0, len(data) - (self._head_bytes - self.max_head))]
                if b"\r\n\r\n" not in window and b"\n\n" not in window:
                    self._refuse(431, f"the request line and headers are larger than {self.max_head // 1024} KiB; "
                                      "send long queries by POST.")
                    return
            self._tail = (self._tail + data)[-3:]
        super().data_received(data)  # type: ignore[misc]

    def on_message_begin(self) -> None:
        super().on_message_begin()  # type: ignore[misc]
        self._arm()

    def on_headers_complete(self) -> None:
        self._reading_head, self._head_bytes, self._tail = False, 0, b""
        self._disarm()
        super().on_headers_complete()  # type: ignore[misc]

    def on_message_complete(self) -> None:
        super().on_message_complete()  # type: ignore[misc]
        self._reading_head = True  # an idle keep-alive connection is closed by uvicorn's own timer

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = asyncio.get_running_loop().call_later(self.head_seconds, self._expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _expired(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            self._refuse(408, f"the request did not arrive within {self.head_seconds:g} s.")

    def _refuse(self, status: int, message: str) -> None:
        reason = {408: "Request Timeout", 431: "Request Header Fields Too Large"}[status]
        body = (message + "\n").encode()
        head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode()
        self.transport.write(head + body)
        self.transport.close()
        self._disarm()
