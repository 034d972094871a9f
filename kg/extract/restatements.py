"""Fold restatements of one event within an article into a single action.

News copy states its main event several times: a headline, a subhead, the lede and the body
(미국이 엔비디아의 AI칩 수출에 제동을 걸었다 … 미국 정부가 엔비디아의 H20을 특별한 허가 없이
판매할 수 없도록 규제를 강화했다). An action whose every role is the same as, or a more general
name for, the roles of a more specific action of the same class and kind of modality is a
restatement of it: the United States for the Department of Commerce, Nvidia for its H20. Two
equally specific actions with different participants stay apart.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from kg.lexicon import Gazetteer
from kg.namespaces import ROLES

if TYPE_CHECKING:
    from kg.extract.action import Action

_KIND = {"Asserted": "fact", "Reported": "fact", "Planned": "future", "Expected": "future"}


def fold_restatements(actions: list["Action"], gaz: Gazetteer, generic: frozenset[str] = frozenset(),
                      unfolded: frozenset[str] = frozenset()) -> list["Action"]:
    """Merge each general action into the most specific action it restates.

    `generic` names the government entities that stand for any body of their country
    (미국 정부, 중국 당국); a named ministry is never taken for another one. Actions of the
    `unfolded` classes are each their own fact (two remarks of one person are two statements)."""
    ordered = sorted(actions, key=_specificity, reverse=True)
    kept: list[Action] = []
    for action in ordered:
        if action.cls in unfolded:
            kept.append(action)
            continue
        host = next((k for k in kept if _restates(action, k, gaz, generic)), None)
        if host is not None:
            kept[kept.index(host)] = _absorb(host, action)
            continue
        guest = next((k for k in kept if _restates(k, action, gaz, generic)), None)
        if guest is not None:  # as specific by count, but naming the chip where the other names its maker
            kept[kept.index(guest)] = _absorb(action, guest)
            continue
        kept.append(action)
    order = {id(a): i for i, a in enumerate(actions)}
    return _borrow_dates(sorted(kept, key=lambda a: order.get(id(a), len(order))), gaz)


def _borrow_dates(actions: list["Action"], gaz: Gazetteer) -> list["Action"]:
    """미국이 HBM을 통제 대상에 추가한 가운데 (lede, no date) … BIS는 2일 … HBM 수출통제를 발표: a
    report of the same event told with its date elsewhere in the article (same class and kind,
    a shared object, agents of one country) gives its date to the report that only inherited
    the story's day. With two different stated dates to choose from, none is lent."""
    result = []
    for action in actions:
        if action.date is not None and not action.date.surface and action.roles.get("object"):
            dates = {a.date.value: a.date for a in actions if a is not action and stated(a) and _same_event(action, a, gaz)}
            if len(dates) == 1:
                action = replace(action, date=next(iter(dates.values())))
        result.append(action)
    return result


def _same_event(a: "Action", b: "Action", gaz: Gazetteer) -> bool:
    if a.cls != b.cls or _KIND.get(a.modality) != _KIND.get(b.modality):
        return False
    if a.values and b.values and a.values != b.values:
        return False
    if not set(a.roles.get("object", ())) & set(b.roles.get("object", ())):
        return False
    countries = {gaz.country_of(k) for k in a.roles.get("agent", ()) + b.roles.get("agent", ())}
    return len(countries) <= 1 and None not in countries


def _specificity(action: "Action") -> tuple:
    filled = sum(1 for r in ROLES if action.roles.get(r))
    precision = len(action.date.value) if stated(action) else 0
    return filled, len(action.values), precision, action.confidence


def _restates(general: "Action", specific: "Action", gaz: Gazetteer, generic: frozenset[str]) -> bool:
    if general.cls != specific.cls or _KIND.get(general.modality) != _KIND.get(specific.modality) \
            or _KIND.get(general.modality) is None:
        return False
    if not _values_agree(general.values, specific.values):
        return False
    if general.period and general.period != specific.period:
        return False
    if not _dates_agree(general, specific):
        return False
    for role in ROLES:
        mine = general.roles.get(role, ())
        theirs = specific.roles.get(role, ())
        if mine and not theirs:
            return False
        if not all(any(_covers(g, s, gaz, generic) for s in theirs) for g in mine):
            return False
    return True


def _values_agree(general: dict, specific: dict) -> bool:
    """Each number of the general report is the specific one's, or the specific one rounded or cut
    to the places it gives (6% 급락 in a headline for 6.56% 하락 in the body)."""
    for key, value in general.items():
        other = specific.get(key)
        if other is None:
            return False
        places = Decimal(1).scaleb(value.as_tuple().exponent)
        if value not in (other.quantize(places, ROUND_HALF_UP), other.quantize(places, ROUND_DOWN)):
            return False
    return True


def _dates_agree(general: "Action", specific: "Action") -> bool:
    """An undated report restates a dated one; a dated report restates only an agreeing date
    (it never lends its date to an undated action: that could join two different events)."""
    return not stated(general) or stated_dates_agree(general, specific)


def stated_dates_agree(a: "Action", b: "Action") -> bool:
    """Both actions' sentences name their dates, and these agree as far as the less precise goes
    (2022-10 and 2022-10-07)."""
    if not (stated(a) and stated(b)):
        return False
    short = min(len(a.date.value), len(b.date.value))
    return a.date.value[:short] == b.date.value[:short]


def stated(action: "Action") -> bool:
    """The action's sentence names its date (an inherited story day does not count: it is the
    article's default, which a headline or lede restating an older event also gets)."""
    return bool(action.date and action.date.value and action.date.surface)


def _covers(general: str, specific: str, gaz: Gazetteer, generic: frozenset[str]) -> bool:
    """`general` names `specific` or something it belongs to: a country or its government in
    general for one of its bodies, a firm for its chip."""
    if general == specific:
        return True
    kinds = (_type(general, gaz), _type(specific, gaz))
    if kinds == ("Country", "Regulator") or kinds == ("Regulator", "Regulator") and general in generic:
        return gaz.country_of(general) == gaz.country_of(specific) is not None
    if kinds == ("Firm", "Chip"):
        return general in gaz.inverse("develops", specific)
    return False


def _type(key: str, gaz: Gazetteer) -> str | None:
    entity = gaz.entities.get(key)
    return entity.type if entity else None


def _absorb(host: "Action", general: "Action") -> "Action":
    """The specific action, with the higher confidence and the source the general one names."""
    changes = {"confidence": max(host.confidence, general.confidence)}
    if not host.reported_by and general.reported_by:
        changes["reported_by"] = general.reported_by
    return replace(host, **changes)
