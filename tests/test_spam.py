"""Keyword spam: spam-only inputs are reported and skipped however short, spam runs around a
story are dropped before any mention is found, prose (compounds included) is kept.

The spam lines imitate the SEO keyword runs seen on Korean boards; the articles are written
for these tests.
"""

from __future__ import annotations

import json

import pytest

import kg
from kg.ingest import Article, Problem, clean_text, iter_articles
from kg.ingest.clean import clean_article

SPAM_LINES = ["구글상단작업 상위노출 사이트 네이버블로그매크로",
              "웹SEO 홈페이지상위노출 구글상단노출",
              "네이버상위작업업체 플레이스상위 디시인사이드자동댓글"]

STORY = ["美 상무부, 엔비디아 H20 수출에 허가 의무",
         "미국 상무부가 엔비디아의 H20 칩을 중국에 팔려면 허가를 받도록 했다.",
         "업계는 엔비디아의 중국 매출이 크게 줄어들 것으로 보고 있다."]


def read(tmp_path, name: str, text: str) -> tuple[list[Article], list[Problem]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    items = list(iter_articles([tmp_path / name]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def keys(article: Article) -> set[str]:
    return {mention.key for mention in kg.extract_article(article).mentions}


@pytest.mark.parametrize("text", [
    "\n".join(SPAM_LINES) + "\n",
    "구글상단작업 상위노출 네이버블로그매크로\n",                 # one short line
    "구글상단노출\n",                                            # one word
    "맛집 정보\n" + "\n".join(SPAM_LINES) + "\n공유\n",          # a heading and chrome around it
], ids=["three-lines", "one-line", "one-word", "heading-and-chrome"])
def test_a_short_spam_file_is_reported_and_skipped(tmp_path, text):
    articles, problems = read(tmp_path, "spam.txt", text)
    assert articles == []
    [problem] = problems
    assert problem.source == str(tmp_path / "spam.txt") and problem.action == "skipped"
    assert "only SEO keyword spam, no sentence" in problem.message


def test_a_spam_line_in_jsonl_names_its_line(tmp_path):
    lines = [{"id": "a", "text": "\n".join(STORY)}, {"id": "b", "text": " ".join(SPAM_LINES[:2])}]
    articles, problems = read(tmp_path, "in.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert [a.identifier for a in articles] == ["a"]
    assert [(p.source, p.action) for p in problems] == [(f"{tmp_path / 'in.jsonl'}:2", "skipped")]


def test_spam_lines_after_an_article_go_and_the_article_stays(tmp_path):
    text = "\n".join([*STORY, *SPAM_LINES, "개포동부동산 헌옷방문수거 쿠팡퀵플렉스야간"]) + "\n"
    [article], problems = read(tmp_path, "story.txt", text)
    assert problems == []
    assert article.title == STORY[0] and article.text == "\n".join(STORY[1:])
    assert {"google", "naver"}.isdisjoint(keys(article)) and "nvidia" in keys(article)


def test_a_spam_tail_glued_to_a_sentence_goes_and_the_sentence_stays():
    line = STORY[1] + " " + " ".join(SPAM_LINES)
    assert clean_text(line) == STORY[1]


def test_names_inside_a_keyword_run_are_no_mentions_but_compounds_in_prose_are(tmp_path):
    story = ["중국 기업들은 화웨이칩으로 대규모 언어 모델을 훈련했다.",
             "구글상단작업 네이버상위노출 디시인사이드자동댓글",
             "바이두는 구글보다 먼저 자체 칩을 쓰겠다고 밝혔다."]
    [article], _ = read(tmp_path, "mixed.txt", "\n".join(story) + "\n")
    assert article.text == f"{story[0]}\n{story[2]}"
    found = keys(article)
    assert {"huawei", "baidu", "google"} <= found and "naver" not in found


@pytest.mark.parametrize("text", [
    # a subhead naming two spam-vocabulary words alone is no run
    "정부, 부동산 대출 규제 강화\n부동산 대출\n은행들은 부동산 대출 금리를 올렸다.",
    # a sentence about spam is prose: it is never cut
    "경찰은 매크로 프로그램과 자동댓글, 백링크 작업으로 순위를 조작한 업체를 적발했다.",
    # Korean compounds of firm names in prose
    "화웨이칩으로 훈련한 모델이 엔비디아칩 기반 모델보다 빨랐다.\n캠브리콘칩을 쓴 서버도 늘었다.",
    # words after the last sentence end that are no spam: the line stays exactly as written
    "그는 “수출을 막겠다.” 라고 말했다고 전해졌다 (종합)\n엔비디아는 답하지 않았다.\" ”",
], ids=["subhead", "sentence-about-spam", "compounds", "tail-kept"])
def test_prose_with_spam_words_or_compounds_is_kept(text):
    cleaned = clean_article(text)
    assert (cleaned.text, cleaned.spam) == (text, ())


def test_spam_only_html_page_is_skipped(tmp_path):
    page = ("<html><head><title>상위노출</title></head><body><article>"
            + "".join(f"<p>{line}</p>" for line in SPAM_LINES) + "</article></body></html>")
    articles, problems = read(tmp_path, "spam.html", page)
    assert articles == [] and "keyword spam" in problems[0].message


def test_a_build_reports_the_spam_file_and_builds_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text("\n".join([*STORY, *SPAM_LINES]), encoding="utf-8")
    (folder / "spam.txt").write_text("\n".join(SPAM_LINES), encoding="utf-8")
    report = kg.build_graph([folder], kg.open_store(tmp_path / "store"))
    assert report.built == 1 and report.exit_code == 2
    assert [(p.source, p.action) for p in report.problems] == [(str(folder / "spam.txt"), "skipped")]
