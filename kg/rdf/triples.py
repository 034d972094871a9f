"""Turn an article's extraction into RDF quads in the article's own named graph.

IRIs are derived from content, never from run order: an action's IRI hashes its identity
(class, modality and the roles and values its lexicon entry declares), so two articles that
report the same event give it the same IRI and corroboration is a query; a relation's reified
statement hashes (subject, predicate, object) the same way.
"""

from __future__ import annotations

import functools
import hashlib
import re
from decimal import Decimal
from typing import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.extract import Action, Extraction, rules as action_rules
from kg.lexicon import Gazetteer, gazetteer
from kg.namespaces import CG, SCHEMA, action_iri, article_iri, entity_iri, statement_iri
from kg.nlp.dates import is_period_value
from kg.nlp.mentions import Mention

_HANGUL = re.compile(r"[가-힣]")
_IRI_OK = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@functools.lru_cache(maxsize=8192)
def _node(iri: object) -> NamedNode:
    return NamedNode(str(iri))


def _decimal(value: Decimal) -> Literal:
    text = format(value.normalize(), "f")
    return Literal(text, datatype=_node(XSD.decimal))


def _text(value: str) -> Literal:
    """Korean text is tagged @ko; other strings stay plain."""
    return Literal(value, language="ko") if _HANGUL.search(value) else Literal(value)


def date_literal(value: str) -> Literal:
    """`2024-09-30` → xsd:date, `2024-09` → xsd:gYearMonth, `2024` → xsd:gYear; a quarter or half
    (`2025-Q4`) → its year as xsd:gYear (XSD has no quarters: cg:datePeriod carries it)."""
    if is_period_value(value):
        value = value[:4]
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=_node(datatype))


def _digest(parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def action_node(action: Action) -> NamedNode:
    keys = action_rules()["classes"][action.cls]["identity"]
    return _node(action_iri(_digest(action.identity(keys))))


def article_quads(extraction: Extraction, *, pipeline_version: str, gaz: Gazetteer | None = None,
                  min_confidence: float = 0.0) -> list[Quad]:
    """All quads of one article's named graph, in a stable order."""
    graph = _node(article_iri(extraction.article.identifier))
    triples = _sorted_triples(extraction, pipeline_version, gaz or gazetteer(), min_confidence)
    return [Quad(s, p, o, graph) for _, (s, p, o) in triples]


def article_ntriples(extraction: Extraction, *, pipeline_version: str, gaz: Gazetteer | None = None,
                     min_confidence: float = 0.0) -> list[str]:
    """The article graph's triples as N-Triples lines without the final ` .`, in the order of
    `article_quads` (what worker processes send to the writer)."""
    return [line for line, _ in _sorted_triples(extraction, pipeline_version, gaz or gazetteer(), min_confidence)]


def _sorted_triples(extraction: Extraction, pipeline_version: str, gaz: Gazetteer,
                    min_confidence: float) -> list[tuple[str, tuple]]:
    """Distinct triples with their N-Triples text, sorted by it.

    Sorting by the joined text is sorting by (subject, predicate, object): subjects and
    predicates are IRIs, whose only `>` is the last character, so no term's text is a prefix
    of another's."""
    article = extraction.article
    graph = _node(article_iri(article.identifier))
    triples = list(_article_triples(extraction, graph, pipeline_version, gaz))
    kept_actions = [a for a in extraction.actions if a.confidence >= min_confidence]
    kept_new = {k: m for k, m in extraction.new_entities.items() if m.confidence >= min_confidence}
    for key, mention in sorted(kept_new.items()):
        triples += _new_entity_triples(key, mention)
    for action in kept_actions:
        triples += _action_triples(action, graph)
    for relation in extraction.relations:
        if relation.confidence >= min_confidence and _known(relation.subject, gaz, kept_new) \
                and _known(relation.object, gaz, kept_new):
            triples += _relation_triples(relation, graph)
    mentioned = {m.key for m in extraction.mentions if m.key in gaz.entities or m.key in kept_new}
    mentioned |= {k for a in kept_actions for keys in a.roles.values() for k in keys}
    mentioned |= {k for r in extraction.relations if r.confidence >= min_confidence
                  for k in (r.subject, r.object) if _known(k, gaz, kept_new)}
    triples += [(graph, _node(CG.mentions), _node(entity_iri(k))) for k in sorted(mentioned)]
    return sorted({f"{s} {p} {o}": (s, p, o) for s, p, o in triples}.items())


def _known(key: str, gaz: Gazetteer, new: dict[str, Mention]) -> bool:
    return key in gaz.entities or key in new


def _article_triples(extraction: Extraction, graph: NamedNode, version: str,
                     gaz: Gazetteer) -> Iterator[tuple]:
    article = extraction.article
    yield graph, _node(RDF.type), _node(CG.Article)
    yield graph, _node(DCTERMS.identifier), Literal(article.identifier)
    yield graph, _node(CG.contentHash), Literal(article.content_hash)
    yield graph, _node(CG.pipelineVersion), Literal(version)
    if article.title:
        yield graph, _node(DCTERMS.title), _text(article.title)
    if article.date:
        yield graph, _node(DCTERMS.date), date_literal(article.date)
    if article.url and _IRI_OK.match(article.url):
        yield graph, _node(SCHEMA.url), _node(article.url)
    if article.outlet:
        outlet = gaz.lookup(article.outlet)
        if outlet is not None and outlet.type == "MediaOutlet":
            yield graph, _node(CG.outlet), _node(outlet.iri)
        else:
            key = "new-mediaoutlet-" + _digest(article.outlet.strip())[:10]
            node = _node(entity_iri(key))
            yield graph, _node(CG.outlet), node
            yield node, _node(RDF.type), _node(CG.MediaOutlet)
            yield node, _node(RDFS.label), Literal(article.outlet.strip(),
                                                   language="ko" if _HANGUL.search(article.outlet) else "en")


def _new_entity_triples(key: str, mention: Mention) -> list[tuple]:
    node = _node(entity_iri(key))
    triples = [(node, _node(RDF.type), _node(CG[mention.type])),
               (node, _node(CG.confidence), _decimal(Decimal(str(mention.confidence))))]
    if mention.label_ko:
        triples.append((node, _node(RDFS.label), Literal(mention.label_ko, language="ko")))
    if mention.label_en:
        triples.append((node, _node(RDFS.label), Literal(mention.label_en, language="en")))
    return triples


def _action_triples(action: Action, graph: NamedNode) -> list[tuple]:
    node = action_node(action)
    triples = [
        (node, _node(RDF.type), _node(CG[action.cls])),
        (node, _node(CG.modality), _node(CG[action.modality])),
        (node, _node(CG.evidence), Literal(action.evidence, language="ko")),
        (node, _node(CG.confidence), _decimal(Decimal(str(action.confidence)))),
        (node, _node(PROV.wasDerivedFrom), graph),
    ]
    for role, keys in sorted(action.roles.items()):
        triples += [(node, _node(CG[role]), _node(entity_iri(k))) for k in keys]
    if action.date is not None and action.date.value:
        triples.append((node, _node(CG.date), date_literal(action.date.value)))
        if is_period_value(action.date.value):
            triples.append((node, _node(CG.datePeriod), Literal(action.date.value)))
        if action.date.surface:
            triples.append((node, _node(CG.dateText), _text(action.date.surface)))
    if action.effective is not None and action.effective.value:
        triples.append((node, _node(CG.effectiveFrom), date_literal(action.effective.value)))
    for name, value in sorted(action.values.items()):
        triples.append((node, _node(CG[name]), _decimal(value)))
    if action.currency:
        triples.append((node, _node(CG.currency), Literal(action.currency)))
    if action.period:
        triples.append((node, _node(CG.period), Literal(action.period, language="ko")))
    triples += [(node, _node(CG.reportedBy), _node(entity_iri(k))) for k in action.reported_by]
    return triples


def _relation_triples(relation, graph: NamedNode) -> list[tuple]:
    subject, obj = _node(entity_iri(relation.subject)), _node(entity_iri(relation.object))
    predicate = _node(CG[relation.predicate])
    node = _node(statement_iri(_digest((relation.subject, relation.predicate, relation.object))))
    return [
        (subject, predicate, obj),
        (node, _node(RDF.type), _node(RDF.Statement)),
        (node, _node(RDF.subject), subject),
        (node, _node(RDF.predicate), predicate),
        (node, _node(RDF.object), obj),
        (node, _node(CG.evidence), Literal(relation.evidence, language="ko")),
        (node, _node(CG.confidence), _decimal(Decimal(str(relation.confidence)))),
        (node, _node(PROV.wasDerivedFrom), graph),
    ]


def pipeline_version(files: Iterable) -> str:
    """The package version plus a hash of the data files that shape extraction."""
    from kg import __version__

    digest = hashlib.sha256()
    for path in sorted(files, key=str):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
