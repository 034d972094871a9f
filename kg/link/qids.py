"""Wikidata item ids: checking them, and putting them into the SPARQL sent to Wikidata.

A QID enters query text only after it matched `^Q[1-9][0-9]*$`, and only inside a `VALUES`
block the query file leaves empty (`VALUES ?item { }`, valid SPARQL that matches nothing), so
`kg/sparql/link-*.rq` stay runnable as they are and nothing else is pasted into them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.errors import DataFileError, KgError
from kg.namespaces import WD_NS

QID = re.compile(r"^Q[1-9][0-9]*$")


def is_qid(text: str) -> bool:
    return bool(QID.match(text))


def parse_qid(text: str) -> str:
    """`Q182477` from `Q182477`, `wd:Q182477` or the item IRI; DataFileError otherwise."""
    value = text.strip()
    for prefix in (WD_NS, "https://www.wikidata.org/wiki/", "wd:"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if not is_qid(value):
        raise DataFileError(f"{text!r} is not a Wikidata item id", hint="write it as Q182477 or wd:Q182477")
    return value


def fill_values(query: str, variable: str, qids: Iterable[str]) -> str:
    """`query` with its empty `VALUES ?variable { }` block listing `wd:` items (checked QIDs)."""
    qids = list(qids)
    bad = [q for q in qids if not is_qid(q)]
    if bad:
        raise KgError(f"not a Wikidata item id: {bad[0]!r}")
    marker = f"VALUES ?{variable} {{ }}"
    if query.count(marker) != 1:
        raise ValueError(f"the query has no single {marker!r} block to fill")
    return query.replace(marker, f"VALUES ?{variable} {{ {' '.join('wd:' + q for q in qids)} }}")
