"""A .jsonl file into one article per non-blank line: `{"id": …, "text": …, "date": …}`.

A JSONL line carries its own metadata (a manifest row naming a .jsonl file is ignored with a
Problem), has no file size limit (each line's text has the article limit), and a broken line
is a Problem `file:LINE` while the rest of the file is read. Files are read line by line
(memory does not grow with the file) when they are UTF-8 without NUL bytes, which is what
JSONL is; other encodings are decoded whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.ingest.assemble import build_article
from kg.ingest.decode import LINE_BREAKS, is_streamable_utf8
from kg.ingest.dedupe import Seen, raw_hash
from kg.ingest.files import read_text
from kg.ingest.html import looks_like_html
from kg.ingest.records import Article, Problem, Unchanged, reason
from kg.ingest.walk import Walk

__all__ = ["jsonl_articles", "jsonl_lines"]


def _jsonl_record(line: str, where: str) -> dict[str, Any] | Problem:
    """Parse and check one JSONL line: an object with a string/int `id` and a string `text`."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        why = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        return Problem(where, f"not valid JSON ({why})", "skipped")
    if not isinstance(record, dict):
        return Problem(where, "not a JSON object", "skipped")
    identifier = record.get("id")
    if isinstance(identifier, bool) or not isinstance(identifier, (str, int)) or not str(identifier).strip():
        return Problem(where, 'missing or empty "id" (a string)', "skipped")
    if "text" not in record:
        return Problem(where, 'missing "text"', "skipped")
    if not isinstance(record["text"], str):
        return Problem(where, '"text" is not a string', "skipped")
    return record


def jsonl_lines(path: Path) -> Iterator[str] | Problem:
    """The lines of a JSONL file as the whole-file reading would split them, read lazily.

    Line breaks are those of `LINE_BREAKS` (so a raw U+2028 in a line starts a new line, as
    it always has, and line numbers stay the same); a Problem if the file cannot be read.
    """
    try:
        if not is_streamable_utf8(path):
            text = read_text(path)
            return text if isinstance(text, Problem) else iter(text.split("\n"))
        handle = path.open("rb")
    except OSError as exc:
        return Problem(str(path), reason(exc), "skipped")
    return _stream_lines(handle)


def _stream_lines(handle: Any) -> Iterator[str]:
    """Split a UTF-8 file handle into lines exactly as `LINE_BREAKS.sub` + `split("\\n")` would."""
    with handle:
        first = True
        tail = ""
        for physical in handle:
            line = physical.decode("utf-8")
            if first:
                line, first = line.removeprefix("\ufeff"), False
            if line.endswith("\n"):
                line = line[:-2] if line.endswith("\r\n") else line[:-1]
                yield from LINE_BREAKS.sub("\n", line).split("\n")
                tail = ""
            else:
                tail = line
        yield from LINE_BREAKS.sub("\n", tail).split("\n")


def jsonl_articles(path: Path, walk: Walk, seen: Seen) -> Iterator[Article | Unchanged | Problem]:
    """A .jsonl file → one article per non-blank line; a broken line is a Problem `file:LINE`."""
    lines = jsonl_lines(path)
    if isinstance(lines, Problem):
        yield lines
        return
    row = walk.row_for(path)
    if row is not None:
        yield Problem(row.source, "manifest metadata does not apply to JSONL files; put it on each line",
                      "row ignored")
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        record = _jsonl_record(line, where)
        if isinstance(record, Problem):
            yield record
            continue
        identifier = str(record["id"]).strip()
        duplicate = seen.duplicate_id(identifier, where)
        if duplicate:
            yield duplicate
            continue
        hashed = raw_hash("jsonl", line)
        unchanged = seen.unchanged(identifier, where, hashed)
        if unchanged is not None:
            yield from unchanged
            continue
        raw = LINE_BREAKS.sub("\n", record["text"])
        yield from build_article(identifier, raw, where, [(where, record)], html=looks_like_html(raw), seen=seen,
                                 raw_hash=hashed)
