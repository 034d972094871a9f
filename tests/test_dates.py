"""Korean date expressions (kg.nlp.dates): table-driven cases from real copy, properties, data errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.resources
from kg.errors import DataFileError
from kg.nlp import dates
from kg.nlp.dates import DateMention, find_dates, find_periods

MON = "2024-09-30"          # a Monday (article 000)
SAT = "2024-10-05"          # a Saturday
A002 = "2025-09-12"         # article 002
A003 = "2025-04-17"         # article 003


def _check(text: str, found: list[DateMention], expected: list[tuple]) -> None:
    """Compare (surface, value, relative[, bound]) and check each span points at its surface,
    in order, at the first place after the previous one."""
    got = [(d.surface, d.value, d.relative, d.bound)[:len(e)] for d, e in zip(found, expected)]
    assert got == [tuple(e) for e in expected] and len(found) == len(expected), found
    cursor = 0
    for d in found:
        assert text[d.start:d.end] == d.surface
        assert d.start == text.index(d.surface, cursor)
        cursor = d.end


CASES = [
    # absolute
    ("바이든 행정부는 2022년에 발표했다", MON, [("2022년", "2022", False, None)]),
    ("2022년 9월 수출을 통제했다", MON, [("2022년 9월", "2022-09", False)]),
    ("2022년 9월 3일 발표", MON, [("2022년 9월 3일", "2022-09-03", False)]),
    ("2022년9월3일 발표", MON, [("2022년9월3일", "2022-09-03", False)]),
    ("발표일은 2022.9.3 이다", MON, [("2022.9.3", "2022-09-03", False)]),
    ("발표일은 2022. 9. 3 이다", MON, [("2022. 9. 3", "2022-09-03", False)]),
    ("기준일 2024-09-30 현재", None, [("2024-09-30", "2024-09-30", False)]),
    ("기준일 2024/09/30 현재", None, [("2024/09/30", "2024-09-30", False)]),
    ("작성일25-04-17 11:21 조회1회", A003, [("25-04-17", "2025-04-17", False)]),
    ("작성 25.04.17", None, [("25.04.17", "2025-04-17", False)]),
    ("지난 2022년 9월부터 엔비디아 'A100'", A002, [("지난 2022년 9월", "2022-09", False, "from")]),
    ("지난 2016년 설립된 캠브리콘", A002, [("지난 2016년", "2016", False, None)]),
    ("정부는 2030년까지 80%를 국산화", "2025-11-02", [("2030년", "2030", False, "until")]),
    ("워싱턴은 2022년 이후 고성능 GPU를", "2025-11-02", [("2022년", "2022", False, "after")]),
    ("H20 매출은 2024년 기준 120억~150억 달러", A003, [("2024년", "2024", False, None)]),
    ("2022년도 예산", None, [("2022년도", "2022", False)]),
    # month / day without a year
    ("이마저도 지난 4월부터 금지됐다", A002, [("지난 4월", "2025-04", True, "from")]),
    ("4월 발표", A002, [("4월", "2025-04", True)]),
    ("지난 4월 발표", "2025-02", [("지난 4월", "2024-04", True)]),
    ("지난 4월 발표", "2025-02-10", [("지난 4월", "2024-04", True)]),
    ("지난 5월에는 910D 개발 초기 단계", A002, [("지난 5월", "2025-05", True, None)]),
    ("지난 3월 열린 연례 콘퍼런스", A003, [("지난 3월", "2025-03", True)]),
    ("오는 3월 출시", A002, [("오는 3월", "2026-03", True)]),
    ("올 3월 출시", A002, [("올 3월", "2025-03", True)]),
    ("29일 보도", A002, [("29일", "2025-08-29", True)]),
    ("12일 보도", A002, [("12일", "2025-09-12", True)]),
    ("8일(현지시간) 독일 뮌헨에서", A002, [("8일", "2025-09-08", True)]),
    ("30일(미국 현지시간) 미국증시", MON, [("30일", "2024-09-30", True)]),
    ("지난 15일(이하 현지시간) 파이낸셜타임즈", A003, [("지난 15일", "2025-04-15", True)]),
    ("주가가 112.20달러(15일)에서", A003, [("15일", "2025-04-15", True)]),
    ("오는 15일 발표", "2025-09-20", [("오는 15일", "2025-10-15", True)]),
    ("7월말 기준 3만 개도 못 받았다", MON, [("7월말", "2024-07", True)]),
    ("7월 말 기준", MON, [("7월 말", "2024-07", True)]),
    ("9월 중순 발표", MON, [("9월 중순", "2024-09", True)]),
    ("7월까지의 분기 동안", "2024-09", [("7월", "2024-07", True, "until")]),
    ("9월 3일 발표", "2025-09-02", [("9월 3일", "2025-09-03", True)]),   # the next day, not a year ago
    ("9월 3일 발표", "2025-06-02", [("9월 3일", "2024-09-03", True)]),   # three months ahead: the past one
    ("이르면 12월 6일 발표", "2022-11-15", [("12월 6일", "2022-12-06", True)]),
    ("12월 시행", "2023-10-20", [("12월", "2023-12", True)]),
    ("16일 발표", "2022-11-15", [("16일", "2022-10-16", True)]),   # a bare day stays in the past
    ("2023년 8월부터 갈륨, 같은 해 12월부터 흑연", "2025-11-09",
     [("2023년 8월", "2023-08", False), ("같은 해 12월", "2023-12", True)]),   # the year written before
    ("같은 해 12월", "2025-11-09", [("같은 해 12월", None, True)]),   # no year before it: unknown
    ("12월 25일 발표", "2025-01-10", [("12월 25일", "2024-12-25", True)]),
    ("9월 30일 발표", "2025-09", [("9월 30일", "2025-09-30", True)]),
    ("16일 오전 8시56분 기준 시간 외 거래에서", A003, [("16일 오전 8시56분", "2025-04-16", True)]),
    ("이날 오후 3시 발표", A003, [("이날 오후 3시", "2025-04-17", True)]),
    # relative words
    ("월스트리트저널은 지난달 29일 알리바바가", A002, [("지난달 29일", "2025-08-29", True)]),
    ("지난달 발표", "2025-01-05", [("지난달", "2024-12", True)]),
    ("지난 달 발표", A002, [("지난 달", "2025-08", True)]),
    ("이번 달 발표", A002, [("이번 달", "2025-09", True)]),
    ("이번달 발표", A002, [("이번달", "2025-09", True)]),
    ("이달 15일 발표", A002, [("이달 15일", "2025-09-15", True)]),
    ("다음 달 발표", A002, [("다음 달", "2025-10", True)]),
    ("내달 발표", "2025-12-01", [("내달", "2026-01", True)]),
    ("주가는 올해 들어 두 배 이상 상승한 상태", "2024-09", [("올해", "2024", True)]),
    ("올해 초, 중국은", "2024-09", [("올해 초", "2024", True)]),
    ("올해 초부터 소규모 AI 모델", A002, [("올해 초", "2025", True, "from")]),
    ("올해 말까지 예상되는 미국의 제재", "2024-09", [("올해 말", "2024", True, "until")]),
    ("지난해 바이트댄스는", A002, [("지난해", "2024", True)]),
    ("작년 매출", A002, [("작년", "2024", True)]),
    ("전년 대비 30% 증가", A002, [("전년", "2024", True)]),
    ("내년 출시", A002, [("내년", "2026", True)]),
    ("지난해 9월 3일", A002, [("지난해 9월 3일", "2024-09-03", True)]),
    ("로이터는 이 날 틱톡의 모회사인", MON, [("이 날", "2024-09-30", True)]),
    ("이날 발표", A002, [("이날", "2025-09-12", True)]),
    ("이날 발표", "2024-09", [("이날", "2024-09", True)]),
    ("오늘 발표", A002, [("오늘", "2025-09-12", True)]),
    ("어제 발표", A002, [("어제", "2025-09-11", True)]),
    ("어제 발표", "2025-03-01", [("어제", "2025-02-28", True)]),
    # weekdays
    ("블룸버그 통신은 지난 금요일 늦게", MON, [("지난 금요일", "2024-09-27", True)]),
    ("금요일 발표", MON, [("금요일", "2024-09-27", True)]),
    ("지난주 금요일 발표", MON, [("지난주 금요일", "2024-09-27", True)]),
    ("지난주 금요일 발표", SAT, [("지난주 금요일", "2024-09-27", True)]),
    ("금요일 발표", SAT, [("금요일", "2024-10-04", True)]),
    ("지난 토요일 발표", SAT, [("지난 토요일", "2024-09-28", True)]),
    ("오는 금요일 발표", MON, [("오는 금요일", "2024-10-04", True)]),
    ("이번 주 금요일 발표", MON, [("이번 주 금요일", "2024-10-04", True)]),
    ("다음 주 월요일 발표", MON, [("다음 주 월요일", "2024-10-07", True)]),
    ("주가는 금요일에 3.9% 하락하여", "2024-09", [("금요일", None, True)]),
    # unresolvable: article date missing or too coarse
    ("지난달 29일 보도", "2024", [("지난달 29일", None, True)]),
    ("29일 보도", None, [("29일", None, True)]),
    ("29일 보도", "2024-09", [("29일", None, True)]),
    ("올해 매출", None, [("올해", None, True)]),
    ("지난 4월", "2024", [("지난 4월", None, True)]),
    ("어제 발표", "2024-09", [("어제", None, True)]),
    ("이날 발표", None, [("이날", None, True)]),
    ("캠브리콘은 그해 4분기 사상 처음으로", A002, [("그해", None, True)]),
    # impossible calendar dates
    ("2023년 2월 29일", None, [("2023년 2월 29일", None, False)]),
    ("2월 30일", A002, [("2월 30일", None, True)]),
    ("31일 발표", "2024-10-05", [("31일", None, True)]),
    ("2024-02-30 발표", None, [("2024-02-30", None, False)]),
    # several in one sentence, sorted
    ("지난 금요일 보도에 따르면 2022년에 금지했고 30일 다시", MON,
     [("지난 금요일", "2024-09-27", True), ("2022년", "2022", False), ("30일", "2024-09-30", True)]),
]


@pytest.mark.parametrize("text,article_date,expected", CASES,
                         ids=[f"{i}-{c[0][:12]}" for i, c in enumerate(CASES)])
def test_find_dates(text, article_date, expected):
    _check(text, find_dates(text, article_date), expected)


NOT_DATES = [
    "엔비디아는 2.2% 하락한 118달러에 거래되고 있다.",
    "어센드 910B칩을 사용해",
    "세계 시가총액 1위 자리를 유지했지만",
    "미국·싱가포르·대만에 이어 4번째로 큰 시장",
    "3만 개도 못 받았다",
    "전체의 12%인 약 37억 달러",
    "2025 회계연도 상반기에 엔비디아는",
    "2025년 회계연도 상반기",
    "오늘날의 반도체",
    "2022년형 모델",
    "1990년생 창업자",
    "2020년대 중반",
    "3일간 열린 행사",
    "10일 동안 진행",
    "3일 전 발표",
    "H20, B30A, MI308",
    "13월 32일",
    "25.4.17",
    "25년 만에",
    "01.AI, 바이추안",
    "내달렸다",
    "이들 중 다수는 미국에 기반을 둔 AI 연구소에서 일하고 있다고 말했다",
    "3개월 만에",
    "1년 전보다 30% 이상 증가",
    "이번 미국 정부의 결정은 다음 AI모델",
    "9999년",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text):
    assert find_dates(text, A002) == []


def test_seed_article_000_sentence():
    text = ("이 소식에 30일 중국 증시에서 중국 AI칩 설계 업체인 캠브리콘 테크놀로지 주가는 일일 한도인 "
            "20%까지 급등했다.")
    _check(text, find_dates(text, MON), [("30일", "2024-09-30", True)])


def test_empty_and_article_date_errors():
    assert find_dates("", A002) == []
    for bad in ("2024/09/30", "24-09-30", "2024-13", "2024-02-30", "yesterday"):
        with pytest.raises(ValueError):
            find_dates("올해", bad)


# ---------------------------------------------------------------- periods

PERIOD_CASES = [
    ("마켓워치에 따르면 2025 회계연도 상반기에 엔비디아는", ["2025 회계연도 상반기"]),
    ("7월까지의 분기 동안, 홍콩을 포함한", ["7월까지의 분기"]),
    ("캠브리콘은 그해 4분기 사상 처음으로 흑자를", ["그해 4분기"]),
    ("4분기 실적", ["4분기"]),
    ("2분기 매출은", ["2분기"]),
    ("상반기에 출시", ["상반기"]),
    ("하반기 전망", ["하반기"]),
    ("2024년 4분기 매출", ["2024년 4분기"]),
    ("지난해 4분기 매출", ["지난해 4분기"]),
    ("올 상반기 매출", ["올 상반기"]),
    ("2·4분기 실적", ["2·4분기"]),
    ("3/4분기 실적", ["3/4분기"]),
    ("FY2025 Q3 results", ["FY2025 Q3"]),
    ("2025 회계연도에", ["2025 회계연도"]),
    ("전년 동기 대비 30% 증가", ["전년 동기"]),
    ("7월로 끝난 분기", ["7월로 끝난 분기"]),
    ("1분기와 2분기", ["1분기", "2분기"]),
]


@pytest.mark.parametrize("text,expected", PERIOD_CASES)
def test_find_periods(text, expected):
    found = find_periods(text)
    assert [s for _, _, s in found] == expected
    for start, end, surface in found:
        assert text[start:end] == surface


@pytest.mark.parametrize("text", ["12분기", "2분기째 적자", "분기점", "4번째", "2.2%", "910B", "5분기"])
def test_not_periods(text):
    assert find_periods(text) == []


# ---------------------------------------------------------------- properties

_FRAGMENTS = ["2022년", "9월", "3일", "지난", "오는", " ", "지난달", "이날", "올해", "초", "말", "금요일",
              "지난주", "부터", "까지", "25-04-17", "2024-09-30", "2022.9.3", "(현지시간)", "오전 8시56분",
              "분기", "상반기", "회계연도", "2025", "4", "30", "31", "29", "2", "월", "일", "년", ".", "-",
              "그해", "어제", "내달", "이 날", "%", "달러", "H20", "Q3", "FY", "·"]
_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3)), max_size=25).map("".join),
)
_article_dates = st.one_of(
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])),
)
_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-[QH]\d)?$")


def _valid_calendar(value: str) -> bool:
    if value[5:6] in ("Q", "H"):  # a quarter or a half of a year
        return int(value[6:]) in ((1, 2, 3, 4) if value[5] == "Q" else (1, 2))
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        dt.date(*parts)
    elif len(parts) == 2:
        dt.date(parts[0], parts[1], 1)
    else:
        dt.date(parts[0], 1, 1)
    return True


@settings(max_examples=400, deadline=None)
@given(_texts, _article_dates)
def test_find_dates_properties(text, article_date):
    found = find_dates(text, article_date)
    previous_end = 0
    for d in found:
        assert 0 <= previous_end <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.surface
        previous_end = d.end
        if d.value is not None:
            assert _VALUE.match(d.value), d
            assert _valid_calendar(d.value)
            assert dates.is_iso_value(d.value) or dates.is_period_value(d.value)
        assert d.bound in (None, "from", "after", "until", "before")


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_find_periods_properties(text):
    previous_end = 0
    for start, end, surface in find_periods(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == surface
        previous_end = end


# ---------------------------------------------------------------- data errors


@pytest.fixture
def lexicon_in(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.resources, "lexicon_dir", lambda: tmp_path)
    dates.clear_cache()
    yield tmp_path
    dates.clear_cache()


def test_malformed_yaml_is_a_data_file_error(lexicon_in):
    (lexicon_in / "dates.yaml").write_text("version: 1\nprefixes: [지난, 오는\nyear_words: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        find_dates("올해", A002)
    assert "dates.yaml" in str(info.value)
    assert info.value.line is not None


@pytest.mark.parametrize("body,key", [
    ("version: 1\nprefixes: {지난: sometime}\n", "prefixes"),
    ("version: 1\nprefixes: {지난: [past]}\n", "prefixes"),
    ("- just\n- a list\n", "mapping"),
])
def test_wrong_shape_is_a_data_file_error(lexicon_in, body, key):
    (lexicon_in / "dates.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError, match=key) as info:
        find_periods("상반기")
    assert "dates.yaml" in str(info.value)


def test_missing_list_is_a_data_file_error(lexicon_in):
    import yaml
    shipped = yaml.safe_load((kg.resources.data_dir("ontology") / "lexicon" / "dates.yaml").read_text("utf-8"))
    del shipped["positions"]
    (lexicon_in / "dates.yaml").write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match="positions"):
        find_dates("올해", A002)


def test_missing_file_is_a_data_file_error(lexicon_in):
    with pytest.raises(DataFileError, match="dates.yaml"):
        find_dates("올해", A002)


def test_shipped_lexicon_loads_after_cache_clear():
    dates.clear_cache()
    assert find_dates("올해", A002)[0].value == "2025"
