"""kg/link: identity links to Wikidata, apart from extracted facts.

`link` finds scored candidates (skos:closeMatch) for entities without an identity link, judged by
the rules of `ontology/links/wikidata.yaml`; `decide`/`apply_decisions` turn a reviewer's
decisions (a versioned TSV file) into owl:sameAs; `import_external` caches Wikidata facts about
linked items in a graph of their own; `linkset` describes the identity links in VoID.
"""

from kg.link.decisions import Decision, accepted_qids, default_decisions_path, read_decisions, record_decisions
from kg.link.external import import_external, import_query, linked_qids
from kg.link.graph import (CLOSE_MATCH, EXTERNAL_GRAPH, LINKS_GRAPH, SAME_AS, Candidate, read_candidates,
                           write_links)
from kg.link.http import LinkError, WikidataClient
from kg.link.linkset import linkset
from kg.link.qids import parse_qid
from kg.link.reconcile import LinkReport, link
from kg.link.review import apply_decisions, decide, pending
from kg.link.rules import LinkRules, TypeRule, link_rules, load_rules

__all__ = [
    "CLOSE_MATCH", "Candidate", "Decision", "EXTERNAL_GRAPH", "LINKS_GRAPH", "LinkError", "LinkReport",
    "LinkRules", "SAME_AS", "TypeRule", "WikidataClient", "accepted_qids", "apply_decisions", "decide",
    "default_decisions_path", "import_external", "import_query", "link", "link_rules", "linked_qids", "linkset",
    "load_rules", "parse_qid", "pending", "read_candidates", "read_decisions", "record_decisions", "write_links",
]
