"""The reference gazetteer and the YAML lexicons, loaded from `ontology/` once per process.

Entities are curated in Turtle (`ontology/entities.ttl`, read by `gazetteer`) because they
are also reference data loaded into the store; the matcher needs them as a flat alias table.
Trigger words, cue words and suffixes are YAML files under `ontology/lexicon/` that a domain
expert edits (`files`), each checked against its schema in `ontology/lexicon/schemas/`
(`schema`) and cached read-only.

This package imports only shared ground (`kg.errors`, `kg.namespaces`, `kg.resources`,
`kg.text`), so every stage may read lexicons.
"""

from kg.lexicon.files import freeze, lexicon, load_yaml, read_mapping
from kg.lexicon.gazetteer import ENTITY_TYPES, Entity, Gazetteer, gazetteer, load_gazetteer
from kg.lexicon.schema import schema_path

__all__ = ["ENTITY_TYPES", "Entity", "Gazetteer", "freeze", "gazetteer", "lexicon", "load_gazetteer", "load_yaml",
           "read_mapping", "schema_path"]
