"""The boilerplate lexicon (`ontology/lexicon/boilerplate.yaml`), compiled for the cleaners.

Why this is its own module: what counts as page furniture, spam and the story's container
in an HTML page is domain knowledge an expert edits, not code. A broken lexicon raises
`DataFileError` naming the file (and line), because then every article would be cleaned
wrongly; the file is checked against `ontology/lexicon/schemas/boilerplate.schema.yaml`, and
the shipped one is read once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataFileError
from kg.lexicon import read_mapping
from kg.resources import lexicon_dir

__all__ = ["Boilerplate", "HtmlRules", "default_boilerplate", "line_key", "load_boilerplate"]

_KEY_DROP = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class HtmlRules:
    """Where the story sits in an HTML page: the `html` section of the lexicon."""

    drop_tags: tuple[str, ...]
    main_selectors: tuple[str, ...]
    meta_title: tuple[str, ...]
    meta_date: tuple[str, ...]
    meta_outlet: tuple[str, ...]
    meta_url: tuple[str, ...]
    json_ld_types: tuple[str, ...]
    title_separators: tuple[str, ...]
    breadcrumb_separators: tuple[str, ...]


@dataclass(frozen=True)
class Boilerplate:
    """The compiled contents of `boilerplate.yaml` (see the comments in that file)."""

    chrome_keys: frozenset[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    inline_patterns: tuple[re.Pattern[str], ...]
    spam_vocabulary: tuple[str, ...]
    prose_endings: tuple[str, ...]
    html: HtmlRules
    min_tokens: int
    run_min_words: int
    run_vocab_share: float
    max_repeat_ratio: float
    max_vocab_share: float
    max_hashtag_share: float
    vocab_share_always: float


def line_key(text: str) -> str:
    """Letters and digits only, lower-cased: how chrome lines and titles are compared."""
    return _KEY_DROP.sub("", text).lower()


def _compile_all(patterns: list[str], key: str, path: Path) -> tuple[re.Pattern[str], ...]:
    """Compile the patterns of one list; a bad regex names itself so an expert can fix it."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise DataFileError(f"bad regular expression in '{key}': {pattern!r} ({exc})", path=path) from exc
    return tuple(compiled)


def _spam_settings(spam: dict[str, Any]) -> dict[str, Any]:
    """The `spam` mapping: thresholds as numbers and the vocabulary as folded keys."""
    return {
        "spam_vocabulary": tuple(key for key in map(line_key, spam["vocabulary"]) if key),
        "prose_endings": tuple(spam["prose_endings"]),
        "min_tokens": int(spam["min_tokens"]),
        "run_min_words": int(spam["run_min_words"]),
        **{name: float(spam[name]) for name in ("max_repeat_ratio", "max_vocab_share", "max_hashtag_share",
                                                "vocab_share_always", "run_vocab_share")},
    }


def _html_rules(html: dict[str, Any]) -> HtmlRules:
    """The `html` mapping: tags to drop, where the story is, which metadata to read and how
    a title names its site."""
    meta = html["meta"]
    return HtmlRules(drop_tags=tuple(html["drop_tags"]), main_selectors=tuple(html["main_selectors"]),
                     meta_title=tuple(meta["title"]), meta_date=tuple(meta["date"]),
                     meta_outlet=tuple(meta["outlet"]), meta_url=tuple(meta["url"]),
                     json_ld_types=tuple(html["json_ld_types"]), title_separators=tuple(html["title_separators"]),
                     breadcrumb_separators=tuple(html["breadcrumb_separators"]))


def load_boilerplate(path: Path | str | None = None) -> Boilerplate:
    """Load and compile a boilerplate lexicon; the default one is cached for the process."""
    if path is None:
        return default_boilerplate()
    return _load_boilerplate_file(Path(path))


@functools.lru_cache(maxsize=1)
def default_boilerplate() -> Boilerplate:
    """The shipped `ontology/lexicon/boilerplate.yaml`, read once per process."""
    return _load_boilerplate_file(lexicon_dir() / "boilerplate.yaml")


def _load_boilerplate_file(path: Path) -> Boilerplate:
    """Parse and check one boilerplate YAML; any defect is a `DataFileError` naming the file (and line)."""
    data = read_mapping(path, schema="boilerplate")
    return Boilerplate(
        chrome_keys=frozenset(k for k in map(line_key, data["chrome_lines"]) if k),
        chrome_patterns=_compile_all(data["chrome_patterns"], "chrome_patterns", path),
        inline_patterns=_compile_all(data["inline_patterns"], "inline_patterns", path),
        html=_html_rules(data["html"]),
        **_spam_settings(data["spam"]),
    )
