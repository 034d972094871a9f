"""What a Wikidata search hit is worth for one entity: name evidence, type check, country check.

The weights and the type classes are data (`kg.link.rules`, from `ontology/links/wikidata.yaml`);
this module only applies them, and says in the method text why a hit scored what it did, so a
reviewer reading `kg link review` sees the evidence, not just a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.link.rules import LinkRules, link_rules


@dataclass
class EntityInfo:
    """One entity of the store as the matcher sees it."""

    iri: str
    type: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (text, language, "label"|"alias")
    countries: set[str] = field(default_factory=set)  # Wikidata QIDs


@dataclass
class Hit:
    """One Wikidata item the search found for an entity, with the evidence of each name that found it."""

    qid: str
    label: str = ""
    description: str = ""
    evidence: dict[str, float] = field(default_factory=dict)  # "ko label 엔비디아 = label" → points
    exact_languages: set[str] = field(default_factory=set)  # languages whose name matched exactly

    def add(self, *, text: str, language: str, kind: str, exact: bool, where: str, rules: LinkRules) -> None:
        """Record that our `kind` name `text` found this item (exactly or by prefix)."""
        points = rules.scores["exact " + kind] if exact else rules.scores["prefix"]
        self.evidence[f"{language} {kind} {text} {'=' if exact else '~'} {where}"] = points
        if exact:
            self.exact_languages.add(language)


def score(info: EntityInfo, hit: Hit, facts: dict[str, set[str]], rules: LinkRules | None = None
          ) -> tuple[float | None, str]:
    """(score, method text) of one hit, or (None, reason) when the type check rules it out.

    `facts`: "p31" (the hit's classes), "class" (checked classes it is an instance of), "country".
    """
    rules = rules or link_rules()
    points = rules.scores
    value = max(hit.evidence.values()) + (points["names agree"] if len(hit.exact_languages) >= 2 else 0.0)
    notes = sorted(hit.evidence, key=lambda k: -hit.evidence[k])[:2]
    rule = rules.types.get(info.type)
    if rule is not None and facts.get("p31"):
        classes = facts.get("class", set())
        if classes & rule.exclude:
            return None, "wrong type for " + info.type
        if classes & rule.confirm:
            value += points["type confirmed"]
            notes.append("P31 " + "/".join(sorted(classes & rule.confirm)) + " as expected for " + info.type)
        elif classes & rule.weak:
            value += points["type weak"]
            notes.append("P31 only organization for " + info.type)
        elif rule.requires_class:
            return None, "wrong type for " + info.type
    elif rule is not None and rule.requires_class:
        notes.append("no P31 on Wikidata")
    countries = facts.get("country", set())
    if info.countries and countries:
        if info.countries & countries:
            value += points["country agrees"]
            notes.append("country " + "/".join(sorted(info.countries & countries)) + " agrees")
        else:
            value += points["country differs"]
            notes.append("country " + "/".join(sorted(countries)) + " differs from " + "/".join(sorted(info.countries)))
    return round(max(0.0, min(1.0, value)), 3), "wbsearchentities: " + "; ".join(notes)
