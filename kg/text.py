"""How names are compared, defined once: the gazetteer's alias table, the mention finder's folded
sentence text, entity lookup in queries and gold matching in `kg eval` all fold the same way.

A name is folded by NFKC, case folding and dropping punctuation, spaces and invisible characters
(Unicode categories P*, Z* and C*): `어센드 910B`, `어센드910B` and `Ascend-910b` are one name, while
symbols that tell products apart stay (`C++` is not `C`, `A100+` is not `A100`).
"""

from __future__ import annotations

import functools
import unicodedata

_DROPPED_CATEGORIES = frozenset("PZC")


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: its NFKC, case-folded form without dropped characters ('' if none)."""
    return "".join(c for c in unicodedata.normalize("NFKC", ch).casefold()
                   if unicodedata.category(c)[0] not in _DROPPED_CATEGORIES)


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(text: str) -> str:
    """The folded form of a name, by which every part of Chipgraph compares names."""
    return "".join(map(fold_char, text))
