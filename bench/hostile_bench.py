"""How long hostile input takes to read, as ratios to ordinary input of the same size.

The tests in `tests/test_hostile_input.py` check what hostile input gives (one Problem per bad
item, the line and size limits, the HTML parse limit in any thread); this measures how long
it takes, which a test cannot assert on a shared machine. Reported:

* each adversarial text of the tests (patterns that once backtracked quadratically, markup
  html.parser is quadratic on): CPU seconds of `clean_text` (plain and `html=True`) and the
  ratio to cleaning ordinary Korean prose of the same length;
* the hostile corpus of the tests through `iter_articles`: CPU seconds and the ratio to a
  corpus of ordinary articles of the same size;
* the HTML parse limit: CPU seconds spent on the unparseable page, as a ratio to the limit,
  in the main thread and in a worker thread.

    python bench/hostile_bench.py [--limit 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_hostile_input import ADVERSARIAL, SOUP, _prose_line, make_corpus  # noqa: E402


def _cpu(work) -> float:
    """CPU seconds of the calling thread spent in `work()`."""
    started = time.thread_time()
    work()
    return time.thread_time() - started


def adversarial(limit: float) -> None:
    """Each adversarial text against ordinary prose of the same length."""
    from kg.ingest import clean_text
    from kg.ingest import html

    html.HTML_PARSE_SECONDS = limit
    print(f"{'input':<28} {'chars':>9} {'plain s':>8} {'html s':>8} {'prose s':>8} {'ratio':>7}")
    for raw in ADVERSARIAL:
        prose = _prose_line(len(raw))
        hostile = _cpu(lambda: clean_text(raw)) + _cpu(lambda: clean_text(raw, html=True))
        plain = _cpu(lambda: clean_text(raw))
        ordinary = _cpu(lambda: clean_text(prose)) + _cpu(lambda: clean_text(f"<p>{prose}</p>", html=True))
        label = repr(raw[:24])
        print(f"{label:<28} {len(raw):>9,} {plain:>8.2f} {hostile - plain:>8.2f} {ordinary:>8.2f} "
              f"{hostile / max(ordinary, 1e-6):>7.1f}")


def corpus() -> None:
    """The hostile corpus against ordinary articles of the same total size."""
    from kg.ingest import iter_articles

    with tempfile.TemporaryDirectory() as tmp:
        hostile = make_corpus(Path(tmp) / "hostile")
        size = sum(p.stat().st_size for p in hostile.rglob("*") if p.is_file() and not p.is_symlink())
        read = sum(p.stat().st_size for p in hostile.rglob("*") if p.is_file() and not p.is_symlink()
                   and p.name != "huge.txt")  # skipped unread
        ordinary = Path(tmp) / "ordinary"
        ordinary.mkdir()
        line = _prose_line(20_000)
        for n in range(max(1, read // len(line.encode("utf-8")))):
            (ordinary / f"{n:04d}.txt").write_text(f"{n} {line}", encoding="utf-8")
        seconds = _cpu(lambda: list(iter_articles([hostile])))
        baseline = _cpu(lambda: list(iter_articles([ordinary])))
    print(f"\nhostile corpus: {size / 2**20:.1f} MB ({read / 2**20:.1f} MB read) in {seconds:.2f} s CPU; "
          f"ordinary articles of the same size read: {baseline:.2f} s; ratio {seconds / max(baseline, 1e-6):.2f}")


def deadline(limit: float) -> None:
    """CPU time spent on an unparseable page, as a multiple of the limit, in two threads."""
    from kg.errors import InputError
    from kg.ingest import html

    html.HTML_PARSE_SECONDS = limit
    spent: dict[str, float] = {}

    def parse(where: str) -> None:
        started = time.thread_time()
        try:
            html.html_extract(SOUP)
        except InputError:
            pass
        spent[where] = time.thread_time() - started

    parse("main thread")
    worker = threading.Thread(target=parse, args=("worker thread",))
    worker.start()
    worker.join()
    for where, seconds in spent.items():
        print(f"parse limit {limit:g} s, {where}: stopped after {seconds:.2f} s CPU (ratio {seconds / limit:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=2.0, help="HTML parse limit in CPU seconds")
    args = parser.parse_args()
    adversarial(args.limit)
    corpus()
    print()
    deadline(args.limit)


if __name__ == "__main__":
    main()
