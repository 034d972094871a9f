"""Article graphs: the N-Triples lines workers send equal the quads, in the same stable order;
articles extracted together give what they give one by one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract, extract_many
from kg.rdf.triples import article_ntriples, article_quads
from kg.ingest import Article, iter_articles

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def articles():
    return [a for a in iter_articles([ROOT / "seeds", ROOT / "tests/gold/unseen"]) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def extractions(articles):
    return [extract(a) for a in articles]


def test_extracting_together_equals_one_by_one(articles, extractions):
    together = extract_many(articles)
    assert [e.article.identifier for e in together] == [a.identifier for a in articles]
    for one, many in zip(extractions, together):
        assert (one.mentions, one.actions, one.relations) == (many.mentions, many.actions, many.relations)


def test_lines_are_the_quads_in_order(extractions):
    for extraction in extractions:
        quads = article_quads(extraction, pipeline_version="test")
        lines = article_ntriples(extraction, pipeline_version="test")
        assert lines == [f"{q.subject} {q.predicate} {q.object}" for q in quads]


def test_order_is_by_subject_then_predicate_then_object(extractions):
    for extraction in extractions:
        quads = article_quads(extraction, pipeline_version="test")
        keys = [(str(q.subject), str(q.predicate), str(q.object)) for q in quads]
        assert keys == sorted(set(keys)), extraction.article.identifier


def test_min_confidence_drops_facts_from_both(extractions):
    extraction = max(extractions, key=lambda e: len(e.actions))
    everything = article_ntriples(extraction, pipeline_version="test", min_confidence=0.0)
    confident = article_ntriples(extraction, pipeline_version="test", min_confidence=0.99)
    assert set(confident) < set(everything)
    assert len(article_quads(extraction, pipeline_version="test", min_confidence=0.99)) == len(confident)
