"""One input's body and metadata layers into an `Article` (or the Problem why not).

Why this is its own module: every reader (text files, HTML, JSONL) ends the same way: HTML
markup removed, the size limit checked, metadata settled per key (highest layer first: front
matter > manifest row > the page's head, see `kg.ingest.pagemeta`), a title taken from the
page stripped of a suffix naming the outlet settled here (`제목 - 예시일보` with outlet
`예시일보` from the manifest), the text cleaned and the title split off, the same-text check
made and the content hashed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.errors import InputError
from kg.ingest.boilerplate import default_boilerplate
from kg.ingest.clean import clean_article, clean_value, split_title
from kg.ingest.dates import parse_date
from kg.ingest.dedupe import Seen, content_hash, text_key
from kg.ingest.html import html_extract
from kg.ingest.manifest import META_KEYS
from kg.ingest.pagemeta import site_names, strip_site_suffix
from kg.ingest.records import Article, Problem, megabytes, reason

__all__ = ["MAX_ARTICLE_BYTES", "Layers", "build_article"]

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
"""An article whose text is larger than this (2 MB of UTF-8, about 700,000 Hangul) is skipped."""

Layers = list[tuple[str, dict[str, Any]]]
"""Metadata layers, highest priority first: (where it was written, {key: value})."""


def _resolve_meta(identifier: str, layers: Layers) -> tuple[dict[str, str | None], list[Problem]]:
    """Merge metadata layers (highest priority first) per key; validate the date.

    A bad date in one layer falls through to the next layer's valid date; if none is valid
    the article is built without a date. Each bad value is reported where it was written.
    """
    meta: dict[str, str | None] = {k: None for k in META_KEYS}
    for key in ("title", "outlet", "url"):
        meta[key] = next((v for v in (clean_value(layer.get(key)) for _, layer in layers) if v), None)
    bad: list[tuple[str, str]] = []
    for where, layer in layers:
        value = clean_value(layer.get("date"))
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


def _spam_only_message(spam: tuple[str, ...]) -> str:
    """Why a spam-only input is skipped, with the start of its first spam line as the example."""
    example = spam[0] if len(spam[0]) <= 40 else spam[0][:40].rstrip() + "…"
    lines = "1 line" if len(spam) == 1 else f"{len(spam)} lines"
    return (f"only SEO keyword spam, no sentence ({lines} of keywords such as {example!r}; "
            "spam words are listed in ontology/lexicon/boilerplate.yaml)")


def _utf8_size(text: str) -> int:
    """Bytes of `text` in UTF-8, without encoding it when it is clearly small."""
    if 4 * len(text) <= MAX_ARTICLE_BYTES:
        return len(text)  # a lower bound that is already under the limit; exactness not needed
    return len(text.encode("utf-8", "surrogatepass"))


def build_article(identifier: str, raw: str, source: str, layers: Layers, *, html: bool, seen: Seen,
                  hashed: str | None = None, raw_hash: str = "") -> Iterator[Article | Problem]:
    """Clean one article's text, settle its metadata and yield it (or why it was skipped).

    `raw` is the body to clean; `hashed` the decoded text the content hash covers (the whole
    file, front matter included), defaulting to `raw`; `raw_hash` the input's raw hash.
    """
    titled = any(clean_value(layer.get("title")) for _, layer in layers)
    if html:
        try:
            raw_body, html_meta = html_extract(raw)
        except InputError as exc:
            yield Problem(source, reason(exc), "skipped")
            return
        layers = [*layers, (f"{source} (HTML meta)", html_meta)]
    else:
        raw_body = raw
    size = _utf8_size(raw_body)
    if size > MAX_ARTICLE_BYTES:
        yield Problem(source, f"article too large ({megabytes(size)} of text > {megabytes(MAX_ARTICLE_BYTES)} limit)",
                      "skipped")
        return
    meta, problems = _resolve_meta(identifier, layers)
    yield from problems
    if html and meta["title"] and not titled:  # the page's own title: it may name the outlet settled here
        meta["title"] = strip_site_suffix(meta["title"], site_names(meta["outlet"], url=meta["url"]),
                                          default_boilerplate().html)
    cleaned = clean_article(raw_body)
    if cleaned.spam_only:
        yield Problem(source, _spam_only_message(cleaned.spam), "skipped")
        return
    title, text = split_title(cleaned.text, meta["title"])
    meta["title"] = title
    if not text.strip():
        yield Problem(source, "empty article (nothing left after cleaning)", "skipped")
        return
    key = text_key(text)
    duplicate = seen.claim(identifier, source, key)
    if duplicate:
        yield duplicate
        return
    yield Article(identifier=identifier, text=text, source=source,
                  content_hash=content_hash(raw if hashed is None else hashed, meta),
                  raw_hash=raw_hash, text_key=key, **meta)
