"""Every IRI the code uses, in one place.

`CG` is a closed rdflib `DefinedNamespace`: a misspelt term raises at import time instead of
silently minting a new IRI. `tests/test_ontology.py` checks that these terms and the ones declared
in `ontology/chipgraph.ttl` agree.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/chipgraph/ontology"
ID_BASE = "https://w3id.org/chipgraph/id/"
GRAPH_BASE = "https://w3id.org/chipgraph/graph/"

ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
REFERENCE_GRAPH = GRAPH_BASE + "reference"

WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")


class CG(DefinedNamespace):
    """The Chipgraph ontology (`ontology/chipgraph.ttl`)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Entity: URIRef
    Organization: URIRef
    Firm: URIRef
    Chip: URIRef
    Regulator: URIRef
    Country: URIRef
    Person: URIRef
    AIModel: URIRef
    MediaOutlet: URIRef
    Exchange: URIRef
    Article: URIRef
    Action: URIRef
    ExportControl: URIRef
    ExportPermission: URIRef
    PurchaseGuidance: URIRef
    Purchase: URIRef
    ChipDevelopment: URIRef
    ModelTraining: URIRef
    Investigation: URIRef
    StockMove: URIRef
    Revenue: URIRef
    Statement: URIRef
    Modality: URIRef
    # modality individuals
    Asserted: URIRef
    Reported: URIRef
    Planned: URIRef
    Expected: URIRef
    Denied: URIRef
    Hypothetical: URIRef
    # action roles and values
    agent: URIRef
    object: URIRef
    target: URIRef
    date: URIRef
    dateText: URIRef
    percent: URIRef
    price: URIRef
    currency: URIRef
    quantity: URIRef
    amountUSD: URIRef
    minAmountUSD: URIRef
    maxAmountUSD: URIRef
    period: URIRef
    evidence: URIRef
    confidence: URIRef
    modality: URIRef
    reportedBy: URIRef
    # entity relations
    develops: URIRef
    uses: URIRef
    subsidiaryOf: URIRef
    ceoOf: URIRef
    headquarteredIn: URIRef
    jurisdiction: URIRef
    listedOn: URIRef
    ticker: URIRef
    # article provenance
    mentions: URIRef
    outlet: URIRef
    contentHash: URIRef
    pipelineVersion: URIRef


def entity_iri(key: str) -> str:
    return f"{ID_BASE}entity/{key}"


def article_iri(identifier: str) -> str:
    return f"{ID_BASE}article/{quote(identifier, safe='-._~')}"


def action_iri(digest: str) -> str:
    return f"{ID_BASE}action/{digest}"


def statement_iri(digest: str) -> str:
    return f"{ID_BASE}statement/{digest}"
