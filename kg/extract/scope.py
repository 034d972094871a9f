"""Scope sentences: the sentence after a control names what it covers.

Real copy often states a measure first and its items next, in a sentence with no trigger of
its own: 미국 정부는 엔비디아에 라이선스를 취득하라고 요구했다. A100과 H100, DGX 등이 라이선스
취득 대상에 포함됐다. The items of the second sentence are objects (or listed targets) of the
action just told: each becomes a copy of it, with the scope sentence as evidence and a lower
confidence. A sentence that leaves items out of a loosening (블랙웰은 이번 합의에 포함되지 않는다)
keeps them controlled: copies of the opposite class. The words are data (`scope` in actions.yaml).
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.action import Action
from kg.extract.doc import SentenceDoc


def scope_actions(doc: SentenceDoc, previous: list[Action]) -> list[Action]:
    """Copies of the last action of a scoped class told in the last few sentences (`window`), one
    per item the scope sentence lists; for an exclusion (블랙웰과 루빈은 이번 합의에 포함되지
    않는다, … 는 제외됐다) of a loosening, the items stay under control: asserted copies of the
    opposite class."""
    spec = doc.rules["scope"]
    forms = [t.form for t in doc.tokens]
    excluded = _excludes(forms, spec)
    if not excluded and not (set(forms) & set(spec["nouns"]) and set(forms) & set(spec["verbs"])):
        return []
    classes = spec["exclusion_classes"] if excluded else spec["classes"]
    host = next((a for a in reversed(previous) if a.cls in classes), None)
    if host is None:
        return []
    items = _items(doc, spec["objects"], host)
    role = "object"
    if not items:
        items, role = _items(doc, spec["targets"], host), "target"
    cls = classes[host.cls] if excluded else host.cls
    modality = "Asserted" if excluded else host.modality  # left out of a coming loosening: controlled now
    # a copy of another class starts from that class's base score, not the host's
    rebase = float(doc.rules.spec(cls)["confidence"]) / float(doc.rules.spec(host.cls)["confidence"])
    confidence = round(min(host.confidence * spec["confidence"] * rebase, 0.99), 3)
    return [replace(host, cls=cls, modality=modality, roles=_scoped_roles(doc, host, role, key), evidence=doc.sentence.text,
                    sentence_start=doc.sentence.start, confidence=confidence)
            for key in items]


def absorbed_hosts(previous: list[Action], scoped: list[Action]) -> list[Action]:
    """The measure that named no item of its own (라이선스를 취득하라고 요구했다) when the next
    sentence lists them: its copies say all it said, and one item each — it is not a second fact."""
    if not scoped or not all(a.roles.get("object") for a in scoped):
        return []
    return [a for a in previous if a.cls == scoped[0].cls and not a.roles.get("object")
            and all(set(v) <= set(scoped[0].roles.get(k, ())) for k, v in a.roles.items() if k != "target")]


def _scoped_roles(doc: SentenceDoc, host: Action, role: str, key: str) -> dict[str, tuple[str, ...]]:
    """The host's roles with the listed item in `role`; a target that makes a listed chip was
    the addressee of the requirement, not its target (엔비디아에 허가를 요구 … A100이 대상), as
    in roles' foreign_target."""
    roles = dict(host.roles, **{role: (key,)})
    makers = doc.gaz.inverse("develops", key) if role == "object" else set()
    targets = tuple(k for k in roles.pop("target", ()) if k not in makers)
    return roles | ({"target": targets} if targets else {})


def _excludes(forms: list[str], spec) -> bool:
    """제외, or 포함 negated within a few morphemes (포함되지 않는다)."""
    if set(forms) & set(spec["exclusion_verbs"]):
        return True
    return any(form in spec["verbs"] and set(forms[i + 1:i + 4]) & set(spec["negations"])
               for i, form in enumerate(forms))


def _items(doc: SentenceDoc, types: list[str], host: Action) -> list[str]:
    """The entity keys of the allowed types the sentence names, in order, not already in the host."""
    taken = {k for keys in host.roles.values() for k in keys}
    keys: list[str] = []
    for mention in doc.mentions:
        if mention.type in types and mention.key not in taken and mention.key not in keys \
                and id(mention) not in doc.titles:
            keys.append(mention.key)
    return keys
