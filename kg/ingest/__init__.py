"""Files, folders and JSONL into clean articles.

`iter_articles` is the only entry point the build needs. It never raises for a bad input:
everything that is wrong with one file, line or manifest row becomes a `Problem` in the
stream (with what was done about it) and the rest of the input carries on. Only a broken
data file shipped with Chipgraph (`ontology/lexicon/boilerplate.yaml`) raises
`DataFileError`, because then every article would be cleaned wrongly.

Decisions a caller must know:

* Identifier: the file stem (`000_e3e1c4b4497a31e5.txt` → `000_e3e1c4b4497a31e5`) or the
  JSONL `id`. A second article with an identifier already yielded is skipped with a Problem
  ("duplicate id … first seen in …"); `a.txt` and `a.md` therefore collide.
* Same text, different id: skipped with a Problem ("same text as …"). Two files whose cleaned
  text is identical are the same story saved twice (a mirror, a re-post); building both would
  double every extracted action and inflate counts.
* Metadata precedence, per key: front matter > manifest row > HTML `<meta>`. A JSONL line
  carries its own metadata; a manifest row naming a `.jsonl` file is ignored with a Problem.
* Dates: see `parse_date` (in `kg.ingest.decode`). A bad date never drops an article: it is built
  without a date (or with the next source's valid date) and a Problem says so.
* `content_hash` covers the decoded raw text (newlines normalised) and the final date, title,
  outlet and url, so a re-encoded but identical file keeps its hash and a metadata edit
  changes it. It does not cover the boilerplate lexicon: bump the pipeline version for that.
* Skipping unchanged input (`known`): each article carries a `Fingerprint` of its raw input
  (the file's name, bytes and manifest row, or the JSONL line) and of its cleaned text. A
  build passes the fingerprints it stored; an article whose raw input hashes the same is
  yielded as `Unchanged` without being decoded, cleaned or checked for metadata problems
  (those were reported when it was built). Its text key still joins the same-text check, so
  a new article repeating an unchanged one is caught, and an unchanged one repeating an
  earlier article in this run is skipped with the same Problem as before.
* JSONL files are read line by line (memory does not grow with the file) when they are
  UTF-8 without NUL bytes, which is what JSONL is; other encodings are decoded whole.
* Folders are read recursively in sorted name order; hidden entries (`.git`, `.DS_Store`)
  are skipped; a folder reached twice (symlink loop, folder given twice) is a Problem.
* Size limits, so one huge input cannot stall a build (extraction costs roughly 10–40 s per
  MB of Korean text): a .txt/.md/.html file over `MAX_FILE_BYTES` is skipped without being
  read; an article whose text (after HTML markup is removed, before cleaning) is over
  `MAX_ARTICLE_BYTES` of UTF-8 is skipped ("article too large"). JSONL files have no file
  limit; each line's text has the article limit.
* Overlong lines: a cleaned line over `MAX_LINE_CHARS` characters is cut into several lines
  (at a sentence end if it can; see `kg.ingest.clean`). Offsets stay consistent because the cleaned
  text is the article's text.
* Malformed HTML: a page not parsed within `kg.ingest.clean.HTML_PARSE_SECONDS` of CPU time is
  skipped with a Problem (the limit needs SIGVTALRM and the main thread; elsewhere there is
  none).

Where the work is done: `kg.ingest.decode` turns bytes into text (`decode_bytes`) and written dates
into ISO dates (`parse_date`); `kg.ingest.clean` removes page furniture, spam and invisible
characters (`clean_text`, with the `boilerplate.yaml` lexicon) and extracts text from HTML.
This module reads the inputs, settles metadata, hashes and deduplicates, and reports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

import yaml

from kg.ingest.clean import (
    _LINE_BREAKS,
    MAX_LINE_CHARS,
    Boilerplate,
    _clean_value,
    _default_boilerplate,
    _html_extract,
    _looks_like_html,
    _split_title,
    clean_text,
    load_boilerplate,
)
from kg.ingest.decode import decode_bytes, is_streamable_utf8, parse_date
from kg.errors import InputError

__all__ = [
    "Article",
    "Problem",
    "Unchanged",
    "Fingerprint",
    "Boilerplate",
    "iter_articles",
    "decode_bytes",
    "clean_text",
    "parse_date",
    "load_boilerplate",
    "MAX_LINE_CHARS",
]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MANIFEST_NAME = "manifest.csv"
META_KEYS = ("date", "title", "outlet", "url")
MAX_FILE_BYTES = 8 * 1024 * 1024
"""A .txt/.md/.html file larger than this (8 MB) is skipped without being read."""
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
"""An article whose text is larger than this (2 MB of UTF-8, about 700,000 Hangul) is skipped."""


# --------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------


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

    raw_hash: str   # sha256 of the raw input record (see `_raw_hash`)
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


# --------------------------------------------------------------------------------------
# Front matter and manifest
# --------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)  # "# 제목" → "제목" in .md files
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


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


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
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


@dataclass(frozen=True)
class _ManifestRow:
    meta: dict[str, str]
    source: str


def _read_manifest(folder: Path, folder_label: Path) -> tuple[dict[Path, _ManifestRow], list[Problem]]:
    """Read `folder/manifest.csv` into {resolved file path: row}, with its problems.

    Columns: file (required), date, outlet, url, title (any may be empty); unknown columns
    are ignored. `file` is relative to the manifest's folder.
    """
    path, label = folder / MANIFEST_NAME, str(folder_label / MANIFEST_NAME)
    try:
        text = decode_bytes(path.read_bytes())
    except (OSError, InputError) as exc:
        return {}, [Problem(label, f"cannot read manifest: {_reason(exc)}", "manifest ignored")]
    reader = csv.reader(io.StringIO(_LINE_BREAKS.sub("\n", text)))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        return {}, [Problem(label, f"not a valid CSV file ({exc})", "manifest ignored")]
    if "file" not in header:
        return {}, [Problem(label, "no 'file' column (expected file,date,outlet,url,title)", "manifest ignored")]
    return _manifest_rows(reader, header, folder, label)


def _manifest_rows(reader: Any, header: list[str], folder: Path,
                   label: str) -> tuple[dict[Path, _ManifestRow], list[Problem]]:
    """Turn manifest CSV rows into entries, reporting missing files and repeated rows."""
    rows: dict[Path, _ManifestRow] = {}
    problems: list[Problem] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"{label}:{start}", f"broken CSV row ({exc})", "rest of manifest ignored"))
            break
        record = dict(zip(header, (v.strip() for v in values)))
        name, where = record.get("file", ""), f"{label}:{start}"
        if not any(values):
            continue
        if not name:
            problems.append(Problem(where, "row without a file name", "row ignored"))
            continue
        target = (folder / name).resolve()
        if not target.is_file():
            problems.append(Problem(where, f"names {name!r}, which does not exist in {folder}", "row ignored"))
        elif target in rows:
            problems.append(Problem(where, f"{name!r} is listed again (first at {rows[target].source})", "row ignored"))
        else:
            rows[target] = _ManifestRow({k: record[k] for k in META_KEYS if record.get(k)}, where)
    return rows, problems


# --------------------------------------------------------------------------------------
# Walking the inputs
# --------------------------------------------------------------------------------------


@dataclass
class _State:
    """What one `iter_articles` call has seen so far (ids, texts, folders, manifests)."""

    ids: dict[str, str] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    folders: set[Path] = field(default_factory=set)
    manifest_rows: dict[Path, _ManifestRow] = field(default_factory=dict)
    manifest_problems: dict[Path, list[Problem]] = field(default_factory=dict)
    known: Known | None = None


def _reason(exc: BaseException) -> str:
    """A short human reason for an OS or input error, without the path repeated."""
    if isinstance(exc, InputError):
        return exc.message + (f" ({exc.hint})" if exc.hint else "")
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _load_manifest(folder: Path, state: _State, *, report: bool = True) -> list[Problem]:
    """Read a folder's manifest once per run; its rows join the run's table.

    Its problems are handed out once, to the walk of that folder (`report=True`); a file given
    on its own only uses the rows (`report=False`), so problems about other rows stay quiet.
    """
    resolved = folder.resolve()
    if resolved not in state.manifest_problems:
        rows, problems = _read_manifest(folder, folder) if (folder / MANIFEST_NAME).is_file() else ({}, [])
        for target, row in rows.items():
            state.manifest_rows.setdefault(target, row)
        state.manifest_problems[resolved] = problems
    if not report:
        return []
    problems, state.manifest_problems[resolved] = state.manifest_problems[resolved], []
    return problems


def _walk_folder(folder: Path, state: _State) -> Iterator[Path | Problem]:
    """Yield article files under `folder` in sorted order, following symlinks at most once."""
    resolved = folder.resolve()
    if resolved in state.folders:
        yield Problem(str(folder), "folder already read (a symlink loop or a folder given twice)", "skipped")
        return
    state.folders.add(resolved)
    yield from _load_manifest(folder, state)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), f"cannot list folder: {_reason(exc)}", "skipped")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk_folder(path, state)
        elif path.suffix.lower() in ARTICLE_SUFFIXES and entry.name != MANIFEST_NAME:
            yield path


def _expand(path: Path, state: _State) -> Iterator[Path | Problem]:
    """One user-given path → its article files, or a Problem if it cannot be used."""
    if path.is_dir():
        yield from _walk_folder(path, state)
    elif path.is_file():
        if path.name == MANIFEST_NAME:
            yield Problem(str(path), "a manifest is not an article; give its folder instead", "skipped")
            return
        _load_manifest(path.parent, state, report=False)
        yield path
    elif path.is_symlink():
        yield Problem(str(path), "broken symbolic link", "skipped")
    else:
        yield Problem(str(path), "no such file or folder", "skipped")


# --------------------------------------------------------------------------------------
# Building articles
# --------------------------------------------------------------------------------------


def _resolve_meta(identifier: str,
                  layers: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, str | None], list[Problem]]:
    """Merge metadata layers (highest priority first) per key; validate the date.

    A bad date in one layer falls through to the next layer's valid date; if none is valid
    the article is built without a date. Each bad value is reported where it was written.
    """
    meta: dict[str, str | None] = {k: None for k in META_KEYS}
    for key in ("title", "outlet", "url"):
        meta[key] = next((v for v in (_clean_value(layer.get(key)) for _, layer in layers) if v), None)
    bad: list[tuple[str, str]] = []
    for where, layer in layers:
        value = _clean_value(layer.get("date"))
        if value is None:
            continue
        meta["date"] = parse_date(value)
        if meta["date"]:
            break
        bad.append((where, value))
    action = f"used date {meta['date']} instead" if meta["date"] else "built without date"
    problems = [Problem(where, f"bad date {value!r} for {identifier} (use YYYY-MM-DD, YYYY-MM or YYYY)", action)
                for where, value in bad]
    return meta, problems


def _content_hash(raw: str, meta: dict[str, str | None]) -> str:
    """sha256 over the decoded raw text and the final metadata (see the module docstring)."""
    payload = json.dumps({"text": raw, **{k: meta.get(k) for k in META_KEYS}}, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _raw_hash(kind: str, *parts: str | bytes) -> str:
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


def _unchanged(identifier: str, source: str, raw_hash: str, state: _State) -> Iterator[Unchanged | Problem] | None:
    """If the caller knows this exact raw input, the items to yield instead of reading it; else None."""
    known = state.known(identifier) if state.known else None
    if known is None or known.raw_hash != raw_hash:
        return None
    return _yield_unchanged(identifier, source, known, state)


def _yield_unchanged(identifier: str, source: str, known: Fingerprint,
                     state: _State) -> Iterator[Unchanged | Problem]:
    """Register an unchanged article's id and text key, as `_build` does for a cleaned one."""
    if known.text_key in state.texts:
        first_id, first_source = state.texts[known.text_key]
        yield Problem(source, f"same text as {first_id} ({first_source})", "skipped")
        return
    state.texts[known.text_key] = (identifier, source)
    state.ids[identifier] = source
    yield Unchanged(identifier, source, known)


def _build(identifier: str, raw: str, source: str, layers: list[tuple[str, dict[str, Any]]], *,
           html: bool, state: _State, hashed: str | None = None, raw_hash: str = "") -> Iterator[Article | Problem]:
    """Clean one article's text, settle its metadata and yield it (or why it was skipped).

    `raw` is the body to clean; `hashed` the decoded text the content hash covers (the whole
    file, front matter included), defaulting to `raw`; `raw_hash` the input's `_raw_hash`.
    """
    if html:
        try:
            raw_body, html_meta = _html_extract(raw)
        except InputError as exc:
            yield Problem(source, _reason(exc), "skipped")
            return
        layers = [*layers, (f"{source} (HTML meta)", html_meta)]
    else:
        raw_body = raw
    size = _utf8_size(raw_body)
    if size > MAX_ARTICLE_BYTES:
        yield Problem(source, f"article too large ({_megabytes(size)} of text > {_megabytes(MAX_ARTICLE_BYTES)} limit)",
                      "skipped")
        return
    meta, problems = _resolve_meta(identifier, layers)
    yield from problems
    title, text = _split_title(clean_text(raw_body), meta["title"])
    meta["title"] = title
    if not text.strip():
        yield Problem(source, "empty article (nothing left after cleaning)", "skipped")
        return
    text_key = "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if text_key in state.texts:
        first_id, first_source = state.texts[text_key]
        yield Problem(source, f"same text as {first_id} ({first_source})", "skipped")
        return
    state.texts[text_key] = (identifier, source)
    state.ids[identifier] = source
    yield Article(identifier=identifier, text=text, source=source,
                  content_hash=_content_hash(raw if hashed is None else hashed, meta),
                  raw_hash=raw_hash, text_key=text_key, **meta)


def _utf8_size(text: str) -> int:
    """Bytes of `text` in UTF-8, without encoding it when it is clearly small."""
    if 4 * len(text) <= MAX_ARTICLE_BYTES:
        return len(text)  # a lower bound that is already under the limit; exactness not needed
    return len(text.encode("utf-8", "surrogatepass"))


def _megabytes(size: int) -> str:
    """Size in MB rounded up to a tenth, so a size just over a limit never prints as the limit."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f} MB"


def _duplicate_id(identifier: str, source: str, state: _State) -> Problem | None:
    """A Problem if an article with this identifier was already yielded in this run."""
    if identifier in state.ids:
        return Problem(source, f"duplicate id {identifier!r}, first seen in {state.ids[identifier]}", "skipped")
    return None


def _read_text(path: Path) -> str | Problem:
    """Read and decode a file; failures become a Problem naming the file."""
    try:
        return _decode_text(path.read_bytes())
    except (OSError, InputError) as exc:
        return Problem(str(path), _reason(exc), "skipped")


def _decode_text(data: bytes) -> str:
    """Decode a file's bytes and normalise its line breaks to `\\n`."""
    return _LINE_BREAKS.sub("\n", decode_bytes(data))


def _file_articles(path: Path, state: _State) -> Iterator[Article | Unchanged | Problem]:
    """A .txt/.md/.html file (or any file named explicitly) → one article."""
    source = str(path)
    duplicate = _duplicate_id(path.stem, source, state)
    if duplicate:
        yield duplicate
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Problem(source, _reason(exc), "skipped")
        return
    if size > MAX_FILE_BYTES:
        yield Problem(source, f"file too large ({_megabytes(size)} > {_megabytes(MAX_FILE_BYTES)} limit)", "skipped")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(source, _reason(exc), "skipped")
        return
    row = state.manifest_rows.get(path.resolve())
    raw_hash = _raw_hash("file", path.name, data, json.dumps(row.meta if row else None, sort_keys=True))
    unchanged = _unchanged(path.stem, source, raw_hash, state)
    if unchanged is not None:
        yield from unchanged
        return
    try:
        raw = _decode_text(data)
    except InputError as exc:
        yield Problem(source, _reason(exc), "skipped")
        return
    del data
    layers: list[tuple[str, dict[str, Any]]] = []
    is_html = path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(raw)
    body = raw
    if not is_html:
        front, body = _split_front_matter(raw)
        if front:
            layers.append((f"{source} (front matter)", front))
        if path.suffix.lower() == ".md":
            body = _MD_HEADING.sub("", body)
    if row is not None:
        layers.append((row.source, row.meta))
    yield from _build(path.stem, body, source, layers, html=is_html, state=state, hashed=raw, raw_hash=raw_hash)


def _jsonl_record(line: str, where: str) -> dict[str, Any] | Problem:
    """Parse and check one JSONL line: an object with a string/int `id` and a string `text`."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        reason = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        return Problem(where, f"not valid JSON ({reason})", "skipped")
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


def _jsonl_lines(path: Path) -> Iterator[str] | Problem:
    """The lines of a JSONL file as the whole-file reading would split them, read lazily.

    Line breaks are those of `_LINE_BREAKS` (so a raw U+2028 in a line starts a new line, as
    it always has, and line numbers stay the same); a Problem if the file cannot be read.
    """
    try:
        if not is_streamable_utf8(path):
            text = _read_text(path)
            return text if isinstance(text, Problem) else iter(text.split("\n"))
        handle = path.open("rb")
    except OSError as exc:
        return Problem(str(path), _reason(exc), "skipped")
    return _stream_lines(handle)


def _stream_lines(handle: Any) -> Iterator[str]:
    """Split a UTF-8 file handle into lines exactly as `_LINE_BREAKS.sub` + `split("\\n")` would."""
    with handle:
        first = True
        tail = ""
        for physical in handle:
            line = physical.decode("utf-8")
            if first:
                line, first = line.removeprefix("\ufeff"), False
            if line.endswith("\n"):
                line = line[:-2] if line.endswith("\r\n") else line[:-1]
                yield from _LINE_BREAKS.sub("\n", line).split("\n")
                tail = ""
            else:
                tail = line
        yield from _LINE_BREAKS.sub("\n", tail).split("\n")


def _jsonl_articles(path: Path, state: _State) -> Iterator[Article | Unchanged | Problem]:
    """A .jsonl file → one article per non-blank line; a broken line is a Problem `file:LINE`."""
    lines = _jsonl_lines(path)
    if isinstance(lines, Problem):
        yield lines
        return
    row = state.manifest_rows.get(path.resolve())
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
        duplicate = _duplicate_id(identifier, where, state)
        if duplicate:
            yield duplicate
            continue
        raw_hash = _raw_hash("jsonl", line)
        unchanged = _unchanged(identifier, where, raw_hash, state)
        if unchanged is not None:
            yield from unchanged
            continue
        raw = _LINE_BREAKS.sub("\n", record["text"])
        yield from _build(identifier, raw, where, [(where, record)], html=_looks_like_html(raw), state=state,
                          raw_hash=raw_hash)


def iter_articles(paths: Sequence[Path | str], *,
                  known: Known | None = None) -> Iterator[Article | Unchanged | Problem]:
    """Yield every article under `paths` (files or folders), and a Problem for each bad input.

    Deterministic: paths in the order given, folder entries sorted by name. Never raises for
    bad inputs; raises `DataFileError` only if the shipped boilerplate lexicon is broken.
    `known`: identifier → stored `Fingerprint`; an article whose raw input still matches it is
    yielded as `Unchanged` without being decoded or cleaned (see the module docstring).
    """
    _default_boilerplate()  # fail fast, before any article, if the lexicon is broken
    state = _State(known=known)
    for given in paths:
        for item in _expand(Path(given), state):
            if isinstance(item, Problem):
                yield item
            elif item.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_articles(item, state)
            else:
                yield from _file_articles(item, state)
