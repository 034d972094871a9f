"""A .txt, .md or .html file (or any file named explicitly) into one article.

The identifier is the file stem (`000_e3e1c4b4497a31e5.txt` → `000_e3e1c4b4497a31e5`), so
`a.txt` and `a.md` collide. A file over `MAX_FILE_BYTES` is skipped without being read. The
raw hash covers the file's name, bytes and manifest row, so an unchanged file is not decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.assemble import Layers, build_article
from kg.ingest.decode import decode_text
from kg.ingest.dedupe import Seen, raw_hash
from kg.ingest.frontmatter import split_front_matter, strip_md_headings
from kg.ingest.html import looks_like_html
from kg.ingest.records import Article, Problem, Unchanged, megabytes, reason
from kg.ingest.walk import HTML_SUFFIXES, Walk

__all__ = ["MAX_FILE_BYTES", "file_articles", "read_text"]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""A .txt/.md/.html file larger than this (8 MB) is skipped without being read."""


def read_text(path: Path) -> str | Problem:
    """Read and decode a file; failures become a Problem naming the file."""
    try:
        return decode_text(path.read_bytes())
    except (OSError, InputError) as exc:
        return Problem(str(path), reason(exc), "skipped")


def _read_bytes(path: Path, source: str) -> bytes | Problem:
    """The file's bytes, or a Problem if it is too large (not read) or unreadable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Problem(source, reason(exc), "skipped")
    if size > MAX_FILE_BYTES:
        return Problem(source, f"file too large ({megabytes(size)} > {megabytes(MAX_FILE_BYTES)} limit)", "skipped")
    try:
        return path.read_bytes()
    except OSError as exc:
        return Problem(source, reason(exc), "skipped")


def file_articles(path: Path, walk: Walk, seen: Seen) -> Iterator[Article | Unchanged | Problem]:
    """A .txt/.md/.html file (or any file named explicitly) → one article."""
    source = str(path)
    duplicate = seen.duplicate_id(path.stem, source)
    if duplicate:
        yield duplicate
        return
    data = _read_bytes(path, source)
    if isinstance(data, Problem):
        yield data
        return
    row = walk.row_for(path)
    hashed = raw_hash("file", path.name, data, json.dumps(row.meta if row else None, sort_keys=True))
    unchanged = seen.unchanged(path.stem, source, hashed)
    if unchanged is not None:
        yield from unchanged
        return
    try:
        raw = decode_text(data)
    except InputError as exc:
        yield Problem(source, reason(exc), "skipped")
        return
    del data
    layers: Layers = []
    is_html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(raw)
    body = raw
    if not is_html:
        front, body = split_front_matter(raw)
        if front:
            layers.append((f"{source} (front matter)", front))
        if path.suffix.lower() == ".md":
            body = strip_md_headings(body)
    if row is not None:
        layers.append((row.source, row.meta))
    yield from build_article(path.stem, body, source, layers, html=is_html, seen=seen, hashed=raw,
                             raw_hash=hashed)
