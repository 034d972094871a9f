"""ISO 8601 strings for dates known to a year, a month or a day.

Shared ground because two stages need the same rule for "is this a real calendar date":
`kg.ingest` for publication dates in metadata, `kg.nlp.dates` for dates written in the text.
"""

from __future__ import annotations

import datetime as _dt

__all__ = ["iso_date"]


def iso_date(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` for a valid year / year-month / date, else None."""
    if y is None or not 1 <= y <= 9999:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        _dt.date(y, m, d)
    except ValueError:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"
