"""Running a query on a `KnowledgeStore`: the one place saved queries, files and SPARQL text
become answers.

The default graph is the union of all named graphs and the prefix table (`kg.namespaces.PREFIXES`:
cg, rdf, rdfs, skos, owl, xsd, dcterms, prov, schema, wd, plus e: for entities and art: for
articles) is predeclared; a query may still declare its own. Parameters are bound as typed terms
(`kg.query.params`). One Oxigraph rule shapes how queries are written: a substituted variable must
appear in the projection of a SELECT query (and of any sub-SELECT that uses it), e.g.
`SELECT ?chip ?date …` or `GROUP BY ?chip`.

`limit` and `offset` give one page of a SELECT answer: the query's own ORDER BY is completed with
every selected variable, so the order is total and consecutive pages neither repeat nor skip a
row, and `LIMIT`/`OFFSET` are left to the engine (a query without ORDER BY stops early, in index
order). Other forms, and a query with a LIMIT of its own, are paged after running it whole. `iter_rows` gives
the whole answer, in the same order, one row at a time (for streaming it).

`timeout` runs the query in a daemon worker thread; pyoxigraph cannot cancel a running query, so
after a timeout the thread finishes in the background and its result is dropped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.query.params import bind_parameters
from kg.query.results import QueryResult
from kg.query.saved import SavedQuery, resolve_query
from kg.rdf.store import KnowledgeStore, Term

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_LIMIT = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE)


def run_query(store: KnowledgeStore, query: SavedQuery | str, params: Mapping[str, Any] | None = None, *,
              limit: int | None = None, offset: int = 0, timeout: float | None = None) -> QueryResult:
    """Run a saved query (or name, path, SPARQL text) with typed parameters over the union graph;
    with `limit`, only that page of the answer (`QueryResult.more` says whether rows follow)."""
    saved, bindings = _prepare(store, query, params)

    def execute() -> QueryResult:
        if limit is None:
            return _materialise(saved, store.query(saved.sparql, bindings=bindings))
        return _page(store, saved, bindings, limit, offset)

    if timeout is None:
        return _mapped(saved, execute)
    return _mapped(saved, lambda: _with_timeout(execute, timeout))


def iter_rows(store: KnowledgeStore, query: SavedQuery | str,
              params: Mapping[str, Any] | None = None) -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
    """The variables and, lazily, every row of a SELECT answer in the order its pages have."""
    saved, bindings = _prepare(store, query, params)
    if saved.kind != "SELECT":
        raise QueryError(f"only SELECT answers come row by row; {saved.name} is a {saved.kind} query")

    def start() -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
        solutions = _solutions(store, saved, bindings, "")
        return tuple(v.value for v in solutions.variables), _rows(saved, solutions)

    return _mapped(saved, start)


def _rows(saved: SavedQuery, solutions: ox.QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
    """The rows of a lazy answer; an error met while evaluating it is said as `run_query` says it."""
    iterator = iter(solutions)
    while (row := _mapped(saved, lambda: next(iterator, None))) is not None:
        yield tuple(row)


def _prepare(store: KnowledgeStore, query: SavedQuery | str,
             params: Mapping[str, Any] | None) -> tuple[SavedQuery, dict[str, Term]]:
    saved = query if isinstance(query, SavedQuery) else resolve_query(query)
    bindings = {variable.value: term for variable, term in bind_parameters(store, saved, params or {}).items()}
    if saved.is_update:
        raise QueryError("only read queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run here; updates are refused")
    return saved, bindings


def _page(store: KnowledgeStore, saved: SavedQuery, bindings: dict[str, Term], limit: int,
          offset: int) -> QueryResult:
    """One page, and whether another follows (one row more than asked for is fetched to tell)."""
    limit, offset = max(0, int(limit)), max(0, int(offset))
    if saved.kind != "SELECT":
        return _materialise(saved, store.query(saved.sparql, bindings=bindings)).sliced(offset, limit)
    solutions = _solutions(store, saved, bindings, f"\nLIMIT {limit + 1} OFFSET {offset}")
    if solutions is None:
        return _materialise(saved, store.query(saved.sparql, bindings=bindings)).sliced(offset, limit)
    page = _materialise(saved, solutions)
    page.more = len(page.rows) > limit
    del page.rows[limit:]
    return page


def _solutions(store: KnowledgeStore, saved: SavedQuery, bindings: dict[str, Term], clauses: str) -> Any:
    """The SELECT answer with `clauses` (LIMIT, OFFSET) after it, its ORDER BY (if it has one)
    completed by every selected variable as a tie-breaker, so the order is total; None when
    nothing can be appended because the query ends in a LIMIT, OFFSET or VALUES clause of its own.
    Without ORDER BY the engine's order is kept: for a plain pattern, the index order, the same on
    every page while the store is unchanged."""
    tail = saved.modifiers
    if _LIMIT.search(tail):
        return None if clauses else store.query(saved.sparql, bindings=bindings)
    order = ""
    if _ORDER_BY.search(tail):
        variables = store.query(saved.sparql + "\nLIMIT 0", bindings=bindings).variables  # evaluates nothing
        order = "\n" + " ".join(f"?{v.value}" for v in variables)
    try:
        return store.query(saved.sparql + order + clauses, bindings=bindings)
    except SyntaxError:  # a trailing VALUES block: nothing can follow it
        return None if clauses else store.query(saved.sparql, bindings=bindings)


def _mapped(saved: SavedQuery, func: Callable[[], Any]) -> Any:
    """`func()`, with pyoxigraph's errors said as the user's: syntax, the store, evaluation."""
    try:
        return func()
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
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
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
