"""Checking a lexicon's data against its schema (`ontology/lexicon/schemas/NAME.schema.yaml`).

Why schemas: a misspelt key in a YAML lexicon is silently ignored by code that reads it with
`.get`, and a missing one is a `KeyError` traceback deep in extraction. The schema, a data
file beside the lexicons, is where each key is declared (unknown top-level keys are errors),
so a domain expert who adds a key declares it there. Checking uses `jsonschema`; the first
problem becomes one `DataFileError` naming the file, the line and the key.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataFileError
from kg.resources import data_dir

__all__ = ["check", "schema_path"]


def schema_path(name: str) -> Path:
    """The schema of the lexicon `name` (`actions` for `actions.yaml`), shipped with Chipgraph.

    Found from the installation, not from `lexicon_dir()`, so a lexicon read from elsewhere
    (a test's folder, an expert's draft) is checked against the shipped schema.
    """
    return data_dir("ontology") / "lexicon" / "schemas" / f"{name}.schema.yaml"


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    """The compiled validator of one schema, made once per process."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    path = schema_path(name)
    try:
        schema = yaml.safe_load(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except OSError as exc:
        raise DataFileError(f"no schema for the lexicon {name}.yaml ({exc.strerror})", path=path,
                            hint="restore the file from the Chipgraph sources") from exc
    except (yaml.YAMLError, SchemaError) as exc:
        raise DataFileError(f"broken schema: {str(exc).splitlines()[0]}", path=path) from exc
    return Draft202012Validator(schema)


def check(data: dict[str, Any], *, name: str, path: Path, text: str) -> None:
    """Raise `DataFileError` for the first way `data` (read from `path`) breaks schema `name`.

    Which problem is "first": an unknown key (most likely a misspelling, which also makes a
    key look missing), then a wrong value, then a missing key; within each, the one written
    earliest in the file.
    """
    errors = list(_validator(name).iter_errors(data))
    if not errors:
        return
    root = _compose(text)
    error = min(errors, key=lambda e: (_RANK.get(e.validator, 1), _line_of(root, _location(e)) or 0))
    where = _location(error)
    line = _line_of(root, where) if where else None  # a key missing at the top has no line
    raise DataFileError(_message(error), path=path, line=line,
                        hint=f"keys are declared in {schema_path(name).relative_to(data_dir('ontology').parent)}")


_RANK = {"additionalProperties": 0, "required": 2}


def _location(error: Any) -> list[Any]:
    """Where the error sits in the data, as keys and indexes from the top (an unknown key: itself)."""
    where = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
        return [*where, *extra[:1]]
    return where


def _compose(text: str) -> Any:
    """The YAML node tree of `text` (with line marks), or None."""
    try:
        return yaml.compose(text)
    except yaml.YAMLError:
        return None


def _dotted(keys: list[Any]) -> str:
    return ".".join(str(k) for k in keys)


def _message(error: Any) -> str:
    """One sentence naming the key: what is wrong with it."""
    where = list(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
        keys = ", ".join(repr(_dotted([*where, k])) for k in extra)
        return f"unknown key {keys} (misspelt, or not declared in the schema)"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        keys = ", ".join(repr(_dotted([*where, k])) for k in missing)
        return f"missing key {keys}"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        return f"{_dotted(where)!r} must be {_TYPE_WORDS.get(wanted, wanted)}, not {_short(error.instance)}"
    return f"{_dotted(where) or 'the file'!r}: {error.message}"


_TYPE_WORDS = {"array": "a list", "object": "a mapping", "string": "a string", "integer": "a whole number",
               "number": "a number", "boolean": "true or false"}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _line_of(node: Any, keys: list[Any]) -> int | None:
    """The 1-based line where the value at `keys` is written under the YAML `node`, if found."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line
