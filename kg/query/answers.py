"""Saved answers: the whole answer of a saved query marked `materialise:` (kg.query.saved), kept
at build time in a SQLite file beside the store, so that a page of it is an indexed read.

Why: at 50,000 articles nearly every saved query orders, groups or de-duplicates every report
of the corpus, and Oxigraph evaluates and sorts all of it before it can give the first row
(seconds to over a minute, BENCHMARKS.md). The answer depends only on the store's data and the
query's text, so the build, which changes the data, computes it once (`kg.query.run.keep_answers`)
and every page after that reads its rows.

The file (`saved-answers.sqlite` in the store's folder, like the build's bookkeeping,
`kg.rdf.buildstate`) holds one table per query: `seq` (the row's place in the query's total page
order, from 0), `row` (the row's terms as JSON, `encode_row`) and one `by_<name>` column per
`by:` parameter (the N-Triples text of that variable's value, indexed with `seq`). A `saved`
table says, per query, for which store revision (`KnowledgeStore.revision`) and which query text
(`digest`) the rows were computed, with which variables and parameter values. A kept answer is
used only when all of these still agree; otherwise the query runs on the store as it always did,
so an answer kept is never older than the data (a write to the store gives it a new revision).

Each table is replaced in one transaction together with its `saved` row, and every read checks
the `saved` row in the same transaction as the rows it reads (WAL: readers never wait for the
build), so a reader never mixes one revision's check with another's rows.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import DataFileError
from kg.query.saved import SavedQuery

FILE_NAME = "saved-answers.sqlite"
FORMAT = "1"  # the layout of the file and of `encode_row`; a new layout makes every kept answer stale

_SCHEMA = """CREATE TABLE IF NOT EXISTS saved (
  name TEXT PRIMARY KEY, digest TEXT NOT NULL, revision TEXT NOT NULL, variables TEXT NOT NULL,
  fixed TEXT NOT NULL, by_params TEXT NOT NULL, rows INTEGER NOT NULL, seconds REAL NOT NULL)"""


def digest(saved: SavedQuery) -> str:
    """What a kept answer was computed from besides the data: the query's whole text (header
    included: defaults and `by:` shape the answer) and this module's layout."""
    return hashlib.sha256(f"{FORMAT}\n{saved.materialise}\n{saved.sparql}".encode("utf-8")).hexdigest()


def term_text(term: Any) -> str | None:
    """A term's N-Triples text (the `by_` columns, the fixed parameter values), None for unbound."""
    return None if term is None else str(term)


# --- rows as JSON: compact, and read back without a parser ---------------------------------------

_IRI, _BNODE, _STRING, _TYPED, _LANG, _TRIPLE = range(6)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _encode(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return [_IRI, term.value]
    if isinstance(term, ox.BlankNode):
        return [_BNODE, term.value]
    if isinstance(term, ox.Literal):
        if term.language:
            return [_LANG, term.value, term.language]
        if term.datatype.value == _XSD_STRING:
            return [_STRING, term.value]
        return [_TYPED, term.value, term.datatype.value]
    if isinstance(term, ox.Triple):
        return [_TRIPLE, _encode(term.subject), _encode(term.predicate), _encode(term.object)]
    raise TypeError(f"cannot keep {term!r}")


def _decode(cell: Any) -> Any:
    if cell is None:
        return None
    kind = cell[0]
    if kind == _IRI:
        return ox.NamedNode(cell[1])
    if kind == _STRING:
        return ox.Literal(cell[1])
    if kind == _TYPED:
        return ox.Literal(cell[1], datatype=ox.NamedNode(cell[2]))
    if kind == _LANG:
        return ox.Literal(cell[1], language=cell[2])
    if kind == _BNODE:
        return ox.BlankNode(cell[1])
    return ox.Triple(_decode(cell[1]), _decode(cell[2]), _decode(cell[3]))


def encode_row(row: Iterable[Any]) -> str:
    return json.dumps([_encode(term) for term in row], ensure_ascii=False, separators=(",", ":"))


def decode_row(text: str) -> tuple[Any, ...]:
    return tuple(_decode(cell) for cell in json.loads(text))


# --- the file --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kept:
    """One query's kept answer as a reader found it current: the rows to read and how to select them."""

    path: Path
    name: str
    digest: str
    revision: str
    variables: tuple[str, ...]
    where: tuple[tuple[str, str], ...]  # (column, N-Triples text) the rows must have

    def page(self, limit: int, offset: int) -> tuple[list[tuple[Any, ...]], bool] | None:
        """`limit` rows from `offset` in page order and whether more follow; None if the answer
        was replaced since it was found (the caller runs the query instead)."""
        if not self.where:  # seq is dense from 0: the offset is a seek, not a walk
            sql, args = self._select(start=offset)
            sql, args = sql + " LIMIT ?", [*args, limit + 1]
        else:  # a walk along the by_ column's index, as long as the offset
            sql, args = self._select()
            sql, args = sql + " LIMIT ? OFFSET ?", [*args, limit + 1, offset]
        try:
            db = _connect(self.path)
        except sqlite3.Error:
            return None
        try:
            db.execute("BEGIN")
            if not self._still(db):
                return None
            rows = [decode_row(text) for (text,) in db.execute(sql, args)]
            db.execute("COMMIT")
        except sqlite3.Error:  # the file went or broke under us: the query runs instead
            return None
        finally:
            db.close()
        return rows[:limit], len(rows) > limit

    def rows(self) -> Iterator[tuple[Any, ...]] | None:
        """Every row, lazily, in one read transaction (None as for `page`)."""
        sql, args = self._select()
        db = None
        try:
            db = _connect(self.path)
            db.execute("BEGIN")
            cursor = db.execute(sql, args) if self._still(db) else None
        except sqlite3.Error:
            cursor = None
        if cursor is None:
            if db is not None:
                db.close()
            return None

        def read() -> Iterator[tuple[Any, ...]]:
            try:
                while batch := cursor.fetchmany(500):
                    for (text,) in batch:
                        yield decode_row(text)
            finally:
                db.close()

        return read()

    def _select(self, start: int | None = None) -> tuple[str, list[Any]]:
        """The rows' SELECT in page order (from row `start`) and its arguments."""
        conditions, args = [f"{column} = ?" for column, _ in self.where], [value for _, value in self.where]
        if start is not None:
            conditions.append("seq >= ?")
            args.append(start)
        where = " AND ".join(conditions) or "1"
        return f"SELECT row FROM {_table(self.name)} WHERE {where} ORDER BY seq", args

    def _still(self, db: sqlite3.Connection) -> bool:
        found = db.execute("SELECT digest, revision FROM saved WHERE name = ?", (self.name,)).fetchone()
        return found == (self.digest, self.revision)


def find(folder: Path | None, saved: SavedQuery, revision: str | None,
         bindings: Mapping[str, Any]) -> Kept | None:
    """The kept answer of `saved` with these parameter values (name → term, as bound for the
    query), when one is current: the same query text, the store at `revision`, every parameter
    outside `by:` at the value it was kept with. None otherwise (the query must run)."""
    if saved.materialise is None or folder is None or revision is None:
        return None
    path = folder / FILE_NAME
    if not path.exists():
        return None
    try:
        db = _connect(path)
        try:
            found = db.execute("SELECT digest, revision, variables, fixed FROM saved WHERE name = ?",
                               (saved.name,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:  # not (yet) a file of kept answers: nothing is current
        return None
    if found is None or found[0] != digest(saved) or found[1] != revision:
        return None
    fixed = json.loads(found[3])
    for param in saved.parameters:
        if param.name not in saved.materialise and term_text(bindings.get(param.name)) != fixed.get(param.name):
            return None
    where = tuple((_column(name), term_text(bindings[name])) for name in saved.materialise if name in bindings)
    return Kept(path, saved.name, found[0], revision, tuple(json.loads(found[2])), where)


def stored(folder: Path) -> dict[str, tuple[str, str]]:
    """Query name → (digest, revision) of every kept answer (to tell which are current). A file
    that is not one SQLite can read (cut short, overwritten) is removed: the caller keeps every
    answer anew, as readers, which ignore such a file, ran the queries meanwhile."""
    path = folder / FILE_NAME
    if not path.exists():
        return {}
    try:
        db = _connect(path)
        try:
            return {name: (d, r) for name, d, r in db.execute("SELECT name, digest, revision FROM saved")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "no such table" not in str(exc):
            raise  # busy, read-only folder …: not the file's fault
        for leftover in (path, path.with_name(FILE_NAME + "-wal"), path.with_name(FILE_NAME + "-shm")):
            leftover.unlink(missing_ok=True)
        return {}


def write(folder: Path, saved: SavedQuery, revision: str, variables: tuple[str, ...], fixed: Mapping[str, str | None],
          rows: Iterable[tuple[Any, ...]], started: float) -> int:
    """Replace the kept answer of `saved` by `rows` (in page order, read lazily), in one
    transaction; the number of rows. `started`: `time.perf_counter()` when computing them began."""
    missing = [name for name in saved.materialise or () if name not in variables]
    if missing:
        raise DataFileError(f"materialise: by names ?{missing[0]}, which the query does not select", path=saved.path,
                            hint=f"select ?{missing[0]} so that its rows can be chosen by it")
    by = saved.materialise or ()
    positions = [variables.index(name) for name in by]
    table = _table(saved.name)
    columns = "".join(f", {_column(name)} TEXT" for name in by)
    db = sqlite3.connect(folder / FILE_NAME, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_SCHEMA)
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (seq INTEGER PRIMARY KEY, row TEXT NOT NULL{columns})")
        marks = ", ".join("?" * (2 + len(by)))
        count = 0

        def records() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for count, row in enumerate(rows, start=1):
                yield (count - 1, encode_row(row), *(term_text(row[i]) for i in positions))

        db.executemany(f"INSERT INTO {table} VALUES ({marks})", records())
        for name in by:
            db.execute(f"CREATE INDEX {_table(saved.name, _column(name))} ON {table} ({_column(name)}, seq)")
        db.execute("INSERT OR REPLACE INTO saved VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (saved.name, digest(saved), revision, json.dumps(list(variables)), json.dumps(dict(fixed)),
                    json.dumps(list(by)), count, time.perf_counter() - started))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    return count


def forget(folder: Path, names: Iterable[str]) -> None:
    """Drop the kept answers of queries no longer marked `materialise:` (or no longer saved)."""
    path = folder / FILE_NAME
    names = list(names)
    if not names or not path.exists():
        return
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        for name in names:
            db.execute(f"DROP TABLE IF EXISTS {_table(name)}")
            db.execute("DELETE FROM saved WHERE name = ?", (name,))
        db.execute("COMMIT")
    finally:
        db.close()


def checkpoint(folder: Path) -> None:
    """Fold the write-ahead log into the file (a copy of the store's folder then carries it all)."""
    path = folder / FILE_NAME
    if path.exists():
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection of its own (cheap; one a read, so threads and forked workers never share one)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False)


def _table(name: str, index: str = "") -> str:
    """The quoted name of a query's table (or, with `index`, of one of its indexes)."""
    return '"answer:' + name.replace('"', '""') + (":" + index if index else "") + '"'


def _column(name: str) -> str:
    return "by_" + name  # a parameter name is a SPARQL variable name: letters, digits, _
