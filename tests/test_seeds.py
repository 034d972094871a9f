"""What each seed article states, as the built graph must hold it.

Each test names facts a careful reader finds in one seed article — entities with their types,
actions with roles, dates, numbers and modality — and checks them in that article's named
graph. Junk (page chrome, SEO spam) must yield nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

CG = "https://w3id.org/chipgraph/ontology#"
E = "https://w3id.org/chipgraph/id/entity/"
ART = "https://w3id.org/chipgraph/id/article/"
SEED_IDS = {
    "000": "000_e3e1c4b4497a31e5", "001": "001_95c58bfde6776d8a", "002": "002_c2b0ad42cbf38662",
    "003": "003_95b58d0a8247b5bf", "004": "004_943bab4e8671f631",
}


def _graph(doc: str) -> str:
    return ART + SEED_IDS[doc]


def mentioned(store, doc: str) -> dict[str, str]:
    """Entity key → type (class local name) for every entity the article mentions."""
    rows = store.query(f"""
        SELECT ?e ?type WHERE {{ GRAPH <{_graph(doc)}> {{ <{_graph(doc)}> <{CG}mentions> ?e }}
                                 ?e a ?type }}""")
    return {r["e"].value[len(E):]: r["type"].value.rsplit("#", 1)[-1] for r in rows}


def actions(store, doc: str) -> list[dict]:
    """Every action of an article graph as a dict: class, roles (sets of keys) and values."""
    rows = store.query(f"""
        SELECT ?a ?p ?o WHERE {{ GRAPH <{_graph(doc)}> {{ ?a a ?class ; ?p ?o .
            FILTER(STRSTARTS(STR(?class), "{CG}")) }} }}""")
    found: dict[str, dict] = {}
    for row in rows:
        record = found.setdefault(row["a"].value, {"agent": set(), "object": set(), "target": set(),
                                                   "reportedBy": set()})
        name = row["p"].value.rsplit("#", 1)[-1] if row["p"].value.startswith(CG) else row["p"].value
        value = row["o"].value
        if row["p"].value.endswith("#type"):
            record["class"] = value.rsplit("#", 1)[-1]
        elif name in ("agent", "object", "target", "reportedBy"):
            record[name].add(value[len(E):])
        elif name == "modality":
            record["modality"] = value.rsplit("#", 1)[-1]
        elif name in ("percent", "price", "quantity", "amountUSD", "minAmountUSD", "maxAmountUSD", "confidence"):
            record[name] = Decimal(value)
        else:
            record[name] = value
    return [r for r in found.values() if r.get("class") and "evidence" in r]


def find(store, doc: str, cls: str, **want) -> list[dict]:
    """Actions of a class whose roles include the wanted keys and whose values equal `want`."""
    hits = []
    for action in actions(store, doc):
        if action["class"] != cls:
            continue
        ok = True
        for key, value in want.items():
            if key in ("agent", "object", "target", "reportedBy"):
                ok &= set(value if isinstance(value, (set, list, tuple)) else {value}) <= action[key]
            elif isinstance(value, (int, float, str)) and key in ("percent", "price", "quantity", "amountUSD",
                                                                   "minAmountUSD", "maxAmountUSD"):
                ok &= action.get(key) == Decimal(str(value))
            else:
                ok &= action.get(key) == value
        if ok:
            hits.append(action)
    return hits


def relations(store, doc: str) -> set[tuple[str, str, str]]:
    rows = store.query(f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?p ?o WHERE {{ GRAPH <{_graph(doc)}> {{ ?st a rdf:Statement ; rdf:subject ?s ;
            rdf:predicate ?p ; rdf:object ?o }} }}""")
    return {(r["s"].value[len(E):], r["p"].value.rsplit("#", 1)[-1], r["o"].value[len(E):]) for r in rows}


# --- 000: Hankyung, 2024-09-30 ------------------------------------------------------------------

def test_000_entities(seed_store):
    found = mentioned(seed_store, "000")
    expected = {"nvidia": "Firm", "bytedance": "Firm", "huawei": "Firm", "tiktok": "Firm", "cambricon": "Firm",
                "smic": "Firm", "broadcom": "Firm", "amd": "Firm", "microsoft": "Firm",
                "nvidia-h20": "Chip", "huawei-ascend-910b": "Chip", "doubao": "AIModel",
                "china": "Country", "united-states": "Country", "hong-kong": "Country",
                "china-regulators": "Regulator", "biden-administration": "Regulator",
                "bloomberg": "MediaOutlet", "reuters": "MediaOutlet", "marketwatch": "MediaOutlet"}
    assert {k: found.get(k) for k in expected} == expected


def test_000_guidance_against_h20_reported_by_bloomberg_last_friday(seed_store):
    hits = find(seed_store, "000", "PurchaseGuidance", agent="china-regulators", object="nvidia-h20",
                date="2024-09-27", modality="Reported", reportedBy="bloomberg")
    assert hits, actions(seed_store, "000")


def test_000_bytedance_ordered_100k_ascend_910b_this_year(seed_store):
    assert find(seed_store, "000", "Purchase", agent="bytedance", object="huawei-ascend-910b",
                quantity=100000, date="2024")


def test_000_bytedance_will_train_on_huawei_chips(seed_store):
    hits = find(seed_store, "000", "ModelTraining", agent="bytedance", object="huawei-ascend-910b")
    assert hits and all(h["modality"] in ("Expected", "Planned") for h in hits)


def test_000_stock_moves_are_signed_and_per_firm(seed_store):
    assert find(seed_store, "000", "StockMove", object="nvidia", percent=-2.2, price=118)
    assert find(seed_store, "000", "StockMove", object="broadcom", percent=-1.2)
    assert find(seed_store, "000", "StockMove", object="amd", percent=-0.9)
    assert find(seed_store, "000", "StockMove", object="cambricon", percent=20, date="2024-09-30")
    assert not find(seed_store, "000", "StockMove", object="cambricon", date=None)


def test_000_revenue_in_china_reported_by_marketwatch(seed_store):
    hits = find(seed_store, "000", "Revenue", agent="nvidia", target="china", amountUSD=6200000000,
                reportedBy="marketwatch")
    assert hits and hits[0]["period"] == "2025 회계연도 상반기"


def test_000_biden_ban_in_2022(seed_store):
    assert find(seed_store, "000", "ExportControl", agent="biden-administration", target="china", date="2022")


def test_000_relations(seed_store):
    found = relations(seed_store, "000")
    assert {("tiktok", "subsidiaryOf", "bytedance"), ("bytedance", "uses", "huawei-ascend-910b")} <= found
    assert ("cambricon", "headquarteredIn", "china") in found


# --- 001: blog retelling Bloomberg, 2024-09 ----------------------------------------------------------

def test_001_entities_include_names_given_with_their_latin_originals(seed_store):
    found = mentioned(seed_store, "001")
    for key in ("cambricon", "huawei", "baichuan", "moonshot-ai", "minimax", "stepfun", "zhipu-ai", "01-ai",
                "tencent", "alibaba-group", "miit", "us-department-of-commerce", "jensen-huang"):
        assert key in found, key


def test_001_guidance_and_ban(seed_store):
    assert find(seed_store, "001", "PurchaseGuidance", agent="china-government", object="nvidia", target="china")
    assert find(seed_store, "001", "PurchaseGuidance", agent="miit", object="nvidia")
    assert find(seed_store, "001", "ExportControl", agent="us-government", target="china", date="2022")


def test_001_friday_cannot_be_resolved_with_a_month_only_article_date(seed_store):
    hits = find(seed_store, "001", "StockMove", object="nvidia", percent=-3.9, price=119.26)
    assert hits and "date" not in hits[0]


def test_001_stockpiling_by_two_firms(seed_store):
    assert find(seed_store, "001", "Purchase", agent={"bytedance", "tencent"}, object="nvidia")


def test_001_ceo(seed_store):
    assert ("jensen-huang", "ceoOf", "nvidia") in relations(seed_store, "001")


# --- 002: Korean daily, 2025-09-12 ------------------------------------------------------------------

def test_002_us_controls_a100_and_h100_since_september_2022(seed_store):
    for chip in ("nvidia-a100", "nvidia-h100"):
        assert find(seed_store, "002", "ExportControl", agent="united-states", object=chip, target="china",
                    date="2022-09")


def test_002_huawei_developed_910b_and_910c_despite_the_typo(seed_store):
    for chip in ("huawei-ascend-910b", "huawei-ascend-910c"):
        assert find(seed_store, "002", "ChipDevelopment", agent="huawei", object=chip)


def test_002_alibaba_chip_reported_by_wsj_late_last_month(seed_store):
    assert find(seed_store, "002", "ChipDevelopment", agent="alibaba-group", date="2025-08-29",
                reportedBy="wall-street-journal", modality="Reported")


def test_002_bytedance_bought_over_20k_siyuan_590_last_year(seed_store):
    assert find(seed_store, "002", "Purchase", agent="bytedance", object="cambricon-siyuan-590",
                quantity=20000, date="2024")


def test_002_baidu_trains_on_its_kunlun_p800(seed_store):
    assert find(seed_store, "002", "ModelTraining", agent="baidu", object="baidu-kunlun-p800")
    assert ("baidu", "develops", "baidu-kunlun-p800") in relations(seed_store, "002")


def test_002_typo_enbidia_is_nvidia(seed_store):
    assert find(seed_store, "002", "Purchase", agent={"alibaba-group", "baidu"}, object="nvidia")


# --- 003: The Scoop, 2025-04-17 ----------------------------------------------------------------------

def test_003_h20_licence_requirement_reported_by_ft(seed_store):
    assert find(seed_store, "003", "ExportControl", agent="us-government", object="nvidia-h20", target="china",
                date="2025-04-15", reportedBy="financial-times")


def test_003_h20_revenue_range(seed_store):
    assert find(seed_store, "003", "Revenue", agent="nvidia", object="nvidia-h20", date="2024",
                minAmountUSD=12000000000, maxAmountUSD=15000000000)


def test_003_deepseek_used_h20(seed_store):
    assert ("deepseek", "uses", "nvidia-h20") in relations(seed_store, "003")


def test_003_seo_spam_and_board_chrome_yield_nothing(seed_store):
    found = mentioned(seed_store, "003")
    assert "google" not in found  # 구글상단작업 is spam, not Google
    for action in actions(seed_store, "003"):
        assert "상위노출" not in action["evidence"] and "댓글" not in action["evidence"]


# --- 004: Digital Daily, 2025-11-02 -----------------------------------------------------------------

def test_004_entities(seed_store):
    found = mentioned(seed_store, "004")
    expected = {"nvidia": "Firm", "huawei": "Firm", "smic": "Firm", "baidu": "Firm", "tencent": "Firm",
                "alibaba-group": "Firm", "nvidia-blackwell": "Chip", "nvidia-h20": "Chip",
                "jensen-huang": "Person", "donald-trump": "Person", "xi-jinping": "Person",
                "trump-administration": "Regulator", "us-government": "Regulator", "reuters": "MediaOutlet"}
    assert {k: found.get(k) for k in expected} == expected


def test_004_washington_tightened_rules_since_2022(seed_store):
    assert find(seed_store, "004", "ExportControl", agent="us-government", target="china", date="2022")


def test_004_chinese_firms_develop_gpus(seed_store):
    assert find(seed_store, "004", "ChipDevelopment", agent={"huawei", "smic", "baidu"})


# --- across the seeds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", sorted(SEED_IDS))
def test_every_action_has_provenance_and_confidence(seed_store, doc):
    for action in actions(seed_store, doc):
        assert action["http://www.w3.org/ns/prov#wasDerivedFrom"] == _graph(doc)
        assert Decimal(0) <= action["confidence"] <= Decimal(1)
        assert action["agent"] or action["object"]


@pytest.mark.parametrize("doc", sorted(SEED_IDS))
def test_evidence_is_a_sentence_of_the_article(seed_store, doc):
    from kg.ingest import Article, iter_articles
    from tests.conftest import SEEDS

    text = next(a.text for a in iter_articles([SEEDS]) if isinstance(a, Article) and a.identifier == SEED_IDS[doc])
    for action in actions(seed_store, doc):
        assert action["evidence"] in text


def test_same_claim_in_two_articles_shares_one_action_iri(seed_store):
    rows = list(seed_store.query(f"""
        SELECT ?a (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?a <{CG}evidence> ?e }} }}
        GROUP BY ?a HAVING (COUNT(DISTINCT ?g) >= 2)"""))
    assert rows, "no action is reported by two seed articles"
