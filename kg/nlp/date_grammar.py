"""The date grammar: `ontology/lexicon/dates.yaml` (month, day and week words, anchors, bounds,
quarters and halves, continuations) compiled into the regular expressions `kg.nlp.dates` matches
with, once per process."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from kg import resources
from kg.errors import DataFileError
from kg.lexicon import read_mapping as _read_yaml
from kg.nlp.wordlists import SPQ as _SPQ, alt as _alt
from kg.nlp.wordlists import table as _table, word_re as _word_re, words as _words

LEXICON_FILE = "dates.yaml"

_LB_WORD = r"(?<![가-힣])"
_LB_NUM = r"(?<![0-9A-Za-z.,:])"
_MONTH = r"(?:1[0-2]|0?[1-9])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])"


def _is_offset(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool))


def _one_of(v: Any, allowed: set[str]) -> bool:
    return isinstance(v, str) and v in allowed


@dataclass(frozen=True)
class Grammar:
    prefixes: dict[str, str]
    year_words: dict[str, int | None]
    month_words: dict[str, int | None]
    day_words: dict[str, int | None]
    anchor_words: dict[str, int]
    week_words: dict[str, int]
    halves: tuple[str, ...]
    weekdays: dict[str, int]
    weekday_prefixes: dict[str, str]
    bounds: dict[str, str]
    near_future_days: dict[str, int]
    korean: re.Pattern
    numeric: re.Pattern
    short_numeric: re.Pattern
    weekday: re.Pattern
    bound: re.Pattern
    periods: tuple[re.Pattern, ...]
    calendar_period: re.Pattern
    fiscal: re.Pattern


@functools.lru_cache(maxsize=1)
def grammar() -> Grammar:
    path = resources.lexicon_dir() / LEXICON_FILE
    data = _read_yaml(path)
    modes = {"past", "future"}
    week_modes = {"past", "future", "previous_week", "this_week", "next_week"}
    bound_kinds = {"from", "after", "until", "before"}
    prefixes = _table(data, "prefixes", path, lambda v: _one_of(v, modes), "past | future")
    year_words = _table(data, "year_words", path, _is_offset, "offset in years (integer or null)")
    short_years = _table(data, "short_year_words", path, _is_offset, "offset in years (integer or null)")
    month_words = _table(data, "month_words", path, _is_offset, "offset in months (integer or null)")
    day_words = _table(data, "day_words", path, _is_offset, "offset in days (integer or null)")
    is_int = lambda v: isinstance(v, int) and not isinstance(v, bool)  # noqa: E731
    anchor_words = _table(data, "anchor_words", path, is_int, "offset in days from the story's day (integer)")
    week_words = _table(data, "week_words", path, is_int, "offset in weeks (integer)")
    weekdays = _table(data, "weekdays", path, lambda v: v in range(7) and not isinstance(v, bool),
                      "ISO weekday 0 (Monday) – 6 (Sunday)")
    weekday_prefixes = _table(data, "weekday_prefixes", path, lambda v: _one_of(v, week_modes),
                              " | ".join(sorted(week_modes)))
    bounds = _table(data, "bounds", path, lambda v: _one_of(v, bound_kinds), " | ".join(sorted(bound_kinds)))
    near_future_days = _table(data, "unprefixed_future_days", path, lambda v: is_int(v) and v >= 0,
                              "days (integer, 0 or more)")
    positions = _words(data, "positions", path)
    day_parts = _words(data, "day_parts", path)
    durations = _words(data, "day_durations", path)
    continuations = _words(data, "continuations", path)
    fiscal = _words(data, "fiscal_words", path)
    halves = _words(data, "half_words", path)
    quarter_ends = _words(data, "quarter_end_links", path)
    same_period = _words(data, "same_period_words", path)
    quarter = data.get("quarter_word")
    if not isinstance(quarter, str) or not quarter.strip():
        raise DataFileError("'quarter_word' must be a word", path=path, hint="e.g. quarter_word: 분기")
    raw = {k: data[k] for k in ("prefixes", "year_words", "short_year_words", "month_words", "day_words",
                                "weekdays", "weekday_prefixes", "bounds", "anchor_words", "week_words")}

    end_guard = rf"(?:(?![가-힣])|(?={_alt(continuations)}))"
    not_duration = rf"(?!{_SPQ}{_alt(durations)})"
    day_num = rf"{_SPQ}일{not_duration}"
    year_num = rf"(?P<y>(?:1[0-9]|2[0-9])[0-9]{{2}}){_SPQ}년(?:도)?(?!{_SPQ}{_alt(fiscal)})"
    year_word = rf"{_LB_WORD}(?P<yw>{_alt(raw['year_words'])})"
    korean = (
        rf"(?:{_LB_WORD}(?P<pre>{_alt(raw['prefixes'])}){_SPQ})?"
        r"(?:"
        rf"(?:{_LB_NUM}{year_num}|{year_word})"
        rf"(?:{_SPQ}(?P<m1>{_MONTH}){_SPQ}월(?:{_SPQ}(?P<d1>{_DAY}){day_num})?)?"
        rf"|{_LB_WORD}(?P<ys>{_alt(raw['short_year_words'])}){_SPQ}"
        rf"(?P<m3>{_MONTH}){_SPQ}월(?:{_SPQ}(?P<d5>{_DAY}){day_num})?"
        rf"|{_LB_NUM}(?P<m2>{_MONTH}){_SPQ}월(?:{_SPQ}(?P<d2>{_DAY}){day_num})?"
        rf"|{_LB_WORD}(?P<mw>{_alt(raw['month_words'])})(?:{_SPQ}(?P<d3>{_DAY}){day_num})?"
        rf"|{_LB_NUM}(?P<d4>{_DAY}){day_num}"
        rf"|{_LB_WORD}(?P<dw>{_alt(raw['day_words'])})"
        rf"|{_LB_WORD}(?P<aw>{_alt(raw['anchor_words'])})"
        rf"|{_LB_WORD}(?P<ww>{_alt(raw['week_words'])})(?!{_SPQ}{_alt(raw['weekdays'])})"
        r")"
        rf"(?:{_SPQ}(?P<pos>{_alt(positions)}))?"
        rf"(?P<time>{_SPQ}(?:{_alt(day_parts)}{_SPQ})?(?:[01]?[0-9]|2[0-4]){_SPQ}시"
        rf"(?:{_SPQ}[0-5]?[0-9]{_SPQ}분)?)?"
        rf"{end_guard}"
    )
    numeric = (rf"(?<![0-9A-Za-z.\-/])(?P<y>[0-9]{{4}})(?P<sep>\.{_SPQ}|-|/)(?P<m>{_MONTH})"
               rf"(?P=sep)(?P<d>{_DAY})(?![0-9]|[.\-/][0-9])")
    short_numeric = (r"(?<![0-9A-Za-z.\-/])(?P<y>[0-9]{2})(?P<sep>[.\-])(?P<m>0[1-9]|1[0-2])"
                     r"(?P=sep)(?P<d>0[1-9]|[12][0-9]|3[01])(?![0-9]|[.\-][0-9])")
    weekday = (
        rf"(?:{_LB_WORD}(?P<wp>{_alt(raw['weekday_prefixes'])}){_SPQ}(?P<wd1>{_alt(raw['weekdays'])})"
        rf"|{_LB_WORD}(?P<wd2>{_alt(raw['weekdays'])}))"
        rf"(?P<time>{_SPQ}(?:{_alt(day_parts)}{_SPQ})?(?:[01]?[0-9]|2[0-4]){_SPQ}시"
        rf"(?:{_SPQ}[0-5]?[0-9]{_SPQ}분)?)?"
        rf"{end_guard}"
    )
    bound = rf"{_SPQ}(?P<b>{_alt(raw['bounds'])})"

    # periods
    year_like = (rf"(?:{_LB_NUM}(?:1[0-9]|2[0-9])[0-9]{{2}}(?:{_SPQ}년(?:도)?)?"
                 rf"|{_LB_WORD}{_alt(list(raw['year_words']) + list(raw['short_year_words']))}"
                 rf"|(?<![A-Za-z0-9])FY{_SPQ}(?:[0-9]{{4}}|[0-9]{{2}})(?![0-9]))")
    quarter_re = (rf"(?:(?<![0-9.,])[1-4](?:{_SPQ}[·ㆍ/]{_SPQ}4)?{_SPQ}{_word_re(quarter)}"
                  rf"|(?<![A-Za-z0-9])(?:[1-4]Q|Q[1-4])(?![A-Za-z0-9]))")
    core = (rf"(?:{quarter_re}|{_alt(halves)}"
            rf"|(?<![0-9.,]){_MONTH}{_SPQ}월{_SPQ}{_alt(quarter_ends)}{_SPQ}{_word_re(quarter)})")
    fiscal_re = _alt(fiscal)
    periods = (
        rf"{year_like}{_SPQ}(?:{fiscal_re}{_SPQ})?(?:{core}|{_alt(same_period)}){end_guard}",
        rf"{year_like}{_SPQ}{fiscal_re}{end_guard}",
        rf"{_LB_WORD}{fiscal_re}{_SPQ}(?:1[0-9]|2[0-9])[0-9]{{2}}(?:{_SPQ}년(?:도)?)?(?:{_SPQ}{core})?{end_guard}",
        rf"{core}{end_guard}",
    )
    calendar_period = (
        rf"(?:(?:{_LB_NUM}(?P<qy>(?:1[0-9]|2[0-9])[0-9]{{2}}){_SPQ}년(?:도)?|{year_word}|"
        rf"{_LB_WORD}(?P<qs>{_alt(raw['short_year_words'])})){_SPQ})?"
        rf"(?:(?<![0-9.,])(?P<q>[1-4])(?:{_SPQ}[·ㆍ/]{_SPQ}4)?{_SPQ}{_word_re(quarter)}|{_LB_WORD}(?P<h>{_alt(halves)}))"
        rf"{end_guard}"
    )
    return Grammar(
        calendar_period=re.compile(calendar_period.replace("(?P<yw>", "(?P<qyw>")),
        fiscal=re.compile(rf"(?:{fiscal_re}|FY|회계)[^.。]{{0,10}}$"),
        prefixes=prefixes, year_words={**year_words, **short_years}, month_words=month_words,
        day_words=day_words, anchor_words=anchor_words, week_words=week_words, halves=tuple(halves),
        weekdays=weekdays, weekday_prefixes=weekday_prefixes, bounds=bounds,
        near_future_days=near_future_days,
        korean=re.compile(korean), numeric=re.compile(numeric), short_numeric=re.compile(short_numeric),
        weekday=re.compile(weekday), bound=re.compile(bound),
        periods=tuple(re.compile(p) for p in periods),
    )


def clear_cache() -> None:
    """Forget the loaded lexicon (tests that point `lexicon_dir` elsewhere call this)."""
    grammar.cache_clear()
