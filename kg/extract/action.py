"""An extracted action: class, roles (entity keys), values, modality and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.namespaces import ROLES
from kg.nlp.dates import DateMention


@dataclass(frozen=True)
class Action:
    """One extracted action: class, roles (entity keys), values, modality and provenance."""

    cls: str
    roles: dict[str, tuple[str, ...]]
    modality: str
    evidence: str
    confidence: float
    sentence_start: int
    trigger: str
    date: DateMention | None = None
    effective: DateMention | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    currency: str | None = None
    period: str | None = None
    reported_by: tuple[str, ...] = ()

    def identity(self, keys: list[str]) -> tuple:
        """The parts that make two reports the same event (see `identity` in actions.yaml)."""
        parts: list[Any] = [self.cls, self.modality]
        for key in keys:
            if key in ROLES:
                parts.append(tuple(sorted(self.roles.get(key, ()))))
            elif key == "year":
                parts.append(self.date.value[:4] if self.date and self.date.value else None)
            elif key == "date":
                parts.append(self.date.value if self.date else None)
            elif key == "period":
                parts.append(self.period)
            elif key == "evidence":
                parts.append(self.evidence)
            elif key == "amount":
                parts.append((self.currency, *(str(self.values.get(k)) for k in ("amount", "minAmount", "maxAmount"))))
            else:
                parts.append(str(self.values.get(key)))
        return tuple(parts)
