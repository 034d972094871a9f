"""The action lexicon (`ontology/lexicon/actions.yaml`) as the extractor reads it.

The YAML is what a domain expert edits; `Rules` adds the lookups the components need on every
sentence (triggers by morpheme, word sets, part-of-speech tag classes) without touching the
cached lexicon, which other readers share.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from kg.lexicon import lexicon


class Rules(Mapping):
    """The lexicon's keys as a read-only mapping, plus derived indexes as attributes."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        index: dict[str, list[str]] = {}
        for name in data["priority"]:
            for form in data["classes"][name]["triggers"]:
                index.setdefault(form, []).append(name)
        self.trigger_index = {form: tuple(names) for form, names in index.items()}
        self.breaks = frozenset(data["clause_breaks"])
        self.comma_breaks = frozenset(data["comma_breaks"])
        self.not_before = frozenset(data["not_before"])
        self.chip_words = frozenset(data["chip_words"])
        self.titles = frozenset(data["title_words"])
        self.embedding = frozenset(data["embedded_endings"])
        self.reference_verbs = frozenset(data["reference_verbs"])
        self.market = frozenset(data["market_words"])
        self.modality_words = {m: frozenset(words) for m, words in data["modality"].items()}
        self.sources = frozenset(data["source_nouns"])
        self.reporting_verbs = frozenset(data["reporting_verbs"])
        self.self_reference = frozenset(data["self_reference"])
        self.generic_regulators = frozenset(data["generic_regulators"])
        self.unfolded = frozenset(name for name, spec in data["classes"].items() if spec.get("fold") is False)
        self.undone = frozenset(spec["undoes"] for spec in data["classes"].values() if spec.get("undoes"))
        self.earlier_words = frozenset(data["earlier_words"])
        tags = data["tags"]
        self.trigger_tags = tuple(tags["trigger"])
        self.light_verb = (tags["light_verb"]["tag"], tags["light_verb"]["form"])
        self.endings = frozenset(tags["endings"])
        self.stops = frozenset(tags["stops"])
        self.verbs = frozenset(tags["verbs"])
        self.predicate_tags = tuple(tags["predicates"])
        self.embedding_heads = frozenset(tags["embedding_heads"])
        self.noun_like = frozenset(tags["noun_like"])
        self.chip_phrase_tags = frozenset(tags["chip_phrase"])
        self.share_words = frozenset(data["classes"]["StockMove"]["share_words"])
        self.falling = frozenset(data["classes"]["StockMove"]["falling"])

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def spec(self, cls: str) -> Mapping[str, Any]:
        """The lexicon entry of one action class."""
        return self._data["classes"][cls]


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    """The shipped action rules, read once per process."""
    return Rules(lexicon("actions.yaml"))
