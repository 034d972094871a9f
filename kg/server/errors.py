"""How the server refuses a request: one plain sentence with the matching status."""

from __future__ import annotations


class ServerError(Exception):
    """An HTTP error answered as one plain sentence (`status`, `message`, extra `headers`)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def one_line(error: Exception | str, limit: int | None = None) -> str:
    """An error message on one line (a parser's message may quote a query with newlines in it),
    cut with "…" past `limit` characters."""
    text = " ".join(str(error).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
