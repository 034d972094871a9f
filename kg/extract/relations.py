"""Relations between entities (develops, uses, subsidiaryOf, ceoOf, leads, headquarteredIn).

Two sources, both driven by `ontology/lexicon/relations.yaml`: pairs of names standing close
together with a telling word between them (엔비디아의 최고 경영자 젠슨 황 → ceoOf), and actions
that imply a relation (a firm that develops a chip `develops` it; one that buys or trains on a
chip `uses` it). Hypothetical, planned, expected and denied actions imply nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.extract.rules import rules as action_rules
from kg.lexicon import Gazetteer, lexicon
from kg.text import normalize_name
from kg.nlp.mentions import Mention
from kg.nlp.morph import Sentence

if TYPE_CHECKING:
    from kg.extract.action import Action

_FACTUAL = ("Asserted", "Reported")


@dataclass(frozen=True)
class Relation:
    """An extracted relation with its evidence sentence and confidence."""

    subject: str
    predicate: str
    object: str
    evidence: str
    confidence: float


@functools.lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return lexicon("relations.yaml")


def relations_in_sentence(sentence: Sentence, mentions: list[Mention], gaz: Gazetteer) -> list[Relation]:
    """Relations signalled by words between two consecutive names."""
    rules = _rules()
    found = []
    for a, b in zip(mentions, mentions[1:]):
        gap = sentence.text[a.end - sentence.start:b.start - sentence.start]
        after = sentence.text[b.end - sentence.start:b.end - sentence.start + 8]
        for rule in rules["rules"]:
            if a.type == rule["a"] and b.type == rule["b"] and rule.get("a_cue", a.cue) == a.cue \
                    and _matches(rule, gap, after):
                pair = {"a": a, "b": b}
                subject, obj = pair[rule["subject"]], pair[rule["object"]]
                if subject.key != obj.key and _plausible(rule["predicate"], subject.key, obj.key, gaz):
                    confidence = rules["confidence"]["rule"] * min(a.confidence, b.confidence)
                    found.append(Relation(subject.key, rule["predicate"], obj.key, sentence.text,
                                          round(confidence, 3)))
    found += _use_relations(sentence, mentions)
    found += _maker_relations(sentence, mentions, gaz)
    found += _leader_relations(sentence, mentions, gaz)
    found += _listed_examples(sentence, mentions, gaz)
    return found


def _listed_examples(sentence: Sentence, mentions: list[Mention], gaz: Gazetteer) -> list[Relation]:
    """바이트댄스와 텐센트 등 중국 빅테크: firms listed as examples of a country's firms are
    headquartered there (every firm of the list, not only the last)."""
    rules = _rules()
    spec = rules["example_country"]
    base = sentence.start
    found = []
    for i, country in enumerate(mentions):
        if country.type != "Country" or i == 0:
            continue
        words = [normalize_name(w) for w in sentence.text[country.end - base:].split()[:2]]
        gap = normalize_name(sentence.text[mentions[i - 1].end - base:country.start - base])
        firm_words = tuple(normalize_name(w) for w in spec["firm_words"])
        if not any(w.startswith(firm_words) for w in words) or gap not in spec["markers"]:
            continue  # 등 중국 기업, 등 중국 IT 기업들: a firm word within the next two words
        j = i - 1
        while j >= 0 and mentions[j].type == "Firm":
            if _plausible("headquarteredIn", mentions[j].key, country.key, gaz):
                found.append(Relation(mentions[j].key, "headquarteredIn", country.key, sentence.text,
                                      round(rules["confidence"]["rule"] * min(mentions[j].confidence, country.confidence), 3)))
            if j == 0 or mentions[j - 1].cue != "coord":
                break
            j -= 1
    return found


def _leader_relations(sentence: Sentence, mentions: list[Mention], gaz: Gazetteer) -> list[Relation]:
    """러트닉 상무장관, 트럼프 대통령: a person with a leader's title leads what the gazetteer says
    (a title alone does not say which body; the curated cg:leads does, and the text confirms it)."""
    rules = _rules()
    titles = tuple(normalize_name(w) for w in rules["leader_titles"])
    found = []
    for person in (m for m in mentions if m.type == "Person" and not m.is_new):
        after = normalize_name(sentence.text[person.end - sentence.start:person.end - sentence.start + 8])
        if not after.startswith(titles):
            continue
        for body in sorted(gaz.related("leads", person.key)):
            found.append(Relation(person.key, "leads", body, sentence.text,
                                  round(rules["confidence"]["leader_title"] * person.confidence, 3)))
    return found


def _maker_relations(sentence: Sentence, mentions: list[Mention], gaz: Gazetteer) -> list[Relation]:
    """엔비디아의 AI 칩 H20, 엔비디아 H100, 자사 MI308: a chip named with its maker.

    The maker must be the gazetteer's developer of the chip, named near it with no other firm
    between (so the sentence says whose chip it is: in 엔비디아는 화웨이의 910D가 H100을 앞섰다고
    평가했다, 화웨이 stands between and the sentence is no evidence for 엔비디아's H100),
    inside the chip's own name, or referred to as 자사 (its own) when it is the subject."""
    rules = _rules()
    window = rules["maker_window"]
    own = tuple(rules["own_words"])
    found = []
    for chip in (m for m in mentions if m.type == "Chip" and not m.is_new):
        makers = gaz.inverse("develops", chip.key)
        if not makers:
            continue
        near = [m for m in mentions if m.key in makers and _names_with(m, chip, mentions, window)]
        before = sentence.text[max(0, chip.start - sentence.start - 6):chip.start - sentence.start]
        subjects = [m for m in mentions if m.key in makers and m.cue in ("subject", "topic")]
        named_inside = any(normalize_name(chip.surface).startswith(normalize_name(alias))
                           for key in makers for alias in gaz.entities[key].aliases if len(normalize_name(alias)) > 1)
        maker = near[0].key if near else (subjects[0].key if subjects and before.strip().endswith(own)
                                          else (sorted(makers)[0] if named_inside and len(makers) == 1 else None))
        if maker:
            found.append(Relation(maker, "develops", chip.key, sentence.text, rules["confidence"]["maker"]))
    return found


def _names_with(maker: Mention, chip: Mention, mentions: list[Mention], window: int) -> bool:
    """The maker stands near the chip (before or after it, within `window` characters) with no
    other firm between (엔비디아가 중국 시장용으로 개발한 H20; not 엔비디아는 화웨이의 910D가 H100을
    …: there the chip next to 화웨이 is 910D, and H100 has no maker beside it)."""
    left, right = (maker, chip) if maker.start < chip.start else (chip, maker)
    return right.start - left.end <= window and not any(
        left.end <= m.start and m.end <= right.start and m.type == "Firm" for m in mentions)


@functools.lru_cache(maxsize=1)
def _tail_pattern(plural: str, endings: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(f"({re.escape(plural)})?(" + "|".join(map(re.escape, endings)) + ")?$")


def _apposition_tail(rules) -> re.Pattern[str]:
    """What follows the word that ends an apposition: 기업(들)(인|이자|의)."""
    return _tail_pattern(rules["gap_plural"], tuple(rules["gap_endings"]))


def _matches(rule: dict[str, Any], gap: str, after: str) -> bool:
    rules = _rules()
    if len(gap.strip()) > rule["max_gap"]:
        return False
    if "between" in rule:
        folded = normalize_name(gap)
        words = rule["between"]
        if "~" in words:
            return folded == "" or folded in rules["gap_particles"]
        if rule.get("ends_with"):
            stripped = _apposition_tail(rules).sub("", folded)
            if not any(stripped.endswith(normalize_name(w)) for w in words):
                return False
        elif not any(normalize_name(w) in folded for w in words):
            return False
    if "after_b" in rule:
        folded = normalize_name(after)
        return any(folded.startswith(normalize_name(w)) for w in rule["after_b"])
    return True


def _plausible(predicate: str, subject: str, obj: str, gaz: Gazetteer) -> bool:
    """A relation contradicting the gazetteer (another maker of the chip, another home country
    of the firm) is a misreading."""
    if predicate == "develops":
        makers = gaz.inverse("develops", obj)
        return not makers or subject in makers
    if predicate == "headquarteredIn":
        homes = gaz.related("headquarteredIn", subject)
        return not homes or obj in homes
    return True


def _use_relations(sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
    """바이트댄스는 어센드 910B를 … 사용하고 있다: a firm (subject) using a chip (object)."""
    rules = _rules()
    verbs = set(rules["use_verbs"])
    tags = action_rules().predicate_tags
    if not any(t.form in verbs and t.tag.startswith(tags) for t in sentence.tokens):
        return []
    firms = [m for m in mentions if m.type == "Firm" and m.cue in ("subject", "topic")]
    chips = [m for m in mentions if m.type == "Chip" and m.cue in ("object", "instrument")]
    if len(firms) != 1 or not chips:
        return []
    confidence = rules["confidence"]["use_verb"]
    return [Relation(firms[0].key, "uses", chip.key, sentence.text,
                     round(confidence * min(firms[0].confidence, chip.confidence), 3))
            for chip in chips if chip.start > firms[0].end]


def relations_from_actions(actions: list["Action"], types: dict[str, str], gaz: Gazetteer) -> list[Relation]:
    """develops/uses implied by factual ChipDevelopment, Purchase and ModelTraining actions."""
    rules = _rules()
    found = []
    for action in actions:
        if action.modality not in _FACTUAL:
            continue
        for rule in rules["from_actions"]:
            if action.cls != rule["class"]:
                continue
            for agent in action.roles.get("agent", ()):
                for obj in action.roles.get("object", ()):
                    if _type(agent, types, gaz) == rule["agent"] and _type(obj, types, gaz) == rule["object"] and \
                            _plausible(rule["predicate"], agent, obj, gaz):
                        confidence = rules["confidence"]["from_action"] * action.confidence / 0.8
                        found.append(Relation(agent, rule["predicate"], obj, action.evidence,
                                              round(min(confidence, 0.95), 3)))
    return found


def _type(key: str, types: dict[str, str], gaz: Gazetteer) -> str | None:
    entity = gaz.entities.get(key)
    return entity.type if entity is not None else types.get(key)
