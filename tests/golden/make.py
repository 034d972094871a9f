"""The golden seed graph: the five seed articles' graphs as Turtle, as `tests/test_golden.py`
expects them. After a deliberate change to extraction, look at the diff, then rewrite it:

    python -m tests.golden.make          # writes tests/golden/seeds.ttl
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "seeds.ttl"
_VERSION = re.compile(rb'(cg:pipelineVersion ")[^"]+(")')


def seed_turtle(store) -> bytes:
    """The article graphs of a seed store in Turtle, the pipeline version masked (it hashes
    the code and lexicons, so it changes with any edit, while the graph may not)."""
    from kg.rdf.export import export

    articles = sorted(g.rsplit("/", 1)[-1] for g in store.article_states())
    return _VERSION.sub(rb"\1VERSION\2", export(store, "turtle", graphs=articles))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from kg.build import build
    from kg.rdf.store import KnowledgeStore
    from kg.settings import default_min_confidence

    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(Path(tmp) / "store")
        build([ROOT / "seeds"], store, min_confidence=default_min_confidence())
        GOLDEN.write_bytes(seed_turtle(store))
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
