"""A mention record and the mention finder's settings (`ontology/lexicon/mentions.yaml`).

Shared by the finders of `kg.nlp.mentions` (gazetteer names, typos), `kg.nlp.names` (names the
gazetteer does not know) and `kg.nlp.cues` (the particle after a name).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from kg.lexicon import lexicon
from kg.nlp.morph import Sentence, Token
from kg.text import normalize_name


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a sentence and the entity it denotes.

    `cue` is the grammatical role signal that follows the name: subject, topic, object,
    genitive, dative, instrument, source, coord (a list continues) or bare (no particle).
    New entities (not in the gazetteer) carry their labels; gazetteer ones have them in the
    reference graph.
    """

    start: int
    end: int
    surface: str
    key: str
    type: str
    confidence: float
    method: str
    first_token: int
    last_token: int
    cue: str = "bare"
    label_ko: str | None = None
    label_en: str | None = None

    @property
    def is_new(self) -> bool:
        """Not in the gazetteer (a surname or pronoun standing for a known person is known)."""
        if self.method == "anaphora":
            return self.label_ko is not None or self.label_en is not None
        return self.method != "gazetteer" and self.method != "fuzzy"


class Settings:
    """mentions.yaml with the lookups the finders need on every sentence (the cached lexicon
    itself is shared and left as it is)."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.chip_code = re.compile(data["chip_code"])
        self.model_code = re.compile(data["model_code"])
        self.not_codes = frozenset(c.upper() for c in data.get("not_chip_codes", []))
        transparent = frozenset(data.get("transparent_nouns", []))
        cue_words: dict[str, str] = {}
        for type_name, words in data.get("type_cues", {}).items():
            for word in words:
                cue_words.setdefault(normalize_name(word), type_name)
        self.cue_words = cue_words
        self.skip_nouns = transparent | frozenset(data["name_suffixes"]["Firm"])
        self.examples = frozenset(data["example_markers"])
        self.example_verbs = frozenset(data["example_verbs"])
        self.titles = frozenset(data["person_titles"])
        self.prefixes = frozenset(data["country_prefixes"])
        self.firm_endings = tuple(w for w in data["name_suffixes"]["Firm"] if len(w) > 1)
        suffix_types: dict[str, list[str]] = {}
        for type_name, words in data["name_suffixes"].items():
            for word in words:
                suffix_types.setdefault(word, []).append(type_name)
        self.suffix_types = {word: tuple(types) for word, types in suffix_types.items()}
        self.genitive_topics = frozenset(data["genitive_topics"])
        self.topic_adverbs = frozenset(data["topic_adverbs"])
        self.trailing_particle = re.compile("(?:" + "|".join(map(re.escape, data["trailing_particles"])) + ")$")
        endings = "|".join(map(re.escape, data["sentence_endings"]))
        self.sentence_end = re.compile(f"(?:{endings})$|\\s[가-힣]+(?:{endings})$")
        tags = data["tags"]
        self.proper_noun = tags["proper_noun"]
        self.name_parts = frozenset(tags["name_parts"])
        self.particle_prefix = tags["particle_prefix"]
        self.particle_like = frozenset(tags["particle_like"])
        self.example_marker_tags = frozenset(tags["example_marker"])
        self.modifier_ending_tag = tags["modifier_ending"]
        self.topic_adverb = tags["topic_adverb"]
        self.skipped_tags = frozenset(tags["skipped"])
        self.example_phrase_tags = frozenset(tags["example_phrase"])
        self.title_phrase_tags = tuple(tags["title_phrase"])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def confidence(self, method: str) -> float:
        return float(self.data["confidence"][method])


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings(lexicon("mentions.yaml"))


def token_span(tokens: tuple[Token, ...], start: int, end: int) -> tuple[int, int]:
    """Indexes of the first and last token a character span touches."""
    inside = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
    if not inside:
        nearest = min(range(len(tokens)), key=lambda i: abs(tokens[i].start - start)) if tokens else 0
        return nearest, nearest
    return inside[0], inside[-1]


def surface(sentence: Sentence, start: int, end: int) -> str:
    return sentence.text[start - sentence.start:end - sentence.start]
