"""Which remote endpoints a query may call through SERVICE (`kg serve --allow-service URL`).

A SERVICE clause makes the server open an HTTP connection wherever the query says: to machines
behind the firewall the server can reach but its users cannot, or to an address that accepts and
never answers (pyoxigraph cannot cancel the call, so it would hold a query thread for good). So
the server refuses, before running anything, every query whose SERVICE targets are not all on an
allow-list: by default only Wikidata's public endpoint, which the federated saved queries use.

pyoxigraph has no public algebra API, and rdflib's parser does not accept everything Oxigraph
does, so the targets are found with the same tokenizer the endpoint uses for keywords: strings,
comments and IRIs are skipped whole, so `SERVICE` inside a literal is never taken for a clause,
and every real SERVICE keyword must be followed by (SILENT and) an IRI, a prefixed name or a
variable, or the query is refused. Relative IRIs are resolved against BASE or the endpoint, and
prefixed names against the query's own PREFIX declarations, then the predeclared ones. A
variable target is allowed only when the caller knows its value: a saved query's parameter,
bound before the query runs; on `/sparql` the variable could be bound to anything by the data
itself, so it is refused.

An allowed endpoint may still be down, or (no network, a firewall that drops packets) never
answer at all, and pyoxigraph's SERVICE call has no timeout. So before such a query runs, each
of its endpoints is asked for a `HEAD` within `Services.reach_seconds` (`--client-timeout`): any
HTTP answer will do; a refused connection or an unknown host is 502, silence 504, both naming
the host, instead of a query thread held until `--timeout` says only that the query ran long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.server.errors import ServerError, one_line

#: The endpoints SERVICE may call unless `--allow-service` says otherwise.
DEFAULT_ALLOWED = ("https://query.wikidata.org/sparql",)


@dataclass(frozen=True)
class Services:
    """The endpoints SERVICE may call, and how long one may take to answer at all before a query
    that calls it is refused (None: not asked beforehand)."""

    allowed: tuple[str, ...] = DEFAULT_ALLOWED
    reach_seconds: float | None = None

    def __iter__(self) -> Iterator[str]:
        return iter(self.allowed)

_NAME_CHAR = r"(?:[\w\-:%\u00B7]|\\.)"  # what a prefixed name's local part may hold
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]*)
  | (?P<pname>(?:[^\W\d_][\w\-]*(?:\.+[\w\-]+)*)?:(?:NAME|\.+(?=NAME))*)
  | (?P<word>[^\s{}()\[\];,.<>"'\#?$]+)
  | (?P<punct>.)
""".replace("NAME", _NAME_CHAR), re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(text: str) -> str:
    """The query as Oxigraph's parser reads it: \\uXXXX escapes are replaced before anything else,
    so `\\u0053ERVICE` is the keyword SERVICE."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 else match.group()

    return _ESCAPE.sub(char, text)


def service_targets(text: str, base: str) -> list[str]:
    """Every SERVICE target of a query: absolute IRIs, or "?name" for a variable.

    Raises ServerError 400 when a SERVICE keyword is not followed by something this can read, or
    is glued to other characters (Oxigraph reads `1SERVICE` as the number 1 and the keyword).
    """
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(unescape(text))
              if m.lastgroup not in ("space", "comment")]
    prefixes = dict(PREFIXES)
    targets: list[str] = []
    index = 0
    while index < len(tokens):
        kind, token = tokens[index]
        word = token.upper() if kind == "word" else None
        if word == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2][0] == "iri":
            prefixes[tokens[index + 1][1].rstrip(":")] = urljoin(base, tokens[index + 2][1][1:-1])
            index += 3
            continue
        if word == "BASE" and index + 1 < len(tokens) and tokens[index + 1][0] == "iri":
            base = urljoin(base, tokens[index + 1][1][1:-1])
            index += 2
            continue
        if word is not None and word != "SERVICE" and "SERVICE" in word:
            raise ServerError(400, f"write SERVICE as a word of its own, not inside {token!r}.")
        if word != "SERVICE":
            index += 1
            continue
        index += 1
        if index < len(tokens) and tokens[index][0] == "word" and tokens[index][1].upper() == "SILENT":
            index += 1
        target_kind, target = tokens[index] if index < len(tokens) else (None, "")
        if target_kind == "iri":
            targets.append(urljoin(base, target[1:-1]))
        elif target_kind == "var" and len(target) > 1:
            targets.append("?" + target[1:])
        elif target_kind == "pname":
            prefix, _, local = target.partition(":")
            if prefix not in prefixes:
                raise ServerError(400, f"the SERVICE address {target} uses the undeclared prefix '{prefix}:'.")
            targets.append(prefixes[prefix] + local)
        else:
            raise ServerError(400, "a SERVICE keyword is not followed by an IRI, a prefixed name or a variable.")
        index += 1
    return targets


def check_services(text: str, base: str, services: Services,
                   bound: Mapping[ox.Variable, object] | None = None) -> None:
    """Refuse (403) a query calling SERVICE anywhere outside `services.allowed`, then (502, 504) one
    whose endpoints do not answer within `services.reach_seconds`; `bound` are the values of
    variables fixed before the query runs (a saved query's parameters). Blocks while it asks:
    call it where the query will run, not on the event loop."""
    if "service" not in unescape(text).lower():  # the common case costs one scan
        return
    allowed = set(services.allowed)
    values = {variable.value: term for variable, term in (bound or {}).items()}
    targets = []
    for target in service_targets(text, base):
        if target.startswith("?"):
            term = values.get(target[1:])
            if not isinstance(term, ox.NamedNode):
                raise ServerError(403, f"SERVICE {target} is refused because its address is only known while the "
                                       "query runs; name an allowed endpoint's IRI instead.")
            target = term.value
        if target not in allowed:
            raise ServerError(403, f"SERVICE <{target}> is refused because the address is not on this server's "
                                   "allow-list; start kg serve with --allow-service "
                                   f"{target} to allow it.")
        targets.append(target)
    if services.reach_seconds:
        for target in dict.fromkeys(targets):
            reach(target, services.reach_seconds)


def reach(endpoint: str, seconds: float) -> None:
    """Return once `endpoint` gives any HTTP answer to a HEAD; ServerError 502 (refused, unknown
    host, broken TLS) or 504 (no answer within `seconds`) naming its host otherwise."""
    host = urlsplit(endpoint).netloc or endpoint
    try:
        httpx.head(endpoint, timeout=seconds)
    except httpx.TimeoutException:
        raise ServerError(504, f"cannot reach {host}: the SERVICE endpoint {endpoint} did not answer within "
                               f"{seconds:g} s; is the network up? (kg serve --client-timeout sets the wait)") from None
    except (httpx.HTTPError, OSError) as exc:
        raise ServerError(502, f"cannot reach {host}: the SERVICE endpoint {endpoint} refused or failed the "
                               f"connection ({one_line(exc, 160) or type(exc).__name__}); is it running, and is the address right?") from None
