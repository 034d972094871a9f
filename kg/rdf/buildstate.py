"""The build's bookkeeping, kept beside the RDF and never in it.

What the build remembers between runs — each article's fingerprint (`content-hash raw-hash
text-key`, so an unchanged input is skipped unread), the content hash of the ontology and
reference graphs, and the marker of an interrupted bulk load — is not knowledge about AI chips:
a SPARQL `COUNT(*)` or `GRAPH ?g` must not see it. pyoxigraph's union default graph covers every
graph of a store, and naming all the other graphs instead makes each triple pattern one index
seek per graph (150× slower at 5,000 articles), so the bookkeeping lives in a small SQLite file
inside the store's folder (`build-state.sqlite`; RocksDB ignores files it did not write, and
a copy of the folder is a copy of both).

The two are not written in one transaction, and need not be: the build writes a graph first
and its fingerprint after, and trusts a fingerprint only while the article graph still carries
the content hash it was taken from (`kg.build.orchestrate`), so a build killed in between costs
a re-read, never a wrong skip. Stores written before this kept the same rows in the named graph
`LEGACY_GRAPH`; the first writable open moves them here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

FILE_NAME = "build-state.sqlite"
LEGACY_GRAPH = "https://w3id.org/chipgraph/graph/build-state"
LEGACY_FINGERPRINT = LEGACY_GRAPH + "#fingerprint"
CONTENT, FINGERPRINT, REVISION = "content", "fingerprint", "revision"
"""The kinds of row: a graph's recorded content hash (or a marker such as "loading"), an article
graph's fingerprint, and the store's revision (one row, `STORE`: a token that every write through
`kg.rdf.store.KnowledgeStore` replaces, so what was computed from the data can tell it is current)."""
STORE = "store"

_SCHEMA = "CREATE TABLE IF NOT EXISTS state (graph TEXT, kind TEXT, value TEXT, PRIMARY KEY (graph, kind))"


class BuildState:
    """Rows of (graph IRI, kind, value) in `folder/build-state.sqlite` (in memory for None).

    `read_only` opens an existing file without writing it (a server reading a store never needs
    the build's rows; a store without the file simply has none).
    """

    def __init__(self, folder: Path | None, *, read_only: bool = False) -> None:
        if folder is None:
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
        elif read_only:
            path = folder / FILE_NAME
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro" if path.exists() else ":memory:", uri=True,
                                      check_same_thread=False)
        else:
            self.db = sqlite3.connect(folder / FILE_NAME, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # a "loading" marker must be on disk before the load
        if not read_only or folder is None:
            with self.db:
                self.db.execute(_SCHEMA)
        self._has_table = not read_only or folder is None or _has_table(self.db)

    def get(self, graph: str, kind: str) -> str | None:
        if not self._has_table:
            return None
        row = self.db.execute("SELECT value FROM state WHERE graph = ? AND kind = ?", (graph, kind)).fetchone()
        return row[0] if row else None

    def all(self, kind: str) -> dict[str, str]:
        """graph → value for every row of this kind."""
        if not self._has_table:
            return {}
        return dict(self.db.execute("SELECT graph, value FROM state WHERE kind = ?", (kind,)))

    def put(self, kind: str, values: Iterable[tuple[str, str | None]]) -> None:
        """Set (or, for a value of None or "", remove) rows of this kind, in one commit."""
        rows = list(values)
        with self.db:
            self.db.executemany("DELETE FROM state WHERE graph = ? AND kind = ?",
                                [(graph, kind) for graph, value in rows if not value])
            self.db.executemany("INSERT OR REPLACE INTO state (graph, kind, value) VALUES (?, ?, ?)",
                                [(graph, kind, value) for graph, value in rows if value])

    def close(self) -> None:
        self.db.close()


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state'").fetchone() is not None
