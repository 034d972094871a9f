"""Running a query on a `KnowledgeStore`: the one place saved queries, files and SPARQL text
become answers.

The default graph is the union of all named graphs and the prefix table (`kg.namespaces.PREFIXES`:
cg, rdf, rdfs, skos, owl, xsd, dcterms, prov, schema, wd, plus e: for entities and art: for
articles) is predeclared; a query may still declare its own. Parameters are bound as typed terms
(`kg.query.params`). One Oxigraph rule shapes how queries are written: a substituted variable must
appear in the projection of a SELECT query (and of any sub-SELECT that uses it), e.g.
`SELECT ?chip ?date …` or `GROUP BY ?chip`.

`timeout` runs the query in a daemon worker thread; pyoxigraph cannot cancel a running query, so
after a timeout the thread finishes in the background and its result is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.query.params import bind_parameters
from kg.query.results import QueryResult
from kg.query.saved import SavedQuery, resolve_query
from kg.rdf.store import KnowledgeStore


def run_query(store: KnowledgeStore, query: SavedQuery | str, params: Mapping[str, Any] | None = None, *,
              timeout: float | None = None) -> QueryResult:
    """Run a saved query (or name, path, SPARQL text) with typed parameters over the union graph."""
    saved = query if isinstance(query, SavedQuery) else resolve_query(query)
    bindings = {variable.value: term for variable, term in bind_parameters(store, saved, params or {}).items()}
    if saved.is_update:
        raise QueryError("only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run here; updates are refused")

    def execute() -> QueryResult:
        return _materialise(saved, store.query(saved.sparql, bindings=bindings))

    try:
        if timeout is None:
            return execute()
        return _with_timeout(execute, timeout)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_one_line(str(exc))}", path=saved.path) from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    except RuntimeError as exc:
        message = str(exc)
        hint = None
        if "projection" in message:
            hint = "a parameter's variable must be selected (SELECT ?var …, or GROUP BY ?var)"
        raise QueryError(f"the query failed: {message}", path=saved.path, hint=hint) from None


def _materialise(saved: SavedQuery, result: Any) -> QueryResult:
    """Read pyoxigraph's lazy answer completely, so it outlives the store's snapshot."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ASK", boolean=bool(result), query=saved)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        return QueryResult(kind="SELECT", variables=variables, rows=[tuple(s) for s in result], query=saved)
    kind = "DESCRIBE" if saved.kind == "DESCRIBE" else "CONSTRUCT"
    # the union default graph repeats a triple found in several graphs: keep the first of each
    return QueryResult(kind=kind, triples=list(dict.fromkeys(result)), query=saved)


def _one_line(message: str, limit: int = 300) -> str:
    """A parser message on one line, long "expected one of …" lists cut short."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _with_timeout(func: Callable[[], QueryResult], timeout: float) -> QueryResult:
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
