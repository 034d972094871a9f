"""`kg eval` and `kg.evaluate`: gold parsing, matching, scoring, calibration, and quality gates.

The unit tests run on a tiny store written by hand into a real on-disk pyoxigraph store (the
ontology and gazetteer loaded as `kg build` loads them), so every SPARQL query of the evaluator is
exercised. The quality gates at the end build the seed articles and the unseen test articles and
hold the extractor to the thresholds of issue 3; they are expected to move as the extractor does.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import DataFileError
from kg.evaluate import (
    SUMMARY,
    Gold,
    Predicted,
    assign,
    evaluate,
    format_report,
    load_gold,
    value_checks,
)
from kg.namespaces import CG, ID_BASE, article_iri
from kg.rdf.store import KnowledgeStore

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
E = ID_BASE + "entity/"
ACT = ID_BASE + "action/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"


# ------------------------------------------------------------------------------------------------
# A hand-made store
# ------------------------------------------------------------------------------------------------


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


def _dec(value: str) -> Literal:
    return Literal(value, datatype=_n(XSD + "decimal"))


def _date(value: str) -> Literal:
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return Literal(value, datatype=_n(XSD + kind))


def _article(identifier: str, mentions: list[str], actions: list[dict], statements=(), new=()) -> list[Quad]:
    g = _n(article_iri(identifier))
    triples = [(g, _n(RDF_TYPE), _n(CG.Article)), (g, _n("http://purl.org/dc/terms/identifier"), Literal(identifier))]
    triples += [(g, _n(CG.mentions), _n(E + key)) for key in mentions]
    for key, cls, labels, confidence in new:
        node = _n(E + key)
        triples += [(node, _n(RDF_TYPE), _n(CG[cls])), (node, _n(CG.confidence), _dec(confidence))]
        triples += [(node, _n(RDFS_LABEL), Literal(text, language=lang)) for lang, text in labels]
    for action in actions:
        node = _n(ACT + action["id"])
        triples += [(node, _n(RDF_TYPE), _n(CG[action["cls"]])),
                    (node, _n(CG.evidence), Literal(action.get("evidence", "증거 문장."), language="ko")),
                    (node, _n(CG.confidence), _dec(action.get("confidence", "0.85"))),
                    (node, _n(CG.modality), _n(CG[action.get("modality", "Asserted")]))]
        for role in ("agent", "object", "target"):
            for key in action.get(role, []):
                triples.append((node, _n(CG[role]), _n(E + key)))
        if "date" in action:
            triples.append((node, _n(CG.date), _date(action["date"])))
        for name in ("percent", "price", "quantity", "amountUSD", "minAmountUSD", "maxAmountUSD", "amount",
                     "minAmount", "maxAmount"):
            if name in action:
                triples.append((node, _n(CG[name]), _dec(action[name])))
        for name in ("currency", "datePeriod"):
            if name in action:
                triples.append((node, _n(CG[name]), Literal(action[name])))
        if "period" in action:
            triples.append((node, _n(CG.period), Literal(action["period"], language="ko")))
    for number, (s, p, o, confidence) in enumerate(statements):
        node = _n(ID_BASE + f"statement/{identifier}{number}")
        rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        triples += [(_n(E + s), _n(CG[p]), _n(E + o)), (node, _n(RDF_TYPE), _n(rdf + "Statement")),
                    (node, _n(rdf + "subject"), _n(E + s)), (node, _n(rdf + "predicate"), _n(CG[p])),
                    (node, _n(rdf + "object"), _n(E + o)), (node, _n(CG.confidence), _dec(confidence)),
                    (node, _n(CG.evidence), Literal("관계 문장.", language="ko"))]
    return [Quad(s, p, o, g) for s, p, o in triples]


def _saved_store(path: Path, *articles: tuple[str, dict]) -> Path:
    """A store on disk with the ontology, the gazetteer and these (identifier, _article options)."""
    store = KnowledgeStore(path)
    store.sync_reference()
    for identifier, options in articles:
        store.replace_graph(article_iri(identifier), _article(identifier, **options))
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory) -> Path:
    return _saved_store(tmp_path_factory.mktemp("tiny") / "store", ("t01_alpha", dict(
        mentions=["nvidia", "nvidia-h20", "china", "china-regulators", "new-foochip", "new-junk"],
        new=[("new-foochip", "Chip", [("ko", "푸칩"), ("en", "FooChip")], "0.85"),
             ("new-junk", "Firm", [("ko", "잡동사니")], "0.55")],
        actions=[
            {"id": "a1", "cls": "PurchaseGuidance", "agent": ["china-regulators"], "object": ["nvidia-h20"],
             "target": ["china"], "date": "2024-09-27", "modality": "Reported", "confidence": "0.9"},
            {"id": "a2", "cls": "StockMove", "object": ["nvidia"], "percent": "-2.2", "price": "118",
             "date": "2024-09-30", "confidence": "0.82"},
            {"id": "a3", "cls": "ExportControl", "agent": ["us-government"], "object": ["nvidia"],
             "confidence": "0.6", "evidence": "미국 정부가 엔비디아의 수출을 통제했다."},
        ],
        statements=[("nvidia", "develops", "nvidia-h20", "0.8"), ("nvidia", "uses", "china", "0.7")])),
        ("t02_beta", dict(
            mentions=["bytedance", "tencent", "nvidia"],
            actions=[{"id": "b1", "cls": "Purchase", "agent": ["bytedance", "tencent"], "object": ["nvidia"],
                      "quantity": "20000"},
                     {"id": "b2", "cls": "Revenue", "agent": ["nvidia"], "object": ["nvidia-h20"],
                      "minAmountUSD": "12000000000", "maxAmountUSD": "15000000000", "period": "2024년 회계연도"}])))


def _gold(tmp_path: Path, *records: dict | str) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(tiny_store: Path, tmp_path: Path, *records):
    return evaluate(tiny_store, _gold(tmp_path, *records))


# ------------------------------------------------------------------------------------------------
# Matching and normalisation
# ------------------------------------------------------------------------------------------------


def test_entity_labels_match_regardless_of_case_spaces_and_punctuation(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t02", "kind": "entity", "label_en": "BYTE-DANCE"},
                  {"doc": "t02", "kind": "entity", "label_ko": "텐센트 홀딩스", "type": "Firm"},
                  {"doc": "t02", "kind": "entity", "label_ko": "엔 비 디 아", "label_en": "nope",
                   "wikidata": "Q182477"})
    assert (report.scores["entity"].tp, report.scores["entity"].fp, report.scores["entity"].fn) == (3, 0, 0)
    assert report.attributes["wikidata"].value == 1.0 and report.attributes["entity type"].value == 1.0


def test_discovered_entities_match_their_own_labels(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path, {"doc": "t01", "kind": "entity", "label_ko": "푸칩", "type": "Firm"})
    found = report.scores["entity"]
    assert found.tp == 1 and found.fp == 5  # nvidia, h20, china, regulators, junk are not in this gold
    assert report.attributes["entity type"].right == 0  # predicted as a Chip


def test_action_roles_alternatives_and_lists(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t01", "kind": "action", "type": "PurchaseGuidance",
                   "agent": "중국 정부 | Chinese regulators", "object": "H20", "target": "중국"},
                  {"doc": "t02", "kind": "action", "type": "Purchase", "agent": ["바이트댄스", "텐센트"],
                   "object": "엔비디아"},
                  {"doc": "t02", "kind": "action", "type": "Revenue", "agent": ["엔비디아", "AMD"]})
    action = report.scores["action"]
    assert (action.tp, action.fn) == (2, 1)  # AMD is not among the revenue's agents
    assert report.per_class["Revenue"].fn == 1 and report.per_class["Revenue"].fp == 1


def test_absent_gold_role_is_no_constraint_and_class_may_be_a_superclass(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t01", "kind": "action", "type": "Action", "object": "엔비디아", "percent": -2.2},
                  {"doc": "t01", "kind": "action", "type": "ExportControl"})
    assert report.scores["action"].tp == 2
    assert report.values["percent"].value == 1.0  # the StockMove was chosen for the percent gold


def test_wrong_role_is_a_miss_with_the_closest_prediction(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t01", "kind": "action", "type": "ExportControl", "agent": "미국 상무부",
                   "evidence": "미국 상무부가 수출을 막았다."})
    miss = report.misses[0]
    assert miss.line == 1 and "agent ✗" in miss.note and miss.evidence.startswith("미국 상무부")
    assert {f.what.split()[0] for f in report.false_positives if f.kind == "action"} == {
        "ExportControl", "PurchaseGuidance", "StockMove"}


def test_dates_match_at_the_gold_precision():
    pred = Predicted(kind="action", iri="x", values={"date": "2024-09-27"})
    assert value_checks(Gold("action", "d", 1, {"type": "X", "date": "2024-09"}), pred) == {"date": True}
    assert value_checks(Gold("action", "d", 1, {"type": "X", "date": "2024-09-27"}), pred) == {"date": True}
    assert value_checks(Gold("action", "d", 1, {"type": "X", "date": "2024-09-28"}), pred) == {"date": False}
    vague = Predicted(kind="action", iri="x", values={"date": "2024"})
    assert value_checks(Gold("action", "d", 1, {"type": "X", "date": "2024-09"}), vague) == {"date": False}
    assert value_checks(Gold("action", "d", 1, {"type": "X", "date": "2024"}), Predicted("action", "x")) == {
        "date": False}


def test_numbers_are_decimals_and_percent_is_signed():
    pred = Predicted(kind="action", iri="x", values={"percent": Decimal("-2.2"), "price": Decimal("118.0"),
                                                     "amountUSD": Decimal("6200000000")})
    gold = Gold("action", "d", 1, {"type": "X", "percent": -2.2, "price": 118, "amount_usd": 6.2e9})
    assert value_checks(gold, pred) == {"percent": True, "price": True, "amount_usd": True}
    assert value_checks(Gold("action", "d", 1, {"type": "X", "percent": 2.2}), pred) == {"percent": False}


def test_ranges_periods_and_modality(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t02_beta", "kind": "action", "type": "Revenue", "object": "H20",
                   "amount_usd": [12000000000, 15000000000], "period": "2024년", "modality": ["Reported", "Asserted"]},
                  {"doc": "t02_beta", "kind": "action", "type": "Purchase", "quantity": 20000, "modality": "Planned"})
    assert report.values["amount_usd"].value == 1.0 and report.values["period"].value == 1.0
    assert report.values["quantity"].value == 1.0 and report.values["all"].total == 3
    assert (report.values["modality"].right, report.values["modality"].total) == (1, 2)
    assert [(f.line, f.note) for f in report.wrong_values] == [(2, "modality: got Asserted")]


def test_relations_match_by_labels_and_predicate(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t01", "kind": "relation", "s": "Nvidia", "p": "develops", "o": "H20"},
                  {"doc": "t01", "kind": "relation", "s": "Nvidia", "p": "uses", "o": "H20"})
    relation = report.scores["relation"]
    assert (relation.tp, relation.fp, relation.fn) == (1, 1, 1)


def test_restatement_of_a_matched_action_is_flagged(tmp_path):
    path = tmp_path / "store"
    store = KnowledgeStore(path)
    store.sync_reference()
    store.replace_graph(article_iri("t05_x"), _article("t05_x", ["china"], [
        {"id": "c1", "cls": "PurchaseGuidance", "agent": ["china"], "object": ["nvidia"], "target": ["china"]},
        {"id": "c2", "cls": "PurchaseGuidance", "agent": ["china"], "target": ["china"], "confidence": "0.7"}]))
    report = evaluate(store, _gold(tmp_path, {"doc": "t05", "kind": "action", "type": "PurchaseGuidance",
                                              "agent": "중국", "object": "엔비디아"}))
    assert report.scores["action"].fp == 1
    assert [f.note for f in report.false_positives if f.kind == "action"] == ["restates gold line 1"]


def test_assignment_maximises_matches_where_greedy_would_not():
    # gold 0 fits both predictions, gold 1 only the first: greedy on gold 0 would take the first
    assert assign([[1.0, 1.0], [1.0, 0.0]]) == [(0, 1), (1, 0)]
    assert assign([[0.0, 0.0]]) == []
    assert assign([[1.0], [1.2], [0.0]]) == [(1, 0)]


# ------------------------------------------------------------------------------------------------
# Report, calibration, CLI
# ------------------------------------------------------------------------------------------------


def test_calibration_counts_actions_and_discovered_entities(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path,
                  {"doc": "t01", "kind": "action", "type": "PurchaseGuidance", "object": "H20"},
                  {"doc": "t01", "kind": "entity", "label_en": "FooChip"})
    actions = {b.label: (b.count, b.right) for b in report.calibration["actions"]}
    assert actions["0.6–0.7"] == (1, 0) and actions["0.8–0.9"] == (1, 0) and actions["≥ 0.9"] == (1, 1)
    assert actions["all ≥ 0.8"] == (2, 1)
    discovered = {b.label: (b.count, b.right) for b in report.calibration["entities (discovered)"]}
    assert discovered["0.8–0.9"] == (1, 1) and discovered["0.5–0.6"] == (1, 0)
    everything = {b.label: b.count for b in report.calibration["entities (all)"]}
    assert everything["≥ 0.9"] == 4  # gazetteer entities count as confidence 1.0


def test_report_text_and_dict(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path, {"doc": "t01", "kind": "action", "type": "StockMove", "object": "엔비디아",
                                         "percent": -2.2, "date": "2024-09"})
    text = format_report(report)
    assert "| action | 1 | 3 | 1 | 0.33 | 1.00 | 0.50 |" in text
    assert "## False positives" in text and "미국 정부가 엔비디아의 수출을 통제했다." in text
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["scores"]["action"]["f1"] == 0.5 and data["values"]["date"]["accuracy"] == 1.0


def test_unknown_doc_is_a_warning_and_its_records_are_misses(tiny_store, tmp_path):
    report = _run(tiny_store, tmp_path, {"doc": "t99", "kind": "entity", "label_ko": "엔비디아"})
    assert report.scores["entity"].fn == 1 and "t99" in report.warnings[0]


def test_cli_eval(tiny_store, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    gold = _gold(tmp_path, {"doc": "t02", "kind": "entity", "label_ko": "바이트댄스"})
    result = CliRunner().invoke(app, ["eval", str(gold), "--store", str(tiny_store), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scores"]["entity"]["tp"] == 1
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "missing.jsonl"), "--store", str(tiny_store)])
    assert result.exit_code == 1 and "cannot read the gold file" in result.output


# ------------------------------------------------------------------------------------------------
# Real-news gold: amounts in any currency, quarters and halves, `leads`, Equipment and Material,
# agents named with the government they act for, and the summary of issue 13
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def news_store(tmp_path_factory) -> Path:
    return _saved_store(tmp_path_factory.mktemp("news") / "store", ("t06_news", dict(
        mentions=["us-department-of-commerce", "mofcom", "china", "sk-hynix", "asml", "nvidia", "new-euv",
                  "new-gallium", "new-lutnick"],
        new=[("new-euv", "Equipment", [("ko", "EUV 노광장비")], "0.8"),
             ("new-gallium", "Material", [("ko", "갈륨")], "0.8"),
             ("new-lutnick", "Person", [("ko", "러트닉")], "0.8")],
        actions=[
            {"id": "n1", "cls": "ExportControl", "agent": ["us-department-of-commerce"], "object": ["new-euv"],
             "target": ["china"], "date": "2025", "datePeriod": "2025-Q2"},
            {"id": "n2", "cls": "ExportControl", "agent": ["mofcom"], "object": ["new-gallium"], "date": "2025-05-03"},
            {"id": "n3", "cls": "Revenue", "agent": ["sk-hynix"], "amount": "1200000000000", "currency": "KRW",
             "date": "2025", "datePeriod": "2025-H2"},
            {"id": "n4", "cls": "Revenue", "agent": ["asml"], "minAmount": "12000000000",
             "maxAmount": "15000000000", "currency": "EUR"},
            {"id": "n5", "cls": "Revenue", "agent": ["nvidia"], "amountUSD": "5500000000"},
        ],
        statements=[("new-lutnick", "leads", "us-department-of-commerce", "0.8")])))


def test_amounts_in_their_currency_and_dollars_through_amount_usd(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "SK하이닉스",
                   "amount": 1200000000000, "currency": "KRW"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "ASML",
                   "amount": [12000000000, 15000000000], "currency": "EUR"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "엔비디아",
                   "amount": 5500000000, "currency": "USD", "amount_usd": 5500000000})
    assert report.scores["action"].tp == 3
    assert (report.values["amount"].right, report.values["amount"].total) == (3, 3)
    assert report.values["amount_usd"].value == 1.0


def test_an_amount_is_wrong_in_another_currency_and_only_dollars_fall_back_to_amount_usd(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "SK하이닉스",
                   "amount": 1200000000000, "currency": "USD"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "엔비디아",
                   "amount": 5500000000, "currency": "KRW"})
    assert (report.values["amount"].right, report.values["amount"].total) == (0, 2)
    notes = sorted(f.note for f in report.wrong_values)
    assert notes == ["amount: got 1200000000000 KRW", "amount: got 5500000000 USD"]
    euros = Predicted(kind="action", iri="x", values={"amount": Decimal("5"), "amountUSD": Decimal("5")})
    gold = Gold("action", "d", 1, {"type": "X", "amount": 5, "currency": "USD"})
    assert value_checks(gold, euros) == {"amount": False}  # cg:amount without cg:currency USD is not dollars


def test_quarters_and_halves_accept_the_period_or_a_date_inside_it(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "action", "type": "ExportControl", "object": "EUV 노광장비",
                   "date": "2025-Q2"},
                  {"doc": "t06", "kind": "action", "type": "ExportControl", "object": "갈륨", "date": "2025-Q2"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "SK하이닉스", "date": "2025-Q3"})
    assert (report.values["date"].right, report.values["date"].total) == (2, 3)
    assert [f.note for f in report.wrong_values] == ["date: got 2025-H2"]

    def right(gold_date: str, **values: str) -> bool:
        return value_checks(Gold("action", "d", 1, {"type": "X", "date": gold_date}),
                            Predicted(kind="action", iri="x", values=values))["date"]

    assert right("2025-H1", date="2025", datePeriod="2025-Q2")  # a quarter inside the half
    assert not right("2025-Q2", date="2025", datePeriod="2025-H1")  # a half is vaguer than the quarter
    assert right("2025-H2", date="2025-12-31") and not right("2025-H2", date="2026-07-01")
    assert not right("2025-Q2", date="2025")  # the year alone does not say which quarter
    assert not right("2025-05", date="2025", datePeriod="2025-Q2")  # nor which month
    assert right("2025", date="2025", datePeriod="2025-Q2")


def test_leads_relations_and_equipment_and_material_entities(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "relation", "s": "러트닉", "p": "leads", "o": "미국 상무부"},
                  {"doc": "t06", "kind": "entity", "label_ko": "EUV 노광장비", "type": "Equipment"},
                  {"doc": "t06", "kind": "entity", "label_ko": "갈륨", "type": "Material"},
                  {"doc": "t06", "kind": "entity", "label_ko": "러트닉", "type": "Equipment"})
    assert report.scores["relation"].tp == 1
    assert report.scores["entity"].tp == 3 and report.attributes["entity type"].right == 2
    with pytest.raises(DataFileError, match="unknown entity type 'Tool'"):
        _run(news_store, tmp_path, {"doc": "t06", "kind": "entity", "label_ko": "갈륨", "type": "Tool"})


def test_an_agent_may_be_named_with_the_government_it_acts_for(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "action", "type": "ExportControl",
                   "agent": "미국 상무부 산업안보국 | 미국 정부 | 미국 상무부", "object": "EUV 노광장비"},
                  {"doc": "t06", "kind": "action", "type": "ExportControl",
                   "agent": "중국 정부 | 중국", "object": "갈륨"})
    assert report.scores["action"].tp == 1  # MOFCOM acts for China, but the graph's agent is MOFCOM only
    assert "agent ✗" in report.misses[0].note


def test_summary_holds_issue_13s_measures_with_numerators_and_denominators(news_store, tmp_path):
    report = _run(news_store, tmp_path,
                  {"doc": "t06", "kind": "entity", "label_ko": "EUV 노광장비", "type": "Equipment"},
                  {"doc": "t06", "kind": "entity", "label_ko": "러트닉", "type": "Firm"},
                  {"doc": "t06", "kind": "entity", "label_ko": "삼성전자"},
                  {"doc": "t06", "kind": "action", "type": "ExportControl", "agent": "미국 상무부",
                   "object": "EUV 노광장비", "date": "2025-Q2"},
                  {"doc": "t06", "kind": "action", "type": "ExportControl", "agent": "중국 상무부",
                   "object": "게르마늄", "date": "2025-04"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "SK하이닉스",
                   "amount": 1200000000000, "currency": "KRW"},
                  {"doc": "t06", "kind": "action", "type": "Revenue", "agent": "ASML",
                   "amount": [1, 2], "currency": "EUR"},
                  {"doc": "t06", "kind": "relation", "s": "러트닉", "p": "leads", "o": "미국 상무부"},
                  {"doc": "t06", "kind": "relation", "s": "러트닉", "p": "ceoOf", "o": "ASML"})
    summary = {name: (m.numerator, m.denominator) for name, m in report.summary.items()}
    assert list(summary) == list(SUMMARY)
    assert summary == {
        "entities found (recall, typed)": (1, 3),  # 러트닉 found but not a Firm; 삼성전자 not mentioned
        "actions found, class + at least one role right": (4, 4),  # the germanium control by its agent
        "actions found with every named role right": (3, 4),
        "extracted actions that match an annotated one (precision, lower bound)": (3, 5),
        "matched actions with the right date": (1, 1),
        "matched actions with the right numbers": (1, 2),
        "stated relations found in the article's graph": (1, 2),
    }
    assert report.summary["matched actions with the right numbers"].value == 0.5
    text = format_report(report)
    assert text.index("| measure | value | right | of |") < text.index("| kind | gold |")
    assert "| entities found (recall, typed) | 0.33 | 1 | 3 |" in text
    assert report.to_dict()["summary"]["actions found with every named role right"] == {
        "value": 0.75, "numerator": 3, "denominator": 4}


def test_a_measure_with_nothing_to_count_has_no_value(news_store, tmp_path):
    report = _run(news_store, tmp_path, {"doc": "t06", "kind": "entity", "label_ko": "갈륨"})
    numbers = report.summary["matched actions with the right numbers"]
    assert (numbers.numerator, numbers.denominator, numbers.value) == (0, 0, None)
    assert "| matched actions with the right numbers | – | 0 | 0 |" in format_report(report)
    assert report.to_dict()["summary"]["matched actions with the right numbers"]["value"] is None


# ------------------------------------------------------------------------------------------------
# Gold files: errors name file and line; the shipped gold sets are well-formed
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('{"doc": "000", "kind": "event"}', "kind must be one of"),
    ('{"kind": "entity", "label_ko": "엔비디아"}', "doc must name the article"),
    ('{"doc": "000", "kind": "entity", "label": "엔비디아"}', "unknown field"),
    ('{"doc": "000", "kind": "entity", "label_ko": " "}', "needs label_ko or label_en"),
    ('{"doc": "000", "kind": "action", "type": "Purchase", "date": "2024/09"}', "is not YYYY"),
    ('{"doc": "000", "kind": "action", "type": "Purchase", "percent": "lots"}', "is not a number"),
    ('{"doc": "000", "kind": "action", "type": "Purchase", "agent": 3}', "agent must be a label"),
    ('{"doc": "000", "kind": "action", "type": "Purchase", "modality": "Rumoured"}', "modality must be"),
    ('{"doc": "000", "kind": "relation", "s": "a", "p": "owns", "o": "b"}', "p must be one of"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "date": "2025-Q5"}', "is not YYYY"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "amount": 5}', "amount and currency go together"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "currency": "KRW"}', "amount and currency go together"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "amount": 5, "currency": "won"}', "not an ISO 4217"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "amount": [1, 2, 3], "currency": "KRW"}',
     "must be [min, max]"),
    ('{"doc": "000", "kind": "action", "type": "Revenue", "amount": "lots", "currency": "KRW"}', "is not a number"),
])
def test_bad_gold_lines_name_file_and_line(tmp_path, line, message):
    path = _gold(tmp_path, "# a comment", "", {"doc": "000", "kind": "entity", "label_ko": "엔비디아"}, line)
    with pytest.raises(DataFileError) as info:
        load_gold(path)
    assert info.value.line == 4 and message in str(info.value) and str(path) in str(info.value)


def test_unknown_action_class_and_ambiguous_doc_are_gold_errors(tiny_store, tmp_path):
    with pytest.raises(DataFileError, match="unknown action class 'Bribe'"):
        _run(tiny_store, tmp_path, {"doc": "t01", "kind": "action", "type": "Bribe"})
    store = KnowledgeStore(tmp_path / "two")
    store.sync_reference()
    for identifier in ("t03_a", "t03_b"):
        store.replace_graph(article_iri(identifier), _article(identifier, [], []))
    with pytest.raises(DataFileError, match="could be any of t03_a, t03_b"):
        evaluate(store, _gold(tmp_path, {"doc": "t03", "kind": "entity", "label_ko": "중국"}))


@pytest.mark.parametrize("gold, folder", [("seeds.jsonl", ROOT / "seeds"), ("unseen.jsonl", GOLD / "unseen")])
def test_shipped_gold_cites_the_articles_it_annotates(gold, folder):
    """Every evidence is a sentence of its article as ingested, and each doc is annotated once."""
    from kg.ingest import Article, iter_articles

    texts = {a.identifier.split("_", 1)[0]: a.text for a in iter_articles([folder]) if isinstance(a, Article)}
    records = load_gold(GOLD / gold)
    assert {r.doc for r in records} == set(texts)
    for record in records:
        if "evidence" in record.record:
            assert record.record["evidence"] in texts[record.doc], (record.line, record.record["evidence"])
    entities = [(r.doc, r.record.get("label_ko")) for r in records if r.kind == "entity"]
    assert len(entities) == len(set(entities)), "an entity is listed twice for one doc"


# ------------------------------------------------------------------------------------------------
# QUALITY GATES (issue 3): the extractor measured against the gold sets.
# These assert the issue's thresholds; `python bench/quality.py` prints the current numbers.
# ------------------------------------------------------------------------------------------------


def _built(tmp_path_factory, name: str, folder: Path) -> KnowledgeStore:
    from kg.build import build

    store = KnowledgeStore(tmp_path_factory.mktemp(name) / "store")
    report = build([folder], store)
    assert report.built and not report.problems
    return store


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory):
    return evaluate(_built(tmp_path_factory, "eval-seeds", ROOT / "seeds"), GOLD / "seeds.jsonl")


@pytest.fixture(scope="session")
def unseen_report(tmp_path_factory):
    return evaluate(_built(tmp_path_factory, "eval-unseen", GOLD / "unseen"), GOLD / "unseen.jsonl")


def test_quality_seed_entities_f1(seed_report):
    assert seed_report.scores["entity"].f1 >= 0.90, format_report(seed_report)


def test_quality_seed_actions_f1(seed_report):
    assert seed_report.scores["action"].f1 >= 0.75, format_report(seed_report)


def test_quality_seed_dates_and_numbers_of_matched_actions(seed_report):
    assert seed_report.values["all"].value >= 0.85, format_report(seed_report, findings=False)


def test_quality_unseen_actions_within_015_of_seeds(seed_report, unseen_report):
    seeds, unseen = seed_report.scores["action"].f1, unseen_report.scores["action"].f1
    assert unseen >= seeds - 0.15, f"actions F1: seeds {seeds:.2f}, unseen {unseen:.2f}\n" + format_report(unseen_report)


@pytest.mark.parametrize("table", ["actions", "entities (discovered)"])
def test_quality_confidence_of_08_or_more_is_right_90_percent(seed_report, unseen_report, table):
    count = right = 0
    for report in (seed_report, unseen_report):
        high = report.calibration[table][-1]  # "all ≥ 0.8"
        count, right = count + high.count, right + high.right
    assert count == 0 or right / count >= 0.90, f"{table}: {right}/{count} right at confidence ≥ 0.8"
