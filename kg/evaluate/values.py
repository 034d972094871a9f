"""Dates, numbers, periods and modality of a matched action: right or wrong, value by value.

These never decide whether a prediction matches a gold action (roles and class do); they are
scored over the matched pairs, so a right fact with a wrong date counts once as found and once as
a wrong date.
"""

from __future__ import annotations

from typing import Any

from kg.evaluate.gold import Gold, decimal
from kg.evaluate.graph import Predicted
from kg.nlp.dates import is_period_value
from kg.text import normalize_name

_PERIOD_MONTHS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6), "H2": (7, 12)}
_AMOUNTS_USD = ("amountUSD", "minAmountUSD", "maxAmountUSD")
_AMOUNTS = ("amount", "minAmount", "maxAmount")
NUMBER_CHECKS = ("percent", "price", "quantity", "amount_usd", "amount")  # "the numbers" of an action


def value_checks(gold: Gold, pred: Predicted) -> dict[str, bool]:
    """Which gold values (date, numbers, period, modality) the matched prediction gets right."""
    r, v = gold.record, pred.values
    checks: dict[str, bool] = {}
    if "date" in r:
        checks["date"] = date_right(r["date"], v)
    for key in ("percent", "price", "quantity"):
        if key in r:
            checks[key] = v.get(key) == decimal(r[key], key)
    if "amount_usd" in r:
        checks["amount_usd"] = _amount_right(r["amount_usd"], v, _AMOUNTS_USD, "amount_usd")
    if "amount" in r:
        checks["amount"] = amount_right(r["amount"], r["currency"], v)
    if "period" in r:
        want, got = normalize_name(r["period"]), normalize_name(v.get("period") or "")
        checks["period"] = bool(got) and (want in got or got in want)
    if "modality" in r:
        wanted = r["modality"] if isinstance(r["modality"], list) else [r["modality"]]
        checks["modality"] = v.get("modality") in wanted
    return checks


def date_right(wanted: str, values: dict[str, Any]) -> bool:
    """Equal at the gold's precision (`2024-09` accepts `2024-09-27`, not `2024`); a gold quarter or
    half accepts the same cg:datePeriod, a period inside it, or a month or day inside it."""
    got = values.get("date") or ""
    if not is_period_value(wanted):
        return len(got) >= len(wanted) and got[:len(wanted)] == wanted
    period = values.get("datePeriod")
    if period:
        return period == wanted or _months(period) <= _months(wanted)
    if len(got) < 7 or got[:4] != wanted[:4]:
        return False
    first, last = _PERIOD_MONTHS[wanted[5:]]
    return first <= int(got[5:7]) <= last


def _months(period: str) -> set[tuple[int, int]]:
    """The (year, month) pairs of `2025-Q2` or `2025-H1`."""
    if not is_period_value(period):
        return {(-1, -1)}
    first, last = _PERIOD_MONTHS[period[5:]]
    return {(int(period[:4]), month) for month in range(first, last + 1)}


def amount_right(wanted: Any, currency: str, values: dict[str, Any]) -> bool:
    """cg:amount (or cg:minAmount/maxAmount for a range) with the gold's cg:currency; a dollar
    amount may also be given only as cg:amountUSD (or its range) when cg:amount is absent."""
    if any(name in values for name in _AMOUNTS):
        return values.get("currency") == currency and _amount_right(wanted, values, _AMOUNTS, "amount")
    return currency == "USD" and _amount_right(wanted, values, _AMOUNTS_USD, "amount")


def _amount_right(wanted: Any, values: dict[str, Any], names: tuple[str, str, str], key: str) -> bool:
    single, low, high = names
    if isinstance(wanted, list):
        return values.get(low) == decimal(wanted[0], key) and values.get(high) == decimal(wanted[1], key)
    return values.get(single) == decimal(wanted, key)


def got(pred: Predicted, key: str) -> str:
    """What the prediction holds for a value it got wrong, for the findings."""
    v = pred.values
    if key == "amount_usd":
        return _shown(v, _AMOUNTS_USD) or "nothing"
    if key == "amount":
        return _shown(v, _AMOUNTS, v.get("currency", "")) or _shown(v, _AMOUNTS_USD, "USD") or "nothing"
    if key == "date" and "datePeriod" in v:
        return str(v["datePeriod"])
    return str(v.get(key, "nothing"))


def _shown(values: dict[str, Any], names: tuple[str, ...], unit: str = "") -> str:
    found = "/".join(str(values[n]) for n in names if n in values)
    return f"{found} {unit}".strip() if found else ""
