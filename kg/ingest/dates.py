"""Publication dates as written in metadata into ISO dates.

Why this is its own module: a date in front matter, a manifest or an HTML `<meta>` is typed
by hand or by board software, in many forms. `parse_date` normalises the forms Korean news
writes and returns None for anything ambiguous or impossible rather than guess: never a
date that does not exist, a year outside 1900–2100, or a guess at a two-digit year.
"""

from __future__ import annotations

import re

from kg.isodate import iso_date

__all__ = ["parse_date"]

_MIN_YEAR, _MAX_YEAR = 1900, 2100
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
    `2024년 9월 30일`, `2024-09`, `2024`, and ISO date-times (`2024-09-30T10:00:00+09:00`,
    the date as written is kept, no time-zone shift). Rejected: two-digit years (`24-09-30`
    could be 1924 or 2024, and board software writes `25-04-17` for 2025 — too ambiguous to
    guess), impossible dates (`2024-02-30`) and years outside 1900–2100 (almost surely typos).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            month, day = match.group("m"), match.group("d")
            return _valid_date(int(match.group("y")), int(month) if month else None, int(day) if day else None)
    return None
