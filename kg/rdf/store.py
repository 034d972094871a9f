"""The embedded pyoxigraph store: open it, replace one article's graph at a time, query it.

`KnowledgeStore` is the only code that talks to pyoxigraph's `Store`: every query (saved queries,
the code's own `kg/sparql/*.rq`, the server's SPARQL endpoint) goes through `KnowledgeStore.query`
with the one prefix table, and every write through its update and load methods, so a cache kept
for a store (`memo`) knows when the data under it changed.

Each article's graph is replaced by a single SPARQL update (DROP + INSERT DATA), which Oxigraph
runs as one transaction: a reader, or a build killed half-way, sees the old graph or the new
one, never a mix. The ontology and the reference entities live in graphs of their own and are
reloaded only when their files change.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Iterable

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pyoxigraph import (BlankNode, CanonicalizationAlgorithm, Dataset, DefaultGraph, Literal, NamedNode, Quad,
                        QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Store, Triple, Variable)

from kg.errors import StoreError
from kg.namespaces import CG, ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH
from kg.rdf.buildstate import CONTENT, FINGERPRINT, LEGACY_FINGERPRINT, LEGACY_GRAPH, REVISION, STORE, BuildState

Term = NamedNode | BlankNode | Literal | Triple
T = TypeVar("T")
from kg.resources import ontology_dir

REFERENCE_FILES = {ONTOLOGY_GRAPH: ("chipgraph.ttl",), REFERENCE_GRAPH: ("entities.ttl",)}


class KnowledgeStore:
    """A Chipgraph store on disk (or in memory when `path` is None)."""

    def __init__(self, path: Path | str | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self.store = Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError("no store here", path=self.path, hint="run `kg build` first")
                before = _stored_revision(self.path)
                self.store = Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the store: {exc}", path=self.path,
                             hint="is another `kg` process writing to it?") from exc
        self.read_only = read_only
        self.state = BuildState(self.path, read_only=read_only)  # the build's bookkeeping (kg.rdf.buildstate)
        if not read_only:
            self._move_legacy_state()
        self._generation = 0  # bumped by every write made through this object
        self._memos: dict[str, tuple[int, Any]] = {}
        self._revised = False  # written through this object since the revision was last read
        if read_only and self.path is not None:  # the revision of the data this view sees (`revision`)
            after = self.state.get(STORE, REVISION)
            self._opened_at = after if after == before else None

    # --- reading ------------------------------------------------------------------------------

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None, union: bool = True,
              base_iri: str | None = None, default_graph: list[NamedNode] | None = None,
              named_graphs: list[NamedNode] | None = None) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run a read query with the prefix table predeclared.

        `bindings` set variables to RDF terms before the query runs (SEP-0007 substitution: a value
        is never pasted into the text). `union`: the default graph is the union of all graphs
        (else the store's own default graph), unless `default_graph` names the graphs to use.
        """
        options: dict[str, Any] = {"prefixes": PREFIXES}
        if bindings:
            options["substitutions"] = {Variable(name): term for name, term in bindings.items()}
        if base_iri is not None:
            options["base_iri"] = base_iri
        if default_graph is not None:
            options["default_graph"] = default_graph
        elif union:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = named_graphs
        return self.store.query(sparql, **options)

    def match(self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None) -> list[Quad]:
        """Quads matching a pattern (None matches anything), in the store's order."""
        return list(self.store.quads_for_pattern(subject, predicate, obj, graph))

    def dump(self, fmt: RdfFormat = RdfFormat.N_QUADS, *, graph: NamedNode | None = None) -> bytes:
        """The whole store (or one graph) serialised by pyoxigraph."""
        if graph is not None:
            return self.store.dump(format=fmt, from_graph=graph)
        return self.store.dump(format=fmt)

    def __len__(self) -> int:
        return len(self.store)

    def memo(self, name: str, make: Callable[[], T]) -> T:
        """A value computed from this store's data, remembered until the next write through it
        (the label index of entity lookup, for example). A read-only store never goes stale."""
        cached = self._memos.get(name)
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        value = make()
        self._memos[name] = (self._generation, value)
        return value

    def revision(self) -> str | None:
        """The revision of the data this object sees: a token recorded in the build's bookkeeping
        and replaced before every write through a `KnowledgeStore` (by any process), so what is
        computed from the data and kept (`kg.query.answers`) is current while the token is the same.

        A writer's revision is minted after its last write (a token read while a write was under
        way is never reused once the write is done), so an answer kept for it describes finished
        data. A read-only view gives the revision at the moment it opened its snapshot (read
        before and after opening: if a write began in between, or a write was under way, no kept
        answer matches), or None (nothing kept is current). A store without one is given one.
        """
        if self.read_only:
            return self._opened_at if self.path is not None else None
        current = self.state.get(STORE, REVISION)
        if current is None or self._revised:
            current = self._revise()
        self._revised = False
        return current

    def _revise(self) -> str:
        token = uuid.uuid4().hex
        self.state.put(REVISION, [(STORE, token)])
        return token

    def _changed(self) -> None:
        """Before a write: memos are stale, and the stored revision is replaced (once until it is
        read again) before the data changes, so no reader takes the old one for the new data."""
        self._generation += 1
        if not self._revised:
            self._revise()
            self._revised = True

    def forget(self) -> None:
        """Drop remembered values: the data changed behind this object's back (another writer)."""
        self._generation += 1
        self._memos.clear()

    # --- writing ------------------------------------------------------------------------------

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update (one transaction) with the prefix table predeclared."""
        self._changed()
        if base_iri is None:
            self.store.update(sparql, prefixes=PREFIXES)
        else:
            self.store.update(sparql, prefixes=PREFIXES, base_iri=base_iri)

    def extend(self, quads: Iterable[Quad]) -> None:
        """Add quads in one transaction."""
        self._changed()
        self.store.extend(quads)

    def bulk_load(self, data: bytes, fmt: RdfFormat = RdfFormat.N_QUADS) -> None:
        """Oxigraph's bulk loader: fast, not transactional (see kg.build.writer)."""
        self._changed()
        self.store.bulk_load(data, format=fmt)

    def load(self, data: bytes, fmt: RdfFormat, *, graph: NamedNode | DefaultGraph | None = None,
             base_iri: str | None = None) -> None:
        """Parse and add RDF data (into `graph` for a triples format)."""
        self._changed()
        options: dict[str, Any] = {"format": fmt}
        if graph is not None:
            options["to_graph"] = graph
        if base_iri is not None:
            options["base_iri"] = base_iri
        self.store.load(data, **options)

    def drop_graph(self, graph: NamedNode) -> None:
        """Remove a named graph and its content."""
        self._changed()
        self.store.remove_graph(graph)

    def add_graph(self, graph: NamedNode) -> None:
        """Declare an (empty) named graph."""
        self._changed()
        self.store.add_graph(graph)

    # --- reference graphs -------------------------------------------------------------------

    def sync_reference(self, folder: Path | None = None) -> bool:
        """Load the ontology and reference entities when their files changed; True if reloaded."""
        folder = folder or ontology_dir()
        changed = False
        for graph, names in REFERENCE_FILES.items():
            data = b"".join((folder / name).read_bytes() for name in names)
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            if self.graph_state(graph) == digest:
                continue
            dataset = Dataset()
            for name in names:
                for q in _parse_turtle(folder / name):
                    dataset.add(Quad(q.subject, q.predicate, q.object, NamedNode(graph)))
            dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)  # stable blank node labels
            self._load_reference_graph(graph, list(dataset), digest)
            changed = True
        return changed

    def _load_reference_graph(self, graph: str, quads: list[Quad], digest: str) -> None:
        """Replace a reference graph keeping its canonical blank node labels.

        SPARQL INSERT DATA would mint fresh blank nodes, so the quads go in through the API;
        the state hash is written last, so an interrupted load is redone by the next build.
        """
        self.replace_graph(graph, [], state="loading")
        self.extend(quads)
        self.replace_graph_state(graph, digest)

    def replace_graph_state(self, graph: str, state: str) -> None:
        """Record a graph's content hash, or a marker such as "loading" (on disk when this returns)."""
        self.state.put(CONTENT, [(graph, state)])

    def graph_state(self, graph: str) -> str | None:
        """The state the build recorded for a graph (its content hash, or a marker such as "loading")."""
        return self.state.get(graph, CONTENT)

    def _move_legacy_state(self) -> None:
        """A store written before `kg.rdf.buildstate` keeps the rows in a named graph: move them out."""
        legacy = NamedNode(LEGACY_GRAPH)
        if not self.store.contains_named_graph(legacy):
            return
        rows: dict[str, list[tuple[str, str]]] = {CONTENT: [], FINGERPRINT: []}
        for quad in self.store.quads_for_pattern(None, None, None, legacy):
            kind = FINGERPRINT if quad.predicate.value == LEGACY_FINGERPRINT else CONTENT
            rows[kind].append((quad.subject.value, quad.object.value))
        for kind, values in rows.items():
            self.state.put(kind, values)
        self.store.remove_graph(legacy)

    # --- article graphs -----------------------------------------------------------------------

    def replace_graph(self, graph: str, quads: Iterable[Quad], *, state: str | None = None) -> None:
        """Atomically replace the content of one named graph."""
        node = NamedNode(graph)
        lines = [f"{q.subject} {q.predicate} {q.object} ." for q in quads]
        update = f"DROP SILENT GRAPH {node} ;\n"
        if lines:
            update += f"INSERT DATA {{ GRAPH {node} {{\n" + "\n".join(lines) + "\n} } ;\n"
        self.update(update)
        if state is not None:
            self.replace_graph_state(graph, state)

    def remove_graph(self, graph: str) -> None:
        """Drop an article graph, then the build's fingerprint of it."""
        self.update(f"DROP SILENT GRAPH <{graph}>")
        self.set_fingerprints([(graph, None)])

    def set_fingerprints(self, fingerprints: Iterable[tuple[str, str | None]]) -> None:
        """Record (or, for None or "", forget) article graphs' fingerprints (`fingerprint_value`),
        after their graphs are written: a fingerprint is trusted only while its graph's content
        hash agrees (`kg.build.orchestrate`)."""
        self.state.put(FINGERPRINT, fingerprints)

    def article_fingerprints(self) -> dict[str, tuple[str, str, str]]:
        """Article graph IRI → (content hash, raw hash, text key) as the last build stored them."""
        found = {}
        for graph, value in self.state.all(FINGERPRINT).items():
            parts = value.split(" ")
            if len(parts) == 3:
                found[graph] = (parts[0], parts[1], parts[2])
        return found

    def article_states(self) -> dict[str, tuple[str, str]]:
        """Article graph IRI → (content hash, pipeline version) as stored."""
        rows = self.store.query(
            "SELECT ?g ?h ?v WHERE { GRAPH ?g { ?g a <%s> ; <%s> ?h ; <%s> ?v } }"
            % (CG.Article, CG.contentHash, CG.pipelineVersion))
        return {row["g"].value: (row["h"].value, row["v"].value) for row in rows}

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if g.value != LEGACY_GRAPH)

    def quads(self, graph: str | None = None) -> list[Quad]:
        """Quads of one graph or of all data graphs, sorted for deterministic output."""
        if graph is not None:
            found = self.store.quads_for_pattern(None, None, None, NamedNode(graph))
        else:
            found = (q for q in self.store.quads_for_pattern(None, None, None)
                     if not (isinstance(q.graph_name, NamedNode) and q.graph_name.value == LEGACY_GRAPH))
        return sorted(found, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))

    def flush(self) -> None:
        """Write buffered data to disk (bulk loads bypass the write-ahead log)."""
        self.store.flush()

    def has_graph(self, graph: NamedNode) -> bool:
        """Whether the store holds this named graph (an empty one that was declared counts)."""
        return self.store.contains_named_graph(graph)


def _stored_revision(folder: Path) -> str | None:
    """The revision recorded in a store's folder (`KnowledgeStore.revision`), read on its own."""
    state = BuildState(folder, read_only=True)
    try:
        return state.get(STORE, REVISION)
    finally:
        state.close()


def fingerprint_value(content_hash: str, raw_hash: str, text_key: str) -> str:
    """The stored form of a fingerprint, which `article_fingerprints` reads back ("" when the
    raw input is unknown: nothing is stored)."""
    return f"{content_hash} {raw_hash} {text_key}" if raw_hash else ""


def _parse_turtle(path: Path) -> list:
    from pyoxigraph import parse

    try:
        with path.open("rb") as handle:
            return list(parse(handle, format=RdfFormat.TURTLE, base_iri=path.as_uri()))
    except SyntaxError as exc:
        raise StoreError(f"cannot parse: {exc}", path=path) from exc
