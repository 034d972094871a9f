"""Korean date expressions → ISO values, resolved against the article date.

`find_dates(text, article_date)` finds date expressions in a sentence (or any text) and gives each
a value "YYYY-MM-DD", "YYYY-MM" or "YYYY" — as precise as the text and the article date allow,
never more precise. `find_periods(text)` finds fiscal and calendar periods ("2025 회계연도
상반기", "2분기", "7월까지의 분기"), which are not dates and are returned as written.

The grammar (how numbers and words combine) is here; the words (relative words, weekdays,
prefixes, positions, bounds, particles) are in `ontology/lexicon/dates.yaml`, loaded once.

Decisions a caller must know:

* Surfaces. `text[start:end] == surface`. A prefix that belongs to the expression is inside
  the surface ("지난 금요일", "지난 2022년 9월"); so are positions ("7월말", "올해 초") and a
  clock time after a day ("16일 오전 8시56분" → the value is the day). A bounding tail
  (부터, 까지, 이후, 이래, 이전) is *not* in the surface and does not change the value; it is
  reported in `DateMention.bound` ("from", "until", "after", "before"). Parenthesised notes
  ("30일(현지시간)") are not in the surface.
* Absolute dates: "2022년", "2022년 9월", "2022년 9월 3일", "2022.9.3", "2022. 9. 3",
  "2024-09-30", "2024/09/30". Years outside 1900–2100 are not dates. Two-digit years are read
  only in the full `YY-MM-DD` / `YY.MM.DD` form with two-digit month and day ("작성일25-04-17"
  → 2025-04-17, always 20YY); "25년", "25.4" and the like are never dates.
* Borrowed fields. A date that omits its higher fields borrows them from the article date, but
  only when the article date is precise enough to decide which occurrence is meant:
  a bare month ("4월", "지난 4월") needs the article month and becomes the most recent such
  month not after the article month (with "오는": the nearest not before); a bare day ("29일")
  needs the article day and becomes that day of the article month, or of the previous month
  when it is after the article day; "M월 D일" compares month and day. "지난달/이달/다음 달"
  need the article month, "어제/내일" the article day, weekdays a full article date. When the
  article date is too coarse (or None) the mention is still returned, with value None and
  relative True. "이날"/"오늘" take the article date at its own precision.
* Weekdays: bare or "지난 금요일" → the most recent such weekday strictly before the article
  date; "오는 금요일" → the nearest strictly after; "지난주/이번 주/다음 주 금요일" → that weekday
  in the previous/this/next Monday-to-Sunday calendar week (for an article on a Monday,
  "지난주 금요일" is the same day as "지난 금요일").
* Impossible dates ("2월 30일", "31일" when the previous month has 30 days) give value None.
* Not dates: percentages, money, counts, ordinals ("2.2%", "118달러", "1위", "4번째", "3만 개"),
  model codes ("910B"), durations ("3일간", "10일 동안", "3일 전"), fiscal years ("2025 회계연도",
  "2025년 회계연도" — see `find_periods`), and words that merely start with a date word
  ("오늘날", "2022년형", "1990년생", "2020년대").
* Digits are ASCII only.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass


from kg.isodate import iso_date
from kg.nlp.date_grammar import Grammar, clear_cache, grammar
from kg.nlp.wordlists import norm as _norm


_MIN_YEAR, _MAX_YEAR = 1900, 2100
_VALUE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PERIOD_RE = re.compile(r"^\d{4}-(Q[1-4]|H[12])$")


@dataclass(frozen=True)
class DateMention:
    """One date expression in a text.

    `value` is "YYYY-MM-DD", "YYYY-MM", "YYYY", a quarter "YYYY-Qn" or a half "YYYY-Hn", or None
    when it cannot be resolved (a relative expression with a missing or too coarse article
    date, or an impossible calendar date). `anchored` is True for words relative to the story's
    day rather than the article's (이날, 같은 날, 전날).
    `relative` is True when the value depends on the article date (even when it is None).
    `bound` reports a tail right after the expression that makes it a period bound — "from"
    (부터, 이래), "after" (이후), "until" (까지), "before" (이전) — or None; the tail is not part
    of the surface.
    """

    start: int
    end: int
    surface: str
    value: str | None
    relative: bool
    bound: str | None = None
    anchored: bool = False

__all__ = ["DateMention", "clear_cache", "find_dates", "find_periods", "is_iso_value", "is_period_value", "iso_date"]


# ---------------------------------------------------------------- calendar helpers


@dataclass(frozen=True)
class _ArticleDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> _dt.date | None:
        if self.day is None:
            return None
        return _dt.date(self.year, self.month, self.day)

    def iso(self) -> str | None:
        return iso_date(self.year, self.month, self.day)


_ARTICLE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def _parse_article_date(article_date: str | None) -> _ArticleDate:
    if article_date is None:
        return _ArticleDate()
    if not isinstance(article_date, str):
        raise ValueError(f"article_date must be a string 'YYYY[-MM[-DD]]' or None, not {article_date!r}")
    match = _ARTICLE_RE.match(article_date.strip())
    if not match:
        raise ValueError(f"article_date {article_date!r} is not 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    y, m, d = (int(g) if g else None for g in match.groups())
    if iso_date(y, m, d) is None:
        raise ValueError(f"article_date {article_date!r} is not a calendar date")
    return _ArticleDate(y, m, d)


#: Bounds (`DateMention.bound`) that say when something ends (…까지, … 전): a deadline, not the
#: day of an event.
ENDING_BOUNDS = frozenset({"until", "before"})


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + k
    return index // 12, index % 12 + 1


def _shift_days(day: _dt.date, k: int) -> str | None:
    try:
        return (day + _dt.timedelta(days=k)).isoformat()
    except OverflowError:
        return None


def _month_year(art: _ArticleDate, month: int, day: int | None, mode: str, near_days: int = 0) -> int | None:
    """The year of a month (and day) written without a year: the most recent occurrence not
    after the article date (mode past), the nearest not before it (mode future), or (mode near,
    no prefix) the coming one when it is at most `near_days` ahead, else the past one."""
    if art.month is None:
        return None
    year = art.year
    if mode == "near":
        mode = "future" if _days_ahead(art, month, day) <= near_days else "past"
    if mode == "future":
        if month < art.month or (month == art.month and day is not None and art.day is not None and day < art.day):
            year += 1
    elif month > art.month or (month == art.month and day is not None and art.day is not None and day > art.day):
        year -= 1
    return year


def _days_ahead(art: _ArticleDate, month: int, day: int | None) -> int:
    """Days from the article date to the next occurrence of a month (its first day if no day
    is given); an impossible day (2월 30일) counts as far away."""
    if art.day is None:
        return 0 if month == art.month else 10**6
    for year in (art.year, art.year + 1):
        try:
            ahead = (_dt.date(year, month, day or 1) - art.date).days
        except ValueError:
            return 10**6
        if ahead >= 0 or (day is None and month == art.month):
            return max(ahead, 0)
    return 10**6


# ---------------------------------------------------------------- find_dates


def find_dates(text: str, article_date: str | None, *, anchor: str | None = None) -> list[DateMention]:
    """Date expressions in `text`, sorted by start, non-overlapping (the longest match wins).

    `article_date` is "YYYY-MM-DD", "YYYY-MM", "YYYY" or None (ValueError otherwise); relative
    expressions are resolved against it. `anchor` is the day the story is about, when the text
    named one before (`anchor_words` such as 이날 and 전날 count from it; default: the article
    date). See the module docstring for the rules.
    """
    g = grammar()
    art = _parse_article_date(article_date)
    story = _parse_article_date(anchor) if anchor else art
    candidates: list[tuple[int, int, str | None, bool]] = []
    anchored: set[int] = set()

    for m in g.calendar_period.finditer(text):
        value = _calendar_period(m, art, g)
        if value is not None and not g.fiscal.search(text[max(0, m.start() - 12):m.start()]):
            candidates.append((m.start(), m.end(), value, not m.group("qy")))

    last_year: int | None = None
    for m in g.korean.finditer(text):
        if m.group("aw"):
            anchored.add(m.start())
        resolved = _resolve_korean(m, story if m.group("aw") else art, g, last_year)
        if m.group("y"):
            last_year = int(m.group("y"))
        if resolved is None:
            continue
        end = m.end()
        if m.group("time") and not (m.group("d1") or m.group("d2") or m.group("d3") or m.group("d4")
                                    or m.group("d5") or m.group("dw") or m.group("aw")):
            end = m.start("time")
        candidates.append((m.start(), end, *resolved))

    for m in g.numeric.finditer(text):
        y = int(m.group("y"))
        if _MIN_YEAR <= y <= _MAX_YEAR:
            candidates.append((m.start(), m.end(), iso_date(y, int(m.group("m")), int(m.group("d"))), False))

    for m in g.short_numeric.finditer(text):
        y = 2000 + int(m.group("y"))
        candidates.append((m.start(), m.end(), iso_date(y, int(m.group("m")), int(m.group("d"))), False))

    for m in g.weekday.finditer(text):
        prefix = m.group("wp")
        weekday = g.weekdays[_norm(m.group("wd1") or m.group("wd2"))]
        mode = g.weekday_prefixes[_norm(prefix)] if prefix else "past"
        candidates.append((m.start(), m.end(), _resolve_weekday(art, weekday, mode), True))

    mentions = []
    for start, end, value, relative in _select(candidates):
        tail = g.bound.match(text, end)
        bound = g.bounds[_norm(tail.group("b"))] if tail else None
        mentions.append(DateMention(start, end, text[start:end], value, relative, bound, start in anchored))
    return mentions


def _calendar_period(m: re.Match, art: _ArticleDate, g: Grammar) -> str | None:
    """"2025년 2분기", "내년 상반기", "3분기" → "2025-Q2", "2026-H1", the article's year's Q3."""
    if m.group("qy"):
        year = int(m.group("qy"))
    elif m.group("qyw") or m.group("qs"):
        offset = g.year_words[_norm(m.group("qyw") or m.group("qs"))]
        year = None if offset is None or art.year is None else art.year + offset
    else:
        year = art.year
    if year is None:
        return None
    if m.group("q"):
        return f"{year:04d}-Q{m.group('q')}"
    return f"{year:04d}-H{g.halves.index(_norm(m.group('h'))) + 1}"


def _resolve_korean(m: re.Match, art: _ArticleDate, g: Grammar,
                    last_year: int | None = None) -> tuple[str | None, bool] | None:
    """(value, relative) for a match of the Korean date grammar; None when it is no date.
    `last_year`: the year written last before it, what 같은 해 refers to."""
    num = lambda name: int(m.group(name)) if m.group(name) else None  # noqa: E731
    prefix = m.group("pre")
    mode = g.prefixes[_norm(prefix)] if prefix else "near"

    if m.group("y"):
        year = int(m.group("y"))
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return iso_date(year, num("m1"), num("d1")), False

    if m.group("yw") or m.group("ys"):
        offset = g.year_words[_norm(m.group("yw") or m.group("ys"))]
        month, day = (num("m1"), num("d1")) if m.group("yw") else (num("m3"), num("d5"))
        if offset is None:
            return (iso_date(last_year, month, day) if last_year else None), True
        if art.year is None:
            return None, True
        return iso_date(art.year + offset, month, day), True

    if m.group("m2"):
        month, day = num("m2"), num("d2")
        year = _month_year(art, month, day, mode, g.near_future_days["month_day"])
        return (iso_date(year, month, day) if year is not None else None), True

    if m.group("mw"):
        offset = g.month_words[_norm(m.group("mw"))]
        if offset is None or art.month is None:
            return None, True
        year, month = _add_months(art.year, art.month, offset)
        return iso_date(year, month, num("d3")), True

    if m.group("d4"):
        day = num("d4")
        if art.day is None:
            return None, True
        year, month = art.year, art.month
        if mode == "near":
            mode = "future" if 0 < day - art.day <= g.near_future_days["day"] else "past"
        if mode == "future" and day < art.day:
            year, month = _add_months(year, month, 1)
        elif mode == "past" and day > art.day:
            year, month = _add_months(year, month, -1)
        return iso_date(year, month, day), True

    if m.group("ww"):
        return _week(art, g.week_words[_norm(m.group("ww"))]), True
    offset = g.anchor_words[_norm(m.group("aw"))] if m.group("aw") else g.day_words[_norm(m.group("dw"))]
    if offset is None or art.year is None:
        return None, True
    if offset == 0:
        return art.iso(), True
    if art.day is None:
        return None, True
    return _shift_days(art.date, offset), True


def _week(art: _ArticleDate, offset: int) -> str | None:
    """A calendar week (Mon–Sun) `offset` weeks from the article's: its month if it lies in
    one month, else its year if in one year."""
    today = art.date
    if today is None:
        return None
    monday = today - _dt.timedelta(days=today.weekday()) + _dt.timedelta(weeks=offset)
    sunday = monday + _dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year:04d}-{monday.month:02d}"
    return f"{monday.year:04d}" if monday.year == sunday.year else None


def _resolve_weekday(art: _ArticleDate, weekday: int, mode: str) -> str | None:
    today = art.date
    if today is None:
        return None
    monday = today - _dt.timedelta(days=today.weekday())
    if mode == "past":
        delta = -((today.weekday() - weekday) % 7 or 7)
    elif mode == "future":
        delta = (weekday - today.weekday()) % 7 or 7
    else:
        week = {"previous_week": -7, "this_week": 0, "next_week": 7}[mode]
        delta = (monday - today).days + week + weekday
    return _shift_days(today, delta)


def _select(candidates):
    """Non-overlapping candidates, longest first (ties: the earlier), returned sorted by start."""
    chosen: list = []
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if cand[1] > cand[0] and all(cand[1] <= o[0] or cand[0] >= o[1] for o in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


# ---------------------------------------------------------------- find_periods


def find_periods(text: str) -> list[tuple[int, int, str]]:
    """Fiscal and calendar periods as written: (start, end, surface), sorted, non-overlapping.

    "2025 회계연도 상반기", "2024년 4분기", "지난해 4분기", "그해 4분기", "2·4분기", "2분기", "Q3",
    "FY2025", "2025 회계연도", "7월까지의 분기", "상반기", "전년 동기". A period is not a date: the
    value stays the text (cg:period), because a fiscal period does not map onto calendar dates
    without the company's fiscal calendar. The year of "2024년 4분기" is also found by
    `find_dates` (as 2024); a fiscal year ("2025 회계연도") is not.
    """
    g = grammar()
    candidates = [(m.start(), m.end(), m.group()) for p in g.periods for m in p.finditer(text)]
    return _select(candidates)


def is_iso_value(value: str) -> bool:
    """True for a well-formed calendar value ("YYYY", "YYYY-MM" or "YYYY-MM-DD", a real date)."""
    if not _VALUE_RE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    return iso_date(*parts) is not None


def is_period_value(value: str) -> bool:
    """True for a quarter or half of a year ("2025-Q4", "2026-H1")."""
    return bool(_PERIOD_RE.match(value))
