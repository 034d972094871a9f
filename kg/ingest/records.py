"""What ingestion yields: articles, articles known unchanged, and problems with one input.

Why this is its own module: these records are the contract between ingestion and the build
(which stores fingerprints and prints problems); every reader in `kg.ingest` makes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from kg.errors import InputError

__all__ = ["Article", "Fingerprint", "Known", "Problem", "Unchanged", "megabytes", "reason"]


@dataclass(frozen=True)
class Article:
    """One cleaned article, ready for the NLP stage."""

    identifier: str
    text: str
    date: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    source: str = ""
    content_hash: str = ""
    raw_hash: str = ""
    text_key: str = ""

    @property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self.raw_hash, self.text_key)


class Fingerprint(NamedTuple):
    """What a build stores about an article's input, so the next build can skip it unread."""

    raw_hash: str   # sha256 of the raw input record (see `kg.ingest.dedupe.raw_hash`)
    text_key: str   # sha256 of the cleaned text: the same-text check needs it without cleaning


@dataclass(frozen=True)
class Unchanged:
    """An article whose raw input matches the fingerprint the caller knows: not decoded or cleaned."""

    identifier: str
    source: str
    fingerprint: Fingerprint


Known = Callable[[str], "Fingerprint | None"]
"""Identifier → the fingerprint the store holds for it (None: unknown, or not to be trusted)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input, reported instead of raised so the build goes on."""

    source: str
    message: str
    action: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message} ({self.action})"


def reason(exc: BaseException) -> str:
    """A short human reason for an OS or input error, without the path repeated."""
    if isinstance(exc, InputError):
        return exc.message + (f" ({exc.hint})" if exc.hint else "")
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def megabytes(size: int) -> str:
    """Size in MB rounded up to a tenth, so a size just over a limit never prints as the limit."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f} MB"
