"""Chipgraph: a knowledge graph of AI chips and the politics around them, from Korean news.

The public face, for use from Python (the `kg` command is a thin layer over the same calls)::

    import kg

    store = kg.open_store("chipgraph-store")
    report = kg.build_graph(["seeds"], store)
    for row in kg.run_query(store, "who-restricted-what").records():
        print(row["agentLabel"], row["objectLabel"])
    turtle = kg.export(store, "turtle", graphs=["003"])

Names are loaded on first use, so `import kg` stays cheap for tools that need only a part.
(`build_graph` and `extract_article` are `kg.build.build` and `kg.extract.extract`: the stage
packages `kg.build` and `kg.extract` own the short names.)
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # names for type checkers and editors; at run time they load lazily (__getattr__)
    from kg.build import BuildReport  # noqa: F401
    from kg.build import build as build_graph  # noqa: F401
    from kg.extract import Extraction  # noqa: F401
    from kg.extract import extract as extract_article  # noqa: F401
    from kg.ingest import Article, iter_articles  # noqa: F401
    from kg.query import QueryResult, SavedQuery, load_saved_queries, run_query  # noqa: F401
    from kg.rdf.export import export  # noqa: F401
    from kg.rdf.store import KnowledgeStore  # noqa: F401

_LAZY = {  # public name: (module, name there)
    "build_graph": ("kg.build", "build"), "BuildReport": ("kg.build", "BuildReport"),
    "extract_article": ("kg.extract", "extract"), "Extraction": ("kg.extract", "Extraction"),
    "iter_articles": ("kg.ingest", "iter_articles"), "Article": ("kg.ingest", "Article"),
    "run_query": ("kg.query", "run_query"), "load_saved_queries": ("kg.query", "load_saved_queries"),
    "QueryResult": ("kg.query", "QueryResult"), "SavedQuery": ("kg.query", "SavedQuery"),
    "export": ("kg.rdf.export", "export"),
    "KnowledgeStore": ("kg.rdf.store", "KnowledgeStore"),
}

__all__ = ["__version__", "open_store", *_LAZY]


def open_store(path: str | Path | None, *, read_only: bool = False) -> "KnowledgeStore":
    """Open (or create) the store in folder `path`; None gives an empty store in memory.

    `read_only=True` opens an existing store for reading only (several readers may share it,
    beside one writer); a missing store is then a `StoreError` that says to run `kg build`.
    """
    from kg.rdf.store import KnowledgeStore  # noqa: F401

    return KnowledgeStore(path, read_only=read_only)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
