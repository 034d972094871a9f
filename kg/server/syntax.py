"""SPARQL text read without a parser: the query form, FROM clauses, and USING for the protocol.

pyoxigraph has no public algebra API, so what the endpoint must know before it runs a query (is
it SELECT or CONSTRUCT, to negotiate the format; does it have FROM, to choose the default graph)
comes from a keyword scan that skips strings, IRIs and comments whole, so a keyword inside a
literal is never taken for one. If the scan is wrong, the endpoint negotiates again from the
result pyoxigraph returns.

pyoxigraph's `Store.update` takes no dataset, so `using-graph-uri` / `using-named-graph-uri` are
applied by writing `USING <g>` / `USING NAMED <g>` before the WHERE of each DELETE/INSERT operation
(`with_using`); an operation that has its own USING or WITH is refused with 400, as the protocol
requires. The DELETE WHERE shorthand cannot take USING and is left as it is.
"""

from __future__ import annotations

import re
from typing import Iterator

import pyoxigraph as ox

from kg.server.errors import ServerError

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][^\s{}()\[\];,.<>"'\#]*)
  | (?P<word>[^\s{}()\[\];,.<>"'\#?$]+)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def keywords(text: str, *, punctuation: bool = False) -> Iterator[tuple[str, int, int]]:
    """Words of SPARQL text, upper-cased, with their offset and brace depth; strings, IRIs and
    comments skipped. With `punctuation`, `{`, `}` and `;` come too (a closing brace at the
    depth it returns to)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        group_name, token = match.lastgroup, match.group()
        if group_name == "word":
            yield token.upper(), match.start(), depth
        elif group_name == "punct" and token in "{}":
            depth = depth + 1 if token == "{" else max(0, depth - 1)
            if punctuation:
                yield token, match.start(), depth
        elif group_name == "punct" and token == ";" and punctuation:
            yield token, match.start(), depth


def query_form(text: str) -> tuple[str, bool]:
    """The query form (SELECT if none is recognised) and whether the query has FROM clauses."""
    form, has_from = None, False
    for word, _, _ in keywords(text):
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        elif word == "FROM":
            has_from = True
    return form or "SELECT", has_from


def with_using(update: str, default: list[ox.NamedNode], named: list[ox.NamedNode]) -> str:
    """`update` with USING / USING NAMED clauses for the protocol's using-graph-uri parameters."""
    if not default and not named:
        return update
    clause = " ".join([f"USING {g}" for g in default] + [f"USING NAMED {g}" for g in named]) + " "
    positions = []
    operation: list[tuple[str, int]] = []  # depth-0 tokens of the current operation
    for word, start, depth in keywords(update, punctuation=True):
        if depth > 0 and word != "}":
            continue
        if word == ";":
            operation = []
            continue
        if word in ("USING", "WITH"):
            raise ServerError(400, "the update names its own dataset (USING or WITH) and the request gives "
                                   "using-graph-uri or using-named-graph-uri; give only one of them.")
        if word == "WHERE" and operation and operation[-1][0] != "DELETE":
            positions.append(start)
        operation.append((word, start))
    for start in reversed(positions):
        update = update[:start] + clause + update[start:]
    return update
