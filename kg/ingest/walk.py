"""User-given paths into article files, in a deterministic order, with their manifests.

Folders are read recursively in sorted name order; hidden entries (`.git`, `.DS_Store`) are
skipped; a folder reached twice (symlink loop, folder given twice) is a Problem. A folder's
manifest is read once per run, and its rows apply to files reached through the folder or
given on their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.ingest.manifest import MANIFEST_NAME, ManifestRow, read_manifest
from kg.ingest.records import Problem, reason

__all__ = ["ARTICLE_SUFFIXES", "HTML_SUFFIXES", "JSONL_SUFFIXES", "TEXT_SUFFIXES", "Walk", "expand"]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass
class Walk:
    """What one run has walked: folders seen, manifest rows by file, manifest problems by folder."""

    folders: set[Path] = field(default_factory=set)
    manifest_rows: dict[Path, ManifestRow] = field(default_factory=dict)
    manifest_problems: dict[Path, list[Problem]] = field(default_factory=dict)

    def row_for(self, path: Path) -> ManifestRow | None:
        """The manifest row naming this file, if any manifest read so far does."""
        return self.manifest_rows.get(path.resolve())


def _load_manifest(folder: Path, walk: Walk, *, report: bool = True) -> list[Problem]:
    """Read a folder's manifest once per run; its rows join the run's table.

    Its problems are handed out once, to the walk of that folder (`report=True`); a file given
    on its own only uses the rows (`report=False`), so problems about other rows stay quiet.
    """
    resolved = folder.resolve()
    if resolved not in walk.manifest_problems:
        rows, problems = read_manifest(folder, folder) if (folder / MANIFEST_NAME).is_file() else ({}, [])
        for target, row in rows.items():
            walk.manifest_rows.setdefault(target, row)
        walk.manifest_problems[resolved] = problems
    if not report:
        return []
    problems, walk.manifest_problems[resolved] = walk.manifest_problems[resolved], []
    return problems


def _walk_folder(folder: Path, walk: Walk) -> Iterator[Path | Problem]:
    """Yield article files under `folder` in sorted order, following symlinks at most once."""
    resolved = folder.resolve()
    if resolved in walk.folders:
        yield Problem(str(folder), "folder already read (a symlink loop or a folder given twice)", "skipped")
        return
    walk.folders.add(resolved)
    yield from _load_manifest(folder, walk)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), f"cannot list folder: {reason(exc)}", "skipped")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk_folder(path, walk)
        elif path.suffix.lower() in ARTICLE_SUFFIXES and entry.name != MANIFEST_NAME:
            yield path


def expand(path: Path, walk: Walk) -> Iterator[Path | Problem]:
    """One user-given path → its article files, or a Problem if it cannot be used."""
    if path.is_dir():
        yield from _walk_folder(path, walk)
    elif path.is_file():
        if path.name == MANIFEST_NAME:
            yield Problem(str(path), "a manifest is not an article; give its folder instead", "skipped")
            return
        _load_manifest(path.parent, walk, report=False)
        yield path
    elif path.is_symlink():
        yield Problem(str(path), "broken symbolic link", "skipped")
    else:
        yield Problem(str(path), "no such file or folder", "skipped")
