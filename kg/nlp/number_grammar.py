"""The number grammar: `ontology/lexicon/numbers.yaml` (units, currencies, counters,
qualifiers, direction stems, particles) compiled into the regular expressions `kg.nlp.numbers`
matches with, once per process."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from kg import resources
from kg.errors import DataFileError
from kg.lexicon import read_mapping as _read_yaml
from kg.nlp.wordlists import SP as _SP, SPQ as _SPQ, alt as _alt, norm as _norm
from kg.nlp.wordlists import table as _table, words as _words

LEXICON_FILE = "numbers.yaml"

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,20})(?:\.[0-9]{1,10})?(?![0-9])"
_LB_NUM = r"(?<![0-9A-Za-z])(?<![0-9][.,])"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


@dataclass(frozen=True)
class Grammar:
    big: dict[str, int]
    small: dict[str, int]
    scales: dict[str, int]
    currency_words: dict[str, str]
    currency_symbols: dict[str, str]
    percent_points: frozenset[str]
    percents: frozenset[str]
    counters: frozenset[str]
    before: dict[str, str]
    after: dict[str, str]
    infix: frozenset[str]
    signs: dict[str, int]
    falling: frozenset[str]
    list_span: int
    quantity: re.Pattern
    token: re.Pattern
    direction_after: re.Pattern
    direction_before: re.Pattern
    list_link: re.Pattern
    any_direction: re.Pattern
    count_duration: re.Pattern


@functools.lru_cache(maxsize=1)
def grammar() -> Grammar:
    path = resources.lexicon_dir() / LEXICON_FILE
    data = _read_yaml(path)
    iso = lambda v: isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v) is not None  # noqa: E731
    quals = {"about", "at_least", "at_most"}
    big = _table(data, "big_units", path, lambda v: _is_int(v) and 1 <= v <= 24, "power of ten")
    small = _table(data, "small_units", path, lambda v: _is_int(v) and 1 <= v <= 3, "power of ten 1–3")
    scales = _table(data, "scale_words", path, lambda v: _is_int(v) and 1 <= v <= 24, "power of ten")
    if any(len(u) != 1 for u in (*big, *small)):
        raise DataFileError("Korean units must be single characters", path=path, hint="e.g. 만: 4")
    cur_words = _table(data, "currency_words", path, iso, "ISO 4217 code")
    cur_symbols = _table(data, "currency_symbols", path, iso, "ISO 4217 code")
    before = _table(data, "qualifiers_before", path, lambda v: isinstance(v, str) and v in quals,
                    " | ".join(sorted(quals)))
    after = _table(data, "qualifiers_after", path, lambda v: isinstance(v, str) and v in quals,
                    " | ".join(sorted(quals)))
    signs = _table(data, "direction_signs", path, lambda v: _is_int(v) and v in (-1, 1), "-1 | 1")
    percents = _words(data, "percent_signs", path)
    points = _words(data, "percent_point_signs", path)
    counters = _words(data, "counters", path)
    infix = _words(data, "approx_infix", path)
    falling = _words(data, "falling", path)
    rising = _words(data, "rising", path)
    gaps = _words(data, "direction_gap_words", path)
    rate_suffixes = _words(data, "rate_suffixes", path)
    rate_particles = _words(data, "rate_particles", path)
    connectors = _words(data, "list_connectors", path)
    separators = _words(data, "range_separators", path)
    continuations = _words(data, "continuations", path)
    durations = _words(data, "count_durations", path)
    list_span = data.get("list_span")
    if not _is_int(list_span) or not 0 < list_span <= 500:
        raise DataFileError("'list_span' must be a number of characters (1–500)", path=path)
    raw = {k: list(data[k]) for k in ("currency_words", "currency_symbols", "qualifiers_before",
                                      "qualifiers_after", "direction_signs", "scale_words")}

    unit_chars = "".join(re.escape(u) for u in (*small, *big))
    small_chars = "".join(re.escape(u) for u in small)
    big_chars = "".join(re.escape(u) for u in big)
    unit_seq = rf"(?:[{small_chars}]?[{big_chars}]|[{small_chars}])"
    scale = rf"(?i:{_alt(raw['scale_words'])})(?![A-Za-z])"
    amount = (rf"(?:{_NUM}{_SPQ}{scale}"
              rf"|{_NUM}(?:{_SPQ}{unit_seq})?(?:{_SPQ}{_NUM}{_SPQ}{unit_seq})*"
              rf"(?:(?<![0-9]){_NUM}|(?<=[{big_chars}]){_SPQ}[0-9]{{1,4}}(?![0-9.,]))?)")  # 7만 1400원
    stems = _alt(falling + rising)
    cont = rf"(?:(?![가-힣A-Za-z])|(?={_alt(continuations + list(after) + falling + rising)}))"
    korean_tails = [w for w in raw["currency_words"] + counters if not re.search(r"[A-Za-z]$", w)]
    ascii_tails = [w for w in raw["currency_words"] + counters if re.search(r"[A-Za-z]$", w)]
    word_tail = rf"(?:{_alt(korean_tails)}{cont}" + (rf"|{_alt(ascii_tails)}(?![A-Za-z])" if ascii_tails else "") + ")"
    currency_tail = rf"(?:{_alt([w for w in raw['currency_words'] if w in korean_tails])}{cont}" + (
        rf"|{_alt([w for w in raw['currency_words'] if w in ascii_tails])}(?![A-Za-z])"
        if any(w in ascii_tails for w in raw["currency_words"]) else "") + ")"
    symbol = rf"(?:(?<![A-Za-z]){_alt(raw['currency_symbols'])})"
    quantity = (
        rf"(?:(?<![가-힣])(?P<pre>{_alt(raw['qualifiers_before'])}){_SPQ})?"
        rf"(?:(?P<sym>{symbol}){_SPQ})?"
        rf"(?:(?<![0-9A-Za-z])(?P<sign>{_alt(raw['direction_signs'])}))?"
        rf"{_LB_NUM}(?P<a1>{amount})(?P<i1>{_alt(infix)})?"
        rf"(?:{_SPQ}(?P<c1>{currency_tail}))?"
        rf"(?:{_SPQ}(?P<sep>{_alt(separators)}){_SPQ}(?:{symbol}{_SPQ})?"
        rf"{_LB_NUM}(?P<a2>{amount})(?P<i2>{_alt(infix)})?)?"
        rf"(?:{_SPQ}(?P<tail>{_alt(points)}|{_alt(percents)}|{word_tail}))?"
        rf"(?:{_SP}?(?P<post>{_alt(raw['qualifiers_after'])}){cont})?"
    )
    token = (rf"\s*(?:(?P<num>{_NUM})|(?P<unit>[{unit_chars}])|(?P<scale>{scale}))")
    direction_after = rf"(?:{_SPQ}{_alt(gaps)})*{_SPQ}(?P<stem>{stems})"
    direction_before = (rf"(?P<stem>{stems})(?:{_alt(rate_suffixes)})(?:{_alt(rate_particles)})?{_SPQ}\Z")
    return Grammar(
        big={k: v for k, v in big.items()}, small=small,
        scales={k.lower(): v for k, v in scales.items()},
        currency_words=cur_words, currency_symbols=cur_symbols,
        percent_points=frozenset(_norm(w) for w in points), percents=frozenset(_norm(w) for w in percents),
        counters=frozenset(_norm(w) for w in counters), before=before, after=after,
        infix=frozenset(infix), signs=signs, falling=frozenset(falling), list_span=list_span,
        quantity=re.compile(quantity), token=re.compile(token),
        direction_after=re.compile(direction_after), direction_before=re.compile(direction_before),
        list_link=re.compile(rf"\s*{_alt(connectors)}"), any_direction=re.compile(stems),
        count_duration=re.compile(rf"{_SPQ}{_alt(durations)}"),
    )


def clear_cache() -> None:
    """Forget the loaded lexicon (tests that point `lexicon_dir` elsewhere call this)."""
    grammar.cache_clear()
