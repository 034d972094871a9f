"""Find the project's data folders whether Chipgraph runs from a checkout or an installed wheel.

A wheel carries `ontology/` and `queries/` as `kg/_data/…` (see pyproject's force-include);
a checkout or editable install has them beside the package. Never the current directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (`ontology` or `queries`) shipped with this installation."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Chipgraph's {name}/ folder is missing from {_PACKAGE}; reinstall the package")


def ontology_dir() -> Path:
    return data_dir("ontology")


def lexicon_dir() -> Path:
    return ontology_dir() / "lexicon"


def queries_dir() -> Path:
    return data_dir("queries")
