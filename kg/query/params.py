"""Parameter values as typed RDF terms, checked before a query runs.

A parameter binds the variable of the same name through pyoxigraph's substitutions (SEP-0007):
the value is never pasted into the query text, so a value such as `"} ; DROP ALL ; #` is only
ever a literal. Types:

- `string`: a plain `xsd:string` literal. Labels are language-tagged, so queries compare with
  `STR(?label)` (or `CONTAINS(LCASE(STR(?label)), LCASE(?q))`), never with `=`.
- `entity`: a label, alias or IRI, resolved to the entity IRI (`kg.query.entities`).
- `iri`: an absolute IRI or a CURIE with a known prefix.
- `date`: `YYYY-MM-DD` (xsd:date), `YYYY-MM` (xsd:gYearMonth) or `YYYY` (xsd:gYear).
- `integer`, `decimal`, `boolean` (true/false, yes/no, 1/0).

An optional parameter with neither value nor default stays unbound. Python callers may give an
RDF term itself (a `pyoxigraph` NamedNode or Literal read from the store): it is bound as it is.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.namespaces import XSD_NS
from kg.query.curies import as_iri
from kg.query.entities import resolve_entity
from kg.query.saved import Parameter, SavedQuery, value_text
from kg.rdf.store import KnowledgeStore, Term


def bind_parameters(store: KnowledgeStore, query: SavedQuery, values: Mapping[str, Any]) -> dict[ox.Variable, Term]:
    """Typed RDF terms for the query's parameters, ready for pyoxigraph's `substitutions`."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        names = ", ".join(declared) if declared else "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}",
                         hint=f"its parameters: {names}")
    bindings: dict[ox.Variable, Term] = {}
    for param in query.parameters:
        raw = values.get(param.name)
        if isinstance(raw, (ox.NamedNode, ox.Literal)):
            bindings[ox.Variable(param.name)] = raw
            continue
        value = None if raw is None else value_text(raw)
        if value is not None and value.strip() == "" and param.type != "string":
            value = None
        if value is None:
            value = param.default
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs the parameter {param.name!r} ({param.type})",
                                 hint=f"pass --param {param.name}=…" + (f": {param.description}" if param.description else ""),
                                 web_hint=f"add ?{param.name}=… to the address" + (f": {param.description}" if param.description else ""))
            continue
        bindings[ox.Variable(param.name)] = _to_term(store, param, value)
    return bindings


def _to_term(store: KnowledgeStore, param: Parameter, value: str) -> Term:
    kind = param.type
    text = value.strip()
    if kind == "string":
        return ox.Literal(value)
    if kind == "entity":
        return resolve_entity(store, value)
    if kind == "iri":
        iri = as_iri(text)
        if iri is None:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an IRI",
                             hint="give an absolute IRI such as https://… or a CURIE such as e:nvidia")
        return iri
    if kind == "date":
        return _date_literal(param.name, text)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD_NS + "integer"))
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a decimal number")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a decimal number") from None
        lexical = format(number, "f")  # canonical form (XSD 1.1, as Oxigraph writes it): 7, -2.2
        if "." in lexical:
            lexical = lexical.rstrip("0").rstrip(".")
        if lexical in ("-0", ""):
            lexical = "0"
        return ox.Literal(lexical, datatype=ox.NamedNode(XSD_NS + "decimal"))
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1", "on"):
            return ox.Literal("true", datatype=ox.NamedNode(XSD_NS + "boolean"))
        if lowered in ("false", "no", "0", "off"):
            return ox.Literal("false", datatype=ox.NamedNode(XSD_NS + "boolean"))
        raise QueryError(f"parameter {param.name!r}: {value!r} is not a boolean", hint="use true or false")
    raise QueryError(f"parameter {param.name!r} has unknown type {kind!r}")  # pragma: no cover


def _date_literal(name: str, text: str) -> ox.Literal:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            _dt.date.fromisoformat(text)
            return ox.Literal(text, datatype=ox.NamedNode(XSD_NS + "date"))
        if re.fullmatch(r"\d{4}-\d{2}", text):
            if not 1 <= int(text[5:]) <= 12:
                raise ValueError
            return ox.Literal(text, datatype=ox.NamedNode(XSD_NS + "gYearMonth"))
        if re.fullmatch(r"\d{4}", text):
            return ox.Literal(text, datatype=ox.NamedNode(XSD_NS + "gYear"))
    except ValueError:
        pass
    raise QueryError(f"parameter {name!r}: {text!r} is not a date", hint="use YYYY-MM-DD, YYYY-MM or YYYY")
