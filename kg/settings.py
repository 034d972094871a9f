"""Settings in one table: the CLI's defaults, their environment variables and the README agree.

`tests/test_cli.py` checks that every setting is documented in README.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env) or self.default


SETTINGS = {
    s.name: s for s in (
        Setting("store", "CHIPGRAPH_STORE", "chipgraph-store",
                "folder of the pyoxigraph store (created by `kg build`)"),
        Setting("min_confidence", "CHIPGRAPH_MIN_CONFIDENCE", "0.2",
                "actions, relations and new entities below this confidence are not written"),
        Setting("wikidata_endpoint", "CHIPGRAPH_WIKIDATA_ENDPOINT", "https://query.wikidata.org/sparql",
                "SPARQL endpoint used by `kg link` (type checks) and `kg import-external`"),
        Setting("wikidata_api", "CHIPGRAPH_WIKIDATA_API", "https://www.wikidata.org/w/api.php",
                "MediaWiki API used by `kg link` to search labels (wbsearchentities)"),
        Setting("link_cache", "CHIPGRAPH_LINK_CACHE", "chipgraph-cache",
                "folder where `kg link` caches Wikidata answers, so re-runs make no repeat requests"),
        Setting("link_decisions", "CHIPGRAPH_LINK_DECISIONS", "ontology/links/decisions.tsv",
                "reviewers' accept/reject decisions (`kg link review`), under version control"),
    )
}


def default_store() -> Path:
    return Path(SETTINGS["store"].value())


def default_min_confidence() -> float:
    return float(SETTINGS["min_confidence"].value())
