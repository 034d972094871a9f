"""Ingest: real seed copy, encodings, broken inputs, metadata sources and cleaning rules."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import DataFileError, InputError
from kg.ingest import (
    Article,
    Problem,
    clean_text,
    decode_bytes,
    iter_articles,
    load_boilerplate,
    parse_date,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
KOREAN = ("엔비디아는 2.2% 하락한 118달러에 거래되고 있다.\n"
          "중국 규제 기관이 H20 칩을 구매하지 못하도록 지침을 내렸다고 보도했다.\n"
          "바이트댄스는 화웨이의 어센드 910B 칩으로 AI 모델을 훈련할 계획이다.")


def run(*paths) -> tuple[list[Article], list[Problem]]:
    items = list(iter_articles(list(paths)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.identifier: a for a in articles}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    articles, problems = run(SEEDS)
    assert problems == []
    return by_id(articles)


# --------------------------------------------------------------------------------------
# Seeds: real copy
# --------------------------------------------------------------------------------------


def test_seeds_yield_five_articles_with_manifest_metadata(seeds):
    assert sorted(seeds) == ["000_e3e1c4b4497a31e5", "001_95c58bfde6776d8a", "002_c2b0ad42cbf38662",
                             "003_95b58d0a8247b5bf", "004_943bab4e8671f631"]
    assert {k: a.date for k, a in seeds.items()} == {
        "000_e3e1c4b4497a31e5": "2024-09-30", "001_95c58bfde6776d8a": "2024-09",
        "002_c2b0ad42cbf38662": "2025-09-12", "003_95b58d0a8247b5bf": "2025-04-17",
        "004_943bab4e8671f631": "2025-11-02"}
    assert seeds["000_e3e1c4b4497a31e5"].outlet == "Korea Economic Daily"
    assert seeds["003_95b58d0a8247b5bf"].title == "AI칩 수출 통제한 美 정부"
    assert seeds["000_e3e1c4b4497a31e5"].source.endswith("000_e3e1c4b4497a31e5.txt")
    for article in seeds.values():
        assert article.content_hash.startswith("sha256:") and len(article.content_hash) == 71


def test_seed_000_loses_toolbar_and_repeats(seeds):
    article = seeds["000_e3e1c4b4497a31e5"]
    lines = article.text.split("\n")
    for chrome in ("공유", "댓글", "프린트", "-", "기사 스크랩", "클린뷰"):
        assert chrome not in lines
    assert article.title == "\"중국산 써라\" 파격 결정에…잘 나가던 엔비디아 '어쩌나'"
    assert not lines[0].startswith('"중국산 써라"')  # the headline is not repeated in the body
    assert article.text.count("엔비디아는 2.2% 하락한 118달러에 거래되고 있다.") == 1
    assert article.text.count('중국정부, 자국기업에 "중국산칩 사용" 지침 내려') == 1
    assert "kja@hankyung.com" not in article.text and "김정아" not in article.text
    assert "그 사이 중국은 캠브리콘 테크놀로지와 화웨이 같은 국내 칩 제조업체를 육성했다." in article.text
    assert "틱톡 모회사 바이트댄스 화웨이칩으로 AI모델 훈련" in lines
    assert len(lines) == len(set(lines))


def test_seed_001_loses_related_widget(seeds):
    article = seeds["001_95c58bfde6776d8a"]
    assert "함께 보면 좋은 글" not in article.text
    assert article.title is None  # the first line is a long paragraph, not a headline
    assert article.text.endswith("자체 제작한 화웨이 칩도 함께 구매하고 있는 상황입니다.")


def test_seed_002_keeps_subheads_and_drops_glued_photo_credits(seeds):
    text = seeds["002_c2b0ad42cbf38662"].text
    assert "中 빅테크 자체 AI 반도체 개발해 AI 모델 훈련 투입" in text.split("\n")
    assert "전시돼있다. 중국 기업들이 잇따라" in text
    assert "중국 알리바바. 로이터통신은" in text
    assert "연합뉴스" not in text


def test_seed_003_loses_board_chrome_and_spam(seeds):
    article = seeds["003_95b58d0a8247b5bf"]
    text = article.text
    assert "작성자" not in text and "조회1회" not in text
    assert "구글상단작업" not in text and "상위노출" not in text
    for chrome in ("댓글목록", "등록된 댓글이 없습니다.", "페이지 정보", "본문"):
        assert chrome not in text.split("\n")
    assert "[사진 | 뉴시스]" not in text
    assert "lhk@thescoop.co.kr" not in text
    assert "미국이 엔비디아의 인공지능(AI)칩 수출에 제동을 걸었다." in text
    assert "꼬집은 것이다." in text
    assert text.split("\n")[0].startswith("더스쿠프 글로벌 브리핑AI칩 수출 통제한 美 정부엔비디아")


def test_seed_004_loses_credit_byline_and_repeated_block(seeds):
    article = seeds["004_943bab4e8671f631"]
    text = article.text
    assert "[ⓒ 연합뉴스]" not in text and "ⓒ" not in text
    assert "[디지털데일리 김문기 기자]" not in text
    assert text.count("미국과 중국이 고위급 무역 협상을 재개했지만") == 1
    assert text.count("부메랑이 될 수 있다") == 1
    assert "댓글목록" not in text
    assert article.title.startswith("[인더AI] 젠슨 황 엔비디아 CEO")
    assert text.split("\n")[0].startswith("미국과 중국이 고위급 무역 협상을 재개했지만")
    assert len(text.split("\n")) == 8


# inline material the cleaner is meant to cut from inside content lines
_INLINE_REMOVED = ("김정아 객원기자 kja@hankyung.com", "[사진 | 뉴시스]", "이혁기 더스쿠프 기자lhk@thescoop.co.kr",
                   "[디지털데일리 김문기 기자] ", "연합뉴스중국", "연합뉴스로이터", "연합뉴스이 가운데")


_CHROME_SENTENCES = {"등록된 댓글이 없습니다."}


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_no_content_sentence_is_lost(seeds, name):
    """Every raw line that holds a sentence survives cleaning (minus credits cut inline)."""
    text = seeds[Path(name).stem].text
    for raw in (SEEDS / name).read_text(encoding="utf-8").split("\n"):
        line = re.sub(r"\s+", " ", raw).strip()
        for cut in _INLINE_REMOVED:
            line = line.replace(cut, cut[4:] if cut.startswith("연합뉴스") else "").strip()
        if re.search(r"[다요]\.", line) and line not in _CHROME_SENTENCES:
            assert line in text, line[:60]


# --------------------------------------------------------------------------------------
# Encodings and binary files
# --------------------------------------------------------------------------------------

ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "cp949": lambda t: t.encode("cp949"),
    "euc-kr": lambda t: t.encode("euc-kr"),
    "utf-16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16-be-no-bom": lambda t: t.encode("utf-16-be"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_encodings_decode_identically(tmp_path, encoding):
    data = ENCODINGS[encoding](KOREAN)
    assert decode_bytes(data) == KOREAN
    (tmp_path / "article.txt").write_bytes(data)
    articles, problems = run(tmp_path)
    assert problems == []
    assert [a.text for a in articles] == [KOREAN]


def test_same_text_in_different_encodings_has_the_same_hash(tmp_path):
    hashes = set()
    for encoding in ("utf-8", "cp949", "utf-16-le-bom"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "a.txt").write_bytes(ENCODINGS[encoding](KOREAN))
        hashes.add(run(folder)[0][0].content_hash)
    assert len(hashes) == 1


@pytest.mark.parametrize(("data", "kind"), [
    (PNG, "PNG image"),
    (gzip.compress(KOREAN.encode("utf-8")), "gzip archive"),
    (b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
])
def test_binary_files_are_problems_naming_the_file(tmp_path, data, kind):
    path = tmp_path / "photo.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=kind):
        decode_bytes(data)
    articles, problems = run(tmp_path)
    assert articles == []
    assert len(problems) == 1
    assert problems[0].source == str(path)
    assert f"binary file ({kind})" in problems[0].message
    assert problems[0].action == "skipped"


def test_random_control_bytes_are_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 8)


def test_empty_and_whitespace_only_files_are_problems(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n\u3000\u200b\n", encoding="utf-8")
    (tmp_path / "chrome.txt").write_text("공유\n-\n댓글\n프린트\n", encoding="utf-8")
    articles, problems = run(tmp_path)
    assert articles == []
    assert sorted(Path(p.source).name for p in problems) == ["blank.md", "chrome.txt", "empty.txt"]
    assert all("empty article" in p.message and p.action == "skipped" for p in problems)


def test_missing_path_is_a_problem_not_an_exception(tmp_path):
    articles, problems = run(tmp_path / "nope", SEEDS / "000_e3e1c4b4497a31e5.txt")
    assert [a.identifier for a in articles] == ["000_e3e1c4b4497a31e5"]
    assert len(problems) == 1 and "no such file" in problems[0].message


def test_a_file_given_directly_uses_its_folders_manifest():
    articles, _ = run(SEEDS / "003_95b58d0a8247b5bf.txt")
    assert articles[0].date == "2025-04-17" and articles[0].outlet == "The Scoop"


# --------------------------------------------------------------------------------------
# JSONL
# --------------------------------------------------------------------------------------


def test_jsonl_broken_lines_are_problems_and_the_rest_continue(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "첫 번째 기사 본문이다.", "date": "2024-09-30", "outlet": "연합뉴스"},
                   ensure_ascii=False),
        '{"id": "a2", "text": "깨진 줄',
        json.dumps({"text": "아이디가 없다."}, ensure_ascii=False),
        json.dumps({"id": "a4", "text": ["목록"]}),
        "",
        "[1, 2]",
        json.dumps({"id": "a7", "text": "일곱 번째 줄의 기사다.", "date": "2024-13-01"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = run(path)
    assert [(a.identifier, a.source, a.date) for a in articles] == [
        ("a1", f"{path}:1", "2024-09-30"), ("a7", f"{path}:7", None)]
    assert articles[0].outlet == "연합뉴스"
    assert [p.source for p in problems] == [f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:6", f"{path}:7"]
    assert "not valid JSON" in problems[0].message
    assert '"id"' in problems[1].message
    assert '"text" is not a string' in problems[2].message
    assert problems[4].action == "built without date"


def test_jsonl_duplicate_ids_and_texts(tmp_path):
    path = tmp_path / "dump.jsonl"
    records = [{"id": "x", "text": "같은 기사 본문이다."}, {"id": "x", "text": "다른 기사 본문이다."},
               {"id": "y", "text": "같은 기사 본문이다."}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    articles, problems = run(path)
    assert [a.identifier for a in articles] == ["x"]
    assert "duplicate id 'x', first seen in" in problems[0].message and problems[0].source.endswith(":2")
    assert "same text as x" in problems[1].message and problems[1].action == "skipped"


# --------------------------------------------------------------------------------------
# Front matter and manifest
# --------------------------------------------------------------------------------------


def test_front_matter_gives_metadata_and_is_stripped(tmp_path):
    (tmp_path / "fm.md").write_text(
        '---\ndate: 2024-09-30\ntitle: "엔비디아, 中 판매 중단"\noutlet: \'한국경제\'\nurl: https://ex.com/1\n'
        "extra: ignored\n---\n본문 첫 문장이다.\n둘째 문장이다.\n", encoding="utf-8")
    article = run(tmp_path)[0][0]
    assert (article.date, article.title, article.outlet, article.url) == (
        "2024-09-30", "엔비디아, 中 판매 중단", "한국경제", "https://ex.com/1")
    assert article.text == "본문 첫 문장이다.\n둘째 문장이다."


def test_front_matter_that_is_not_valid_yaml_falls_back_to_lines(tmp_path):
    (tmp_path / "fm.txt").write_text(
        "---\ntitle: 젠슨 황: 블랙웰 칩 판매 희망\ndate: 2025.11.02\n---\n본문 문장이다.\n", encoding="utf-8")
    article = run(tmp_path)[0][0]
    assert article.title == "젠슨 황: 블랙웰 칩 판매 희망"
    assert article.date == "2025-11-02"
    assert article.text == "본문 문장이다."


def test_manifest_problems_and_precedence(tmp_path):
    (tmp_path / "a.txt").write_text("에이 기사 본문이다.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("---\noutlet: 앞머리 매체\n---\n비 기사 본문이다.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,date,outlet,url,title,notes\n"
        "a.txt,2024-13-45,Outlet A,,,whatever\n"
        "b.txt,2024-09,Manifest Outlet,https://ex.com/b,비 제목,\n"
        "missing.txt,2024-01-01,,,,\n", encoding="utf-8")
    articles, problems = run(tmp_path)
    found = by_id(articles)
    assert sorted(found) == ["a", "b"]  # the manifest itself is never an article
    assert found["a"].date is None and found["a"].outlet == "Outlet A"
    assert (found["b"].date, found["b"].outlet, found["b"].url, found["b"].title) == (
        "2024-09", "앞머리 매체", "https://ex.com/b", "비 제목")
    missing = [p for p in problems if "missing.txt" in p.message]
    assert len(missing) == 1 and missing[0].source == f"{tmp_path / 'manifest.csv'}:4"
    bad_date = [p for p in problems if "bad date" in p.message]
    assert len(bad_date) == 1
    assert bad_date[0].source == f"{tmp_path / 'manifest.csv'}:2"
    assert bad_date[0].action == "built without date"
    assert "'2024-13-45'" in bad_date[0].message


def test_manifest_listing_a_file_twice(tmp_path):
    (tmp_path / "a.txt").write_text("에이 기사 본문이다.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,date\na.txt,2024-01-02\na.txt,2024-03-04\n", encoding="utf-8")
    articles, problems = run(tmp_path)
    assert articles[0].date == "2024-01-02"
    assert len(problems) == 1 and "listed again" in problems[0].message and problems[0].source.endswith(":3")


def test_duplicate_ids_across_folders_and_duplicate_texts(tmp_path):
    for folder, name, text in (("one", "story.txt", "첫 기사 본문이다."), ("two", "story.md", "둘째 기사 본문이다."),
                               ("two", "copy.txt", "첫 기사 본문이다.")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    articles, problems = run(tmp_path / "one", tmp_path / "two")
    assert [(a.identifier, a.text) for a in articles] == [("story", "첫 기사 본문이다.")]
    messages = {Path(p.source).name: p.message for p in problems}
    assert messages["story.md"].startswith("duplicate id 'story', first seen in")
    assert str(tmp_path / "one" / "story.txt") in messages["story.md"]
    assert messages["copy.txt"].startswith("same text as story")


# --------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    (root / "z.txt").write_text("제트 기사다.", encoding="utf-8")
    (root / "a" / "1.md").write_text("일 기사다.", encoding="utf-8")
    (root / "b" / "deep" / "2.txt").write_text("이 기사다.", encoding="utf-8")
    (root / "b" / "3.htm").write_text("<html><body><p>삼 기사다.</p></body></html>", encoding="utf-8")
    (root / "b" / "notes.csv").write_text("not,an,article\n", encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "4.txt").write_text("숨은 기사다.", encoding="utf-8")


def test_nested_folders_in_deterministic_order(tmp_path):
    _tree(tmp_path)
    first = list(iter_articles([tmp_path]))
    second = list(iter_articles([str(tmp_path)]))
    assert first == second
    assert [a.identifier for a in first if isinstance(a, Article)] == ["1", "3", "2", "z"]  # b/3.htm sorts before b/deep/


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_finishes(tmp_path):
    _tree(tmp_path)
    try:
        (tmp_path / "b" / "deep" / "loop").symlink_to(tmp_path, target_is_directory=True)
        (tmp_path / "b" / "self").symlink_to(tmp_path / "b", target_is_directory=True)
    except OSError:
        pytest.skip("symlinks not permitted")
    articles, problems = run(tmp_path)
    assert [a.identifier for a in articles] == ["1", "3", "2", "z"]  # b/3.htm sorts before b/deep/
    assert problems and all("already read" in p.message for p in problems)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head>
<title>엔비디아 소식 - 예시일보</title>
<meta property="og:title" content="엔비디아, 블랙웰 칩 中 판매 희망">
<meta property="article:published_time" content="2025-11-02T09:30:00+09:00">
<meta property="og:url" content="https://example.com/news/1">
<style>p { color: red }</style>
</head><body>
<header><a href="/">예시일보</a> 로그인</header>
<nav><ul><li>경제</li><li>국제</li></ul></nav>
<div class="sidebar">사이드바 광고 문구다.</div>
<article>
  <p>젠슨 황 CEO는 <b>블랙웰</b> 칩의 중국 판매를 희망한다고 말했다.</p>
  <p>트럼프 행정부의 결정을 기다리고 있다.<br>업계는 결과에 주목하고 있다.</p>
  <script>track("x")</script>
  <div class="share">공유</div>
</article>
<footer>Copyright © 예시일보 All rights reserved.</footer>
</body></html>"""


def test_html_file_uses_article_and_head_metadata(tmp_path):
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    article = run(tmp_path)[0][0]
    assert article.title == "엔비디아, 블랙웰 칩 中 판매 희망"
    assert article.date == "2025-11-02"
    assert article.url == "https://example.com/news/1"
    assert article.text == ("젠슨 황 CEO는 블랙웰 칩의 중국 판매를 희망한다고 말했다.\n"
                            "트럼프 행정부의 결정을 기다리고 있다.\n업계는 결과에 주목하고 있다.")


def test_html_saved_as_txt_is_detected(tmp_path):
    (tmp_path / "page.txt").write_text(HTML, encoding="utf-8")
    article = run(tmp_path)[0][0]
    assert "track(" not in article.text and "사이드바" not in article.text
    assert article.title == "엔비디아, 블랙웰 칩 中 판매 희망"


def test_clean_text_html_flag():
    assert clean_text("<p>한 줄이다.</p><p>두 줄<i>이다</i>.</p>", html=True) == "한 줄이다.\n두 줄이다."


# --------------------------------------------------------------------------------------
# Hash, dates, titles
# --------------------------------------------------------------------------------------


def test_content_hash_changes_with_text_or_date(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\ndate: 2024-09-30\n---\n본문 문장이다.\n", encoding="utf-8")
    base = run(tmp_path)[0][0].content_hash
    assert run(tmp_path)[0][0].content_hash == base
    path.write_text("---\ndate: 2024-10-01\n---\n본문 문장이다.\n", encoding="utf-8")
    changed_date = run(tmp_path)[0][0].content_hash
    path.write_text("---\ndate: 2024-09-30\n---\n본문 문장이 바뀌었다.\n", encoding="utf-8")
    changed_text = run(tmp_path)[0][0].content_hash
    assert len({base, changed_date, changed_text}) == 3


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-09-30", "2024-09-30"), ("2024.09.30", "2024-09-30"), ("2024/9/3", "2024-09-03"),
    ("2024. 9. 30.", "2024-09-30"), ("20240930", "2024-09-30"), ("2024년 9월 30일", "2024-09-30"),
    ("2024-09", "2024-09"), ("2024년 9월", "2024-09"), ("2024", "2024"),
    ("2024-09-30T10:00:00+09:00", "2024-09-30"), (" 2024-09-30 ", "2024-09-30"),
    ("2024-09-30T00:30:00+09:00", "2024-09-30"), ("2024-09-29T23:30:00-05:00", "2024-09-29"),
    ("2024-09-29T15:30:00Z", "2024-09-30"), ("2024-09-29T14:59:59.5+00:00", "2024-09-29"),
    ("2024-12-31 15:00:00 +0000", "2025-01-01"), ("2024-02-30T10:00:00Z", None), ("2024-09-29T25:00:00Z", None),
    ("24-09-30", None), ("2024-02-30", None), ("2024-13", None), ("1024", None), ("", None),
    ("어제", None), ("2024-09-30x", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_short_first_line_becomes_title_only_without_metadata(tmp_path):
    (tmp_path / "t.txt").write_text("엔비디아 H20 판매 금지\n중국이 H20 구매를 막았다.\n", encoding="utf-8")
    (tmp_path / "one.txt").write_text("제목 같은 한 줄\n", encoding="utf-8")
    found = by_id(run(tmp_path)[0])
    assert found["t"].title == "엔비디아 H20 판매 금지" and found["t"].text == "중국이 H20 구매를 막았다."
    assert found["one"].title is None and found["one"].text == "제목 같은 한 줄"


# --------------------------------------------------------------------------------------
# clean_text rules
# --------------------------------------------------------------------------------------


def test_clean_text_normalises_unicode_and_spaces():
    raw = "엔비\u200b디아는\t\t 주가가\u00a0 올랐다.\u2060\r\n\r\n  \ufeff화웨이\x07도 올랐다.  "
    assert clean_text(raw) == "엔비디아는 주가가 올랐다.\n화웨이도 올랐다."
    decomposed = unicodedata.normalize("NFD", "한국 반도체")
    assert clean_text(decomposed) == "한국 반도체"


def test_chrome_lines_match_ignoring_punctuation_and_spacing():
    raw = "본문이다.\n[기사스크랩]\nURL복사\n· · ·\n등록된 댓글이 없습니다\n관련 기사\n끝이다."
    assert clean_text(raw) == "본문이다.\n끝이다."


def test_credit_lines_and_inline_credits():
    raw = ("[사진=연합뉴스]\n사진=뉴시스\n(서울=연합뉴스) 홍길동 기자 = 정부가 발표했다.[그래픽 | 뉴스1]이어 설명했다.\n"
           "저작권자 ⓒ 연합뉴스, 무단 전재-재배포 금지\n마지막 문장이다. <저작권자 ⓒ 뉴스1, 무단 전재 및 재배포 금지>\n"
           "홍길동 기자 hong@example.co.kr")
    assert clean_text(raw) == "정부가 발표했다.이어 설명했다.\n마지막 문장이다."


def test_agency_name_as_a_subject_is_kept():
    raw = "정부가 발표했다. 연합뉴스는 이를 보도했다.\n그는 말했다. 연합뉴스에 따르면 그렇다."
    assert clean_text(raw) == raw


def test_keyword_spam_is_dropped_generally():
    spam = ("강남맛집 강남맛집추천 강남역맛집 맛집추천 강남맛집 서초맛집 강남역맛집 맛집추천 "
            "강남맛집 서초맛집 강남역맛집 맛집추천")
    tags = "#엔비디아 #반도체 #AI #주식 #미국주식 #H20 #화웨이 #중국 #수출통제"
    vocab = "블로그마케팅 전문 바이럴 대행 플레이스상위 노출 자동포스팅 프로그램 백링크 작업"
    subhead = "美 수출 통제가 살려낸 '중국판 엔비디아' 캠브리콘 그리고 화웨이와 SMIC의 반격"
    prose = ("중국 정부는 자국 기업들에게 엔비디아 제품 대신 현지 AI 칩을 구매하도록 압력을 가하고 있다. "
             "엔비디아 칩은 여전히 엔비디아 고객에게 인기다.")
    assert clean_text(f"{spam}\n{tags}\n{vocab}\n{subhead}\n{prose}") == f"{subhead}\n{prose}"


def test_repeated_lines_are_dropped_after_whitespace_normalisation():
    raw = "첫 문단이다.\n둘째 문단이다.\n\t첫  문단이다.\n셋째 문단이다.\n둘째 문단이다."
    assert clean_text(raw) == "첫 문단이다.\n둘째 문단이다.\n셋째 문단이다."


_FORBIDDEN = re.compile("[\u200b-\u200d\ufeff\u2060]")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300))
def test_clean_text_never_raises_and_leaves_no_invisible_characters(raw):
    out = clean_text(raw)
    assert not _FORBIDDEN.search(out)
    assert all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs") for ch in out)
    assert "\n\n" not in out and out == out.strip()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["공유", "댓글", "엔비디아는 하락했다.", "\u200b", "\t", " ", "\n", "[ⓒ 연합뉴스]",
                                 "화웨이", "a@b.com", "#태그", "-", "\r\n", "다."]), max_size=60))
def test_clean_text_on_news_like_noise_never_raises(parts):
    out = clean_text("".join(parts))
    assert not _FORBIDDEN.search(out)


# --------------------------------------------------------------------------------------
# The boilerplate lexicon
# --------------------------------------------------------------------------------------


def test_shipped_boilerplate_loads():
    bp = load_boilerplate()
    assert "공유" in bp.chrome_keys and bp.chrome_patterns and bp.inline_patterns
    assert "상위노출" in bp.spam_vocabulary


def test_malformed_boilerplate_yaml_is_a_data_file_error(tmp_path):
    path = tmp_path / "boilerplate.yaml"
    path.write_text("chrome_lines: [공유, 댓글\nspam: {", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_boilerplate(path)
    assert str(path) in str(info.value)


def _shipped_boilerplate(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped boilerplate lexicon with one edit."""
    path = tmp_path / "boilerplate.yaml"
    text = (Path(__file__).resolve().parent.parent / "ontology" / "lexicon" / "boilerplate.yaml").read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bad_regex_in_boilerplate_names_the_pattern(tmp_path):
    path = _shipped_boilerplate(tmp_path, "chrome_patterns:\n", "chrome_patterns:\n  - '^(작성자'\n")
    with pytest.raises(DataFileError, match=r"\^\(작성자"):
        load_boilerplate(path)


@pytest.mark.parametrize("old, new, message", [
    ("\nspam:\n", "\nspma:\n", "unknown key 'spma'"),
    ("  min_tokens: 8\n", "  min_token: 8\n", "unknown key 'spam.min_token'"),
    ("  min_tokens: 8\n", "  min_tokens: eight\n", "'spam.min_tokens' must be a whole number, not 'eight'"),
    ("  run_min_words: 3\n", "  run_min_words: three\n", "'spam.run_min_words' must be a whole number"),
    ("  meta:\n", "  meta:\n    site: ['og:site_name']\n", "unknown key 'html.meta.site'"),
    ("  drop_tags: [", "  drop_tags: 3\n  old_drop_tags: [", "unknown key 'html.old_drop_tags'"),
    ("\nhtml:\n", "\nhtml_rules:\n", "unknown key 'html_rules'"),
])
def test_boilerplate_schema_errors_name_the_file_and_key(tmp_path, old, new, message):
    path = _shipped_boilerplate(tmp_path, old, new)
    with pytest.raises(DataFileError) as info:
        load_boilerplate(path)
    assert message in info.value.message and info.value.path == path
    assert "\n" not in str(info.value) and "boilerplate.schema.yaml" in str(info.value)


def test_a_boilerplate_without_a_required_key_says_which(tmp_path):
    path = _shipped_boilerplate(tmp_path, "  prose_endings: [다, 요]\n", "")
    with pytest.raises(DataFileError, match=r"missing key 'spam\.prose_endings'"):
        load_boilerplate(path)


def test_custom_boilerplate_changes_cleaning(tmp_path):
    path = tmp_path / "boilerplate.yaml"
    shutil.copy(Path(__file__).resolve().parent.parent / "ontology" / "lexicon" / "boilerplate.yaml", path)
    path.write_text(path.read_text(encoding="utf-8").replace("  - 공유\n", "  - 공유\n  - 특별한 줄\n"),
                    encoding="utf-8")
    assert clean_text("본문이다.\n특별한 줄", boilerplate=load_boilerplate(path)) == "본문이다."
    assert clean_text("본문이다.\n특별한 줄") == "본문이다.\n특별한 줄"


def test_markdown_heading_marker_is_not_part_of_the_title(tmp_path):
    (tmp_path / "note.md").write_text("# 엔비디아 H20 판매 금지\n\n중국이 H20 구매를 막았다.\n", encoding="utf-8")
    article = run(tmp_path)[0][0]
    assert (article.title, article.text) == ("엔비디아 H20 판매 금지", "중국이 H20 구매를 막았다.")


# --- JSONL read line by line (issue 6) -----------------------------------------------------


@pytest.mark.parametrize("data", [
    b'{"id": 1}\n{"id": 2}\n',
    '\ufeff{"id": 1}\r\n{"id": 2}\r\n\r\n'.encode(),
    b'{"id": 1}\r{"id": 2}\r\r\n{"id": 3}',
    '{"id": 1, "text": "a\u2028b\x85c"}\n\n{"id": 2}\r'.encode(),
    b"",
    b"\n\n",
    '{"id": 1, "text": "엔비디아"}\n'.encode("cp949"),       # not UTF-8: decoded whole, as before
    '{"id": 1, "text": "엔비디아"}\n'.encode("utf-16"),      # BOM: decoded whole
    b'{"id": 1}\x00\n',                                         # NUL: refused whole
])
def test_jsonl_lines_read_lazily_split_as_the_whole_file_did(tmp_path, data):
    from kg.ingest.files import read_text
    from kg.ingest.jsonl import jsonl_lines

    path = tmp_path / "feed.jsonl"
    path.write_bytes(data)
    whole = read_text(path)
    lazy = jsonl_lines(path)
    if isinstance(whole, Problem):
        assert lazy == whole
    else:
        assert list(lazy) == whole.split("\n")


def test_unchanged_inputs_are_yielded_unread_with_their_fingerprints(tmp_path):
    from kg.ingest import Unchanged

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(KOREAN, encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps({"id": "b", "text": KOREAN + " 추가."}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    first, _ = run(folder)
    known = {a.identifier: a.fingerprint for a in first}
    again = list(iter_articles([folder], known=known.get))
    assert again == [Unchanged("a", str(folder / "a.txt"), known["a"]),
                     Unchanged("b", f"{folder / 'feed.jsonl'}:1", known["b"])]
    # a manifest row is part of a file's raw input
    (folder / "manifest.csv").write_text("file,date\na.txt,2024-09-30\n", encoding="utf-8")
    changed = list(iter_articles([folder], known=known.get))
    assert [type(i).__name__ for i in changed] == ["Article", "Unchanged"]
    assert changed[0].date == "2024-09-30" and changed[0].text_key == known["a"].text_key
