"""How the server refuses a request: one plain sentence with the matching status."""

from __future__ import annotations

from kg.errors import KgError


class ServerError(Exception):
    """An HTTP error answered as one plain sentence (`status`, `message`, extra `headers`)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class QueryTimeout(ServerError):
    """A query ran past `--timeout` and was abandoned (503). What to try depends on who wrote the
    query, the user or a page: `kg.server.messages.timeout_message` says it for the request."""

    def __init__(self, seconds: float, doing: str | None = None) -> None:
        super().__init__(503, f"{doing or 'the query'} ran longer than {seconds:g} s and was abandoned.")
        self.seconds = seconds
        self.doing = doing


def for_http(error: KgError) -> str:
    """A library error as the server says it: one line, with the hint in HTTP's words
    (`?chip=…`) where the library gives one, never the command line's (`--param chip=…`)."""
    hint = error.web_hint or error.hint
    return one_line(f"{error.message} ({hint})" if hint else error.message)


def one_line(error: Exception | str, limit: int | None = None) -> str:
    """An error message on one line (a parser's message may quote a query with newlines in it),
    cut with "…" past `limit` characters."""
    text = " ".join(str(error).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
