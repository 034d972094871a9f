"""An HTML page into its story's text (one block element per line) and its head's metadata.

Why this is its own module: pages need a real parser, and Python's HTML parser is quadratic
on some malformed markup (thousands of unclosed quotes, tags or comments: a 200 kB file can
take minutes). So `html_extract` stops a parse after `HTML_PARSE_SECONDS` of the calling
thread's CPU time and raises `InputError`; the deadline is a clock the tree builder checks
as the parser reports what it found, so it holds in any thread (a worker of a build, a
server request), not only the main one. Which tags are furniture, where the story sits and
which `<meta>` names to read are data (`html` in `ontology/lexicon/boilerplate.yaml`); what
the head says (JSON-LD, `<meta>`, `<title>`) is read by `kg.ingest.pagemeta`.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

from kg.errors import InputError
from kg.ingest.boilerplate import HtmlRules, default_boilerplate
from kg.ingest.decode import SAMPLE_BYTES
from kg.ingest.pagemeta import page_meta

__all__ = ["HTML_PARSE_SECONDS", "html_extract", "looks_like_html"]

HTML_PARSE_SECONDS = 30.0
"""An HTML page that cannot be parsed in this much CPU time (malformed markup) is skipped."""

_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
               "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption",
               "hr", "address", "caption")
_HTML_DOC = re.compile(r"\A\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                       re.IGNORECASE | re.DOTALL)
_SURROGATES = re.compile("[\ud800-\udfff]")
_HTML_BLOCK_CLOSE = re.compile(r"</(p|div|article|li|h[1-6])\s*>", re.IGNORECASE)
_CHECK_EVERY = 32  # reading the thread's CPU clock costs about 1 µs; parser events are cheaper


def looks_like_html(text: str) -> bool:
    """True for text that clearly is an HTML document or a tag-structured fragment."""
    if _HTML_DOC.match(text):
        return True
    return text.lstrip().startswith("<") and len(_HTML_BLOCK_CLOSE.findall(text[:SAMPLE_BYTES])) >= 2


class _Expired(Exception):
    """Raised by `_Clock.tick` inside a parse that took too long."""


class _Clock:
    """A CPU-time budget of the calling thread (not wall time, so a busy machine does not cut
    a normal page short), read every `_CHECK_EVERY` ticks."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.thread_time() + seconds
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks % _CHECK_EVERY == 0 and time.thread_time() > self.deadline:
            raise _Expired()


@functools.cache
def _timed_soup() -> type:
    """BeautifulSoup whose tree-building callbacks tick a `_Clock` (bs4 is imported on first use).

    html.parser calls one of them after each scan of the markup, so a quadratic parse is
    stopped within a few scans past its deadline.
    """
    from bs4 import BeautifulSoup

    class TimedSoup(BeautifulSoup):
        def __init__(self, markup: str, clock: _Clock) -> None:
            self._clock = clock
            super().__init__(markup, "html.parser")

        def handle_starttag(self, *args: Any, **kwargs: Any) -> Any:
            self._clock.tick()
            return super().handle_starttag(*args, **kwargs)

        def handle_endtag(self, *args: Any, **kwargs: Any) -> Any:
            self._clock.tick()
            return super().handle_endtag(*args, **kwargs)

        def handle_data(self, *args: Any, **kwargs: Any) -> Any:
            self._clock.tick()
            return super().handle_data(*args, **kwargs)

    return TimedSoup


def html_extract(raw: str, *, rules: HtmlRules | None = None) -> tuple[str, dict[str, str]]:
    """HTML → (text with one block element per line, metadata from the head).

    Raises `InputError` when the page is not parsed within `HTML_PARSE_SECONDS` of CPU time.
    `rules` default to the shipped boilerplate lexicon's.
    """
    seconds = HTML_PARSE_SECONDS
    try:
        return _html_parse(raw, rules or default_boilerplate().html, _Clock(seconds))
    except _Expired:
        raise InputError(f"HTML too malformed to read in {seconds:g} s of CPU time "
                         "(unclosed tags, quotes or comments)") from None


def _html_parse(raw: str, rules: HtmlRules, clock: _Clock) -> tuple[str, dict[str, str]]:
    import warnings

    from bs4 import MarkupResemblesLocatorWarning

    raw = _SURROGATES.sub("", raw)  # BeautifulSoup may encode the markup; cleaning drops them anyway
    with warnings.catch_warnings():  # "<p>a.html</p>"-like input is fine; the warning is noise
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = _timed_soup()(raw, clock)
    meta = page_meta(soup, rules)
    for tag in soup.find_all(rules.drop_tags):
        tag.decompose()
    return _block_text(_main_content(soup, rules), clock), meta


def _main_content(soup: Any, rules: HtmlRules) -> Any:
    """The element holding the story: the first main selector that matches text, else the body."""
    for selector in rules.main_selectors:
        candidates = [el for el in soup.select(selector) if el.get_text(strip=True)]
        if candidates:
            return max(candidates, key=lambda el: len(el.get_text(strip=True)))
    return soup.body or soup


def _block_text(root: Any, clock: _Clock) -> str:
    """The text of `root` with a line break around each block element and at each `<br>`.

    One iterative pass: inserting "\\n" nodes into the tree instead costs O(siblings) per
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
        clock.tick()
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
