"""Percentages, money, counts and ranges (kg.nlp.numbers): cases from real copy, properties, data errors."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.resources
from kg.errors import DataFileError
from kg.nlp import numbers
from kg.nlp.numbers import Quantity, find_quantities, korean_number

FIELDS = ("surface", "kind", "value", "low", "high", "currency", "unit", "qualifier", "direction")


def Q(surface, kind, value=None, low=None, high=None, currency=None, unit=None, qualifier=None, direction=0):
    return (surface, kind, None if value is None else D(value), None if low is None else D(low),
            None if high is None else D(high), currency, unit, qualifier, direction)


def _check(text: str, found: list[Quantity], expected: list[tuple]) -> None:
    got = [tuple(getattr(q, f) for f in FIELDS) for q in found]
    assert got == expected, got
    cursor = 0
    for q in found:
        assert text[q.start:q.end] == q.surface
        assert q.start == text.index(q.surface, cursor)
        cursor = q.end
        for v in (q.value, q.low, q.high):
            assert v is None or isinstance(v, D)


CASES = [
    ("바이트댄스의 경우 올해 어센드 910B 칩을 10만 개 이상 주문했지만 7월말 기준 3만 개도 못 받았다.",
     [Q("10만 개 이상", "count", "100000", unit="개", qualifier="at_least"),
      Q("3만 개", "count", "30000", unit="개")]),
    ("지난해 바이트댄스는 캠브리콘의 최신 AI 반도체 '쓰위안 590'을 2만개 넘게 구입한 것으로",
     [Q("2만개 넘게", "count", "20000", unit="개", qualifier="at_least")]),
    ("중국에서만 62억 달러, 즉 11%의 매출을 거뒀다고",
     [Q("62억 달러", "money", "6200000000", currency="USD"), Q("11%", "percent", "11")]),
    ("홍콩을 포함한 중국에서의 매출은 전체의 12%인 약 37억 달러를 기록했으며, 이는 1년 전보다 30% 이상 증가한 수치입니다.",
     [Q("12%", "percent", "12"), Q("약 37억 달러", "money", "3700000000", currency="USD", qualifier="about"),
      Q("30% 이상", "percent", "30", qualifier="at_least", direction=1)]),
    ("H20 매출은 2024년 기준 120억~150억 달러(약 17조~21조원)에 달한다.",
     [Q("120억~150억 달러", "money", low="12000000000", high="15000000000", currency="USD"),
      Q("약 17조~21조원", "money", low="17000000000000", high="21000000000000", currency="KRW",
        qualifier="about")]),
    ("엔비디아가 입는 손실이 55억 달러(약 7조8584억원)에 이를 것으로",
     [Q("55억 달러", "money", "5500000000", currency="USD"),
      Q("약 7조8584억원", "money", "7858400000000", currency="KRW", qualifier="about")]),
    ("올해 기업가치가 5조달러를 돌파하며 세계 시가총액 1위 자리를",
     [Q("5조달러", "money", "5000000000000", currency="USD")]),
    ("엔비디아는 2.2% 하락한 118달러에 거래되고 있다.",
     [Q("2.2%", "percent", "2.2", direction=-1), Q("118달러", "money", "118", currency="USD")]),
    ("엔비디아의 주가는 금요일에 3.9% 하락하여 119.26달러에 거래되며 하락세를 이어갔죠",
     [Q("3.9%", "percent", "3.9", direction=-1), Q("119.26달러", "money", "119.26", currency="USD")]),
    ("이 때문에 주가가 112.20달러(15일)에서 105.10달러까지 떨어졌다.",
     [Q("112.20달러", "money", "112.2", currency="USD"),
      Q("105.10달러", "money", "105.1", currency="USD", direction=-1)]),
    ("손실은 $5 billion, 즉 50억 달러다",
     [Q("$5 billion", "money", "5000000000", currency="USD"), Q("50억 달러", "money", "5000000000", currency="USD")]),
    ("캠브리콘 테크놀로지 주가는 일일 한도인 20%까지 급등했다.",
     [Q("20%", "percent", "20", direction=1)]),
    ("아이셰어 반도체 상장지수펀드(ETF)도 개장전 거래에서 1% 이상 하락했으며 브로드컴은 1.2%, "
     "어드밴스마이크로디바이시스(AMD)는 0.9% 하락했다.",
     [Q("1% 이상", "percent", "1", qualifier="at_least", direction=-1),
      Q("1.2%", "percent", "1.2", direction=-1), Q("0.9%", "percent", "0.9", direction=-1)]),
    ("브로드컴은 1.2%, … 0.9% 하락", [Q("1.2%", "percent", "1.2", direction=-1), Q("0.9%", "percent", "0.9", direction=-1)]),
    ("A는 1%, B는 2%, C는 3% 상승했다",
     [Q("1%", "percent", "1", direction=1), Q("2%", "percent", "2", direction=1), Q("3%", "percent", "3", direction=1)]),
    ("16일 오전 8시56분 기준 시간 외 거래에서 6.3% 하락했고", [Q("6.3%", "percent", "6.3", direction=-1)]),
    ("0.9% 하락했다", [Q("0.9%", "percent", "0.9", direction=-1)]),
    ("정부는 2030년까지 고성능 연산 자원의 80%를 국산화하겠다는", [Q("80%", "percent", "80")]),
    ("캠브리콘의 급등으로 중국의 SMIC도 상하이 증시에서 20% 급등했다.", [Q("20%", "percent", "20", direction=1)]),
    # more forms
    ("10여 개국에 수출", [Q("10여 개국", "count", "10", unit="개국", qualifier="about")]),
    ("직원 100명 채용", [Q("100명", "count", "100", unit="명")]),
    ("서버 1,234대 구입", [Q("1,234대", "count", "1234", unit="대")]),
    ("최대 1만 개", [Q("최대 1만 개", "count", "10000", unit="개", qualifier="at_most")]),
    ("3만개가량 주문", [Q("3만개가량", "count", "30000", unit="개", qualifier="about")]),
    ("100만 달러 미만", [Q("100만 달러 미만", "money", "1000000", currency="USD", qualifier="at_most")]),
    ("1억2천만원", [Q("1억2천만원", "money", "120000000", currency="KRW")]),
    ("1억 2천만 원", [Q("1억 2천만 원", "money", "120000000", currency="KRW")]),
    ("100억 위안 투자", [Q("100억 위안", "money", "10000000000", currency="CNY")]),
    ("500억엔 투자", [Q("500억엔", "money", "50000000000", currency="JPY")]),
    ("10억 유로 투자", [Q("10억 유로", "money", "1000000000", currency="EUR")]),
    ("₩1,000 할인", [Q("₩1,000", "money", "1000", currency="KRW")]),
    ("¥500 할인", [Q("¥500", "money", "500", currency="JPY")]),
    ("US$ 118 거래", [Q("US$ 118", "money", "118", currency="USD")]),
    ("100억 대만달러", [Q("100억 대만달러", "money", "10000000000", currency="TWD")]),
    ("120~150억 달러", [Q("120~150억 달러", "money", low="12000000000", high="15000000000", currency="USD")]),
    ("120억 달러~150억 달러", [Q("120억 달러~150억 달러", "money", low="12000000000", high="15000000000",
                              currency="USD")]),
    ("$5-6 billion", [Q("$5-6 billion", "money", low="5000000000", high="6000000000", currency="USD")]),
    ("10-20% 상승", [Q("10-20%", "percent", low="10", high="20", direction=1)]),
    ("하락률 2.2%", [Q("2.2%", "percent", "2.2", direction=-1)]),
    ("증가폭은 30%", [Q("30%", "percent", "30", direction=1)]),
    ("-3.5%", [Q("-3.5%", "percent", "3.5", direction=-1)]),
    ("▲2% ▼1%", [Q("▲2%", "percent", "2", direction=1), Q("▼1%", "percent", "1", direction=-1)]),
    ("금리 0.5%p 인상", [Q("0.5%p", "percent", "0.5", unit="%p")]),
    ("매출이 30%나 늘었다", [Q("30%", "percent", "30", direction=1)]),
    ("가격이 100달러로 떨어졌다", [Q("100달러", "money", "100", currency="USD", direction=-1)]),
    ("매출 30퍼센트 감소", [Q("30퍼센트", "percent", "30", direction=-1)]),
    ("점유율이 30%에 달했고, 이익은 20% 감소했다",
     [Q("30%", "percent", "30"), Q("20%", "percent", "20", direction=-1)]),
    ("매출은 30% 증가했고, 이익은 20% 감소했다",
     [Q("30%", "percent", "30", direction=1), Q("20%", "percent", "20", direction=-1)]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[f"{i}-{c[0][:14]}" for i, c in enumerate(CASES)])
def test_find_quantities(text, expected):
    _check(text, find_quantities(text), expected)


NOT_QUANTITIES = [
    "엔비디아의 H20 칩을 구매하지 못하도록",
    "화웨이의 어센드 910B칩을 사용해",
    "바이든 행정부는 2022년에",
    "30일(미국 현지시간) 미국증시",
    "미국·싱가포르·대만에 이어 4번째로 큰 시장",
    "세계 시가총액 1위 자리를",
    "정부는 2030년까지",
    "B30A와 MI308",
    "16일 오전 8시56분 기준",
    "3개월 만에",
    "3주 만에",
    "2주간 협상",
    "H20엔 천문학적 피해",
    "엔비디아엔 천문학적 피해",
    "3원칙",
    "10만 명이 아니라 10만",
    "수십억 달러의 보조금",
    "두 배 이상 상승한",
    "01.AI, 바이추안",
    "2024-09-30",
    "작성일25-04-17 11:21",
    "5배 증가",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_quantities(text):
    found = find_quantities(text)
    if text.startswith("10만 명이"):
        assert [q.surface for q in found] == ["10만 명"]
    else:
        assert found == []


KOREAN_NUMBERS = [
    ("10만", "100000"), ("62억", "6200000000"), ("7조8584억", "7858400000000"), ("7조 8584억", "7858400000000"),
    ("1,234", "1234"), ("2.2", "2.2"), ("3천", "3000"), ("3천만", "30000000"), ("1억2천만", "120000000"),
    ("천만", "10000000"), ("5 billion", "5000000000"), ("1.5 Billion", "1500000000"), ("112.20", "112.2"),
    ("0.9", "0.9"), ("5조", "5000000000000"), ("12억3456만7890", "1234567890"), ("2백", "200"),
]


@pytest.mark.parametrize("surface,value", KOREAN_NUMBERS)
def test_korean_number(surface, value):
    result = korean_number(surface)
    assert isinstance(result, D)
    assert result == D(value)
    assert str(result) == value            # canonical: no exponent, no trailing zeros


@pytest.mark.parametrize("surface", ["", "  ", "abc", "만억", "3 4", "천백천", "5 billion 3", "1억 billion", "10%",
                                     "1,23", "억x"])
def test_korean_number_rejects(surface):
    with pytest.raises(ValueError):
        korean_number(surface)


def test_same_amount_same_string():
    """Identities hash str(value): "62억 달러" and "$6.2 billion" must agree."""
    a = find_quantities("62억 달러")[0].value
    b = find_quantities("$6.2 billion")[0].value
    assert a == b and str(a) == str(b) == "6200000000"


# ---------------------------------------------------------------- properties

_FRAGMENTS = ["10만", "억", "조", "천", " ", "개", "달러", "원", "%", "약 ", " 이상", " 하락", " 급등했다", "~", "-",
              ",", "1.2", "0.9", "$", "₩", "¥", "billion", "H20", "910B", "여", "명", "넘게", "(", ")", "까지",
              "2022년", "30일", "▲", "▼", "%p", "1,234", "99999999999999999999", "7조8584억", "。", "…"]
_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3)), max_size=25).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_find_quantities_properties(text):
    previous_end = 0
    for q in find_quantities(text):
        assert previous_end <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.surface
        previous_end = q.end
        assert q.kind in ("percent", "money", "count")
        assert q.direction in (-1, 0, 1)
        assert q.qualifier in (None, "about", "at_least", "at_most")
        assert (q.currency is not None) == (q.kind == "money")
        if q.value is None:
            assert isinstance(q.low, D) and isinstance(q.high, D) and q.low <= q.high
        else:
            assert isinstance(q.value, D) and q.value >= 0 and q.low is None and q.high is None


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_korean_number_total(text):
    try:
        assert isinstance(korean_number(text), D)
    except ValueError:
        pass


# ---------------------------------------------------------------- data errors


@pytest.fixture
def lexicon_in(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.resources, "lexicon_dir", lambda: tmp_path)
    numbers.clear_cache()
    yield tmp_path
    numbers.clear_cache()


def test_malformed_yaml_is_a_data_file_error(lexicon_in):
    (lexicon_in / "numbers.yaml").write_text("version: 1\nbig_units:\n  만: 4\n   억: [8\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        find_quantities("62억 달러")
    assert "numbers.yaml" in str(info.value)
    assert info.value.line is not None


@pytest.mark.parametrize("body,key", [
    ("version: 1\nbig_units: {만: many}\n", "big_units"),
    ("version: 1\nbig_units: {만: [4]}\n", "big_units"),
    ("just a string\n", "mapping"),
])
def test_wrong_shape_is_a_data_file_error(lexicon_in, body, key):
    (lexicon_in / "numbers.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError, match=key) as info:
        korean_number("10만")
    assert "numbers.yaml" in str(info.value)


@pytest.mark.parametrize("key,bad", [("qualifiers_after", {"이상": ["at_least"]}), ("counters", []),
                                     ("currency_words", {"달러": "dollar"}), ("list_span", "forty")])
def test_bad_entries_are_data_file_errors(lexicon_in, key, bad):
    import yaml
    shipped = yaml.safe_load((kg.resources.data_dir("ontology") / "lexicon" / "numbers.yaml").read_text("utf-8"))
    shipped[key] = bad
    (lexicon_in / "numbers.yaml").write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=key):
        find_quantities("62억 달러")


def test_missing_file_is_a_data_file_error(lexicon_in):
    with pytest.raises(DataFileError, match="numbers.yaml"):
        find_quantities("62억 달러")


def test_shipped_lexicon_loads_after_cache_clear():
    numbers.clear_cache()
    assert find_quantities("62억 달러")[0].currency == "USD"
