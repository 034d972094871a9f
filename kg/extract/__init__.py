"""Extraction: sentences → actions and relations, with evidence and calibrated confidence.

`extract(article)` runs the pipeline on one article (`kg.extract.pipeline`); the sentence
components (`triggers`, `roles`, `values`, `modality`, `assemble`) share one contract, the
`SentenceDoc` of `kg.extract.doc`, and their rules live in `ontology/lexicon/actions.yaml`.
"""

from kg.extract.action import Action
from kg.extract.calibration import Calibration
from kg.extract.doc import Candidate, SentenceDoc
from kg.extract.pipeline import (SENTENCE_COMPONENTS, Extraction, extract, extract_many, merge_actions,
                                 sentence_actions, unique_sentences, warm_up)
from kg.extract.relations import Relation
from kg.extract.rules import Rules, rules

__all__ = ["Action", "Calibration", "Candidate", "Extraction", "Relation", "Rules", "SENTENCE_COMPONENTS",
           "SentenceDoc", "extract", "extract_many", "merge_actions", "rules", "sentence_actions",
           "unique_sentences", "warm_up"]
