"""The SPARQL the code itself runs, one `.rq` file per query, beside this module.

Pages, statistics, evaluation, linking and validation read their queries from here instead of
Python strings, so a query can be read, run (`kg query kg/sparql/NAME.rq`) and reviewed as SPARQL.
Files with a `#+` header are saved queries with typed parameters (`kg.query`); the others are
plain SPARQL whose variables are bound by `KnowledgeStore.query(..., bindings=…)`.
"""

from __future__ import annotations

import functools
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@functools.cache
def sparql(name: str) -> str:
    """The text of `kg/sparql/NAME.rq` (read once per process)."""
    return (FOLDER / f"{name}.rq").read_text(encoding="utf-8")
