"""The polite HTTP client of `kg link` and `kg import-external`: Wikidata's API and SPARQL endpoint.

Why a module of its own: linking must be repeatable without hammering a public service, so every
request goes through one place that (1) names the project in its User-Agent, as the Wikimedia
policy asks, (2) bounds concurrency, (3) retries 429 and 5xx answers with exponential back-off
(honouring `Retry-After`), and (4) caches answers on disk, keyed by a hash of the request, so a
re-run makes no repeat requests. When the service cannot be reached the caller gets a `LinkError`
saying so in one sentence; answers already in the cache are still used.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import __version__ as _VERSION
from kg.errors import KgError
from kg.settings import SETTINGS

USER_AGENT = (f"Chipgraph/{_VERSION} (https://w3id.org/chipgraph; knowledge graph of AI-chip news) "
              "kg-link python-httpx")


class LinkError(KgError):
    """Linking to an external knowledge graph failed (service unreachable, bad answer)."""


@dataclass
class ClientStats:
    requests: int = 0
    cache_hits: int = 0
    retries: int = 0


@dataclass
class WikidataClient:
    """Wikidata search and SPARQL with a disk cache; thread-safe, so searches can run in a pool."""

    api: str = field(default_factory=lambda: SETTINGS["wikidata_api"].value())
    endpoint: str = field(default_factory=lambda: SETTINGS["wikidata_endpoint"].value())
    cache_dir: Path | None = field(default_factory=lambda: Path(SETTINGS["link_cache"].value()))
    concurrency: int = 4
    retries: int = 4
    backoff: float = 0.5  # seconds; doubled on each retry
    timeout: float = 30.0
    stats: ClientStats = field(default_factory=ClientStats)

    def __post_init__(self) -> None:
        import httpx

        self._http = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=self.timeout,
                                  follow_redirects=True)
        self._slots = threading.BoundedSemaphore(max(1, self.concurrency))
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    # --- public calls -------------------------------------------------------------------------

    def search(self, text: str, language: str, limit: int = 7) -> list[dict[str, Any]]:
        """`wbsearchentities` hits for `text` in `language` (id, label, description, match)."""
        params = {"action": "wbsearchentities", "search": text, "language": language, "uselang": language,
                  "type": "item", "limit": str(limit), "format": "json"}
        data = self._cached("search", self.api, params, lambda: self._get_json(self.api, params))
        return list(data.get("search", []))

    def select(self, query: str) -> list[dict[str, Any]]:
        """SPARQL SELECT bindings (SPARQL 1.1 JSON results), cached."""
        data = self._cached("sparql", self.endpoint, {"query": query}, lambda: self._sparql(query, "json"))
        return list(data.get("results", {}).get("bindings", []))

    def construct(self, query: str) -> bytes:
        """N-Triples of a CONSTRUCT query; never cached (importing is how the cache graph refreshes)."""
        return self._sparql(query, "ntriples")

    def per_item(self, kind: str, items: list[str], fetch) -> dict[str, Any]:
        """Answers per item (e.g. type facts per QID), fetching only the uncached ones in one call.

        Caching per item rather than per batch means a re-run over a different set of entities
        (after a review decision, say) still asks nothing it has asked before.
        """
        found: dict[str, Any] = {}
        missing = []
        for item in items:
            path = self._path(kind, [self.endpoint, kind, item])
            if path is not None and path.exists():
                found[item] = json.loads(path.read_text(encoding="utf-8"))
            else:
                missing.append(item)
        with self._lock:
            self.stats.cache_hits += len(found)
        if missing:
            fetched = fetch(missing)
            for item in missing:
                found[item] = fetched.get(item, {})
                self._save(self._path(kind, [self.endpoint, kind, item]), found[item])
        return found

    # --- plumbing -----------------------------------------------------------------------------

    def _path(self, kind: str, parts: list) -> Path | None:
        key = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()
        return self.cache_dir / kind / key[:2] / f"{key}.json" if self.cache_dir else None

    @staticmethod
    def _save(path: Path | None, data: Any) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a killed run never leaves half a cache entry

    def _cached(self, kind: str, url: str, params: dict[str, str], fetch) -> dict[str, Any]:
        path = self._path(kind, [url, sorted(params.items())])
        if path is not None and path.exists():
            with self._lock:
                self.stats.cache_hits += 1
            return json.loads(path.read_text(encoding="utf-8"))
        data = fetch()
        self._save(path, data)
        return data

    def _get_json(self, url: str, params: dict[str, str]) -> dict[str, Any]:
        response = self._request("GET", url, params=params)
        try:
            return response.json()
        except ValueError:
            raise LinkError(f"{url} did not answer with JSON (HTTP {response.status_code})") from None

    def _sparql(self, query: str, fmt: str) -> Any:
        accept = {"json": "application/sparql-results+json", "ntriples": "application/n-triples"}[fmt]
        response = self._request("POST", self.endpoint, data={"query": query}, headers={"Accept": accept})
        if fmt == "ntriples":
            return response.content
        try:
            return response.json()
        except ValueError:
            raise LinkError(f"{self.endpoint} did not answer with SPARQL JSON results") from None

    def _request(self, method: str, url: str, **kwargs):
        import httpx

        delay = self.backoff
        for attempt in range(self.retries + 1):
            with self._slots:
                with self._lock:
                    self.stats.requests += 1
                try:
                    response = self._http.request(method, url, **kwargs)
                except httpx.TransportError as exc:
                    raise LinkError(f"cannot reach {url} ({type(exc).__name__}); are you offline?",
                                    hint="answers already cached are reused; run again when the service "
                                         "is reachable, or point --endpoint/--api at a mirror") from None
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.retries:
                    break
                wait = _retry_after(response) or delay
                with self._lock:
                    self.stats.retries += 1
                time.sleep(min(wait, 30.0))
                delay *= 2
                continue
            if response.status_code >= 400:
                raise LinkError(f"{url} refused the request with HTTP {response.status_code}: "
                                f"{response.text[:200].strip()}")
            return response
        raise LinkError(f"{url} is overloaded (HTTP {response.status_code} after {self.retries} retries)",
                        hint="wait a while and run again; cached answers are kept")


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
