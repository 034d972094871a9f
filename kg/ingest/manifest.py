"""A folder's `manifest.csv`: metadata for the article files beside it.

Columns: file (required), date, outlet, url, title (any may be empty); unknown columns are
ignored. `file` is relative to the manifest's folder. Every defect is a Problem naming the
manifest and row; the rest of the manifest still applies.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.decode import decode_text
from kg.ingest.records import Problem, reason

__all__ = ["MANIFEST_NAME", "META_KEYS", "ManifestRow", "read_manifest"]

MANIFEST_NAME = "manifest.csv"
META_KEYS = ("date", "title", "outlet", "url")


@dataclass(frozen=True)
class ManifestRow:
    """One row's metadata and where it was written (`manifest.csv:LINE`)."""

    meta: dict[str, str]
    source: str


def read_manifest(folder: Path, folder_label: Path) -> tuple[dict[Path, ManifestRow], list[Problem]]:
    """Read `folder/manifest.csv` into {resolved file path: row}, with its problems."""
    path, label = folder / MANIFEST_NAME, str(folder_label / MANIFEST_NAME)
    try:
        text = decode_text(path.read_bytes())
    except (OSError, InputError) as exc:
        return {}, [Problem(label, f"cannot read manifest: {reason(exc)}", "manifest ignored")]
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        return {}, [Problem(label, f"not a valid CSV file ({exc})", "manifest ignored")]
    if "file" not in header:
        return {}, [Problem(label, "no 'file' column (expected file,date,outlet,url,title)", "manifest ignored")]
    return _manifest_rows(reader, header, folder, label)


def _manifest_rows(reader: Any, header: list[str], folder: Path,
                   label: str) -> tuple[dict[Path, ManifestRow], list[Problem]]:
    """Turn manifest CSV rows into entries, reporting missing files and repeated rows."""
    rows: dict[Path, ManifestRow] = {}
    problems: list[Problem] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"{label}:{start}", f"broken CSV row ({exc})", "rest of manifest ignored"))
            break
        record = dict(zip(header, (v.strip() for v in values)))
        name, where = record.get("file", ""), f"{label}:{start}"
        if not any(values):
            continue
        if not name:
            problems.append(Problem(where, "row without a file name", "row ignored"))
            continue
        target = (folder / name).resolve()
        if not target.is_file():
            problems.append(Problem(where, f"names {name!r}, which does not exist in {folder}", "row ignored"))
        elif target in rows:
            problems.append(Problem(where, f"{name!r} is listed again (first at {rows[target].source})", "row ignored"))
        else:
            rows[target] = ManifestRow({k: record[k] for k in META_KEYS if record.get(k)}, where)
    return rows, problems
