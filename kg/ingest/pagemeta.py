"""What a news page says about itself: title, date, outlet and url, from its head.

Why this is its own module: a page states its metadata up to three times, in schema.org
JSON-LD (`<script type="application/ld+json">`), in `<meta>` tags (Open Graph and kin) and
in `<title>`, and the three disagree in known ways. Per key, the first found wins:

* JSON-LD of an article type (`NewsArticle`, `Article`, …; `json_ld_types` in the lexicon),
  at the top of a script, in a list or in `@graph`: `headline`, `datePublished`,
  `publisher.name` (also through an `@id` reference to another node). It is the record the
  publisher writes per article for search engines, typed and least often a site default.
* `<meta>` names of the lexicon (`og:title`, `article:published_time`, `og:site_name`,
  `og:url`, …), then `<link rel="canonical">` for the url.
* `<title>`, which nearly always carries the site's name.

Titles taken from the page lose a site suffix (` | 예시일보`, ` - 예시일보`, ` :: 예시일보`,
and the breadcrumb before it in `제목 < 국제 < 기사본문 - 예시일보`) when the suffix is a
name the page or the input gives its site: the outlet, the site name, the publisher, the
url's host. A suffix naming something else is part of the headline and stays.
Metadata of the input itself (front matter, manifest) outranks all of this
(`kg.ingest.assemble`).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from kg.ingest.boilerplate import HtmlRules, line_key

__all__ = ["page_meta", "site_names", "strip_site_suffix"]

_MAX_LD_NODES = 10_000  # a page's JSON-LD has tens of nodes; a hostile one is not walked to the end
_MAX_SECTION_CHARS = 20  # breadcrumb sections (국제, 기사본문) are short; a longer part is headline


def page_meta(soup: Any, rules: HtmlRules) -> dict[str, str]:
    """Title, date, outlet and url of a parsed page (JSON-LD > `<meta>` > `<title>`)."""
    ld = _json_ld_article(soup, rules.json_ld_types)
    tags = _meta_tags(soup, rules)
    meta = {key: ld.get(key) or tags.get(key) for key in ("title", "date", "outlet", "url")}
    if not meta["title"] and soup.title is not None:
        meta["title"] = soup.title.get_text(" ").strip()
    if meta["title"]:
        names = site_names(meta["outlet"], tags.get("outlet"), *ld.get("publishers", ()), url=meta["url"])
        meta["title"] = strip_site_suffix(meta["title"], names, rules)
    return {k: v for k, v in meta.items() if v}


def site_names(*names: str | None, url: str | None = None) -> tuple[str, ...]:
    """The names a site goes by, as `line_key`s: the names given and the url's host
    (`www.example.co.kr` → `example.co.kr`)."""
    keys = [line_key(name) for name in names if name]
    host = urlsplit(url).hostname if url and "//" in url else None
    if host:
        keys.append(line_key(host.removeprefix("www.")))
    return tuple(dict.fromkeys(key for key in keys if key))


def strip_site_suffix(title: str, names: Iterable[str], rules: HtmlRules) -> str:
    """`title` without trailing parts that name the site (and the breadcrumb before them).

    `names` are `line_key`s (see `site_names`). The headline itself is never emptied: a
    title that is only the site's name stays as it is.
    """
    known = set(names)
    parts = _title_parts(title, rules.title_separators)
    stripped = False
    while len(parts) > 2 and line_key(parts[-1]) in known:
        del parts[-2:]
        stripped = True
    while stripped and len(parts) > 2 and parts[-2] in rules.breadcrumb_separators \
            and len(parts[-1]) <= _MAX_SECTION_CHARS:
        del parts[-2:]
    return "".join(part if i % 2 == 0 else f" {part} " for i, part in enumerate(parts)).strip()


def _title_parts(title: str, separators: tuple[str, ...]) -> list[str]:
    """[text, separator, text, …]: a separator counts only with spaces on both sides."""
    pattern = _separator_pattern(separators)
    return [part.strip() for part in pattern.split(title.strip())]


def _separator_pattern(separators: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern splitting on any separator between spaces, keeping the separator."""
    alternatives = "|".join(map(re.escape, sorted(separators, key=len, reverse=True))) or "(?!)"
    return re.compile(rf"\s+({alternatives})\s+")


def _meta_tags(soup: Any, rules: HtmlRules) -> dict[str, str]:
    """The lexicon's `<meta>` names per key, first non-empty wins; the canonical link for the url."""
    metas = soup.find_all("meta")  # once: a search per name and attribute would walk the page each time
    found = {key: _meta_content(metas, names) for key, names in
             (("title", rules.meta_title), ("date", rules.meta_date), ("outlet", rules.meta_outlet),
              ("url", rules.meta_url))}
    if not found["url"]:
        canonical = soup.find("link", rel="canonical")
        found["url"] = canonical.get("href") if canonical is not None else None
    return {k: v.strip() for k, v in found.items() if v and v.strip()}


def _meta_content(metas: list[Any], names: tuple[str, ...]) -> str | None:
    """The `content` of the first `<meta property|name|itemprop=…>` among `names` that has one."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = next((t for t in metas if t.get(attr) == name), None)
            if tag is not None and tag.get("content"):
                return str(tag["content"])
    return None


def _json_ld_article(soup: Any, types: tuple[str, ...]) -> dict[str, Any]:
    """Title, date, outlet and the publisher names of the page's first JSON-LD article node.

    Scripts that are not valid JSON are passed over: the page's other metadata still counts.
    """
    for script in soup.find_all("script", type=re.compile(r"^\s*application/ld\+json\s*$", re.IGNORECASE)):
        data = _load_json(script.get_text())
        if data is None:
            continue
        nodes = list(_ld_nodes(data))
        by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and len(node) > 1}
        article = next((node for node in nodes if _has_type(node, types)), None)
        if article is not None:
            publishers = _publisher_names(article, by_id)
            return {"title": _ld_text(article.get("headline")) or _ld_text(article.get("name")),
                    "date": _ld_text(article.get("datePublished")),
                    "outlet": publishers[0] if publishers else None, "publishers": publishers}
    return {}


def _publisher_names(article: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names of an article's publishers: objects, names, or `@id` references to a node."""
    names = []
    for publisher in _as_list(article.get("publisher")):
        if isinstance(publisher, dict):
            name = _ld_text(publisher, "name") or _ld_text(by_id.get(publisher.get("@id")), "name")
        else:
            name = _ld_text(publisher)
        if name:
            names.append(name)
    return names


def _load_json(text: str) -> Any:
    """JSON of a script, tolerating an HTML comment or CDATA wrapper; None if it is not JSON."""
    text = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", text)
    try:
        return json.loads(text, strict=False)  # strict=False: raw line breaks inside strings
    except (ValueError, RecursionError):
        return None


def _ld_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `data`, breadth first (top-level nodes before nested ones)."""
    queue, seen = deque([data]), 0
    while queue and seen < _MAX_LD_NODES:
        item = queue.popleft()
        seen += 1
        if isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            queue.extend(v for v in item if isinstance(v, (dict, list)))


def _has_type(node: dict[str, Any], types: tuple[str, ...]) -> bool:
    """True if the node's `@type` (a name, a list of names, or schema.org IRIs) is one of `types`."""
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] in types for t in _as_list(node.get("@type")))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _ld_text(value: Any, key: str | None = None) -> str | None:
    """A text value: a string, the first string of a list, or (with `key`) an object's `key`."""
    if key is not None and isinstance(value, dict):
        value = value.get(key)
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict) and isinstance(item.get("@value"), str):
            return item["@value"].strip() or None
    return None
