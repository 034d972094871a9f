"""The boilerplate lexicon (`ontology/lexicon/boilerplate.yaml`), compiled for the cleaners.

Why this is its own module: what counts as page furniture, spam and the story's container
in an HTML page is domain knowledge an expert edits, not code. A broken lexicon raises
`DataFileError` naming the file (and line), because then every article would be cleaned
wrongly; the shipped one is read once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataFileError
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
    meta_url: tuple[str, ...]


@dataclass(frozen=True)
class Boilerplate:
    """The compiled contents of `boilerplate.yaml` (see the comments in that file)."""

    chrome_keys: frozenset[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    inline_patterns: tuple[re.Pattern[str], ...]
    spam_vocabulary: tuple[str, ...]
    prose_endings: tuple[str, ...]
    html: HtmlRules
    min_tokens: int = 8
    max_repeat_ratio: float = 0.3
    max_vocab_share: float = 0.3
    max_hashtag_share: float = 0.5
    vocab_share_always: float = 0.6


def line_key(text: str) -> str:
    """Letters and digits only, lower-cased: how chrome lines and titles are compared."""
    return _KEY_DROP.sub("", text).lower()


def _string_list(data: dict[str, Any], key: str, path: Path) -> list[str]:
    """Read a list of strings from the YAML, naming the key when the shape is wrong."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise DataFileError(f"'{key}' must be a list of strings", path=path)
    return [str(v) for v in value]


def _compile_all(patterns: list[str], key: str, path: Path) -> tuple[re.Pattern[str], ...]:
    """Compile the patterns of one list; a bad regex names itself so an expert can fix it."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise DataFileError(f"bad regular expression in '{key}': {pattern!r} ({exc})", path=path) from exc
    return tuple(compiled)


def _spam_settings(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Read the `spam` mapping: thresholds as numbers and the vocabulary as folded keys."""
    spam = data.get("spam") or {}
    if not isinstance(spam, dict):
        raise DataFileError("'spam' must be a mapping", path=path)
    settings: dict[str, Any] = {
        "spam_vocabulary": tuple(line_key(v) for v in _string_list(spam, "vocabulary", path) if line_key(v)),
        "prose_endings": tuple(_string_list(spam, "prose_endings", path)),
    }
    for name, cast in (("min_tokens", int), ("max_repeat_ratio", float), ("max_vocab_share", float),
                       ("max_hashtag_share", float), ("vocab_share_always", float)):
        if name in spam:
            try:
                settings[name] = cast(spam[name])
            except (TypeError, ValueError) as exc:
                raise DataFileError(f"'spam.{name}' must be a number, not {spam[name]!r}", path=path) from exc
    return settings


def _html_rules(data: dict[str, Any], path: Path) -> HtmlRules:
    """Read the `html` mapping: tags to drop, where the story is, which `<meta>` names to read."""
    html = data.get("html") or {}
    meta = html.get("meta") or {}
    return HtmlRules(drop_tags=tuple(_string_list(html, "drop_tags", path)),
                     main_selectors=tuple(_string_list(html, "main_selectors", path)),
                     meta_title=tuple(_string_list(meta, "title", path)),
                     meta_date=tuple(_string_list(meta, "date", path)),
                     meta_url=tuple(_string_list(meta, "url", path)))


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
    """Parse one boilerplate YAML; any defect is a `DataFileError` naming the file (and line)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"cannot read the boilerplate lexicon ({exc.strerror})", path=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', None) or exc}", path=path, line=line,
                            hint="check indentation and quotes") from exc
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping with chrome_lines, chrome_patterns, inline_patterns, spam",
                            path=path)
    return Boilerplate(
        chrome_keys=frozenset(k for k in (line_key(v) for v in _string_list(data, "chrome_lines", path)) if k),
        chrome_patterns=_compile_all(_string_list(data, "chrome_patterns", path), "chrome_patterns", path),
        inline_patterns=_compile_all(_string_list(data, "inline_patterns", path), "inline_patterns", path),
        html=_html_rules(data, path),
        **_spam_settings(data, path),
    )
