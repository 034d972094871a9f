"""Scope sentences: the sentence after a control names what it covers.

Real copy often states a measure first and its items next, in a sentence with no trigger of
its own: 미국 정부는 엔비디아에 라이선스를 취득하라고 요구했다. A100과 H100, DGX 등이 라이선스
취득 대상에 포함됐다. The items of the second sentence are objects (or listed targets) of the
action just told: each becomes a copy of it, with the scope sentence as evidence and a lower
confidence. The words that make a sentence a scope sentence are data (`scope` in actions.yaml).
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.action import Action
from kg.extract.doc import SentenceDoc


def scope_actions(doc: SentenceDoc, previous: list[Action]) -> list[Action]:
    """Copies of the last action of a scoped class, one per item the scope sentence lists."""
    spec = doc.rules["scope"]
    forms = {t.form for t in doc.tokens}
    if not (forms & set(spec["nouns"]) and forms & set(spec["verbs"])):
        return []
    host = next((a for a in reversed(previous) if a.cls in spec["classes"]), None)
    if host is None:
        return []
    items = _items(doc, spec["objects"], host)
    role = "object"
    if not items:
        items, role = _items(doc, spec["targets"], host), "target"
    base = doc.sentence.start
    return [replace(host, roles=dict(host.roles, **{role: (key,)}), evidence=doc.sentence.text,
                    sentence_start=base, trigger=host.trigger,
                    confidence=round(host.confidence * spec["confidence"], 3))
            for key in items]


def _items(doc: SentenceDoc, types: list[str], host: Action) -> list[str]:
    """The entity keys of the allowed types the sentence names, in order, not already in the host."""
    taken = {k for keys in host.roles.values() for k in keys}
    keys: list[str] = []
    for mention in doc.mentions:
        if mention.type in types and mention.key not in taken and mention.key not in keys \
                and id(mention) not in doc.titles:
            keys.append(mention.key)
    return keys
