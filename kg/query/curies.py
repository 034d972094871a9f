"""The prefix table applied both ways: a CURIE a user writes becomes an IRI, an IRI a query
returns is shown as a CURIE (`e:nvidia`, `cg:ExportControl`)."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.namespaces import PREFIXES

IRI_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([^\s<>\"{}|^`\\]*)$")


def is_curie(text: str) -> bool:
    """Whether `text` is a CURIE whose prefix is in the prefix table (`e:nvidia`, `wd:Q148`)."""
    match = CURIE.match(text)
    return bool(match) and match.group(1) in PREFIXES


def as_iri(text: str) -> ox.NamedNode | None:
    """An IRI from an absolute IRI or a CURIE with a known prefix, else None."""
    curie = CURIE.match(text)
    if curie and curie.group(1) in PREFIXES and not curie.group(2).startswith("//"):
        text = PREFIXES[curie.group(1)] + curie.group(2)
    if not IRI_VALUE.match(text):
        return None
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


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
