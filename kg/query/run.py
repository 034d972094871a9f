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

A saved query marked `materialise:` has its whole answer, in that same order, kept by the build
(`keep_answers`, stored by `kg.query.answers`); while it is current (same store revision, same
query text, parameters it was kept for) pages and streams read it instead of running the query,
so they answer exactly what the query would. `QueryResult.kept` says which way an answer came.

`timeout` runs the query in a daemon worker thread; pyoxigraph cannot cancel a running query, so
after a timeout the thread finishes in the background and its result is dropped.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.query import answers
from kg.query.params import bind_parameters
from kg.query.results import QueryResult
from kg.query.saved import SavedQuery, load_saved_queries, resolve_query
from kg.rdf.store import KnowledgeStore, Term

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_LIMIT = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE)


def run_query(store: KnowledgeStore, query: SavedQuery | str, params: Mapping[str, Any] | None = None, *,
              limit: int | None = None, offset: int = 0, timeout: float | None = None) -> QueryResult:
    """Run a saved query (or name, path, SPARQL text) with typed parameters over the union graph;
    with `limit`, only that page of the answer (`QueryResult.more` says whether rows follow).
    A query whose answer the build kept (`kg.query.answers`) is read from there while current."""
    saved, bindings = _prepare(store, query, params)

    def execute() -> QueryResult:
        kept = _kept(store, saved, bindings)
        if kept is not None:
            found = kept.page(max(0, int(limit)), max(0, int(offset))) if limit is not None else kept.rows()
            if found is not None:
                rows, more = found if limit is not None else (list(found), False)
                if saved.kind == "SELECT":
                    return QueryResult(kind="SELECT", variables=kept.variables, rows=rows, query=saved, more=more,
                                       kept=True)
                return QueryResult(kind=saved.kind, triples=[ox.Triple(*row) for row in rows], query=saved,
                                   more=more, kept=True)
        if limit is not None:
            return _page(store, saved, bindings, limit, offset)
        if saved.kind == "SELECT":  # in page order, as a kept answer is
            return _materialise(saved, _solutions(store, saved, bindings, ""))
        return _materialise(saved, store.query(saved.sparql, bindings=bindings))

    if timeout is None:
        return _mapped(saved, execute)
    return _mapped(saved, lambda: _with_timeout(execute, timeout))


def iter_rows(store: KnowledgeStore, query: SavedQuery | str,
              params: Mapping[str, Any] | None = None) -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
    """The variables and, lazily, every row of a SELECT answer in the order its pages have (from
    the build's kept answer while it is current)."""
    saved, bindings = _prepare(store, query, params)
    if saved.kind != "SELECT":
        raise QueryError(f"only SELECT answers come row by row; {saved.name} is a {saved.kind} query")
    kept = _kept(store, saved, bindings)
    rows = kept.rows() if kept is not None else None  # a SELECT query's kept answer
    if rows is not None:
        return kept.variables, rows
    return _mapped(saved, lambda: _ordered_rows(store, saved, bindings))


def keep_answers(store: KnowledgeStore, queries: Mapping[str, SavedQuery] | None = None) -> list[tuple[str, int, float]]:
    """Compute and keep (`kg.query.answers`) the answer of every query marked `materialise:`
    (default: the shipped saved queries) whose kept answer is not current: the store changed
    since (its revision), or the query did. The build calls it after loading the store, so a
    build that changed nothing costs a look at the file. (name, rows, seconds) of each one kept."""
    if store.path is None:
        return []
    queries = load_saved_queries() if queries is None else queries
    marked = {name: saved for name, saved in queries.items() if saved.materialise is not None}
    revision = store.revision()
    have = answers.stored(store.path)
    answers.forget(store.path, [name for name in have if name not in marked])
    done = []
    for name, saved in marked.items():
        if have.get(name) == (answers.digest(saved), revision):
            continue
        started = time.perf_counter()
        unselected = replace(saved, parameters=tuple(p for p in saved.parameters if p.name not in saved.materialise))
        bindings = {v.value: t for v, t in _mapped(saved, lambda: bind_parameters(store, unselected, {})).items()}
        variables, rows = _mapped(saved, lambda: _answer_rows(store, saved, bindings))
        fixed = {p.name: answers.term_text(bindings.get(p.name)) for p in unselected.parameters}
        count = answers.write(store.path, saved, revision, variables, fixed, rows, started)
        done.append((name, count, time.perf_counter() - started))
    answers.checkpoint(store.path)
    return done


def _kept(store: KnowledgeStore, saved: SavedQuery, bindings: dict[str, Term]) -> answers.Kept | None:
    """The current kept answer for these bindings, if the build kept one (see `kg.query.answers`)."""
    if saved.materialise is None:
        return None
    return answers.find(store.path, saved, store.memo("revision", store.revision), bindings)


def _answer_rows(store: KnowledgeStore, saved: SavedQuery,
                 bindings: dict[str, Term]) -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
    """The whole answer as rows to keep: a SELECT's in page order, a graph's triples (each once,
    in the order `run_query` gives them) as rows of subject, predicate and object."""
    if saved.kind == "SELECT":
        return _ordered_rows(store, saved, bindings)
    triples = _materialise(saved, store.query(saved.sparql, bindings=bindings)).triples
    return ("subject", "predicate", "object"), ((t.subject, t.predicate, t.object) for t in triples)


def _ordered_rows(store: KnowledgeStore, saved: SavedQuery,
                  bindings: dict[str, Term]) -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
    """The variables and, lazily, the rows of the whole answer in page order (`_solutions`)."""
    solutions = _solutions(store, saved, bindings, "")
    return tuple(v.value for v in solutions.variables), _rows(saved, solutions)


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
