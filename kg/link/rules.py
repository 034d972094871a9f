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


def _classes(data: Mapping[str, Any], path: Path) -> Mapping[str, str]:
    classes = data["classes"]
    if not classes:
        raise DataFileError("'classes' must map names to Wikidata class ids", path=path)
    for name, qid in classes.items():
        if not is_qid(qid):
            raise DataFileError(f"'classes': {name!r} must be a Wikidata id such as Q4830453, not {qid!r}", path=path)
    return classes


def _type_rule(name: str, spec: Any, classes: dict[str, str], path: Path) -> TypeRule:
    if name not in ENTITY_TYPES:
        raise DataFileError(f"'types': {name!r} is not a Chipgraph entity type", path=path,
                            hint="one of " + ", ".join(ENTITY_TYPES))
    groups = {}
    for key in _TYPE_KEYS:
        names = spec.get(key, ())
        if any(n not in classes for n in names):
            raise DataFileError(f"'types: {name}: {key}' must list names of 'classes', not {names!r}", path=path,
                                hint="add the class under 'classes' first")
        groups[key] = frozenset(classes[n] for n in names)
    return TypeRule(**groups)


def load_rules(path: Path | None = None) -> LinkRules:
    """Read a rules file (the shipped one by default): its shape is checked against
    ontology/lexicon/schemas/wikidata.schema.yaml, what refers to what here."""
    path = path or ontology_dir() / "links" / FILE
    data = load_yaml(path.name, path.parent)
    classes = _classes(data, path)
    scores, keep, search = data["scores"], data["keep"], data["search"]
    if not search["languages"] or not all(search["languages"]):
        raise DataFileError("'search: languages' must list language codes such as ko", path=path)
    return LinkRules(
        types=MappingProxyType({name: _type_rule(name, spec, classes, path) for name, spec in data["types"].items()}),
        scores=MappingProxyType({k: float(scores[k]) for k in _SCORES}),
        minimum_score=float(keep["minimum score"]), keep=int(keep["per entity"]),
        accept_lead=float(data["accept lead"]), aliases=int(search["aliases"]),
        languages=tuple(search["languages"]))


@functools.cache
def link_rules() -> LinkRules:
    """The shipped rules, read once per process."""
    return load_rules()
