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
* Dates: see `parse_date`. A bad date never drops an article: it is built without a date
  (or with the next source's valid date) and a Problem says so.
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
* Overlong lines: a cleaned line over `MAX_LINE_CHARS` characters is cut into several lines,
  at the last sentence end before the limit, else at the last space, else hard. Kiwi keeps a
  line without sentence punctuation as one "sentence", and mention finding is slow on very
  long sentences; the cut bounds that. Offsets stay consistent because the cleaned text is
  the article's text.
* Malformed HTML: Python's HTML parser is quadratic on some broken markup, so a page not
  parsed within `HTML_PARSE_SECONDS` of CPU time is skipped with a Problem (the limit needs
  SIGVTALRM and the main thread; elsewhere there is none).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import functools
import hashlib
import io
import json
import math
import os
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

import yaml

from kg.errors import DataFileError, InputError
from kg.resources import lexicon_dir

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
]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MANIFEST_NAME = "manifest.csv"
META_KEYS = ("date", "title", "outlet", "url")
TITLE_MAX_CHARS = 120
MAX_FILE_BYTES = 8 * 1024 * 1024
"""A .txt/.md/.html file larger than this (8 MB) is skipped without being read."""
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
"""An article whose text is larger than this (2 MB of UTF-8, about 700,000 Hangul) is skipped."""
MAX_LINE_CHARS = 3000
"""Cleaned lines longer than this are cut into several lines (see the module docstring)."""
HTML_PARSE_SECONDS = 30.0
"""An HTML page that cannot be parsed in this much CPU time (malformed markup) is skipped."""


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
# Decoding
# --------------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (HWP/DOC/XLS)"),
    (b"\x7fELF", "ELF executable"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# bytes that never occur in text files (tab, LF, VT, FF, CR and ESC are allowed)
_CONTROL_BYTES = frozenset(set(range(0x00, 0x09)) | {0x0E, 0x0F} | set(range(0x10, 0x1B)) | {0x1C, 0x1D, 0x1E, 0x1F, 0x7F})
_SAMPLE = 65536


def _binary_kind(data: bytes) -> str | None:
    """Name the binary format from its magic number, so the Problem tells the user what it is."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media file"
    if re.match(rb"BZh[1-9]1AY&SY", data[:10]):
        return "bzip2 archive"
    return None


def _is_hangul(ch: str) -> bool:
    """Hangul syllables and compatibility jamo (ㄱ, ㅋ used alone in informal copy)."""
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def _is_expected_non_ascii(ch: str) -> bool:
    """Non-ASCII characters Korean news really uses: Hangul, Hanja, Latin accents, punctuation."""
    return (_is_hangul(ch) or "\u4e00" <= ch <= "\u9fff" or "\u00a0" <= ch <= "\u024f"
            or "\u2000" <= ch <= "\u27bf" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
            or "\u3200" <= ch <= "\u33ff")


def _is_plausible_text(text: str) -> bool:
    """True if `text` looks like Korean/English prose rather than mojibake.

    A wrong codec still "succeeds" on many byte strings (cp949 maps most byte pairs to some
    Hangul or Hanja; single-byte code pages map anything to anything), so a guessed decoding
    is only accepted when at least 80% of its visible characters are Hangul or ASCII
    printable, at least 70% of the non-ASCII ones are of a kind Korean news uses (no Arabic
    presentation forms or Cyrillic out of nowhere), and there is almost no replacement junk.
    """
    visible = [c for c in text[:_SAMPLE] if not c.isspace()]
    if not visible:
        return True
    ascii_count = sum(1 for c in visible if " " < c < "\x7f")
    non_ascii = [c for c in visible if not " " < c < "\x7f"]
    hangul = sum(1 for c in non_ascii if _is_hangul(c))
    expected = sum(1 for c in non_ascii if _is_expected_non_ascii(c))
    junk = sum(1 for c in non_ascii if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs"))
    return (ascii_count + hangul >= 0.8 * len(visible) and expected >= 0.7 * len(non_ascii)
            and junk <= 0.01 * len(visible))


def _decode_with_bom(data: bytes) -> str | None:
    """Decode by byte-order mark; a BOM is the one encoding declaration plain text has."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}",
                                 hint="re-save the file as UTF-8") from exc
    return None


def _decode_utf16_by_nuls(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by where its NUL bytes sit.

    ASCII characters (spaces, digits, newlines) in UTF-16 have a zero high byte: at odd
    offsets in little-endian, even offsets in big-endian. Binary files have NULs everywhere.
    """
    if len(data) % 2:
        return None
    sample = data[:_SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    total = even + odd
    if total == 0:
        return None
    codec = "utf-16-le" if odd >= 0.9 * total else "utf-16-be" if even >= 0.9 * total else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _is_plausible_text(text) else None


def _decode_by_guess(data: bytes) -> str | None:
    """Last resort: charset-normalizer's best few guesses, the first that reads as Hangul/ASCII."""
    from charset_normalizer import from_bytes

    for match in list(from_bytes(data))[:5]:
        text = str(match)
        if _is_plausible_text(text):
            return text
    return None


def decode_bytes(data: bytes) -> str:
    """Decode an article file's bytes, never guessing wrong on Korean text.

    Order: binary magic numbers → BOM → BOM-less UTF-16 (when NUL bytes are present; NULs are
    valid UTF-8 so this must come before UTF-8) → strict UTF-8 → strict CP949 (covers EUC-KR)
    → charset-normalizer. CP949 and the guess are only accepted when the result is mostly
    Hangul/ASCII. Raises `InputError` for binary or undecodable data; `b""` decodes to `""`.
    """
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"binary file ({kind}) — not an article")
    text = _decode_with_bom(data)
    if text is not None:
        return text
    if b"\x00" in data:
        text = _decode_utf16_by_nuls(data)
        if text is not None:
            return text
        raise InputError("binary file (NUL bytes) — not an article")
    sample = data[:_SAMPLE]
    if sample and sum(b in _CONTROL_BYTES for b in sample) > 0.01 * len(sample):
        raise InputError("binary file (many control bytes) — not an article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
        if _is_plausible_text(text):
            return text
    except UnicodeDecodeError:
        pass
    text = _decode_by_guess(data)
    if text is not None:
        return text
    raise InputError("cannot decode: not UTF-8, UTF-16 or CP949/EUC-KR text", hint="re-save the file as UTF-8")


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_DATE_PATTERNS = (
    # 2024-09-30, 2024.09.30, 2024/9/3, "2024. 9. 30.", 2024-09, 2024 (optionally a time after)
    re.compile(r"(?P<y>\d{4})(?:\s*[-./]\s*(?P<m>\d{1,2})(?:\s*[-./]\s*(?P<d>\d{1,2}))?)?\.?"
               r"(?:[T\s]\d{1,2}:\d{2}.*)?"),
    # 20240930
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    # 2024년 9월 30일, 2024년 9월, 2024년
    re.compile(r"(?P<y>\d{4})\s*년(?:\s*(?P<m>\d{1,2})\s*월(?:\s*(?P<d>\d{1,2})\s*일)?)?"),
)


def _valid_date(year: int, month: int | None, day: int | None) -> str | None:
    """Format a date at the precision given, or None if it is not a real calendar date."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: str) -> str | None:
    """Normalise a publication date to `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; None if invalid.

    Accepted: `2024-09-30`, `2024.09.30`, `2024/9/3`, `2024. 9. 30.`, `20240930`,
    `2024년 9월 30일`, `2024-09`, `2024`, and ISO date-times (`2024-09-30T10:00:00+09:00`,
    the date as written is kept, no time-zone shift). Rejected: two-digit years (`24-09-30`
    could be 1924 or 2024, and board software writes `25-04-17` for 2025 — too ambiguous to
    guess), impossible dates (`2024-02-30`) and years outside 1900–2100 (almost surely typos).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            month, day = match.group("m"), match.group("d")
            return _valid_date(int(match.group("y")), int(month) if month else None, int(day) if day else None)
    return None


# --------------------------------------------------------------------------------------
# Boilerplate lexicon
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boilerplate:
    """The compiled contents of `boilerplate.yaml` (see the comments in that file)."""

    chrome_keys: frozenset[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    inline_patterns: tuple[re.Pattern[str], ...]
    spam_vocabulary: tuple[str, ...]
    min_tokens: int = 8
    max_repeat_ratio: float = 0.3
    max_vocab_share: float = 0.3
    max_hashtag_share: float = 0.5
    vocab_share_always: float = 0.6


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
    settings: dict[str, Any] = {"spam_vocabulary": tuple(_line_key(v) for v in _string_list(spam, "vocabulary", path)
                                                         if _line_key(v))}
    for name, cast in (("min_tokens", int), ("max_repeat_ratio", float), ("max_vocab_share", float),
                       ("max_hashtag_share", float), ("vocab_share_always", float)):
        if name in spam:
            try:
                settings[name] = cast(spam[name])
            except (TypeError, ValueError) as exc:
                raise DataFileError(f"'spam.{name}' must be a number, not {spam[name]!r}", path=path) from exc
    return settings


def load_boilerplate(path: Path | str | None = None) -> Boilerplate:
    """Load and compile a boilerplate lexicon; the default one is cached for the process."""
    if path is None:
        return _default_boilerplate()
    return _load_boilerplate_file(Path(path))


@functools.lru_cache(maxsize=1)
def _default_boilerplate() -> Boilerplate:
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
        chrome_keys=frozenset(k for k in (_line_key(v) for v in _string_list(data, "chrome_lines", path)) if k),
        chrome_patterns=_compile_all(_string_list(data, "chrome_patterns", path), "chrome_patterns", path),
        inline_patterns=_compile_all(_string_list(data, "inline_patterns", path), "inline_patterns", path),
        **_spam_settings(data, path),
    )


# --------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------

# invisible characters that are not format (Cf) characters: Hangul fillers used as blanks
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_END = re.compile(r"[.?!。？！](?=$|[\s\"'”’」』)\]>])")
_KEY_DROP = re.compile(r"[\W_]+")
# longer lines are never page chrome, and `^작성자\s*\S.*작성일.*조회` is quadratic on them
_CHROME_MAX_CHARS = 500


def _normalise_unicode(raw: str) -> str:
    """NFC, one kind of line break, no control/format/zero-width characters, single spaces.

    Zero-width and control characters split words invisibly (`엔비\\u200b디아`) and break
    gazetteer matching downstream; tabs and non-breaking spaces are just spaces.
    """
    lines = _LINE_BREAKS.sub("\n", raw).split("\n")
    text = "\n".join(line if line.isprintable() and not _INVISIBLE_RE.search(line) else _visible(line)
                     for line in lines)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text))


def _visible(line: str) -> str:
    """A line without control, format, surrogate and filler characters, tabs as spaces.

    Only lines that are not `isprintable()` come here (most lines are): printable text has no
    Cc, Cf or Cs character, so the character-by-character walk is needed only for the rest."""
    kept = []
    for ch in line:
        if ch == "\t":
            kept.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def _clean_line(line: str) -> str:
    """Collapse spaces and trim a single line (no line breaks inside)."""
    return _SPACES.sub(" ", line).strip()


def _line_key(text: str) -> str:
    """Letters and digits only, lower-cased: how chrome lines and titles are compared."""
    return _KEY_DROP.sub("", text).lower()


def _has_sentence_end(line: str) -> bool:
    """True if the line has terminal punctuation at a word end (`다.`, `요.`, `?`, `!`).

    A dot inside a token (`thescoop.co.kr`, `2.2%`) does not count, so URLs and numbers in a
    keyword-spam line do not make it look like prose.
    """
    return bool(_SENTENCE_END.search(line))


def _is_spam(line: str, bp: Boilerplate) -> bool:
    """Keyword stuffing or a tag cloud: many tokens, repetitive or spam-worded, not prose."""
    words = line.split(" ")
    if len(words) < bp.min_tokens:
        return False
    keyed = [(t, _line_key(t)) for t in words]
    keyed = [(t, k) for t, k in keyed if k or t.startswith("#")]
    if len(keyed) < bp.min_tokens:
        return False
    tokens = [t for t, _ in keyed]
    keys = [k for _, k in keyed]
    spam_word = _vocabulary_pattern(bp.spam_vocabulary)
    vocab = sum(1 for k in keys if k and spam_word.search(k)) / len(tokens)
    if vocab >= bp.vocab_share_always:
        return True
    if _has_sentence_end(line) or line.rstrip("\"'”’)]").endswith(("다", "요")):
        return False  # prose, even when the final full stop is missing
    repeats = 1 - len(set(keys)) / len(keys)
    hashtags = sum(1 for t in tokens if t.startswith("#")) / len(tokens)
    return repeats >= bp.max_repeat_ratio or vocab >= bp.max_vocab_share or hashtags >= bp.max_hashtag_share


@functools.lru_cache(maxsize=8)
def _vocabulary_pattern(vocabulary: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any spam word inside a token's key."""
    return re.compile("|".join(map(re.escape, sorted(vocabulary, key=len, reverse=True))) or "(?!)")


def _strip_inline(line: str, bp: Boilerplate) -> str:
    """Remove credits, bylines and copyright tails that are glued into a content line."""
    for pattern in bp.inline_patterns:
        line = pattern.sub("", line)
    return _clean_line(line)


def _is_chrome(line: str, bp: Boilerplate) -> bool:
    """Page furniture: no letters at all, a listed button/menu line, or a chrome pattern."""
    key = _line_key(line)
    if not key or key in bp.chrome_keys:
        return True
    if len(line) > _CHROME_MAX_CHARS:  # chrome lines are short; some patterns are quadratic on long ones
        return False
    return any(pattern.search(line) for pattern in bp.chrome_patterns)


def clean_text(raw: str, *, html: bool = False, boilerplate: Boilerplate | None = None) -> str:
    """Turn raw article text (or an HTML document, with `html=True`) into clean body lines.

    Normalises Unicode, strips inline credits/bylines, drops chrome lines, keyword spam and
    any line repeating an earlier one (pages often print the body twice), and returns the
    remaining non-empty lines joined by "\\n". The title is *not* split off here; that needs
    the article's metadata (see `iter_articles`). Never raises on any string.
    """
    bp = boilerplate or _default_boilerplate()
    if html:
        try:
            raw = _html_extract(raw)[0]
        except InputError:
            return ""  # markup too malformed to read in time: no text
    seen: set[str] = set()
    lines = []
    for line in _normalise_unicode(raw).split("\n"):
        line = _strip_inline(_clean_line(line), bp)
        if not line or line in seen or _is_chrome(line, bp) or _is_spam(line, bp):
            continue
        seen.add(line)
        lines.extend(_split_long_line(line))
    return "\n".join(lines)


def _split_long_line(line: str, limit: int = MAX_LINE_CHARS) -> list[str]:
    """Cut a line longer than `limit` into pieces of at most `limit` characters.

    Each cut is at the last sentence end in the second half of the window (`…했다. 다음`),
    else at the last space there, else hard at the limit (a line with no spaces at all).
    """
    pieces = []
    while len(line) > limit:
        window = line[:limit + 1]  # one more, so a sentence end right at the limit is seen
        ends = [m.end() for m in _SENTENCE_END.finditer(window, limit // 2) if m.end() <= limit]
        if ends:
            cut = ends[-1]
        else:
            space = window.rfind(" ", limit // 2, limit + 1)
            cut = space if space > 0 else limit
        piece, line = line[:cut].strip(), line[cut:].strip()
        if piece:
            pieces.append(piece)
    if line:
        pieces.append(line)
    return pieces


def _clean_value(value: Any) -> str | None:
    """A metadata value as one clean line of text; empty and non-scalar values are None."""
    if value is None or isinstance(value, (dict, list, tuple, set, bool)):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()
    text = _clean_line(_normalise_unicode(str(value)).replace("\n", " "))
    return text or None


def _split_title(text: str, title: str | None) -> tuple[str | None, str]:
    """Take the headline off the body.

    With a title from metadata, a first line that repeats it (possibly behind a section
    prefix, like "더스쿠프 글로벌 브리핑AI칩 …") is the page headline and goes. Without one,
    a short first line with no sentence ending becomes the title — unless it is the only line.
    """
    first, _, rest = text.partition("\n")
    looks_like_headline = len(first) <= TITLE_MAX_CHARS and not _has_sentence_end(first)
    if title is not None:
        first_key, title_key = _line_key(first), _line_key(title)
        repeats = bool(title_key) and (first_key == title_key or (
            looks_like_headline and title_key in first_key and len(title_key) >= 0.5 * len(first_key)))
        return title, (rest if repeats and rest else text)
    if looks_like_headline and rest:
        return first, rest
    return None, text


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe",
              "template", "svg", "canvas", "button", "select")
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
               "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption",
               "hr", "address", "caption")
_MAIN_SELECTORS = ('[itemprop="articleBody"]', "article", "main", '[role="main"]', "#articleBody",
                   "#article-body", ".article-body", ".article_body", "#newsct_article", "#content")
_HTML_DOC = re.compile(r"\A\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                       re.IGNORECASE | re.DOTALL)
_SURROGATES = re.compile("[\ud800-\udfff]")
_HTML_BLOCK_CLOSE = re.compile(r"</(p|div|article|li|h[1-6])\s*>", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    """True for text that clearly is an HTML document or a tag-structured fragment."""
    if _HTML_DOC.match(text):
        return True
    return text.lstrip().startswith("<") and len(_HTML_BLOCK_CLOSE.findall(text[:_SAMPLE])) >= 2


def _meta_content(metas: list[Any], *names: str) -> str | None:
    """The `content` of the first `<meta property|name=…>` among `names` that has one."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = next((t for t in metas if t.get(attr) == name), None)
            if tag is not None and tag.get("content"):
                return str(tag["content"])
    return None


def _html_meta(soup: Any) -> dict[str, str]:
    """Title, date and url from the page head (used only where nothing better is given)."""
    metas = soup.find_all("meta")  # once: a search per name and attribute would walk the page 18 times
    meta = {
        "title": _meta_content(metas, "og:title", "twitter:title"),
        "date": _meta_content(metas, "article:published_time", "datePublished", "pubdate"),
        "url": _meta_content(metas, "og:url"),
    }
    if not meta["title"] and soup.title is not None:
        meta["title"] = soup.title.get_text(" ")
    if not meta["url"]:
        canonical = soup.find("link", rel="canonical")
        meta["url"] = canonical.get("href") if canonical is not None else None
    return {k: v for k, v in meta.items() if v}


def _main_content(soup: Any) -> Any:
    """The element holding the story: articleBody/article/main if present, else the body."""
    for selector in _MAIN_SELECTORS:
        candidates = [el for el in soup.select(selector) if el.get_text(strip=True)]
        if candidates:
            return max(candidates, key=lambda el: len(el.get_text(strip=True)))
    return soup.body or soup


class _Expired(Exception):
    """Raised by the `_deadline` timer inside a parse that took too long."""


@contextlib.contextmanager
def _deadline(cpu_seconds: float) -> Iterator[None]:
    """Raise `_Expired` in the block after `cpu_seconds` of CPU time (not wall time, so a busy
    machine does not cut a normal page short). Needs the main thread and SIGVTALRM (not on
    Windows); elsewhere there is no limit. A previous handler and timer are restored.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _Expired()

    started = time.process_time()
    previous = signal.signal(signal.SIGVTALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_VIRTUAL, cpu_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_VIRTUAL, max(outer - (time.process_time() - started), 0.001))


def _html_extract(raw: str) -> tuple[str, dict[str, str]]:
    """HTML → (text with one block element per line, metadata from the head).

    Python's HTML parser needs quadratic time on some malformed markup (thousands of unclosed
    quotes, tags or comments: a 200 kB file can take minutes), so parsing stops after
    `HTML_PARSE_SECONDS` with an `InputError`.
    """
    try:
        with _deadline(HTML_PARSE_SECONDS):
            return _html_parse(raw)
    except _Expired:
        raise InputError(f"HTML too malformed to read in {HTML_PARSE_SECONDS:g} s of CPU time "
                         "(unclosed tags, quotes or comments)") from None


def _html_parse(raw: str) -> tuple[str, dict[str, str]]:
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    raw = _SURROGATES.sub("", raw)  # BeautifulSoup may encode the markup; cleaning drops them anyway
    with warnings.catch_warnings():  # "<p>a.html</p>"-like input is fine; the warning is noise
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(raw, "html.parser")
    meta = _html_meta(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    return _block_text(_main_content(soup)), meta


def _block_text(root: Any) -> str:
    """The text of `root` with a line break around each block element and at each `<br>`.

    One iterative pass: inserting "\n" nodes into the tree instead costs O(siblings) per
    insert (quadratic on a page of thousands of rows), and recursion would overflow on deeply
    nested tag soup. Strings count as in `get_text()` (text and CDATA; no comments).
    """
    from bs4 import Tag

    kinds = root.interesting_string_types  # a set of classes in bs4 4.13+, one class before
    kinds = tuple(kinds) if isinstance(kinds, (set, frozenset, list, tuple)) else (kinds,)
    end = object()  # marks the end of a block element on the stack
    parts: list[str] = []
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is end:
            parts.append("\n")
        elif isinstance(node, Tag):
            if node.name == "br":
                parts.append("\n")
                continue
            if node.name in _BLOCK_TAGS and node is not root:
                parts.append("\n")
                stack.append(end)
            stack.extend(reversed(node.contents))
        elif type(node) in kinds:
            parts.append(str(node))
    return "".join(parts)


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


def _is_streamable_utf8(path: Path) -> bool:
    """True if the file is UTF-8 (BOM optional) with no NUL byte: `decode_bytes` would return
    `data.decode("utf-8")` for it, so it can be decoded line by line without holding it whole.

    Reads the file once in blocks (nothing kept); any doubt (binary magic, another BOM, NULs,
    many control bytes, invalid UTF-8) answers False and the file is decoded whole.
    """
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
        if _binary_kind(head) or any(head.startswith(bom) for bom, codec in _BOMS if codec != "utf-8"):
            return False
        if head and sum(b in _CONTROL_BYTES for b in head) > 0.01 * len(head):
            return False
        block = head
        try:
            while block:
                if b"\x00" in block:
                    return False
                decoder.decode(block)
                block = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _jsonl_lines(path: Path) -> Iterator[str] | Problem:
    """The lines of a JSONL file as the whole-file reading would split them, read lazily.

    Line breaks are those of `_LINE_BREAKS` (so a raw U+2028 in a line starts a new line, as
    it always has, and line numbers stay the same); a Problem if the file cannot be read.
    """
    try:
        if not _is_streamable_utf8(path):
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
