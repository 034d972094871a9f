"""Property-based tests (hypothesis): random Unicode through cleaning, sentences and extraction.

No exception escapes any stage; offsets stay inside the text; every surface is the text at its
offsets; every evidence string is a substring of its article; the quads of any extraction can be
written to the store and read back unchanged. Two kinds of input: arbitrary Unicode (every
code point, surrogates included) and news-like text assembled from names, particles, numbers,
dates, punctuation and invisible characters, which reaches deep into the extraction rules.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import MAX_LINE_CHARS, Article, Problem, clean_text, decode_bytes, iter_articles

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])

ANY_TEXT = st.text(alphabet=st.characters(codec=None), max_size=400)
FRAGMENTS = [
    "엔비디아", "화웨이", "바이트댄스", "캠브리콘", "알리바바", "미국 상무부", "중국 정부", "H20", "블랙웰", "어센드 910B",
    "Nvidia", "(NVIDIA)", "는 ", "은 ", "이 ", "가 ", "을 ", "를 ", "의 ", "에 ", "에게 ", "으로 ", "와 ", "과 ",
    "칩", "AI 칩을 ", "수출을 ", "금지했다", "구매했다", "개발했다", "훈련할 계획이다", "규제를 강화했다고 ", "보도했다",
    "하락했다", "상승한 ", "밝혔다", "전망이다", "부인했다", "면서 ", "지만 ", "고 ", "며 ",
    "2.2%", "6.3% ", "118달러", "62억 달러", "120억~150억 달러", "10만 개", "1조 원", "-3.9%", "3분기", "2025 회계연도",
    "지난 15일", "지난달 29일", "올해 초", "지난 금요일", "2024년 9월 30일", "2025-04-17", "내년", "작년 4분기",
    ". ", "? ", "! ", ".", ",", " ", "  ", "\n", "\n\n", "\t", '"', "'", "“", "”", "(", ")", "[", "]", "…", "·", "~",
    "\u200b", "\u00a0", "\ufeff", "\x00", "\x1b", "\u202e", "\r", "\u2028", "가", "나", "ㅋㅋ", "😀", "漢字", "é",
]
NEWS_TEXT = st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join)
TEXTS = st.one_of(ANY_TEXT, NEWS_TEXT)
DATES = st.sampled_from([None, "2025", "2025-04", "2025-04-17", "2024-02-29", "1900-01-01", "2100-12-31"])


# --------------------------------------------------------------------------------------
# Cleaning and decoding
# --------------------------------------------------------------------------------------


@FAST
@given(TEXTS, st.booleans())
@example("가" * (MAX_LINE_CHARS * 2 + 1), False)
@example("<html><script>x</script>" + "엔비디아는 하락했다. " * 400, True)
@example("\ud800", True)
def test_clean_text_never_raises_and_gives_clean_short_lines(raw, html):
    text = clean_text(raw, html=html)
    assert isinstance(text, str)
    for line in text.split("\n") if text else []:
        assert line and line == line.strip()
        assert len(line) <= MAX_LINE_CHARS
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in line)
    assert unicodedata.is_normalized("NFC", text)


@FAST
@given(st.binary(max_size=600))
@example(b"\xff\xfe\x00")  # a UTF-16 BOM and an odd byte
@example(b"\xef\xbb\xbf\xff")  # a UTF-8 BOM and invalid UTF-8
@example("엔비디아".encode("utf-16-be"))
def test_decode_bytes_returns_text_or_raises_input_error(data):
    try:
        text = decode_bytes(data)
    except InputError as exc:
        assert exc.message
    else:
        assert isinstance(text, str)


@SLOW
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b.md", "c.html", "d.jsonl", "manifest.csv", "e.txt"]),
                          st.one_of(st.binary(max_size=300), TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")))),
                max_size=5))
def test_iter_articles_never_raises_on_any_files(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("any")
    for name, data in files:
        (folder / name).write_bytes(data)
    for item in iter_articles([folder, folder / "a.txt", folder / "missing.txt"]):
        assert isinstance(item, (Article, Problem))
        if isinstance(item, Article):
            assert item.text.strip() and item.content_hash.startswith("sha256:")
        else:
            assert item.source and item.message and item.action


# --------------------------------------------------------------------------------------
# Sentences and extraction (Kiwi is loaded once per process)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp.morph import analyzer

    return analyzer()


@SLOW
@given(TEXTS)
@example("엔비디아는 하락했다.H20은 올랐다." * 3)
@example("\n\n  \n")
def test_sentences_have_offsets_inside_the_text(nlp, text):
    previous_end = 0
    for sentence in nlp.sentences(text):
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert sentence.start >= previous_end  # in order, not overlapping
        assert text[sentence.start:sentence.end] == sentence.text
        previous_end = sentence.end
        for token in sentence.tokens:
            assert 0 <= token.start <= token.end <= len(text)


def _check_extraction(article: Article, extraction) -> None:
    text = extraction.text
    assert text.endswith(article.text)
    for mention in extraction.mentions:
        assert 0 <= mention.start < mention.end <= len(text), mention
        assert text[mention.start:mention.end] == mention.surface, mention
    for action in extraction.actions:
        assert action.evidence and action.evidence in text, action
        assert 0 <= action.sentence_start < len(text)
        assert 0.0 <= action.confidence <= 1.0
        if action.date is not None and action.date.surface:
            assert 0 <= action.date.start < action.date.end <= len(text), action.date
            assert text[action.date.start:action.date.end] == action.date.surface, action.date
        elif action.date is not None:  # the story's day, inherited: no span of this sentence
            assert action.date.anchored and action.date.start == action.date.end, action.date
    for relation in extraction.relations:
        assert relation.evidence and relation.evidence in text, relation
        assert 0.0 <= relation.confidence <= 1.0


def _check_quads_round_trip(article: Article, extraction) -> None:
    """The build writes the quads with one SPARQL update: any text must survive it."""
    from kg.rdf.triples import article_quads
    from kg.namespaces import article_iri
    from kg.rdf.store import KnowledgeStore

    quads = list(article_quads(extraction, pipeline_version="test", min_confidence=0.0))
    store = KnowledgeStore(None)
    iri = article_iri(article.identifier)
    store.replace_graph(iri, quads)
    assert {str(q) for q in store.quads(iri)} == {str(q) for q in quads}


@SLOW
@given(TEXTS, DATES)
@example("엔비디아는 2.2% 하락한 118달러에 거래되고 있다. 미국 상무부는 지난 15일 H20의 중국 수출을 금지했다.", "2025-04-17")
@example("바이트댄스는 화웨이의 어센드 910B 칩으로 AI 모델을 훈련할 계획이라고 블룸버그가 보도했다.", None)
def test_extraction_of_cleaned_text_keeps_evidence_in_the_article(nlp, raw, date):
    from kg.extract import extract

    text = clean_text(raw)
    if not text.strip():
        return
    article = Article(identifier="prop 1/ä?#", text=text, date=date, title="제목\"\\", outlet="연합뉴스",
                      url="https://example.com/a?b=<c>", content_hash="sha256:x")
    extraction = extract(article, nlp=nlp)
    _check_extraction(article, extraction)
    _check_quads_round_trip(article, extraction)


@SLOW
@given(TEXTS, DATES)
def test_extraction_of_raw_text_never_raises(nlp, text, date):
    from kg.extract import extract

    article = Article(identifier="raw", text=text, date=date)
    _check_extraction(article, extract(article, nlp=nlp))
