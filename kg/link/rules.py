"""The rules of `kg link` as data: Wikidata type classes and scoring weights (`ontology/links/wikidata.yaml`).

Why a data file: which Wikidata classes confirm a Chipgraph type, and how much an exact label or a
matching country is worth, are a domain expert's judgement, tuned by reading candidates, not code.
The file is checked when loaded (a missing, misspelt or ill-typed key is one `DataFileError` naming
the file and the key) and read once per process into frozen values no reader can change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from kg.errors import DataFileError
from kg.lexicon import ENTITY_TYPES, load_yaml
from kg.link.qids import is_qid
from kg.resources import ontology_dir

FILE = "wikidata.yaml"
_SCORES = ("exact label", "exact alias", "prefix", "names agree", "type confirmed", "type weak",
           "country agrees", "country differs")
_TOP = ("classes", "types", "scores", "keep", "accept lead", "search")
_TYPE_KEYS = ("confirm", "weak", "exclude")


@dataclass(frozen=True)
class TypeRule:
    """Wikidata classes (QIDs) that confirm, weakly confirm or rule out one entity type."""

    confirm: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()

    @property
    def requires_class(self) -> bool:
        """A hit with classes but none of confirm/weak is of the wrong type."""
        return bool(self.confirm or self.weak)


@dataclass(frozen=True)
class LinkRules:
    types: Mapping[str, TypeRule]
    scores: Mapping[str, float]
    minimum_score: float
    keep: int
    accept_lead: float
    aliases: int
    languages: tuple[str, ...]

    @property
    def classes(self) -> list[str]:
        """Every class some type rule names, sorted: what the facts query asks about."""
        return sorted({c for rule in self.types.values() for group in (rule.confirm, rule.weak, rule.exclude)
                       for c in group})


def _mapping(value: Any, keys: tuple[str, ...], where: str, path: Path, *, required: bool = True) -> dict:
    if not isinstance(value, dict):
        raise DataFileError(f"'{where}' must be a mapping", path=path, hint=f"see the comments in {path.name}")
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise DataFileError(f"unknown key '{unknown[0]}' in '{where}'", path=path,
                            hint="expected " + ", ".join(keys))
    missing = [k for k in keys if k not in value]
    if required and missing:
        raise DataFileError(f"'{where}' has no key '{missing[0]}'", path=path, hint=f"see the comments in {path.name}")
    return value


def _number(value: Any, where: str, path: Path, *, integer: bool = False) -> float:
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool):
        raise DataFileError(f"'{where}' must be {'a whole number' if integer else 'a number'}, not {value!r}",
                            path=path)
    return value


def _classes(data: dict, path: Path) -> dict[str, str]:
    classes = data["classes"]
    if not isinstance(classes, dict) or not classes:
        raise DataFileError("'classes' must map names to Wikidata class ids", path=path)
    for name, qid in classes.items():
        if not isinstance(qid, str) or not is_qid(qid):
            raise DataFileError(f"'classes': {name!r} must be a Wikidata id such as Q4830453, not {qid!r}", path=path)
    return classes


def _type_rule(name: str, spec: Any, classes: dict[str, str], path: Path) -> TypeRule:
    if name not in ENTITY_TYPES:
        raise DataFileError(f"'types': {name!r} is not a Chipgraph entity type", path=path,
                            hint="one of " + ", ".join(ENTITY_TYPES))
    spec = _mapping(spec, _TYPE_KEYS, f"types: {name}", path, required=False)
    groups = {}
    for key in _TYPE_KEYS:
        names = spec.get(key, [])
        if not isinstance(names, list) or any(n not in classes for n in names):
            raise DataFileError(f"'types: {name}: {key}' must list names of 'classes', not {names!r}", path=path,
                                hint="add the class under 'classes' first")
        groups[key] = frozenset(classes[n] for n in names)
    return TypeRule(**groups)


def load_rules(path: Path | None = None) -> LinkRules:
    """Read and check a rules file (the shipped one by default)."""
    path = path or ontology_dir() / "links" / FILE
    data = _mapping(load_yaml(path.name, path.parent), _TOP, path.name, path)
    classes = _classes(data, path)
    types = data["types"]
    if not isinstance(types, dict):
        raise DataFileError("'types' must map entity types to their classes", path=path)
    scores = _mapping(data["scores"], _SCORES, "scores", path)
    keep = _mapping(data["keep"], ("minimum score", "per entity"), "keep", path)
    search = _mapping(data["search"], ("aliases", "languages"), "search", path)
    languages = search["languages"]
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) and x for x in languages):
        raise DataFileError("'search: languages' must list language codes such as ko", path=path)
    return LinkRules(
        types=MappingProxyType({name: _type_rule(name, spec, classes, path) for name, spec in types.items()}),
        scores=MappingProxyType({k: float(_number(scores[k], f"scores: {k}", path)) for k in _SCORES}),
        minimum_score=float(_number(keep["minimum score"], "keep: minimum score", path)),
        keep=int(_number(keep["per entity"], "keep: per entity", path, integer=True)),
        accept_lead=float(_number(data["accept lead"], "accept lead", path)),
        aliases=int(_number(search["aliases"], "search: aliases", path, integer=True)),
        languages=tuple(languages))


@functools.cache
def link_rules() -> LinkRules:
    """The shipped rules, read once per process."""
    return load_rules()
