"""Saved SPARQL queries (`queries/*.rq`) and the one place that runs queries.

A saved query is a `.rq` file whose leading `#+ ` comment lines hold a YAML header
(see ARCHITECTURE.md, "Saved queries")::

    #+ title: Export controls on a chip over time
    #+ description: Every export control or permission on a chip, oldest first.
    #+ params:
    #+   - name: chip
    #+     type: entity          # string | entity | iri | date | integer | decimal | boolean
    #+     default: H20
    #+     required: false       # optional; a required parameter without default must be given
    #+     description: chip name (Korean or English) or IRI

Running a query (`run_query`):

* the default graph is the union of all named graphs (`use_default_graph_as_union=True`) and the
  standard prefixes (`PREFIXES`: cg, rdf, rdfs, skos, owl, xsd, dcterms, prov, schema, wd,
  plus e: for entities and art: for articles) are predeclared; a query may still declare its own.
* a parameter binds the variable of the same name to a typed RDF term through pyoxigraph's
  `substitutions` (SEP-0007); the value is never pasted into the query text, so a value such as
  `"} ; DROP ALL ; #` is only ever a literal. Types:

  - `string`: a plain `xsd:string` literal. Labels are language-tagged, so queries compare with
    `STR(?label)` (or `CONTAINS(LCASE(STR(?label)), LCASE(?q))`), never with `=`.
  - `entity`: a label, alias or IRI, resolved to the entity IRI. Labels (`rdfs:label`), aliases
    (`skos:altLabel`), misspellings (`skos:hiddenLabel`) and entity keys are compared after
    normalisation (NFKC, casefold, spaces and punctuation dropped), in that order of preference;
    an `http(s)://` value or a CURIE (`e:nvidia`, `wd:Q182477`) is taken as an IRI (a Wikidata IRI
    is mapped to the entity that is `owl:sameAs` it).
  - `iri`: an absolute IRI or a CURIE with a known prefix.
  - `date`: `YYYY-MM-DD` (xsd:date), `YYYY-MM` (xsd:gYearMonth) or `YYYY` (xsd:gYear).
  - `integer`, `decimal`, `boolean` (true/false, yes/no, 1/0).

  An optional parameter with neither value nor default stays unbound.

Two Oxigraph rules shape how saved queries are written (`parse_saved_query` checks the first):

* `BOUND(?param)` is folded to *false* at parse time even when the parameter is substituted, so
  optional parameters are tested with `COALESCE(sameTerm(?x, ?param), true)` or by simply using
  the variable in a triple pattern (an unbound variable matches everything).
* a substituted variable must appear in the projection of a SELECT query (and of any sub-SELECT
  that uses it), e.g. `SELECT ?chip ?date …` or `GROUP BY ?chip`.

`timeout` runs the query in a daemon worker thread; pyoxigraph cannot cancel a running query, so
after a timeout the thread finishes in the background and its result is dropped.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Union

import pyoxigraph as ox
import yaml

from kg.errors import DataFileError, QueryError, StoreError
from kg.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, lookup
from kg.namespaces import ENTITY_BASE, PREFIXES, RDFS_NS, SKOS_NS, XSD_NS
from kg.resources import queries_dir
from kg.text import normalize_name

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

XSD, RDFS, SKOS = XSD_NS, RDFS_NS, SKOS_NS

PARAMETER_TYPES = ("string", "entity", "iri", "date", "integer", "decimal", "boolean")
QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_IRI_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([^\s<>\"{}|^`\\]*)$")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


# ------------------------------------------------------------------------------------------------
# Saved queries
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str
    required: bool


@dataclass(frozen=True)
class SavedQuery:
    name: str  # file stem ("ad-hoc" for query text)
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    sparql: str  # full text, header comments included (they are SPARQL comments)
    path: Path | None  # None for ad-hoc query text

    @functools.cached_property
    def _body(self) -> str:
        """The query without comments, strings and IRIs, computed once: runs check it each time."""
        return _strip_sparql(self.sparql)

    @property
    def kind(self) -> str:
        """The query form: "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE" ("SELECT" if unrecognisable)."""
        match = _FORM.search(self._body)
        return match.group(1).upper() if match else "SELECT"

    @property
    def is_update(self) -> bool:
        return not _FORM.search(self._body) and bool(_UPDATE.match(self._body.lstrip()))

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def load_saved_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Every `*.rq` file of `folder` (default: the shipped `queries/`), by name, sorted by name."""
    folder = Path(folder) if folder is not None else queries_dir()
    if not folder.is_dir():
        raise DataFileError("the saved-query folder does not exist", path=folder)
    return {path.stem: parse_saved_query(path) for path in sorted(folder.glob("*.rq"))}


def parse_saved_query(path: Path) -> SavedQuery:
    """Read a `.rq` file and its `#+` YAML header; `DataFileError` (file and line) if malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"not UTF-8 text ({exc.reason})", path=path) from None
    except OSError as exc:
        raise DataFileError(f"cannot read the query file: {exc.strerror or exc}", path=path) from None
    return _parse_query_text(text, name=path.stem, path=path)


def _parse_query_text(text: str, *, name: str, path: Path | None) -> SavedQuery:
    where = path if path is not None else "<query>"
    text = text.lstrip("\ufeff")
    yaml_lines, line_numbers = _header_lines(text)
    if not yaml_lines:
        # no header: a plain SPARQL file (allowed for ad-hoc files; saved queries are tested to have one)
        return SavedQuery(name=name, title=name, description="", parameters=(), sparql=text, path=path)

    header_text = "\n".join(yaml_lines)
    try:
        header = yaml.safe_load(header_text)
        root = yaml.compose(header_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = line_numbers[min(mark.line, len(line_numbers) - 1)] if mark is not None else line_numbers[0]
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError(f"the #+ header is not valid YAML: {problem}", path=where, line=line) from None

    def line_of(node: yaml.Node | None) -> int:
        if node is None:
            return line_numbers[0]
        return line_numbers[min(node.start_mark.line, len(line_numbers) - 1)]

    if not isinstance(header, dict):
        raise DataFileError("the #+ header must be a YAML mapping (title:, description:, params:)",
                            path=where, line=line_numbers[0])
    title = header.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DataFileError("the #+ header has no title", path=where, line=line_numbers[0],
                            hint="add a line '#+ title: …'")
    description = header.get("description") or ""
    if not isinstance(description, str):
        raise DataFileError("description must be text", path=where, line=line_of(_mapping_value(root, "description")))

    raw_params = header.get("params") or []
    params_node = _mapping_value(root, "params")
    if not isinstance(raw_params, list):
        raise DataFileError("params must be a list of parameters", path=where, line=line_of(params_node))
    item_nodes = params_node.value if isinstance(params_node, yaml.SequenceNode) else []
    body = _strip_sparql(text)
    parameters: list[Parameter] = []
    for index, raw in enumerate(raw_params):
        node = item_nodes[index] if index < len(item_nodes) else params_node
        line = line_of(node)
        if not isinstance(raw, dict):
            raise DataFileError("each parameter must be a mapping with name and type", path=where, line=line)
        pname = raw.get("name")
        if not isinstance(pname, str) or not _VARNAME.match(pname):
            raise DataFileError(f"parameter name {pname!r} is not a SPARQL variable name", path=where, line=line)
        if any(p.name == pname for p in parameters):
            raise DataFileError(f"parameter {pname!r} is declared twice", path=where, line=line)
        ptype = raw.get("type", "string")
        if ptype not in PARAMETER_TYPES:
            type_line = line_of(_mapping_value(node, "type")) if isinstance(node, yaml.MappingNode) else line
            raise DataFileError(f"parameter {pname!r} has unknown type {ptype!r}", path=where, line=type_line,
                                hint="use one of " + ", ".join(PARAMETER_TYPES))
        required = raw.get("required", False)
        if not isinstance(required, bool):
            raise DataFileError(f"parameter {pname!r}: required must be true or false", path=where, line=line)
        pdesc = raw.get("description") or ""
        if not re.search(r"[?$]" + re.escape(pname) + r"\b", body):
            raise DataFileError(f"parameter {pname!r} is not used as ?{pname} in the query", path=where, line=line)
        if re.search(r"\bBOUND\s*\(\s*[?$]" + re.escape(pname) + r"\s*\)", body, re.IGNORECASE):
            raise DataFileError(
                f"BOUND(?{pname}) is always false for a substituted parameter in Oxigraph", path=where, line=line,
                hint=f"test it with COALESCE(sameTerm(?x, ?{pname}), true) instead")
        parameters.append(Parameter(name=pname, type=ptype, default=_default_text(raw.get("default")),
                                    description=str(pdesc).strip(), required=required))
    return SavedQuery(name=name, title=title.strip(), description=description.strip(),
                      parameters=tuple(parameters), sparql=text, path=path)


def _header_lines(text: str) -> tuple[list[str], list[int]]:
    """The YAML text of the leading `#+` lines (other comments and blank lines may be interleaved)."""
    yaml_lines: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            content = stripped[2:]
            yaml_lines.append(content[1:] if content.startswith(" ") else content)
            numbers.append(number)
        elif stripped == "" or stripped.startswith("#"):
            continue
        else:
            break
    return yaml_lines, numbers


def _mapping_value(node: Any, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _default_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _strip_sparql(text: str) -> str:
    """The query text without comments, string literals and IRIs (to find keywords and variables)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif len(quote) == 1 and text[j] == "\n":
                    break
                j += 1
            i = min(n, j + len(quote))
            out.append(' "" ')
        elif c == "<":
            match = _IRIREF.match(text, i)
            if match:
                out.append(" <> ")
                i = match.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def resolve_query(store: Any, query: str) -> SavedQuery:
    """A saved query's name, a path to a `.rq` file, or SPARQL text (an ad-hoc SavedQuery)."""
    del store  # saved queries come from files; the store is accepted for a uniform signature
    text = query.strip()
    if not text:
        raise QueryError("the query is empty", hint="give a saved query name, a .rq file or SPARQL text")
    if "\n" not in text and "{" not in text:
        path = Path(text).expanduser()
        if path.suffix == ".rq" and path.is_file():
            return parse_saved_query(path)
        if path.suffix == ".rq" and _QUERY_NAME.match(text) is None:
            raise QueryError(f"no such query file: {text}")
    if _QUERY_NAME.match(text):
        saved = load_saved_queries()
        name = text[:-3] if text.endswith(".rq") else text
        if name in saved:
            return saved[name]
        close = difflib.get_close_matches(name, list(saved), n=3)
        hint = ("did you mean " + ", ".join(close) + "?") if close else "saved queries: " + ", ".join(saved)
        raise QueryError(f"no saved query is called {name!r}", hint=hint)
    return _parse_query_text(query, name="ad-hoc", path=None) if query.lstrip().startswith("#+") else \
        SavedQuery(name="ad-hoc", title="Ad-hoc query", description="", parameters=(), sparql=query, path=None)


# ------------------------------------------------------------------------------------------------
# Parameter binding
# ------------------------------------------------------------------------------------------------


def bind_parameters(store: Any, query: SavedQuery, values: Mapping[str, Any]) -> dict[ox.Variable, Term]:
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
        value = None if raw is None else _default_text(raw)
        if value is not None and value.strip() == "" and param.type != "string":
            value = None
        if value is None:
            value = param.default
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs the parameter {param.name!r} ({param.type})",
                                 hint=f"pass --param {param.name}=…" + (f": {param.description}" if param.description else ""))
            continue
        bindings[ox.Variable(param.name)] = _to_term(store, param, value)
    return bindings


def _to_term(store: Any, param: Parameter, value: str) -> Term:
    kind = param.type
    text = value.strip()
    if kind == "string":
        return ox.Literal(value)
    if kind == "entity":
        return resolve_entity(store, value)
    if kind == "iri":
        iri = _as_iri(text)
        if iri is None:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an IRI",
                             hint="give an absolute IRI such as https://… or a CURIE such as e:nvidia")
        return iri
    if kind == "date":
        return _date_literal(param.name, text)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
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
        return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1", "on"):
            return ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
        if lowered in ("false", "no", "0", "off"):
            return ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
        raise QueryError(f"parameter {param.name!r}: {value!r} is not a boolean", hint="use true or false")
    raise QueryError(f"parameter {param.name!r} has unknown type {kind!r}")  # pragma: no cover


def _date_literal(name: str, text: str) -> ox.Literal:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            _dt.date.fromisoformat(text)
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
        if re.fullmatch(r"\d{4}-\d{2}", text):
            if not 1 <= int(text[5:]) <= 12:
                raise ValueError
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYearMonth"))
        if re.fullmatch(r"\d{4}", text):
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    except ValueError:
        pass
    raise QueryError(f"parameter {name!r}: {text!r} is not a date", hint="use YYYY-MM-DD, YYYY-MM or YYYY")


def _as_iri(text: str) -> ox.NamedNode | None:
    """An IRI from an absolute IRI or a CURIE with a known prefix, else None."""
    curie = _CURIE.match(text)
    if curie and curie.group(1) in PREFIXES and not curie.group(2).startswith("//"):
        text = PREFIXES[curie.group(1)] + curie.group(2)
    if not _IRI_VALUE.match(text):
        return None
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------
# Entity resolution
# ------------------------------------------------------------------------------------------------

_LABEL_QUERY = """
SELECT DISTINCT ?entity ?property ?label WHERE {
  VALUES ?property { rdfs:label skos:altLabel skos:hiddenLabel }
  ?entity ?property ?label .
  FILTER(isIRI(?entity) && isLiteral(?label) && STRSTARTS(STR(?entity), "%s"))
}
""" % ENTITY_BASE

_TIERS = {RDFS + "label": 0, SKOS + "altLabel": 1, SKOS + "hiddenLabel": 2}
_KEY_TIER = 3


@dataclass
class _EntityIndex:
    # normalised name -> tier -> entity IRIs
    names: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    # entity IRI -> a display label (ko, else en, else any non-hidden)
    display: dict[str, str] = field(default_factory=dict)


_ENTITY_CACHE: dict[int, _EntityIndex] = {}
_CACHE_LIMIT = 8
_CACHE_LOCK = threading.Lock()


def clear_entity_cache(store: Any | None = None) -> None:
    """Forget the cached entity labels of `store` (of every store when None)."""
    with _CACHE_LOCK:
        if store is None:
            _ENTITY_CACHE.clear()
        else:
            _ENTITY_CACHE.pop(id(_as_store(store)), None)


def _entity_index(store: ox.Store, *, refresh: bool = False) -> _EntityIndex:
    key = id(store)
    with _CACHE_LOCK:
        cached = _ENTITY_CACHE.get(key)
    if cached is not None and not refresh:
        return cached
    index = _EntityIndex()
    labels_by_lang: dict[str, dict[str, str]] = {}
    try:
        solutions = store.query(_LABEL_QUERY, prefixes=PREFIXES, use_default_graph_as_union=True)
        rows = [(s["entity"].value, s["property"].value, s["label"]) for s in solutions]
    except OSError as exc:
        raise StoreError(f"cannot read entity labels from the store: {exc}") from None
    for entity, prop, label in rows:
        tier = _TIERS[prop]
        norm = normalize_name(label.value)
        if norm:
            index.names.setdefault(norm, {}).setdefault(tier, set()).add(entity)
        if tier < 2:
            slot = labels_by_lang.setdefault(entity, {})
            slot.setdefault(f"{tier}:{label.language or ''}", label.value)
    for entity, slot in labels_by_lang.items():
        index.display[entity] = (slot.get("0:ko") or slot.get("0:en") or next(iter(sorted(slot.items())))[1])
    for entity in {e for tiers in index.names.values() for ents in tiers.values() for e in ents}:
        norm = normalize_name(entity[len(ENTITY_BASE):])
        if norm:
            index.names.setdefault(norm, {}).setdefault(_KEY_TIER, set()).add(entity)
    with _CACHE_LOCK:
        if len(_ENTITY_CACHE) >= _CACHE_LIMIT:
            _ENTITY_CACHE.pop(next(iter(_ENTITY_CACHE)))
        _ENTITY_CACHE[key] = index
    return index


def _lookup(index: _EntityIndex, norm: str) -> list[str]:
    tiers = index.names.get(norm)
    if not tiers:
        return []
    return sorted(tiers[min(tiers)])


def resolve_entity(store: Any, value: str) -> ox.NamedNode:
    """The entity IRI for a label, alias, misspelling, key, IRI or CURIE; QueryError if none or several."""
    store = _as_store(store)
    text = value.strip()
    if re.match(r"^https?://", text, re.IGNORECASE) or (_CURIE.match(text) and _CURIE.match(text).group(1) in PREFIXES):
        iri = _as_iri(text)
        if iri is None:
            raise QueryError(f"{value!r} is not a valid IRI")
        if iri.value.startswith(ENTITY_BASE):
            return iri
        same = [s["e"] for s in store.query(
            "SELECT DISTINCT ?e ?x WHERE { ?e owl:sameAs ?x FILTER(STRSTARTS(STR(?e), \"%s\")) }" % ENTITY_BASE,
            prefixes=PREFIXES, use_default_graph_as_union=True, substitutions={ox.Variable("x"): iri})]
        return same[0] if len(same) == 1 else iri
    norm = normalize_name(text)
    if not norm:
        raise QueryError(f"{value!r} is not an entity name", hint="give a label such as 엔비디아, an alias or an IRI")
    index = _entity_index(store)
    found = _lookup(index, norm)
    if len(found) != 1 or not _still_named(store, found[0]):
        index = _entity_index(store, refresh=True)  # the store may have changed since the cache was filled
        found = _lookup(index, norm)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    if not found:
        close = difflib.get_close_matches(norm, list(index.names), n=3, cutoff=0.75)
        suggestions = sorted({index.display.get(e, e) for c in close for ents in index.names[c].values() for e in ents})
        hint = f"try `kg query entities-search --param q={text}`"
        if suggestions:
            hint = "did you mean " + ", ".join(suggestions[:3]) + "? or " + hint
        raise QueryError(f"no entity is called {text!r}", hint=hint)
    listing = "; ".join(f"{index.display.get(e, e)} <{e}>" for e in found)
    raise QueryError(f"{text!r} could name several entities: {listing}",
                     hint="give a fuller name or the entity IRI")


def _still_named(store: ox.Store, iri: str) -> bool:
    result = store.query("ASK { ?e rdfs:label|skos:altLabel|skos:hiddenLabel ?l }", prefixes=PREFIXES,
                         use_default_graph_as_union=True, substitutions={ox.Variable("e"): ox.NamedNode(iri)})
    return bool(result)


# ------------------------------------------------------------------------------------------------
# Running queries
# ------------------------------------------------------------------------------------------------


@dataclass
class QueryResult:
    """A materialised query result, independent of the store (for the CLI and an HTTP server)."""

    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    query: SavedQuery | None = None

    def __len__(self) -> int:
        if self.kind == "SELECT":
            return len(self.rows)
        if self.kind == "ASK":
            return 1
        return len(self.triples)

    def records(self) -> list[dict[str, Term | None]]:
        """SELECT rows as dicts keyed by variable name."""
        return [dict(zip(self.variables, row)) for row in self.rows]


def run_query(store: ox.Store, query: SavedQuery | str, params: Mapping[str, Any] | None = None, *,
              timeout: float | None = None) -> QueryResult:
    """Run a saved query (or name, path, SPARQL text) with typed parameters over the union graph."""
    store = _as_store(store)
    saved = query if isinstance(query, SavedQuery) else resolve_query(store, query)
    substitutions = bind_parameters(store, saved, params or {})
    if saved.is_update:
        raise QueryError("only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run here; updates are refused")

    def execute() -> QueryResult:
        result = store.query(saved.sparql, prefixes=PREFIXES, use_default_graph_as_union=True,
                             substitutions=substitutions or None)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ASK", boolean=bool(result), query=saved)
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            return QueryResult(kind="SELECT", variables=variables, rows=[tuple(s) for s in result], query=saved)
        kind = "DESCRIBE" if saved.kind == "DESCRIBE" else "CONSTRUCT"
        # the union default graph repeats a triple found in several graphs: keep the first of each
        return QueryResult(kind=kind, triples=list(dict.fromkeys(result)), query=saved)

    where = saved.path if saved.path is not None else None
    try:
        if timeout is None:
            return execute()
        return _with_timeout(execute, timeout)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_one_line(str(exc))}", path=where) from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    except RuntimeError as exc:
        message = str(exc)
        hint = None
        if "projection" in message:
            hint = "a parameter's variable must be selected (SELECT ?var …, or GROUP BY ?var)"
        raise QueryError(f"the query failed: {message}", path=where, hint=hint) from None


def _one_line(message: str, limit: int = 300) -> str:
    """A parser message on one line, long "expected one of …" lists cut short."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _with_timeout(func: Any, timeout: float) -> QueryResult:
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = func()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryError(f"query ran longer than {timeout:g} s",
                         hint="narrow it with parameters or raise the timeout; "
                              "pyoxigraph cannot cancel it, so it finishes in the background")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _as_store(store: Any) -> ox.Store:
    """Accept a pyoxigraph Store or a wrapper exposing one as `.store`."""
    if isinstance(store, ox.Store):
        return store
    inner = getattr(store, "store", None)
    if isinstance(inner, ox.Store):
        return inner
    raise TypeError(f"expected a pyoxigraph.Store, got {type(store).__name__}")


# ------------------------------------------------------------------------------------------------
# Display and serialisation
# ------------------------------------------------------------------------------------------------


def shorten_iri(iri: str) -> str:
    """`e:nvidia` for an entity IRI, `cg:ExportControl` for a term, … (the IRI itself otherwise)."""
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if best and len(iri) > len(best):
        return f"{best_prefix}:{iri[len(best):]}"
    return iri


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


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"cannot serialise {term!r}")


def _results_json(result: QueryResult) -> bytes:
    if result.kind == "ASK":
        document: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{var: _json_term(term) for var, term in zip(result.variables, row) if term is not None}
                    for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def serialize_result(result: QueryResult, fmt: str | Format) -> bytes:
    """Bytes of `result` in `fmt`: a results format (SELECT, ASK) or an RDF format (CONSTRUCT, DESCRIBE)."""
    allowed = RESULT_FORMATS if result.kind in ("SELECT", "ASK") else GRAPH_FORMATS
    found = fmt if isinstance(fmt, Format) else lookup(fmt)
    if found not in allowed:
        shown = found.value if found is not None else str(fmt).lower()
        raise QueryError(f"a {result.kind} result cannot be written as {shown!r}",
                         hint="use one of " + ", ".join(allowed))
    if result.kind in ("SELECT", "ASK"):
        as_json = _results_json(result)
        if found is Format.JSON:
            return as_json
        parsed = ox.parse_query_results(as_json, format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=found.results_format)
    if found is Format.NQUADS:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result.triples]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    rdf_format = found.rdf_format
    prefixes = PREFIXES if found in (Format.TURTLE, Format.RDFXML, Format.JSONLD) else None
    try:
        return ox.serialize(result.triples, format=rdf_format, prefixes=prefixes)
    except (ValueError, TypeError):
        return ox.serialize(result.triples, format=rdf_format)

