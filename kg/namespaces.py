"""Every IRI the code uses, in one place: bases, graph names, the one prefix table, the roles.

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
LINKS_GRAPH = GRAPH_BASE + "links"

ENTITY_BASE = ID_BASE + "entity/"
ARTICLE_BASE = ID_BASE + "article/"
ACTION_BASE = ID_BASE + "action/"
STATEMENT_BASE = ID_BASE + "statement/"

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
WD_NS = "http://www.wikidata.org/entity/"

#: The one prefix table: predeclared in every query, used to shorten IRIs for display, bound in
#: Turtle, TriG and JSON-LD output, and served to the query page (`/prefixes.json`).
PREFIXES: dict[str, str] = {
    "cg": ONTOLOGY_IRI + "#",
    "e": ENTITY_BASE,
    "art": ARTICLE_BASE,
    "act": ACTION_BASE,
    "stmt": STATEMENT_BASE,
    "cgg": GRAPH_BASE,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "skos": SKOS_NS,
    "owl": OWL_NS,
    "xsd": XSD_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "wd": WD_NS,
    "org": "http://www.w3.org/ns/org#",
    "vann": "http://purl.org/vocab/vann/",
}

#: The roles an action's participants play (cg:agent, cg:object, cg:target).
ROLES = ("agent", "object", "target")

WD = Namespace(WD_NS)
SCHEMA = Namespace(PREFIXES["schema"])


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
    Equipment: URIRef
    Material: URIRef
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
    datePeriod: URIRef
    effectiveFrom: URIRef
    percent: URIRef
    price: URIRef
    currency: URIRef
    quantity: URIRef
    amountUSD: URIRef
    minAmountUSD: URIRef
    maxAmountUSD: URIRef
    amount: URIRef
    minAmount: URIRef
    maxAmount: URIRef
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
    leads: URIRef
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
    return ENTITY_BASE + key


def article_iri(identifier: str) -> str:
    return ARTICLE_BASE + quote(identifier, safe="-._~")


def action_iri(digest: str) -> str:
    return ACTION_BASE + digest


def statement_iri(digest: str) -> str:
    return STATEMENT_BASE + digest
