"""One table of formats: every name and alias the CLI, exporter and server accept means one format."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.formats import ALIASES, DATASET_FORMATS, EXPORT_FORMATS, GRAPH_FORMATS, RESULT_FORMATS, Format, lookup, parse_format


@pytest.mark.parametrize("name, expected", [
    ("ttl", Format.TURTLE), ("Turtle", Format.TURTLE), ("json-ld", Format.JSONLD), ("JSONLD", Format.JSONLD),
    ("nt", Format.NTRIPLES), ("n-quads", Format.NQUADS), ("srx", Format.XML), ("rdf", Format.RDFXML),
    (" csv ", Format.CSV), ("yaml", None), ("", None),
])
def test_names_and_aliases(name, expected):
    assert lookup(name) is expected


def test_unknown_format_names_the_choices():
    with pytest.raises(KgError) as caught:
        parse_format("yaml", EXPORT_FORMATS)
    assert str(caught.value) == "unknown format 'yaml' (choose turtle, trig, nquads, ntriples, jsonld)"
    with pytest.raises(KgError, match="unsupported format 'csv'"):
        parse_format("csv", EXPORT_FORMATS)
    assert parse_format("ttl", EXPORT_FORMATS) is Format.TURTLE


@pytest.mark.parametrize("fmt", [*GRAPH_FORMATS, *DATASET_FORMATS])
def test_rdf_formats_write_what_pyoxigraph_reads_back(fmt):
    quad = ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("칩", language="ko"),
                   ox.NamedNode("https://example.org/g") if fmt in DATASET_FORMATS else ox.DefaultGraph())
    data = ox.serialize([quad], format=fmt.rdf_format)
    assert list(ox.parse(data, format=ox.RdfFormat.from_media_type(fmt.types[0]))) == [quad]


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_results_formats_have_a_results_serialiser(fmt):
    assert ox.QueryResultsFormat.from_media_type(fmt.types[0]) == fmt.results_format


def test_every_alias_names_a_member_and_no_alias_shadows_a_name():
    assert set(ALIASES.values()) <= set(Format)
    assert not set(ALIASES) & {f.value for f in Format}
