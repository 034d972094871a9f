"""Saved queries: `.rq` files whose leading `#+ ` comment lines hold a YAML header, read into
one small `SavedQuery` that the CLI, the server and Python share (see ARCHITECTURE.md, "Saved
queries")::

    #+ title: Export controls on a chip over time
    #+ description: Every export control or permission on a chip, oldest first.
    #+ params:
    #+   - name: chip
    #+     type: entity          # string | entity | iri | date | integer | decimal | boolean
    #+     default: H20
    #+     required: false       # optional; a required parameter without default must be given
    #+     description: chip name (Korean or English) or IRI
    #+ materialise:                # optional: the answer is kept at build time (kg.query.answers)
    #+   by: [chip]                # the parameters that select rows of the kept answer

`materialise: true` (or a mapping with `by:`) marks a query (SELECT, CONSTRUCT, DESCRIBE) whose answer is whole-corpus
(ORDER BY, GROUP BY, DISTINCT over every article), so that even its first page costs seconds
on a large store: the build keeps the whole answer, in page order, beside the store, and a page
is then an indexed read. The answer kept is the one with the parameters at their defaults,
except those under `by:`, which are left unbound (the query's answer for "all") and select rows
by the column of the same name: the author claims that binding such a parameter keeps exactly
the rows whose column holds its value (tests/test_saved_answers.py checks it on every query).

A header is checked when the file is read, so a malformed one is a `DataFileError` with file and
line. One Oxigraph rule is checked here too: `BOUND(?param)` is folded to *false* at parse time
even when the parameter is substituted, so optional parameters are tested with
`COALESCE(sameTerm(?x, ?param), true)` or by simply using the variable in a triple pattern.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataFileError, QueryError
from kg.resources import queries_dir

PARAMETER_TYPES = ("string", "entity", "iri", "date", "integer", "decimal", "boolean")
QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """One `params:` item of a header: the variable it binds, its type and its default text."""

    name: str
    type: str
    default: str | None
    description: str
    required: bool


@dataclass(frozen=True)
class SavedQuery:
    """A query with its header, as the CLI, the server and Python all see it."""

    name: str  # file stem ("ad-hoc" for query text)
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    sparql: str  # full text, header comments included (they are SPARQL comments)
    path: Path | None  # None for ad-hoc query text
    materialise: tuple[str, ...] | None = None  # kept at build time, rows selected by these parameters

    @functools.cached_property
    def _body(self) -> str:
        """The query without comments, strings and IRIs, computed once: runs check it each time."""
        return strip_sparql(self.sparql)

    @functools.cached_property
    def modifiers(self) -> str:
        """What follows the query's last closing brace, comments and strings removed: its solution
        modifiers (GROUP BY, ORDER BY, LIMIT, OFFSET), or a trailing VALUES block's end."""
        return self._body[self._body.rfind("}") + 1:]

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

    @property
    def is_federated(self) -> bool:
        """Whether the query calls another endpoint (a SERVICE clause outside comments and strings)."""
        return bool(_SERVICE.search(self._body))

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
    return parse_query_text(text, name=path.stem, path=path)


def parse_query_text(text: str, *, name: str, path: Path | None) -> SavedQuery:
    """A SavedQuery from `.rq` text; without a `#+` header it is a plain query titled by its name."""
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
    body = strip_sparql(text)
    parameters: list[Parameter] = []
    for index, raw in enumerate(raw_params):
        node = item_nodes[index] if index < len(item_nodes) else params_node
        parameters.append(_parse_parameter(raw, node, body, where=where, line_of=line_of,
                                           taken={p.name for p in parameters}))
    materialise = _parse_materialise(header.get("materialise"), _mapping_value(root, "materialise"), parameters,
                                     body, where=where, line_of=line_of)
    return SavedQuery(name=name, title=title.strip(), description=description.strip(),
                      parameters=tuple(parameters), sparql=text, path=path, materialise=materialise)


def _parse_materialise(raw: Any, node: yaml.Node | None, parameters: list[Parameter], body: str, *,
                       where: Path | str, line_of: Callable[[yaml.Node | None], int]) -> tuple[str, ...] | None:
    """The `materialise:` entry: None (not kept), or the names of the parameters that select rows."""
    line = line_of(node)
    if raw is None or raw is False:
        return None
    if raw is True:
        by: Any = []
    elif isinstance(raw, dict) and set(raw) <= {"by"}:
        by = raw.get("by") or []
    else:
        raise DataFileError("materialise must be true, false or a mapping with by: [parameter, …]", path=where, line=line)
    if isinstance(by, str):
        by = [by]
    if not isinstance(by, list) or not all(isinstance(name, str) for name in by):
        raise DataFileError("materialise: by must be a list of parameter names", path=where, line=line)
    match = _FORM.search(body)
    form = match.group(1).upper() if match else "SELECT"
    if form == "ASK":
        raise DataFileError("an ASK query's answer is one boolean: there is nothing to keep", path=where, line=line,
                            hint="materialise SELECT, CONSTRUCT or DESCRIBE queries")
    if by and form != "SELECT":
        raise DataFileError(f"by: selects rows by a column, and a {form} answer has none", path=where, line=line)
    declared = {p.name: p for p in parameters}
    for name in by:
        if name not in declared:
            raise DataFileError(f"materialise: by names {name!r}, which is not a parameter of the query", path=where,
                                line=line, hint="declare it under params:, or leave it out of by:")
    for param in parameters:
        if param.required and param.default is None and param.name not in by:
            raise DataFileError(f"the required parameter {param.name!r} has no default, so the answer to keep is "
                                "unknown", path=where, line=line, hint=f"add it to materialise: by: [{param.name}]")
    return tuple(dict.fromkeys(by))


def _parse_parameter(raw: Any, node: yaml.Node | None, body: str, *, where: Path | str,
                     line_of: Callable[[yaml.Node | None], int], taken: set[str]) -> Parameter:
    """One `params:` item, checked against the query body it will be substituted into."""
    line = line_of(node)
    if not isinstance(raw, dict):
        raise DataFileError("each parameter must be a mapping with name and type", path=where, line=line)
    pname = raw.get("name")
    if not isinstance(pname, str) or not _VARNAME.match(pname):
        raise DataFileError(f"parameter name {pname!r} is not a SPARQL variable name", path=where, line=line)
    if pname in taken:
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
    return Parameter(name=pname, type=ptype, default=value_text(raw.get("default")),
                     description=str(pdesc).strip(), required=required)


def _header_lines(text: str) -> tuple[list[str], list[int]]:
    """The YAML text of the leading `#+` lines (other comments and blank lines may be interleaved)."""
    yaml_lines: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            content = stripped[2:]
            yaml_lines.append(content.removeprefix(" "))
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


def value_text(value: Any) -> str | None:
    """The text of a header default or a caller's value (YAML and Python give dates, booleans)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def strip_sparql(text: str) -> str:
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


def resolve_query(query: str) -> SavedQuery:
    """A saved query's name, a path to a `.rq` file, or SPARQL text (an ad-hoc SavedQuery)."""
    text = query.strip()
    if not text:
        raise QueryError("the query is empty", hint="give a saved query name, a .rq file or SPARQL text")
    if "\n" not in text and "{" not in text:
        path = Path(text).expanduser()
        if path.suffix == ".rq" and path.is_file():
            return parse_saved_query(path)
        if path.suffix == ".rq" and (_QUERY_NAME.match(text) is None or text[:-3] not in load_saved_queries()):
            raise QueryError(f"file not found: {text}",
                             hint="`kg queries` lists the saved queries")
    if _QUERY_NAME.match(text):
        saved = load_saved_queries()
        name = text.removesuffix(".rq")
        if name in saved:
            return saved[name]
        close = difflib.get_close_matches(name, list(saved), n=3)
        hint = ("did you mean " + ", ".join(close) + "?") if close else "saved queries: " + ", ".join(saved)
        raise QueryError(f"no saved query is called {name!r}", hint=hint)
    return parse_query_text(query, name="ad-hoc", path=None) if query.lstrip().startswith("#+") else \
        SavedQuery(name="ad-hoc", title="Ad-hoc query", description="", parameters=(), sparql=query, path=None)
