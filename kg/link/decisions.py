"""Review decisions on candidate Wikidata links, kept in a TSV file under version control.

Why a file and not the store: the store is rebuilt at will, but a person's "yes, this is the
same firm" must survive every rebuild and be reviewable in a diff. One row per (entity, QID):

    entity	qid	decision	score	label	date	by
    cambricon	Q990000003	reject	0.95	Cambricon Technologies	2026-11-22	reviewer

`entity` is the entity key (the part after `…/id/entity/`); `decision` is `accept` or `reject`;
the last decision written for a pair wins. Rows are kept sorted so diffs stay small.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataFileError
from kg.link.qids import parse_qid
from kg.namespaces import ENTITY_BASE
from kg.resources import ontology_dir
from kg.settings import SETTINGS

COLUMNS = ("entity", "qid", "decision", "score", "label", "date", "by")
DECISIONS_ENV = SETTINGS["link_decisions"].env


@dataclass(frozen=True)
class Decision:
    entity: str  # entity key
    qid: str
    decision: str  # accept | reject
    score: str = ""
    label: str = ""
    date: str = ""
    by: str = ""

    @property
    def entity_iri(self) -> str:
        return ENTITY_BASE + self.entity


def default_decisions_path() -> Path:
    """`$CHIPGRAPH_LINK_DECISIONS`, else `ontology/links/decisions.tsv` of the checkout."""
    return Path(os.environ.get(DECISIONS_ENV) or ontology_dir() / "links" / "decisions.tsv")


def entity_key(iri: str) -> str:
    return iri[len(ENTITY_BASE):] if iri.startswith(ENTITY_BASE) else iri


def read_decisions(path: Path) -> dict[tuple[str, str], Decision]:
    """Decisions by (entity key, QID); an absent file means none yet."""
    if not path.exists():
        return {}
    found: dict[tuple[str, str], Decision] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if reader.fieldnames is None or not {"entity", "qid", "decision"} <= set(reader.fieldnames):
            raise DataFileError("a decisions file needs the columns entity, qid, decision", path=path, line=1)
        for line, row in enumerate(reader, start=2):
            decision = (row.get("decision") or "").strip()
            if decision not in ("accept", "reject"):
                raise DataFileError(f"decision must be accept or reject, not {decision!r}", path=path, line=line)
            try:
                qid = parse_qid(row.get("qid") or "")
            except DataFileError as exc:
                raise DataFileError(exc.message, path=path, line=line, hint=exc.hint) from None
            key = entity_key((row.get("entity") or "").strip())
            found[(key, qid)] = Decision(key, qid, decision, *((row.get(c) or "").strip() for c in COLUMNS[3:]))
    return found


def record_decisions(path: Path, new: list[Decision]) -> dict[tuple[str, str], Decision]:
    """Add or overwrite decisions and write the file back, sorted (atomic replace)."""
    decisions = read_decisions(path)
    today = _dt.date.today().isoformat()
    for item in new:
        decisions[(item.entity, item.qid)] = Decision(item.entity, item.qid, item.decision, item.score,
                                                      item.label, item.date or today, item.by)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for key in sorted(decisions):
            d = decisions[key]
            writer.writerow([d.entity, d.qid, d.decision, d.score, d.label, d.date, d.by])
    tmp.replace(path)
    return decisions


def accepted_qids(path: Path | None = None) -> set[str]:
    """QIDs a reviewer accepted: `kg validate` should count them as verified (with the table's)."""
    return {d.qid for d in read_decisions(path or default_decisions_path()).values() if d.decision == "accept"}
