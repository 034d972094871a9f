"""What a build tells its caller while it runs, free of any display: events a caller turns into
progress bars (the CLI draws them with rich), a log line, or nothing.

Inputs are streamed, so the stages overlap: `reading` (inputs read and checked against the
store; its total is counted before the build starts, `count_inputs`), `extracting` (articles
extracted) and `writing` (articles whose graphs are in the store). Extracting and writing
expect every input not yet known to be unchanged or skipped; once reading is done, that is
exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.ingest import Article, Problem, Unchanged
from kg.ingest.walk import JSONL_SUFFIXES, Walk, expand

STAGES = ("reading", "extracting", "writing")


@dataclass(frozen=True)
class BuildEvent:
    """One stage moved on: `done` of `total` so far; `item` is what reading just read."""

    stage: str
    done: int
    total: int
    item: Article | Unchanged | Problem | None = None


Progress = Callable[[BuildEvent], None]


def count_inputs(paths: Sequence[Path | str]) -> int:
    """How many inputs `iter_articles` will read: article files, non-blank JSONL lines and the
    paths it will skip (a quick walk; nothing is decoded)."""
    walk, total = Walk(), 0
    for given in paths:
        for item in expand(Path(given), walk):
            if isinstance(item, Problem):
                total += _skips(item)
            elif item.suffix.lower() in JSONL_SUFFIXES:
                total += _jsonl_lines(item)
            else:
                total += 1
    return total


class Tracker:
    """A build's counts per stage, passed on to `progress` (which may be None) as they change."""

    def __init__(self, progress: Progress | None, inputs: int) -> None:
        self.progress, self.inputs = progress, inputs
        self.read = self.passed = self.to_build = self.extracted = self.written = 0
        self.reading_done = False
        for stage in STAGES:
            self._tell(stage, 0, inputs)

    def reading(self, item: Article | Unchanged | Problem, *, build: bool) -> None:
        """An input was read; `build`: it goes on to be extracted."""
        if isinstance(item, Problem):
            self.read += _skips(item)
            self.passed += _skips(item)
        else:
            self.read += 1
            self.to_build += build
            self.passed += not build
        self._tell("reading", self.read, max(self.inputs, self.read), item)

    def finished_reading(self) -> None:
        self.reading_done = True
        self._tell("reading", self.read, self.read)
        self._tell("extracting", self.extracted, self.expected)
        self._tell("writing", self.written, self.expected)

    def extracting(self, count: int = 1) -> None:
        self.extracted += count
        self._tell("extracting", self.extracted, self.expected)

    def writing(self, written: int) -> None:
        """`written`: articles in the store so far."""
        self.written = written
        self._tell("writing", written, self.expected)

    @property
    def expected(self) -> int:
        """Articles to extract and write: exact once reading is done, else every input not passed over."""
        if self.reading_done:
            return self.to_build
        return max(self.to_build, self.inputs - self.passed, self.extracted)

    def _tell(self, stage: str, done: int, total: int, item=None) -> None:
        if self.progress is not None:
            self.progress(BuildEvent(stage, done, total, item))


def _skips(problem: Problem) -> int:
    """1 when the problem stands for an input left out (a file, a line, a path), 0 for one that
    only cost metadata or a manifest row."""
    return int(problem.action.startswith("skipped"))


def _jsonl_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 1
