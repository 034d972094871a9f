"""Percentages, money, counts and ranges in Korean news copy, as exact Decimals.

`find_quantities(text)` finds "2.2% 하락한", "62억 달러", "약 37억 달러", "10만 개 이상",
"120억~150억 달러(약 17조~21조원)", "$5 billion"; `korean_number(surface)` turns "7조8584억" into
7858400000000. The grammar is here; the words (units, currencies, counters, qualifiers, direction
stems, particles) are in `ontology/lexicon/numbers.yaml`, loaded once.

Decisions a caller must know:

* Values are `Decimal`, never float: "119.26달러" must stay 119.26 and "7조8584억원" must stay
  7858400000000 exactly, and values are hashed into action identities, where a float's
  binary rounding would make the same report differ between articles. Values are canonical —
  integers without exponent or fraction, other numbers without trailing zeros — so "62억 달러"
  and "$6.2 billion" give the same `str()`: "6200000000"; "112.20달러" gives Decimal("112.2").
* A value is a magnitude; the sign is `direction` (-1 fall, +1 rise, 0 unknown), read from a
  sign or arrow before the number (-2.2%, ▼2%), else a direction stem right after the number with
  at most particles in between ("2.2% 하락한", "20%까지 급등했다", "1% 이상 하락"), else a rate
  noun right before it ("하락률 2.2%"). A coordinated list takes the direction of its last item:
  in "브로드컴은 1.2%, AMD는 0.9% 하락했다" both are -1. A number after the verb of another
  number is not affected ("2.2% 하락한 118달러": 118 has direction 0).
* Ranges ("120억~150억 달러", "10-20%") have `low` and `high` and `value` None: a range is not a
  number, and a midpoint would state a precision the text does not have. Units written only on
  the high end apply to both ends ("120~150억" = 120억~150억). Single values have low/high None.
* kinds: "percent" (unit None, or "%p" for percentage points), "money" (a currency word after
  the number or a symbol/code before it; `currency` is ISO 4217 — a number without a currency
  is never money), "count" (a counter word after the number, e.g. "개", "대", "명"; `unit` is
  the counter). A bare number ("2022", "10만" with no counter) is not a quantity; nor are dates,
  times, ordinals and ranks ("2022년", "30일", "8시56분", "4번째", "1위"), model codes ("H20",
  "910B", "B30A", "MI308": digits touching a Latin letter), durations ("3개월", "3주 만에").
* Surfaces include qualifiers, signs and currency symbols ("약 37억 달러", "10만 개 이상",
  "$5 billion") but not direction words or particles; `text[start:end] == surface`.
  Qualifiers: "about" (약, 가량, 정도, 안팎, 여 …), "at_least" (이상, 넘게, 최소, 초과),
  "at_most" (이하, 미만, 최대); strict and non-strict bounds are not distinguished.
* "¥" is read as JPY (the symbol is shared with the yuan; "CN¥"/"RMB"/"위안" are CNY).
* Digits are ASCII only; at most 20 integer and 10 decimal digits per number.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from decimal import Decimal

from kg.nlp.number_grammar import Grammar, clear_cache, grammar
from kg.nlp.wordlists import norm as _norm

_CONTEXT = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_EVEN)
_SENTENCE_END = re.compile(r"[.!?。\n]")


@dataclass(frozen=True)
class Quantity:
    """One percentage, amount of money or count.

    `value` is set for a single number, `low`/`high` for a range (then `value` is None — a range
    has no single value and a midpoint would invent precision). All are exact Decimals, magnitudes
    without sign; the sign is `direction`. `currency` (ISO 4217) only for money; `unit` is the
    counter of a count ("개", "대", "명", "주" …) or "%p" for percentage points; `qualifier` is
    "about", "at_least", "at_most" or None.
    """

    start: int
    end: int
    surface: str
    kind: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    currency: str | None
    unit: str | None
    qualifier: str | None
    direction: int


__all__ = ["Quantity", "clear_cache", "find_quantities", "korean_number"]


# ---------------------------------------------------------------- korean_number


def korean_number(surface: str) -> Decimal:
    """The exact value of a written number: "10만" → 100000, "62억" → 6200000000,
    "7조8584억" → 7858400000000, "1억 2천만" → 120000000, "3천" → 3000, "1,234" → 1234,
    "2.2" → 2.2, "5 billion" → 5000000000.

    Big units (만, 억, 조) close a group and must decrease; small units (십, 백, 천) multiply inside a
    group. A unit without a number counts as 1 ("천만" → 10000000). Raises ValueError for anything
    else (no digits or units, two numbers in a row, units out of order, a stray character).
    """
    return _korean_number(surface, grammar())


def _korean_number(surface: str, g: Grammar) -> Decimal:
    if not isinstance(surface, str):
        raise ValueError(f"not a Korean number: {surface!r}")
    text = surface.strip()
    pos, total, group = 0, Decimal(0), Decimal(0)
    pending: Decimal | None = None
    last_big = last_small = None
    seen_any = scaled = False
    with decimal.localcontext(_CONTEXT):
        while pos < len(text):
            m = g.token.match(text, pos)
            if m is None or m.end() == pos or scaled:
                raise ValueError(f"not a Korean number: {surface!r}")
            pos = m.end()
            seen_any = True
            if m.group("num"):
                if pending is not None:
                    raise ValueError(f"not a Korean number (two numbers in a row): {surface!r}")
                pending = Decimal(m.group("num").replace(",", ""))
            elif m.group("unit"):
                unit = m.group("unit")
                if unit in g.small:
                    power = g.small[unit]
                    if last_small is not None and power >= last_small:
                        raise ValueError(f"not a Korean number (units out of order): {surface!r}")
                    last_small = power
                    group += (pending if pending is not None else Decimal(1)) * Decimal(10) ** power
                else:
                    power = g.big[unit]
                    if last_big is not None and power >= last_big:
                        raise ValueError(f"not a Korean number (units out of order): {surface!r}")
                    value = group + (pending if pending is not None else Decimal(0))
                    if value == 0 and pending is None:
                        value = Decimal(1)
                    total += value * Decimal(10) ** power
                    last_big, last_small, group = power, None, Decimal(0)
                pending = None
            else:
                if last_big is not None or last_small is not None or pending is None:
                    raise ValueError(f"not a Korean number (scale word misplaced): {surface!r}")
                total += pending * Decimal(10) ** g.scales[m.group("scale").lower()]
                pending, scaled = None, True
        if not seen_any:
            raise ValueError(f"not a Korean number: {surface!r}")
        total += group + (pending if pending is not None else Decimal(0))
        return _canonical(total)


def _canonical(value: Decimal) -> Decimal:
    """Integers without exponent or fraction digits, others without trailing zeros."""
    with decimal.localcontext(_CONTEXT):
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def _trailing_units(surface: str, g: Grammar) -> Decimal | None:
    """The multiplier of the units at the end of a range's high end ("150억" → 10^8), if any."""
    m = re.search(r"(?i)(" + "|".join(re.escape(s) for s in g.scales) + r")\s*$", surface)
    if m:
        return Decimal(10) ** g.scales[m.group(1).lower()]
    units = re.search(r"[" + "".join(re.escape(u) for u in (*g.small, *g.big)) + r"]+\s*$", surface)
    if units:
        try:
            return _korean_number("1" + units.group().strip(), g)
        except ValueError:
            return None
    return None


def _has_units(surface: str, g: Grammar) -> bool:
    return any(u in surface for u in (*g.small, *g.big)) or re.search(
        r"(?i)[a-z]", surface) is not None


# ---------------------------------------------------------------- find_quantities


def find_quantities(text: str) -> list[Quantity]:
    """Percentages, money and counts in `text`, sorted by start and non-overlapping.

    See the module docstring for what counts as a quantity and how values, ranges, qualifiers
    and directions are read.
    """
    g = grammar()
    found: list[tuple[Quantity, re.Match]] = []
    pos = 0
    while pos <= len(text):
        m = g.quantity.search(text, pos)
        if m is None:
            break
        q = _quantity(text, m, g)
        if q is None:
            pos = m.start() + 1
            continue
        found.append((q, m))
        pos = m.end()

    quantities = [q for q, _ in found]
    # a coordinated list takes the direction of its last item: walk right to left
    for i in range(len(quantities) - 2, -1, -1):
        q, r = quantities[i], quantities[i + 1]
        if q.direction or not r.direction or q.kind != r.kind:
            continue
        between = text[q.end:r.start]
        if (len(between) <= g.list_span and g.list_link.match(between)
                and not _SENTENCE_END.search(between) and not g.any_direction.search(between)):
            quantities[i] = _replace(q, direction=r.direction)
    return quantities


def _replace(q: Quantity, **changes) -> Quantity:
    from dataclasses import replace
    return replace(q, **changes)


def _quantity(text: str, m: re.Match, g: Grammar) -> Quantity | None:
    """A Quantity for one regex match, or None when the match is no quantity."""
    tail = m.group("tail")
    c1 = m.group("c1")
    sym = m.group("sym")
    sep = m.group("sep")
    unit = None
    currency = None
    if sym:
        if tail and _norm(tail) not in g.currency_words:
            return None
        kind, currency = "money", g.currency_symbols[_norm(sym)]
    elif tail and _norm(tail) in g.percent_points:
        kind, unit = "percent", "%p"
    elif tail and _norm(tail) in g.percents:
        kind = "percent"
    elif tail and _norm(tail) in g.currency_words:
        kind, currency = "money", g.currency_words[_norm(tail)]
        if c1 and g.currency_words[_norm(c1)] != currency:
            return None
    elif tail and _norm(tail) in g.counters:
        kind, unit = "count", _norm(tail)
    elif c1:
        kind, currency = "money", g.currency_words[_norm(c1)]
    else:
        return None
    if c1 and kind != "money":
        return None
    if c1 and not sep and tail:
        return None  # "62억 달러 달러"
    if kind == "count" and g.count_duration.match(text, m.end()):
        return None

    try:
        a1 = _korean_number(m.group("a1"), g)
        a2 = _korean_number(m.group("a2"), g) if m.group("a2") else None
    except ValueError:
        return None
    value = low = high = None
    if a2 is not None:
        if not _has_units(m.group("a1"), g):
            multiplier = _trailing_units(m.group("a2"), g)
            if multiplier is not None:
                with decimal.localcontext(_CONTEXT):
                    a1 = _canonical(a1 * multiplier)
        if a1 > a2:
            return None
        low, high = a1, a2
    else:
        value = a1

    qualifier = None
    if m.group("pre"):
        qualifier = g.before[_norm(m.group("pre"))]
    elif m.group("post"):
        qualifier = g.after[_norm(m.group("post"))]
    elif m.group("i1") or m.group("i2"):
        qualifier = "about"

    start = m.start()
    end = m.end()
    direction = 0
    if m.group("sign"):
        direction = g.signs[_norm(m.group("sign"))]
    else:
        after = g.direction_after.match(text, end)
        if after:
            direction = -1 if after.group("stem") in g.falling else 1
        else:
            before = g.direction_before.search(text[max(0, start - 12):start])
            if before:
                direction = -1 if before.group("stem") in g.falling else 1
    return Quantity(start, end, text[start:end], kind, value, low, high, currency, unit, qualifier, direction)
