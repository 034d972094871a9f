"""Korean text handling on sentences written for the tests, not taken from the seeds.

Particles, spacing variants, misspellings, mixed scripts, unknown names, relative dates and
amounts: each case is a general phenomenon of Korean news copy.
"""

from __future__ import annotations

import pytest

from kg.extract import SentenceDoc, rules, sentence_actions
from kg.lexicon import gazetteer
from kg.nlp.mentions import find_mentions
from kg.nlp.morph import analyzer

ARTICLE_DATE = "2025-09-12"


def sentence(text: str):
    found = analyzer().sentences(text)
    assert len(found) == 1, [s.text for s in found]
    return found[0]


def mentions(text: str) -> list[tuple[str, str]]:
    return [(m.key, m.cue) for m in find_mentions(sentence(text))]


def actions(text: str, article_date: str = ARTICLE_DATE):
    s = sentence(text)
    return sentence_actions(SentenceDoc(s, find_mentions(s), article_date, gazetteer(), rules()))


@pytest.mark.parametrize("text, key, cue", [
    ("엔비디아의 칩", "nvidia", "genitive"),
    ("엔비디아는 말했다.", "nvidia", "topic"),
    ("엔비디아가 말했다.", "nvidia", "subject"),
    ("엔비디아를 샀다.", "nvidia", "object"),
    ("엔비디아에 판매했다.", "nvidia", "dative"),
    ("엔비디아 칩으로 훈련했다.", "nvidia", "instrument"),
    ("바이트댄스의 경우 많이 샀다.", "bytedance", "topic"),
    ("바이두 역시 개발했다.", "baidu", "topic"),
])
def test_particles_give_the_role_cue(text, key, cue):
    assert (key, cue) in mentions(text)


@pytest.mark.parametrize("text", ["어센드910B를 샀다.", "어센드 910B를 샀다.", "Ascend 910B를 샀다.",
                                  "어센트 '910B'를 샀다."])
def test_spacing_script_and_typo_variants_of_a_chip(text):
    assert ("huawei-ascend-910b", "object") in mentions(text)


def test_misspelt_firm_name_is_recognised():
    assert ("nvidia", "genitive") in mentions("엔디비아의 AI 반도체를 구매했다.")  # a known misspelling
    found = find_mentions(sentence("바이트던스가 칩을 샀다."))  # one syllable off: typo tolerance
    assert [(m.key, m.method) for m in found] == [("bytedance", "fuzzy")] and found[0].confidence < 0.9


def test_a_different_name_is_not_taken_for_a_typo():
    found = find_mentions(sentence("뉴로칩 테크놀로지스가 새 AI 칩을 출시했다."))
    assert [(m.type, m.method, m.label_ko) for m in found] == [("Firm", "suffix", "뉴로칩 테크놀로지스")]


def test_single_word_company_name_with_a_suffix_is_a_new_firm():
    found = find_mentions(sentence("신생 업체 한빛일렉트로닉스는 반도체 설계를 시작했다."))
    assert [(m.type, m.label_ko) for m in found if m.is_new] == [("Firm", "한빛일렉트로닉스")]


def test_quoted_chip_name_after_a_chip_word_is_a_new_chip():
    found = find_mentions(sentence("텐센트는 자체 AI 반도체 '쯔샤오 2'를 공개했다."))
    assert [(m.type, m.label_ko) for m in found if m.is_new] == [("Chip", "쯔샤오 2")]


def test_name_with_its_latin_original_is_one_mention():
    found = find_mentions(sentence("캠브리콘 테크놀로지스(Cambricon Technologies Corp.)와 화웨이가 있다."))
    assert [m.key for m in found] == ["cambricon", "huawei"]


def test_list_members_share_the_particle_of_the_list():
    s = sentence("알리바바와 바이두 등 빅테크 기업들이 칩을 샀다.")
    found = find_mentions(s)
    context = SentenceDoc(s, found, ARTICLE_DATE, gazetteer(), rules())
    assert {m.key: context.cues[id(m)] for m in found} == {"alibaba-group": "subject", "baidu": "subject"}


def test_unknown_name_with_latin_original_becomes_a_new_firm():
    found = find_mentions(sentence("중국 AI 스타트업 즈위안(Zhiyuan)은 기업 가치가 높다."))
    new = [m for m in found if m.is_new]
    assert [(m.type, m.label_ko, m.label_en) for m in new] == [("Firm", "즈위안", "Zhiyuan")]
    assert new[0].confidence < 0.9


def test_term_glosses_in_parentheses_are_not_names():
    found = find_mentions(sentence("대규모 언어 모델(LLM)과 상장지수펀드(ETF)가 늘었다."))
    assert not [m for m in found if m.is_new]


def test_unknown_chip_code_with_a_chip_word_becomes_a_new_chip():
    found = find_mentions(sentence("엔비디아는 새 AI 칩 B40을 내놓았다."))
    assert any(m.is_new and m.type == "Chip" and m.label_en == "B40" for m in found)


def test_licence_granted_by_an_agency_with_a_parenthesised_acronym():
    [action] = actions("미국 상무부 산업안보국(BIS)은 엔비디아에 H20 수출 라이선스를 발급했다고 밝혔다.")
    assert action.cls == "ExportPermission"
    assert action.roles["agent"] == ("bis",) and action.roles["object"] == ("nvidia-h20",)


def test_antitrust_probe_with_a_bare_day_before_the_article_day():
    [action] = actions("중국 국가시장감독관리총국은 엔비디아에 대한 반독점 조사에 착수했다고 15일 발표했다.")
    assert (action.cls, action.roles["agent"], action.roles["target"]) == ("Investigation", ("samr",), ("nvidia",))
    assert action.date.value == "2025-08-15"


def test_planned_mass_production_is_marked_planned():
    [action] = actions("화웨이는 올해 어센드 910C 칩을 양산할 계획이다.")
    assert (action.cls, action.modality, action.date.value) == ("ChipDevelopment", "Planned", "2025")


def test_failed_attempt_is_denied_and_reported():
    [action] = actions("딥시크는 화웨이 어센드 칩으로 R2 모델을 훈련하려 했으나 실패했다고 FT가 보도했다.")
    assert (action.cls, action.modality, action.reported_by) == ("ModelTraining", "Denied", ("financial-times",))


def test_a_firm_resuming_sales_is_not_a_government_permission():
    assert not actions("엔비디아가 H20 판매를 재개했다.")


def test_a_licence_requirement_is_not_a_permission():
    assert not [a for a in actions("상무부는 엔비디아가 H20을 중국에 수출하려면 허가를 받아야 한다고 통보했다.")
                if a.cls == "ExportPermission"]


def test_relative_month_and_stock_move_values():
    [permission] = actions("미국 정부는 지난달 엔비디아의 H20 수출 허가를 다시 내줬다.")
    assert permission.date.value == "2025-08"
    [move] = actions("엔비디아 주가는 3일(현지시간) 뉴욕증시에서 4.5% 오른 180달러에 마감했다.")
    assert (str(move.values["percent"]), str(move.values["price"]), move.date.value) == ("4.5", "180", "2025-09-03")


def test_revenue_growth_is_a_signed_percent():
    [revenue] = actions("캠브리콘은 지난해 매출이 11억7천만 위안으로 전년 대비 65.6% 증가했다고 밝혔다.")
    assert revenue.roles["agent"] == ("cambricon",) and str(revenue.values["percent"]) == "65.6"
    assert revenue.date.value == "2024"


def test_a_conditional_in_a_quote_is_hypothetical():
    found = actions("그는 “미국이 엔비디아의 AI 칩 수출을 봉쇄하면 중국은 자체 기술을 키울 것”이라고 말했다.")
    controls = [a for a in found if a.cls == "ExportControl"]
    assert controls and controls[0].modality == "Hypothetical"


def test_page_chrome_and_spam_give_no_mentions():
    from kg.ingest import clean_text

    cleaned = clean_text("공유\n댓글\n프린트\n구글상단작업 상위노출 네이버블로그매크로 구글상단노출 웹SEO 상위노출 "
                         "플레이스상위 구글상단작업 마케팅프로그램 네이버상위노출\n")
    assert cleaned.strip() == ""


def test_coordinated_clauses_share_subject_and_arguments():
    found = actions("앞서 트럼프 행정부는 지난 4월 H20의 중국 수출에 대해 라이선스를 요구하며 사실상 판매를 금지했다.")
    control = [a for a in found if a.cls == "ExportControl"]
    assert control and control[0].roles["agent"] == ("trump-administration",)
    assert control[0].roles["object"] == ("nvidia-h20",) and control[0].date.value == "2025-04"


def test_probe_announced_in_a_second_clause_keeps_its_target():
    found = actions("중국 국가시장감독관리총국(SAMR)은 15일 엔비디아가 반독점법을 위반한 혐의가 있다며 "
                    "추가 조사를 진행하겠다고 발표했다.")
    assert [(a.cls, a.roles["agent"], a.roles["target"]) for a in found] == [("Investigation", ("samr",), ("nvidia",))]


def test_a_comparison_baseline_is_not_the_date():
    [revenue] = actions("캠브리콘은 상반기 매출이 28억8천만 위안으로 전년 동기 대비 4347% 급증했다고 공시했다.")
    assert revenue.date.value == "2025-H1" and str(revenue.values["percent"]) == "4347"


def test_a_recommended_use_is_guidance_content_not_training():
    assert not [a for a in actions("딥시크는 차세대 모델 훈련에 화웨이 칩을 사용하라는 당국의 권고를 받았다고 "
                                   "파이낸셜타임스가 전했다.") if a.cls == "ModelTraining"]


@pytest.mark.parametrize("text", [
    "미국 정부가 엔비디아의 인공지능(AI) 칩 H20을 중국에 수출하려면 별도의 허가를 받도록 했다.",
    "지난 4월 미 상무부가 H20 수출에 허가 의무를 부과했다.",
])
def test_licence_requirements_are_export_controls(text):
    found = actions(text)
    assert [a.cls for a in found] == ["ExportControl"], found
    assert found[0].roles["object"] == ("nvidia-h20",)


def test_a_country_after_a_directional_prefix_is_the_target():
    found = actions("미국이 이달 엔비디아 H20의 대중국 수출을 사실상 막으면서 중국 기업들은 대체재 확보에 나섰다.")
    control = [a for a in found if a.cls == "ExportControl"]
    assert control and control[0].roles["target"] == ("china",) and control[0].roles["agent"] == ("united-states",)


def test_said_with_a_title_between_name_and_particle():
    found = actions("도널드 트럼프 미국 대통령은 11일 백악관 기자회견에서 \"처음에 20%를 요구했다\"고 말했다.")
    statement = [a for a in found if a.cls == "Statement"]
    assert statement and statement[0].roles["agent"] == ("donald-trump",) and statement[0].date.value == "2025-09-11"


def test_as_early_as_is_not_a_condition():
    [action] = actions("화웨이가 자체 개발한 AI 칩 '어센드 910C'를 이르면 다음 달부터 중국 고객사에 대량 공급한다.")
    assert action.modality != "Hypothetical"


def test_korean_thousands_inside_a_number():
    from kg.nlp.numbers import find_quantities

    [q] = find_quantities("작년 같은 기간보다 4천347% 증가했다")
    assert (str(q.value), q.direction) == ("4347", 1)


def test_a_reference_to_a_control_as_a_reason_is_not_a_new_control():
    assert not [a for a in actions("H20은 엔비디아가 2023년 미국의 수출 규제를 피해 중국 시장용으로 만든 저사양 칩이다.")
                if a.cls == "ExportControl"]


def test_listing_a_firm_on_a_blacklist_is_an_export_control():
    [control] = actions("미국 상무부는 화웨이를 수출 블랙리스트에 올렸다.")
    assert (control.cls, control.roles["agent"], control.roles["target"]) == \
        ("ExportControl", ("us-department-of-commerce",), ("huawei",))  # a listed firm is the target


def test_tightened_licence_requirements_are_not_a_permission():
    found = actions("네덜란드 정부는 ASML의 심자외선(DUV) 장비 수출에 대한 허가 요건을 강화했다.")
    assert [a.cls for a in found] == ["ExportControl"]


def test_a_denied_purchase_ban():
    [guidance] = actions("중국 규제당국은 엔비디아 칩 구매 금지 보도를 부인했다.")
    assert (guidance.cls, guidance.modality, guidance.roles["agent"]) == \
        ("PurchaseGuidance", "Denied", ("china-regulators",))


def test_an_undated_market_close_takes_the_story_day_not_a_stated_date():
    """전날보다 is the move's baseline, not its day; the move happened on the story's day (the 15th
    the lede named), and that inherited day is not written as a date the sentence states."""
    from kg.extract import extract
    from kg.ingest import Article

    text = ("미국 상무부 산업안보국(BIS)은 15일 중국 기업 140곳을 수출 통제 명단에 추가했다.\n"
            "엔비디아 주가는 뉴욕증시에서 전날보다 3.5% 떨어진 170.50달러에 거래를 마쳤다.")
    moves = [a for a in extract(Article("t", text, date=ARTICLE_DATE)).actions if a.cls == "StockMove"]
    assert [(m.date.value, m.date.surface, str(m.values["percent"]), str(m.values["price"])) for m in moves] == [
        ("2025-08-15", "", "-3.5", "170.5")]


def test_setting_a_cue_keeps_every_other_field():
    """The cue is set by building the mention anew (faster than dataclasses.replace): a field
    added to Mention and not carried over would silently fall back to its default."""
    import dataclasses

    from kg.nlp.cues import replace_cue as _replace_cue
    from kg.nlp.mentions import Mention

    values = {f.name: f"v-{f.name}" for f in dataclasses.fields(Mention)}
    mention = Mention(**values)
    assert _replace_cue(mention, "subject") == dataclasses.replace(mention, cue="subject")
    assert _replace_cue(mention, mention.cue) is mention


@pytest.mark.parametrize("text", ["엔비디아의 H20, 어센드910B", "ﬁnance·Straße (화웨이)", "", "  ,;  ", "Ａｓｃｅｎｄ 9１0B칩"])
def test_folded_text_maps_back_to_its_characters(text):
    from kg.text import normalize_name as normalize
    from kg.nlp.mentions import HARD_BOUNDARY as _HARD_BOUNDARY, folded_chars as _folded_chars

    folded, offsets, hard = _folded_chars(text, 100)
    assert folded == normalize("".join(" " if ch in _HARD_BOUNDARY else ch for ch in text))
    assert len(offsets) == len(folded) and offsets == sorted(offsets)
    for i, offset in enumerate(offsets):
        assert folded[i] in normalize(text[offset - 100])
    boundaries = [i for i, ch in enumerate(text) if ch in _HARD_BOUNDARY]
    assert hard == {sum(1 for o in offsets if o < 100 + i) for i in boundaries}
