"""Score the graph on the real-news development set (tests/gold/REALNEWS.md).

The texts are third-party pages and are not in the repository: keep local copies in
tests/gold/realnews-texts/ID.txt (git-ignored). This script checks every copy against the
sha256 of tests/gold/realnews.tsv, builds the articles it has (with their dates, outlets and
urls from the table) into a scratch store and runs `kg eval` on each split:

    python bench/realnews.py                  # dev and heldout, summary tables
    python bench/realnews.py --split dev --full   # the whole kg eval report (misses, false positives)
    python bench/realnews.py --json out.json  # the measures, for BENCHMARKS.md

`dev` articles are read while writing rules; `heldout` ones are not: their score is the honest one.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TABLE = ROOT / "tests/gold/realnews.tsv"
GOLD = ROOT / "tests/gold/realnews.jsonl"
TEXTS = ROOT / "tests/gold/realnews-texts"
SPLITS = ("dev", "heldout")


def read_table(path: Path = TABLE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def check_copies(rows: list[dict[str, str]], texts: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The rows whose local copy exists and hashes right, and one line per problem."""
    usable, problems = [], []
    for row in rows:
        path = texts / f"{row['id']}.txt"
        if not path.is_file():
            problems.append(f"{row['id']}: no local copy at {path} (find it again: {row['url']})")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != row["sha256"]:
            problems.append(f"{row['id']}: {path} is not the annotated text (sha256 {digest[:12]}…, "
                            f"expected {row['sha256'][:12]}…)")
            continue
        usable.append(row)
    return usable, problems


def stage(rows: list[dict[str, str]], texts: Path, folder: Path) -> None:
    """The articles as a folder kg build reads: the texts and a manifest with their metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "date", "outlet", "url", "title"])
        for row in rows:
            shutil.copyfile(texts / f"{row['id']}.txt", folder / f"{row['id']}.txt")
            writer.writerow([f"{row['id']}.txt", row["date"], row["outlet"], row["url"], ""])


def split_gold(gold: Path, docs: set[str], target: Path) -> Path:
    """The gold records of some docs only (kg eval scores every doc its gold file names)."""
    kept = [line for line in gold.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and json.loads(line)["doc"] in docs]
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--texts", type=Path, default=TEXTS, help="folder of the local copies")
    parser.add_argument("--min-confidence", type=float, default=None, help="as kg build (default: its default)")
    parser.add_argument("--full", action="store_true", help="print the whole kg eval report")
    parser.add_argument("--json", type=Path, help="write the measures of each split to this file")
    args = parser.parse_args()

    from kg.build import build
    from kg.evaluate import evaluate, format_report
    from kg.rdf.store import KnowledgeStore
    from kg.settings import default_min_confidence

    rows, problems = check_copies(read_table(), args.texts)
    for problem in problems:
        print(f"problem {problem}", file=sys.stderr)
    if not rows:
        sys.exit("no usable local copies; see tests/gold/REALNEWS.md")
    splits = SPLITS if args.split == "all" else (args.split,)
    minimum = default_min_confidence() if args.min_confidence is None else args.min_confidence
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stage(rows, args.texts, work / "articles")
        store = KnowledgeStore(work / "store")
        build([work / "articles"], store, min_confidence=minimum)
        for split in splits:
            docs = {r["id"] for r in rows if r["split"] == split}
            gold = split_gold(GOLD, docs, work / f"{split}.jsonl")
            report = evaluate(store, gold)
            text = format_report(report)
            print(f"## {split}: {len(docs)} articles ({len(problems)} copies missing or changed overall)\n")
            print(text if args.full else text.split("\n## ", 2)[0])
            results[split] = {"articles": len(docs),
                              "report": {name: m.to_dict() for name, m in report.summary.items()}}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
