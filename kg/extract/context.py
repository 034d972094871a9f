"""Roles the article gives once: the agent of a control told again without one.

Wire copy names who acts once and then writes in the passive (A100과 H100의 중국 수출이
금지됐다) or about the measure itself (이번 조치는 …). For the classes with `agent_from_context`
in actions.yaml, an action with no agent takes the agent of the latest earlier action of its
class in the article that has one (else of the first later one) — of one told with an agreeing
date if there is one — at a lower confidence, unless that agent's country is the action's target
(a control is never aimed at its own country).
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.action import Action
from kg.extract.doc import SentenceDoc
from kg.extract.restatements import stated_dates_agree
from kg.extract.rules import Rules
from kg.lexicon import Gazetteer


def announcers(doc: SentenceDoc) -> tuple[str, ...]:
    """중국 상무부와 해관총서는 15일 … 이같이 공고했다: a sentence that says who announced what was
    just told (`restating` words before an announcing verb) names its agents: the subject or topic
    names of the agent types."""
    spec = doc.rules["restating"]
    forms = [t.form for t in doc.tokens]
    if not any(f in spec["words"] and any(g in spec["verbs"] for g in forms[i + 1:i + 4])
               for i, f in enumerate(forms)):
        return ()
    keys = []
    for mention in doc.mentions:
        if mention.type in spec["agents"] and doc.cues[id(mention)] in ("subject", "topic") \
                and not doc.in_quote(mention.start) and mention.key not in keys:
            keys.append(mention.key)
    return tuple(keys)


def restate_agents(told: list[Action], agents: tuple[str, ...], rules: Rules, gaz: Gazetteer) -> dict[int, Action]:
    """The actions just told (of classes with `agent_from_context`) with the announcers as their
    agents, where they had none or only their country (중국이 … 통제에 나선다 → the ministries), by id."""
    countries = {gaz.country_of(k) for k in agents}
    if len(countries) != 1:  # no announcers, or of two governments
        return {}
    changed = {}
    for action in told:
        current = action.roles.get("agent", ())
        if not rules.spec(action.cls).get("agent_from_context"):
            continue
        if all(k in countries or gaz.country_of(k) in countries and k in rules.generic_regulators for k in current):
            changed[id(action)] = replace(action, roles=dict(action.roles, agent=agents))
    return changed


def borrow_agents(actions: list[Action], rules: Rules, gaz: Gazetteer) -> list[Action]:
    """`actions` in article order, with agents filled from context where the class allows it:
    from the latest earlier action of the class, else (a lede that names the measure before
    the body names who took it) from the first later one."""
    forward = _borrow(actions, rules, gaz)
    return _borrow(forward[::-1], rules, gaz)[::-1]


def _borrow(actions: list[Action], rules: Rules, gaz: Gazetteer) -> list[Action]:
    donors: dict[str, list[Action]] = {}
    factor = rules["scoring"]["context_agent"]
    result = []
    for action in actions:
        spec = rules.spec(action.cls)
        if action.roles.get("agent"):
            donors.setdefault(action.cls, []).append(action)
        elif spec.get("agent_from_context") and donors.get(action.cls):
            borrowed = _donor(action, donors[action.cls]).roles["agent"]
            countries = {gaz.country_of(k) for k in borrowed}
            if not countries & set(action.roles.get("target", ())):
                action = replace(action, roles=dict(action.roles, agent=borrowed),
                                 confidence=round(action.confidence * factor, 3))
        result.append(action)
    return result


def _donor(action: Action, donors: list[Action]) -> Action:
    """The latest donor told with a date that agrees with the action's own (엔비디아는 지난해 10월
    수출 통제 조치로 … : the agent of the October measure, not of this year's), else the latest."""
    dated = [d for d in donors if stated_dates_agree(action, d)]
    return dated[-1] if dated else donors[-1]
