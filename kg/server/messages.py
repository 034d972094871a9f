"""Reading a request (its body within limits, its parameters) and writing a plain answer."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.formats import Format
from kg.server.errors import ServerError

DEFAULT_MAX_BODY = 4 * 1024 * 1024
DEFAULT_CLIENT_TIMEOUT = 10.0  # seconds a client may take to send a request's headers, and its body


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
    """(name, value) pairs as name -> values, in order: a protocol parameter may be repeated."""
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
    """`body` as `fmt`, varying with Accept; with `download`, saved as that file name."""
    headers = {"Vary": "Accept"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return Response(body, status_code=status, media_type=fmt.media_type, headers=headers)


def timeout_message(path: str, seconds: float) -> str:
    """What a request that ran past `--timeout` is told: the user's own query is theirs to narrow;
    a page or saved query they did not write is named, with what to ask for instead."""
    longer = f"or start kg serve with a longer --timeout (now {seconds:g} s)."
    if path.rstrip("/") == "/sparql":
        return f"the query ran longer than {seconds:g} s and was abandoned; narrow it (LIMIT, more specific patterns) {longer}"
    if path.startswith("/queries/"):
        name = path.removeprefix("/queries/")
        return (f"the saved query {name!r} ran longer than {seconds:g} s and was abandoned; give it narrower "
                f"parameters or a smaller page, ?_size= (see /queries/{name}) {longer}")
    if path.startswith("/id/"):
        return (f"the page {path} took longer than {seconds:g} s to make and was abandoned; try a narrower page "
                f"(one property: ?property=…; its Turtle, {path}?format=turtle; or a saved query at /queries) "
                f"{longer}")
    return f"the page {path} took longer than {seconds:g} s to make and was abandoned; {longer.removeprefix('or ')}"
