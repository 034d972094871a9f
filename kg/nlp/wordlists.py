"""Turning the word lists of the lexicons (dates.yaml, numbers.yaml) into checked tables and regexes.

Shared by the date and number grammars: both keep their words in YAML that a domain expert
edits (read strictly by `kg.lexicon.read_mapping`), so both need the same checks and the
same rule that a space inside a word matches one space or none (이번 달 / 이번달).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from kg.errors import DataFileError

SP = r"[ \t\u00a0]"
SPQ = SP + "?"


def words(data: dict, key: str, path: Path) -> list[str]:
    """A non-empty list of words under `key`."""
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise DataFileError(f"'{key}' must be a non-empty list of words", path=path,
                            hint=f"see the comments in the shipped {path.name}")
    return [w.strip() for w in value]


def table(data: dict, key: str, path: Path, check: Callable[[Any], bool], what: str) -> dict[str, Any]:
    """A non-empty mapping word → value under `key`, keyed by the word without spaces."""
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise DataFileError(f"'{key}' must be a non-empty mapping of word: {what}", path=path,
                            hint=f"see the comments in the shipped {path.name}")
    result: dict[str, Any] = {}
    for word, v in value.items():
        if not isinstance(word, str) or not word.strip() or not check(v):
            raise DataFileError(f"'{key}': entry {word!r}: {v!r} must be word: {what}", path=path,
                                hint=f"see the comments in the shipped {path.name}")
        folded = norm(word)
        if folded in result and result[folded] != v:
            raise DataFileError(f"'{key}': {word!r} is listed twice with different values", path=path)
        result[folded] = v
    return result


def norm(word: str) -> str:
    """Key of a word for lookups: without any whitespace ("이번 달" and "이번달" are one word)."""
    return re.sub(r"\s+", "", word)


def word_re(word: str) -> str:
    """A word as a regex; a space inside it matches one space or none."""
    return SPQ.join(re.escape(part) for part in word.split())


def alt(items: Iterable[str]) -> str:
    """Alternation of words, longest first so that "지난주" wins over "지난"."""
    unique = sorted(set(items), key=lambda w: (-len(norm(w)), w))
    return "(?:" + "|".join(word_re(w) for w in unique) + ")"
