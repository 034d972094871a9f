"""Saved SPARQL queries (`queries/*.rq`) and the one place that runs queries.

One module a job, imports running down this list:

- `curies`: the prefix table both ways (`e:nvidia` ↔ its IRI);
- `saved`: `.rq` files and their `#+` YAML header (title, description, typed parameters);
- `entities`: the entity a name, alias, misspelling or IRI means;
- `params`: parameter values as typed RDF terms (never pasted into the query text);
- `results`: `QueryResult` and its renderings (text, SPARQL results, RDF);
- `answers`: the answers of queries marked `materialise:`, kept by the build beside the store;
- `run`: `run_query` on a `KnowledgeStore` (the whole answer or one page of it, with an optional
  timeout), `iter_rows` (every row, lazily, for streaming), both reading a kept answer while it
  is current, and `keep_answers` (what the build calls to keep them).

Example::

    from kg.query import run_query
    rows = run_query(store, "export-controls-timeline", {"chip": "H20"}).records()
"""

from kg.query.curies import shorten_iri
from kg.query.entities import resolve_entity
from kg.query.params import bind_parameters
from kg.query.results import (STREAM_FORMATS, QueryResult, cell_text, display_rows, serialize_result, stream_rows,
                              term_to_text)
from kg.query.run import iter_rows, run_query
from kg.query.saved import (PARAMETER_TYPES, QUERY_KINDS, Parameter, SavedQuery, load_saved_queries,
                            parse_saved_query, resolve_query)

__all__ = [
    "PARAMETER_TYPES", "QUERY_KINDS", "STREAM_FORMATS", "Parameter", "QueryResult", "SavedQuery", "bind_parameters",
    "cell_text", "display_rows", "iter_rows", "load_saved_queries", "parse_saved_query", "resolve_entity",
    "resolve_query", "run_query", "serialize_result", "shorten_iri", "stream_rows", "term_to_text",
]
