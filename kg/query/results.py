"""A query's answer, materialised apart from the store, and its renderings: short text for
people, SPARQL results (JSON, XML, CSV, TSV) and RDF (Turtle, N-Triples, JSON-LD, …) for tools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, lookup
from kg.namespaces import PREFIXES, XSD_NS
from kg.query.curies import shorten_iri
from kg.query.saved import SavedQuery
from kg.rdf.export import jsonld
from kg.rdf.store import Term


@dataclass
class QueryResult:
    """A materialised query result, independent of the store (for the CLI and an HTTP server)."""

    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    query: SavedQuery | None = None
    more: bool = False  # a page (`run_query(limit=…)`): more rows follow it
    kept: bool = False  # read from the answer the build kept (`kg.query.answers`), not computed now

    def sliced(self, offset: int, limit: int) -> QueryResult:
        """The page of `limit` rows (or triples) from `offset`, knowing whether more follow."""
        page = QueryResult(kind=self.kind, variables=self.variables, boolean=self.boolean, query=self.query)
        whole = self.rows if self.kind == "SELECT" else self.triples
        part = whole[offset:offset + limit]
        page.more = len(whole) > offset + limit
        if self.kind == "SELECT":
            page.rows = part
        elif self.kind != "ASK":
            page.triples = part
        return page

    def __len__(self) -> int:
        if self.kind == "SELECT":
            return len(self.rows)
        if self.kind == "ASK":
            return 1
        return len(self.triples)

    def records(self) -> list[dict[str, Term | None]]:
        """SELECT rows as dicts keyed by variable name."""
        return [dict(zip(self.variables, row)) for row in self.rows]


def term_to_text(term: Term | None) -> str:
    """A short human rendering: CURIEs for known namespaces, literal values with @lang."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, ox.Triple):
        return f"<< {term_to_text(term.subject)} {term_to_text(term.predicate)} {term_to_text(term.object)} >>"
    return str(term)


def cell_text(term: Term | None) -> str:
    """A table cell: a literal's value without its tag or type; an IRI as a CURIE where a prefix fits."""
    if isinstance(term, ox.Literal):
        return term.value
    return term_to_text(term)


def display_rows(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    """A SELECT result as people read it: the column names and rows of cell text, where an IRI
    column gives way to its `…Label` twin under the IRI's name (`agentLabel` is shown as
    `agent`; the IRI itself stays in the machine formats)."""
    names = list(result.variables)
    shown = [i for i, name in enumerate(names) if f"{name}Label" not in names]
    headers = [names[i].removesuffix("Label") if names[i].removesuffix("Label") in names else names[i] for i in shown]
    return headers, [[cell_text(row[i]) for i in shown] for row in result.rows]


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_NS + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"cannot serialise {term!r}")


def _json_row(variables: tuple[str, ...], row: tuple[Term | None, ...]) -> dict[str, Any]:
    return {var: _json_term(term) for var, term in zip(variables, row) if term is not None}


def _results_json(result: QueryResult, links: dict[str, str] | None = None) -> bytes:
    document: dict[str, Any] = dict(links or {})  # before "head": parsers stop reading after "results"
    if result.kind == "ASK":
        document.update(head={}, boolean=bool(result.boolean))
    else:
        document.update(head={"vars": list(result.variables)},
                        results={"bindings": [_json_row(result.variables, row) for row in result.rows]})
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


#: The results formats an answer can be streamed in, row by row.
STREAM_FORMATS = (Format.JSON, Format.CSV, Format.TSV)


def stream_rows(variables: tuple[str, ...], rows: Iterator[tuple[Term | None, ...]], fmt: Format,
                chunk: int = 500) -> Iterator[bytes]:
    """A whole SELECT answer in `fmt` (one of STREAM_FORMATS), `chunk` rows at a time, so a large
    answer is never held in memory: the answer `serialize_result` gives (CSV and TSV byte for byte)."""
    if fmt not in STREAM_FORMATS:
        raise QueryError(f"a whole answer cannot be streamed as {fmt.value!r}", hint="use one of " + ", ".join(STREAM_FORMATS))
    if fmt is Format.JSON:
        yield from _stream_json(variables, rows, chunk)
        return
    first = True
    for part in _chunks(rows, chunk, always_one=True):
        text = serialize_result(QueryResult(kind="SELECT", variables=variables, rows=part), fmt)
        yield text if first else text.split(b"\n", 1)[1]  # the header line only once
        first = False


def _stream_json(variables: tuple[str, ...], rows: Iterator[tuple[Term | None, ...]], chunk: int) -> Iterator[bytes]:
    head = json.dumps({"vars": list(variables)}, ensure_ascii=False)
    yield f'{{\n  "head": {head},\n  "results": {{\n    "bindings": ['.encode()
    lead = "\n      "
    for part in _chunks(rows, chunk):
        rows_json = ",\n      ".join(json.dumps(_json_row(variables, row), ensure_ascii=False) for row in part)
        yield (lead + rows_json).encode("utf-8")
        lead = ",\n      "
    yield b"\n    ]\n  }\n}\n"


def _chunks(rows: Iterator[Any], size: int, *, always_one: bool = False) -> Iterator[list[Any]]:
    """Lists of up to `size` rows; with `always_one`, one (empty) list even when there are no rows."""
    part: list[Any] = []
    for row in rows:
        part.append(row)
        if len(part) >= size:
            yield part
            part = []
    if part or always_one:
        yield part


def serialize_result(result: QueryResult, fmt: str | Format, links: dict[str, str] | None = None) -> bytes:
    """Bytes of `result` in `fmt`: a results format (SELECT, ASK) or an RDF format (CONSTRUCT, DESCRIBE).
    `links` (such as Datasette's "next" and "next_url" of a page) lead a JSON results document."""
    allowed = RESULT_FORMATS if result.kind in ("SELECT", "ASK") else GRAPH_FORMATS
    found = fmt if isinstance(fmt, Format) else lookup(fmt)
    if found not in allowed:
        shown = found.value if found is not None else str(fmt).lower()
        raise QueryError(f"a {result.kind} result cannot be written as {shown!r}",
                         hint="use one of " + ", ".join(allowed))
    if result.kind in ("SELECT", "ASK"):
        as_json = _results_json(result, links if found is Format.JSON else None)
        if found is Format.JSON:
            return as_json
        parsed = ox.parse_query_results(as_json, format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=found.results_format)
        return data if data.endswith(b"\n") else data + b"\n"  # an ASK's `true` is a line, as a shell expects
    if found is Format.NQUADS:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result.triples]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    if found is Format.JSONLD:
        return jsonld(result.triples)
    rdf_format = found.rdf_format
    prefixes = PREFIXES if found in (Format.TURTLE, Format.RDFXML) else None
    try:
        return ox.serialize(result.triples, format=rdf_format, prefixes=prefixes)
    except (ValueError, TypeError):
        return ox.serialize(result.triples, format=rdf_format)
