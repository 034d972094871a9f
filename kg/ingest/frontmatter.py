"""A leading `---` block of `key: value` metadata in a .txt/.md file, and Markdown heading marks.

Why this is its own module: front matter is written by hand, so it is parsed leniently (YAML
first, plain `key: value` lines when YAML rejects it) and kept apart from the file readers.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["split_front_matter", "strip_md_headings"]

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)  # "# 제목" → "제목" in .md files
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def strip_md_headings(body: str) -> str:
    """Drop Markdown heading marks, so `# 제목` reads as the line `제목`."""
    return _MD_HEADING.sub("", body)


def _front_matter_lines(block: str) -> dict[str, str]:
    """Fallback parser for front matter YAML rejects: `key: value` lines, quotes optional."""
    meta = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[key.strip().lower()] = value
    return meta


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Separate a leading `---` block from the body; no block → ({}, text).

    yaml.safe_load first (quoted values, dates); if that fails or gives no mapping — e.g. an
    unquoted title containing ": " — fall back to plain `key: value` lines.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    block = match.group(1) or ""
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        data = _front_matter_lines(block)
    if not data:  # "---" lines around prose are a rule, not front matter
        return {}, text
    return {str(k).strip().lower(): v for k, v in data.items()}, text[match.end():]
