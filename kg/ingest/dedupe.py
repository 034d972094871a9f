"""Which articles a run has already yielded, and the hashes that say so.

Why this is its own module: two rules keep a graph from counting a story twice, and one
lets a build skip what it already has. A second article with an identifier already yielded
is skipped ("duplicate id …"); an article whose cleaned text equals an earlier one's is the
same story saved twice and skipped ("same text as …"); an article whose raw input hashes as
the caller's stored `Fingerprint` says is yielded as `Unchanged`, and its text key still
joins the same-text check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.ingest.manifest import META_KEYS
from kg.ingest.records import Fingerprint, Known, Problem, Unchanged

__all__ = ["Seen", "content_hash", "raw_hash", "text_key"]


@dataclass
class Seen:
    """Identifiers and text keys one run has yielded, and what the caller already knows."""

    ids: dict[str, str] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    known: Known | None = None

    def duplicate_id(self, identifier: str, source: str) -> Problem | None:
        """A Problem if an article with this identifier was already yielded in this run."""
        if identifier in self.ids:
            return Problem(source, f"duplicate id {identifier!r}, first seen in {self.ids[identifier]}", "skipped")
        return None

    def claim(self, identifier: str, source: str, key: str) -> Problem | None:
        """Register an article's id and text key; a Problem instead if the text was seen."""
        if key in self.texts:
            first_id, first_source = self.texts[key]
            return Problem(source, f"same text as {first_id} ({first_source})", "skipped")
        self.texts[key] = (identifier, source)
        self.ids[identifier] = source
        return None

    def unchanged(self, identifier: str, source: str, hashed: str) -> Iterator[Unchanged | Problem] | None:
        """If the caller knows this exact raw input, the items to yield instead of reading it; else None."""
        known = self.known(identifier) if self.known else None
        if known is None or known.raw_hash != hashed:
            return None
        return self._yield_unchanged(identifier, source, known)

    def _yield_unchanged(self, identifier: str, source: str, known: Fingerprint) -> Iterator[Unchanged | Problem]:
        problem = self.claim(identifier, source, known.text_key)
        yield problem if problem else Unchanged(identifier, source, known)


def text_key(text: str) -> str:
    """sha256 of an article's cleaned text: what the same-text check compares."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(raw: str, meta: dict[str, str | None]) -> str:
    """sha256 over the decoded raw text and the final metadata (see `kg.ingest`'s docstring)."""
    payload = json.dumps({"text": raw, **{k: meta.get(k) for k in META_KEYS}}, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def raw_hash(kind: str, *parts: str | bytes) -> str:
    """sha256 over an article's raw input record, before any decoding or cleaning.

    Cheap enough to compute for every article of every build; each part is length-prefixed so
    that moving bytes from one part to the next changes the hash.
    """
    digest = hashlib.sha256(kind.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return "sha256:" + digest.hexdigest()
