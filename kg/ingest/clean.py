"""Raw article text into the clean body lines the NLP stage reads.

Why this is its own module: Korean news pages carry as much furniture as story (menus,
share buttons, bylines, copyright tails, "많이 본 뉴스" lists, keyword-stuffed tag lines),
and every such line that survives becomes mentions and relations in the graph. Cleaning is
driven by a lexicon experts edit (`ontology/lexicon/boilerplate.yaml`, read by
`kg.ingest.boilerplate`) rather than code.

Guarantees:

* `clean_text` never raises on any string (given a sound lexicon), and is fast on hostile
  input: chrome patterns are only tried on lines up to `_CHROME_MAX_CHARS` characters, and
  HTML parsing has a CPU deadline (`kg.ingest.html`).
* Its output is NFC-normalised before lines are trimmed or dropped, uses "\\n" as the only
  line break, has no control, format, zero-width or filler characters and no empty lines,
  drops any line repeating an earlier one, and has no line over `MAX_LINE_CHARS` characters.
* Overlong lines: a cleaned line over `MAX_LINE_CHARS` characters is cut into several lines,
  at the last sentence end before the limit, else at the last space, else hard. Kiwi keeps a
  line without sentence punctuation as one "sentence", and mention finding is slow on very
  long sentences; the cut bounds that. Offsets stay consistent because the cleaned text is
  the article's text.

Splitting the title off the body (`split_title`) and cleaning metadata values
(`clean_value`) live here too, as they use the same normalisation; settling which metadata
wins is `kg.ingest.assemble`'s job.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kg.errors import InputError
from kg.ingest.boilerplate import Boilerplate, default_boilerplate, line_key
from kg.ingest.decode import LINE_BREAKS
from kg.ingest.html import html_extract
from kg.ingest.spam import (
    SENTENCE_END,
    drop_spam_runs,
    has_sentence_end,
    is_prose,
    is_spam_line,
)

__all__ = ["MAX_LINE_CHARS", "Cleaned", "clean_article", "clean_text", "clean_value", "split_long_line", "split_title"]

TITLE_MAX_CHARS = 120
MAX_LINE_CHARS = 3000
"""Cleaned lines longer than this are cut into several lines (see the module docstring)."""


# invisible characters that are not format (Cf) characters: Hangul fillers used as blanks
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
_SPACES = re.compile(r"[^\S\n]+")
# longer lines are never page chrome, and `^작성자\s*\S.*작성일.*조회` is quadratic on them
_CHROME_MAX_CHARS = 500


def _normalise_unicode(raw: str) -> str:
    """NFC, one kind of line break, no control/format/zero-width characters, single spaces.

    Zero-width and control characters split words invisibly (`엔비\\u200b디아`) and break
    gazetteer matching downstream; tabs and non-breaking spaces are just spaces.
    """
    lines = LINE_BREAKS.sub("\n", raw).split("\n")
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


def _strip_inline(line: str, bp: Boilerplate) -> str:
    """Remove credits, bylines and copyright tails that are glued into a content line."""
    for pattern in bp.inline_patterns:
        line = pattern.sub("", line)
    return _clean_line(line)


def _is_chrome(line: str, bp: Boilerplate) -> bool:
    """Page furniture: no letters at all, a listed button/menu line, or a chrome pattern."""
    key = line_key(line)
    if not key or key in bp.chrome_keys:
        return True
    if len(line) > _CHROME_MAX_CHARS:  # chrome lines are short; some patterns are quadratic on long ones
        return False
    return any(pattern.search(line) for pattern in bp.chrome_patterns)


@dataclass(frozen=True)
class Cleaned:
    """An article's clean body lines and the keyword spam taken out of them."""

    text: str
    spam: tuple[str, ...]  # the spam lines and line tails dropped, in order

    @property
    def spam_only(self) -> bool:
        """Spam was all there was: nothing is left, or nothing with a sentence (see `clean_article`)."""
        return bool(self.spam) and not self.text


def clean_text(raw: str, *, html: bool = False, boilerplate: Boilerplate | None = None) -> str:
    """Turn raw article text (or an HTML document, with `html=True`) into clean body lines.

    Normalises Unicode, strips inline credits/bylines, drops chrome lines, keyword spam and
    any line repeating an earlier one (pages often print the body twice), and returns the
    remaining non-empty lines joined by "\\n". The title is *not* split off here; that needs
    the article's metadata (see `iter_articles`). Never raises on any string.
    """
    return clean_article(raw, html=html, boilerplate=boilerplate).text


def clean_article(raw: str, *, html: bool = False, boilerplate: Boilerplate | None = None) -> Cleaned:
    """`clean_text`, telling also what keyword spam went (`kg.ingest.spam`).

    Where spam went and no line with a sentence is left, the rest (a title, a menu word) is
    no article either: the text is empty and `spam_only` is true.
    """
    bp = boilerplate or default_boilerplate()
    if html:
        try:
            raw = html_extract(raw, rules=bp.html)[0]
        except InputError:
            return Cleaned("", ())  # markup too malformed to read in time: no text
    seen: set[str] = set()
    lines, spam = [], []
    for line in _normalise_unicode(raw).split("\n"):
        line = _strip_inline(_clean_line(line), bp)
        if not line or line in seen or _is_chrome(line, bp):
            continue
        if is_spam_line(line, bp):
            spam.append(line)
            continue
        seen.add(line)
        lines.extend(split_long_line(line))
    lines, run_spam = drop_spam_runs(lines, bp)
    spam.extend(run_spam)
    if spam and not any(is_prose(line, bp) for line in lines):
        lines = []
    return Cleaned("\n".join(lines), tuple(spam))


def split_long_line(line: str, limit: int = MAX_LINE_CHARS) -> list[str]:
    """Cut a line longer than `limit` into pieces of at most `limit` characters.

    Each cut is at the last sentence end in the second half of the window (`…했다. 다음`),
    else at the last space there, else hard at the limit (a line with no spaces at all).
    """
    pieces = []
    while len(line) > limit:
        window = line[:limit + 1]  # one more, so a sentence end right at the limit is seen
        ends = [m.end() for m in SENTENCE_END.finditer(window, limit // 2) if m.end() <= limit]
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


def clean_value(value: Any) -> str | None:
    """A metadata value as one clean line of text; empty and non-scalar values are None."""
    if value is None or isinstance(value, (dict, list, tuple, set, bool)):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()
    text = _clean_line(_normalise_unicode(str(value)).replace("\n", " "))
    return text or None


def split_title(text: str, title: str | None) -> tuple[str | None, str]:
    """Take the headline off the body.

    With a title from metadata, a first line that repeats it (possibly behind a section
    prefix, like "더스쿠프 글로벌 브리핑AI칩 …") is the page headline and goes. Without one,
    a short first line with no sentence ending becomes the title — unless it is the only line.
    """
    first, _, rest = text.partition("\n")
    looks_like_headline = len(first) <= TITLE_MAX_CHARS and not has_sentence_end(first)
    if title is not None:
        first_key, title_key = line_key(first), line_key(title)
        repeats = bool(title_key) and (first_key == title_key or (
            looks_like_headline and title_key in first_key and len(title_key) >= 0.5 * len(first_key)))
        return title, (rest if repeats and rest else text)
    if looks_like_headline and rest:
        return first, rest
    return None, text
