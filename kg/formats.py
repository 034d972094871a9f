"""Every output format Chipgraph speaks, once: its name, media types, file extension, the
pyoxigraph format that writes it, and the one table of aliases (`ttl`, `nt`, `json-ld`, …).

The CLI (`--format`), the exporter, the saved-query serialiser and the server's content
negotiation all pick from these members, so a format offered in one place is spelt, labelled
and written the same way everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import KgError


class Format(enum.StrEnum):
    """A format by its short name (`Format("turtle")`, `str(Format.TURTLE) == "turtle"`)."""

    JSON = "json"
    XML = "xml"
    CSV = "csv"
    TSV = "tsv"
    HTML = "html"
    TABLE = "table"
    TURTLE = "turtle"
    TRIG = "trig"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def media_type(self) -> str:
        """The Content-Type this format is answered with."""
        return _MEDIA[self][0]

    @property
    def types(self) -> tuple[str, ...]:
        """Media types (without parameters) that ask for this format, the main one first."""
        main, *others = _MEDIA[self]
        return (main.split(";")[0], *others)

    @property
    def extension(self) -> str:
        return _EXTENSIONS.get(self, self.value)

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The pyoxigraph serialiser of an RDF format (KeyError for result formats)."""
        return _RDF[self]

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """The pyoxigraph serialiser of a SPARQL results format (KeyError for RDF formats)."""
        return _RESULTS[self]


_MEDIA: dict[Format, tuple[str, ...]] = {
    Format.JSON: ("application/sparql-results+json", "application/json"),
    Format.XML: ("application/sparql-results+xml", "application/xml", "text/xml"),
    Format.CSV: ("text/csv; charset=utf-8",),
    Format.TSV: ("text/tab-separated-values; charset=utf-8",),
    Format.HTML: ("text/html; charset=utf-8", "application/xhtml+xml"),
    Format.TABLE: ("text/plain; charset=utf-8",),
    Format.TURTLE: ("text/turtle; charset=utf-8", "application/x-turtle"),
    Format.TRIG: ("application/trig",),
    Format.NTRIPLES: ("application/n-triples", "text/plain"),
    Format.NQUADS: ("application/n-quads",),
    Format.JSONLD: ("application/ld+json", "application/json"),
    Format.RDFXML: ("application/rdf+xml", "application/xml", "text/xml"),
}
_EXTENSIONS = {Format.JSON: "srj", Format.XML: "srx", Format.TURTLE: "ttl", Format.NTRIPLES: "nt", Format.NQUADS: "nq", Format.RDFXML: "rdf",
               Format.TABLE: "txt"}
_RDF = {Format.TURTLE: ox.RdfFormat.TURTLE, Format.TRIG: ox.RdfFormat.TRIG, Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
        Format.NQUADS: ox.RdfFormat.N_QUADS, Format.JSONLD: ox.RdfFormat.JSON_LD, Format.RDFXML: ox.RdfFormat.RDF_XML}
_RESULTS = {Format.JSON: ox.QueryResultsFormat.JSON, Format.XML: ox.QueryResultsFormat.XML,
            Format.CSV: ox.QueryResultsFormat.CSV, Format.TSV: ox.QueryResultsFormat.TSV}

#: Other spellings users and tools write for a format.
ALIASES: dict[str, Format] = {
    "ttl": Format.TURTLE, "nt": Format.NTRIPLES, "nq": Format.NQUADS, "json-ld": Format.JSONLD,
    "rdf": Format.RDFXML, "xml-rdf": Format.RDFXML, "rdf-xml": Format.RDFXML, "srj": Format.JSON,
    "srx": Format.XML, "htm": Format.HTML, "n-triples": Format.NTRIPLES, "n-quads": Format.NQUADS,
}

#: What each kind of answer can be written as, in order of preference (the first answers `*/*`).
RESULT_FORMATS = (Format.JSON, Format.XML, Format.CSV, Format.TSV)
GRAPH_FORMATS = (Format.TURTLE, Format.NTRIPLES, Format.JSONLD, Format.RDFXML, Format.NQUADS)
DATASET_FORMATS = (Format.NQUADS, Format.TRIG)
EXPORT_FORMATS = (Format.TURTLE, Format.TRIG, Format.NQUADS, Format.NTRIPLES, Format.JSONLD)


def lookup(name: str) -> Format | None:
    """The format a name or alias means (case and spacing ignored), or None."""
    key = name.strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    try:
        return Format(key.replace("-", "").replace("_", ""))
    except ValueError:
        return None


def parse_format(name: str | Format, allowed: Iterable[Format], *, what: str = "format") -> Format:
    """The allowed format `name` means; a KgError listing the choices otherwise."""
    choices = tuple(allowed)
    found = name if isinstance(name, Format) else lookup(name)
    if found is None or found not in choices:
        adjective = "unknown" if found is None else "unsupported"
        raise KgError(f"{adjective} {what} '{name}'", hint="choose " + ", ".join(choices))
    return found
