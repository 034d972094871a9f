"""Publication dates as written in metadata into ISO dates.

Why this is its own module: a date in front matter, a manifest or an HTML `<meta>` is typed
by hand or by board software, in many forms. `parse_date` normalises the forms Korean news
writes and returns None for anything ambiguous or impossible rather than guess: never a
date that does not exist, a year outside 1900–2100, or a guess at a two-digit year.

Time stamps (`article:published_time`, JSON-LD `datePublished`) give the publisher's local
date: a time with an offset of its own (`+09:00`, `-05:00`) keeps the date it was written
with, since the offset is where the story was dated; a time in UTC (`Z`, `+00:00`) is what a
CMS writes by default, not where a Korean story is dated, so it is moved to Korean time
(`NEWS_UTC_OFFSET`) first: `2025-11-01T15:30:00Z` is 2 November in Seoul.
"""

from __future__ import annotations

import datetime as _dt
import re

from kg.isodate import iso_date

__all__ = ["NEWS_UTC_OFFSET", "parse_date"]

NEWS_UTC_OFFSET = _dt.timezone(_dt.timedelta(hours=9), "KST")
"""Where a time stamp written in UTC is dated: Korean news is dated in Korean time (KST)."""

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|[+-]00:?00)", re.IGNORECASE)
_DATE_PATTERNS = (
    # 2024-09-30, 2024.09.30, 2024/9/3, "2024. 9. 30.", 2024-09, 2024 (optionally a time after)
    re.compile(r"(?P<y>\d{4})(?:\s*[-./]\s*(?P<m>\d{1,2})(?:\s*[-./]\s*(?P<d>\d{1,2}))?)?\.?"
               r"(?:[T\s]\d{1,2}:\d{2}.*)?"),
    # 20240930
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    # 2024년 9월 30일, 2024년 9월, 2024년
    re.compile(r"(?P<y>\d{4})\s*년(?:\s*(?P<m>\d{1,2})\s*월(?:\s*(?P<d>\d{1,2})\s*일)?)?"),
)


def _valid_date(year: int, month: int | None, day: int | None) -> str | None:
    """Format a date at the precision given, or None if it is not a real calendar date in
    the years a publication date can have."""
    return iso_date(year, month, day) if _MIN_YEAR <= year <= _MAX_YEAR else None


def parse_date(value: str) -> str | None:
    """Normalise a publication date to `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; None if invalid.

    Accepted: `2024-09-30`, `2024.09.30`, `2024/9/3`, `2024. 9. 30.`, `20240930`,
    `2024년 9월 30일`, `2024-09`, `2024`, and ISO date-times (`2024-09-30T10:00:00+09:00`:
    the date as written; `2024-09-29T15:00:00Z`: the date in Korean time, see the module
    docstring). Rejected: two-digit years (`24-09-30`
    could be 1924 or 2024, and board software writes `25-04-17` for 2025 — too ambiguous to
    guess), impossible dates (`2024-02-30`) and years outside 1900–2100 (almost surely typos).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _UTC_STAMP.fullmatch(text):
        return _utc_stamp_date(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            month, day = match.group("m"), match.group("d")
            return _valid_date(int(match.group("y")), int(month) if month else None, int(day) if day else None)
    return None


def _utc_stamp_date(text: str) -> str | None:
    """The Korean-time date of an ISO time stamp written in UTC; None if it is no real time."""
    try:
        stamp = _dt.datetime.fromisoformat((text[:10] + "T" + text[11:]).replace(" ", "").upper())
    except ValueError:
        return None
    local = stamp.astimezone(NEWS_UTC_OFFSET)
    return _valid_date(local.year, local.month, local.day)
