"""Reading gold files: one JSON record a line, checked as it is read (format: tests/gold/README.md).

A malformed record stops the evaluation with a `DataFileError` naming the file and the line, so an
annotator fixes the line instead of reading a traceback or, worse, a score computed without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from kg.errors import DataFileError
from kg.namespaces import ROLES
from kg.nlp.dates import is_period_value
from kg.text import normalize_name

KINDS = ("entity", "action", "relation")
NUMBERS = ("percent", "price", "quantity", "amount_usd", "amount")
VALUES = ("date", *NUMBERS, "period")  # what "dates and numbers" scores
MODALITIES = ("Asserted", "Reported", "Planned", "Expected", "Denied", "Hypothetical")
PREDICATES = ("develops", "uses", "subsidiaryOf", "ceoOf", "headquarteredIn", "jurisdiction", "listedOn", "leads")
FIELDS = {
    "entity": {"doc", "kind", "label_ko", "label_en", "type", "wikidata", "note"},
    "action": {"doc", "kind", "type", *ROLES, *NUMBERS, "currency", "date", "period", "modality", "evidence",
               "note"},
    "relation": {"doc", "kind", "s", "p", "o", "evidence", "note"},
}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

Alternatives = tuple[str, ...]  # normalised labels, any of which names the participant
Complaint = Callable[..., DataFileError]


@dataclass(frozen=True)
class Gold:
    """One gold record; `roles` maps a role to the participants that must all be present."""

    kind: str
    doc: str
    line: int
    record: dict[str, Any]
    roles: dict[str, tuple[Alternatives, ...]] = field(default_factory=dict)

    def describe(self) -> str:
        r = self.record
        if self.kind == "entity":
            return f"{r.get('label_ko') or ''} / {r.get('label_en') or ''} ({r.get('type') or '?'})"
        if self.kind == "relation":
            return f"{r['s']} {r['p']} {r['o']}"
        parts = [r["type"]] + [f"{k}={show(r[k])}" for k in (*ROLES, *VALUES, "modality") if k in r]
        if "currency" in r:
            parts.append(f"currency={r['currency']}")
        return " ".join(parts)


def show(value: Any) -> str:
    """A gold value as one word: lists (ranges, coordinated participants) joined with `+`."""
    return "+".join(map(str, value)) if isinstance(value, list) else str(value)


def load_gold(path: Path | str) -> list[Gold]:
    """Read a gold JSONL file; `DataFileError` naming file:line for a malformed record."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read the gold file: {exc}", path=path) from None
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise DataFileError(f"not valid JSON ({exc.msg}, column {exc.colno})", path=path, line=number) from None
        records.append(parse_record(data, path=path, line=number))
    if not records:
        raise DataFileError("the gold file has no records", path=path)
    return records


def parse_record(data: Any, *, path: Path, line: int) -> Gold:
    """One decoded JSON value as a `Gold` record, or the first thing wrong with it."""
    def bad(message: str, hint: str | None = None) -> DataFileError:
        return DataFileError(message, path=path, line=line, hint=hint)

    if not isinstance(data, dict):
        raise bad("a gold record must be a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise bad(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    doc = data.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise bad("doc must name the article (its identifier or the prefix before '_')")
    unknown = set(data) - FIELDS[kind]
    if unknown:
        raise bad(f"unknown field(s) for a{'n' if kind[0] in 'ae' else ''} {kind}: {', '.join(sorted(unknown))}",
                  hint="allowed: " + ", ".join(sorted(FIELDS[kind])))
    roles: dict[str, tuple[Alternatives, ...]] = {}
    if kind == "entity":
        if not any(isinstance(data.get(k), str) and normalize_name(data[k]) for k in ("label_ko", "label_en")):
            raise bad("an entity needs label_ko or label_en")
    elif kind == "relation":
        for key in ("s", "o"):
            roles[key] = role_value(data.get(key), key, bad)
        if data.get("p") not in PREDICATES:
            raise bad(f"p must be one of {', '.join(PREDICATES)}, not {data.get('p')!r}")
    else:
        roles = _check_action(data, bad)
    return Gold(kind=kind, doc=doc.strip(), line=line, record=data, roles=roles)


def _check_action(data: dict[str, Any], bad: Complaint) -> dict[str, tuple[Alternatives, ...]]:
    if not isinstance(data.get("type"), str) or not data["type"]:
        raise bad("an action needs a type (an action class such as ExportControl)")
    roles = {role: role_value(data[role], role, bad) for role in ROLES if role in data}
    if "date" in data and not (isinstance(data["date"], str)
                               and (_DATE.match(data["date"]) or is_period_value(data["date"]))):
        raise bad(f"date {data['date']!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn")
    for key in ("percent", "price", "quantity"):
        if key in data:
            decimal(data[key], key, bad)
    for key in ("amount_usd", "amount"):
        if key in data:
            _amount(data[key], key, bad)
    if ("amount" in data) != ("currency" in data):
        raise bad("amount and currency go together: the amount in that currency (ISO 4217, e.g. KRW)")
    if "currency" in data and not (isinstance(data["currency"], str) and _CURRENCY.match(data["currency"])):
        raise bad(f"currency {data['currency']!r} is not an ISO 4217 code such as USD, KRW or CNY")
    if "period" in data and not (isinstance(data["period"], str) and normalize_name(data["period"])):
        raise bad("period must be text")
    if "modality" in data:
        wanted = data["modality"] if isinstance(data["modality"], list) else [data["modality"]]
        if not wanted or any(m not in MODALITIES for m in wanted):
            raise bad(f"modality must be among {', '.join(MODALITIES)}")
    return roles


def _amount(value: Any, key: str, bad: Complaint) -> None:
    if isinstance(value, list):
        if len(value) != 2:
            raise bad(f"{key} as a list must be [min, max]")
        for bound in value:
            decimal(bound, key, bad)
    else:
        decimal(value, key, bad)


def role_value(value: Any, role: str, bad: Complaint) -> tuple[Alternatives, ...]:
    """`"A | B"` → one participant with two names; a list → several participants, all required."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise bad(f"{role} must be a label, 'label | label' or a list of labels")
    out = []
    for item in items:
        alternatives = tuple(n for n in (normalize_name(a) for a in item.split("|")) if n)
        if not alternatives:
            raise bad(f"{role} has an empty label")
        out.append(alternatives)
    return tuple(out)


def decimal(value: Any, key: str, bad: Complaint | None = None) -> Decimal:
    """A gold number as a Decimal (JSON floats compared as written, not as binary fractions)."""
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        if bad is None:
            raise
        raise bad(f"{key} {value!r} is not a number") from None
