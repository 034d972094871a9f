"""Reading the YAML lexicons: strict parsing, a schema check, and a deep-frozen cached copy.

Why this is its own module: every lexicon under `ontology/lexicon/` is edited by a domain
expert, so every reader needs the same guarantees. A malformed file, a misspelt, missing or
wrongly typed key is one `DataFileError` naming the file, line and key (never a `KeyError`
traceback later), and the copy cached for the process is immutable (mappings are
`MappingProxyType`, lists are tuples), so no reader can change what the next one sees.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from kg.errors import DataFileError
from kg.lexicon.schema import check
from kg.resources import lexicon_dir

__all__ = ["freeze", "lexicon", "load_yaml", "read_mapping"]


def read_mapping(path: Path, *, schema: str | None = None) -> dict[str, Any]:
    """Read one lexicon file and check it against its schema (default: the file's stem).

    Returns a fresh, mutable mapping (the caller compiles it); any problem becomes a
    `DataFileError` naming the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read the lexicon: {exc}", path=path,
                            hint="restore the file from the Chipgraph sources") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError(f"malformed YAML: {problem}", path=path, line=line,
                            hint="fix the YAML syntax") from exc
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping of word lists at the top level", path=path,
                            hint=f"see the comments in the shipped {path.name}")
    check(data, name=schema or path.stem, path=path, text=text)
    return data


def freeze(value: Any) -> Any:
    """A deep read-only copy: mappings → MappingProxyType, lists → tuples, sets → frozensets."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    return value


def load_yaml(name: str, folder: Path | None = None) -> Mapping[str, Any]:
    """Load one lexicon file (checked, frozen), naming the file and line when it is malformed."""
    return freeze(read_mapping((folder or lexicon_dir()) / name))


@functools.lru_cache(maxsize=None)
def lexicon(name: str) -> Mapping[str, Any]:
    """A shipped YAML lexicon (`actions.yaml` …), checked and frozen, parsed once per process."""
    return load_yaml(name)
