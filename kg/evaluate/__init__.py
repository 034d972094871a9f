"""Score a built graph against hand-made gold annotations (`kg eval`).

Why this exists: the extractor is a set of hand-written rules that several people edit at once.
Without a fixed yardstick every rule change trades errors we cannot see. Gold files state what a
careful reader finds in each article; the evaluator reads what the graph holds for the same
articles (SPARQL over the store, never the extractor's Python objects, so it scores exactly what
users query) and reports a summary (the measures of issue 13), precision, recall and F1 per
kind, the accuracy of dates and numbers, the misses and false positives with their evidence, and
how well `cg:confidence` predicts correctness (the calibration table).

The gold format and the matching rules are described in tests/gold/README.md. One job a module:

* `gold`    reading and checking gold JSONL (errors name file:line);
* `graph`   what the store says, through kg/sparql/eval-*.rq;
* `values`  dates, numbers, periods and modality of a matched action;
* `match`   which pairs may match, the one-to-one assignment, why a record was missed;
* `results` the report's data; `score` computing it; `report` printing it as Markdown.
"""

from kg.evaluate.gold import KINDS, MODALITIES, NUMBERS, PREDICATES, VALUES, Gold, load_gold
from kg.evaluate.graph import Entity, Graph, Predicted, read_graph
from kg.evaluate.match import assign, compatible, describe_prediction, match
from kg.evaluate.report import format_calibration, format_report, format_summary
from kg.evaluate.results import Accuracy, Bucket, EvalReport, Finding, Measure, Score
from kg.evaluate.score import BUCKETS, SUMMARY, evaluate
from kg.evaluate.values import value_checks

__all__ = [
    "BUCKETS", "KINDS", "MODALITIES", "NUMBERS", "PREDICATES", "SUMMARY", "VALUES",
    "Accuracy", "Bucket", "Entity", "EvalReport", "Finding", "Gold", "Graph", "Measure", "Predicted", "Score",
    "assign", "compatible", "describe_prediction", "evaluate", "format_calibration", "format_report",
    "format_summary", "load_gold", "match", "read_graph", "value_checks",
]
