"""Raw article text (or an HTML page) into the clean body lines the NLP stage reads.

Why this is its own module: Korean news pages carry as much furniture as story (menus,
share buttons, bylines, copyright tails, "많이 본 뉴스" lists, keyword-stuffed tag lines),
and every such line that survives becomes mentions and relations in the graph. Cleaning is
driven by a lexicon experts edit (`ontology/lexicon/boilerplate.yaml`) rather than code.

Guarantees:

* `clean_text` never raises on any string (given a sound lexicon), and is fast on hostile
  input: chrome patterns are only tried on lines up to `_CHROME_MAX_CHARS` characters, and
  HTML parsing has a CPU deadline.
* Its output is NFC-normalised before lines are trimmed or dropped, uses "\\n" as the only
  line break, has no control, format, zero-width or filler characters and no empty lines,
  drops any line repeating an earlier one, and has no line over `MAX_LINE_CHARS` characters.
* Overlong lines: a cleaned line over `MAX_LINE_CHARS` characters is cut into several lines,
  at the last sentence end before the limit, else at the last space, else hard. Kiwi keeps a
  line without sentence punctuation as one "sentence", and mention finding is slow on very
  long sentences; the cut bounds that. Offsets stay consistent because the cleaned text is
  the article's text.
* Malformed HTML: Python's HTML parser is quadratic on some broken markup, so a page not
  parsed within `HTML_PARSE_SECONDS` of CPU time raises `InputError` from `_html_extract`
  (and gives "" from `clean_text(html=True)`). The limit needs SIGVTALRM and the main
  thread; elsewhere there is none.
* A broken boilerplate lexicon raises `DataFileError` naming the file (and line), because
  then every article would be cleaned wrongly; the shipped one is read once per process.

Splitting the title off the body (`_split_title`) and cleaning metadata values
(`_clean_value`) live here too, as they use the same normalisation; settling which metadata
wins is `kg.ingest`'s job.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.ingest.decode import _SAMPLE
from kg.errors import DataFileError, InputError
from kg.resources import lexicon_dir

__all__ = ["Boilerplate", "clean_text", "load_boilerplate"]

TITLE_MAX_CHARS = 120
MAX_LINE_CHARS = 3000
"""Cleaned lines longer than this are cut into several lines (see the module docstring)."""
HTML_PARSE_SECONDS = 30.0
"""An HTML page that cannot be parsed in this much CPU time (malformed markup) is skipped."""


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
    spam_word = _vocabulary_pattern(bp.spam_vocabulary)
    if _is_prose(line) and not spam_word.search(_line_key(line)):
        return False  # the per-token checks below could only say "prose": skip them
    keyed = [(t, _line_key(t)) for t in words]
    keyed = [(t, k) for t, k in keyed if k or t.startswith("#")]
    if len(keyed) < bp.min_tokens:
        return False
    tokens = [t for t, _ in keyed]
    keys = [k for _, k in keyed]
    vocab = sum(1 for k in keys if k and spam_word.search(k)) / len(tokens)
    if vocab >= bp.vocab_share_always:
        return True
    if _is_prose(line):
        return False
    repeats = 1 - len(set(keys)) / len(keys)
    hashtags = sum(1 for t in tokens if t.startswith("#")) / len(tokens)
    return repeats >= bp.max_repeat_ratio or vocab >= bp.max_vocab_share or hashtags >= bp.max_hashtag_share


def _is_prose(line: str) -> bool:
    """A sentence end, or a final 다/요 (prose, even when the final full stop is missing)."""
    return _has_sentence_end(line) or line.rstrip("\"'”’)]").endswith(("다", "요"))


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
