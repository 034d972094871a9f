"""HTML pages: outlet, date and title from JSON-LD, <meta> and <title>; site suffixes off titles.

The pages are written for these tests in the style of Korean news sites (menus, share
buttons, related-article boxes around the story); none is copied from a real site.
"""

from __future__ import annotations

import json

import pytest

import kg
from kg.ingest import Article, Problem, iter_articles
from kg.ingest.boilerplate import default_boilerplate
from kg.ingest.pagemeta import site_names, strip_site_suffix

STORY = """
<article>
  <h1 class="headline">{headline}</h1>
  <div class="byline">홍길동 기자 <span>입력 2025.03.04 08:10</span></div>
  <div itemprop="articleBody">
    <p>미국 상무부가 엔비디아의 H20 칩을 중국에 팔려면 허가를 받도록 했다.</p>
    <p>업계는 중국 매출이 크게 줄어들 것으로 보고 있다.</p>
  </div>
  <div class="share"><button>공유</button><span>프린트</span></div>
</article>"""

CHROME = """
<header><a href="/">{site}</a><nav><ul><li>정치</li><li>경제</li><li>산업</li><li>국제</li></ul></nav></header>
<aside><h3>많이 본 뉴스</h3><ol><li>다른 기사 제목 하나</li><li>다른 기사 제목 둘</li></ol></aside>"""

FOOTER = "<footer>Copyright © {site}. All rights reserved. 무단전재 및 재배포 금지</footer>"


def page(head: str, *, headline: str = "H20 수출에 허가 의무", site: str = "예시일보") -> str:
    """A news page: the given <head> contents, the site's chrome and a two-paragraph story."""
    return (f"<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\">{head}</head><body>"
            + CHROME.format(site=site) + STORY.format(headline=headline) + FOOTER.format(site=site)
            + "</body></html>")


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def read(tmp_path, name: str, html: str, manifest: str | None = None) -> Article:
    (tmp_path / name).write_text(html, encoding="utf-8")
    if manifest is not None:
        (tmp_path / "manifest.csv").write_text(manifest, encoding="utf-8")
    items = list(iter_articles([tmp_path]))
    assert not [i for i in items if isinstance(i, Problem)], items
    [article] = [i for i in items if isinstance(i, Article)]
    return article


OG_HEAD = """<title>H20 수출에 허가 의무 | 예시일보</title>
<meta property="og:site_name" content="예시일보">
<meta property="og:title" content="H20 수출에 허가 의무 | 예시일보">
<meta property="og:url" content="https://www.yesi-ilbo.example/news/articleView.html?idxno=1024">
<meta property="article:published_time" content="2025-03-04T08:10:00+09:00">"""


def test_open_graph_gives_outlet_date_and_a_title_without_the_site(tmp_path):
    article = read(tmp_path, "og.html", page(OG_HEAD))
    assert (article.outlet, article.date, article.title) == ("예시일보", "2025-03-04", "H20 수출에 허가 의무")
    assert article.url == "https://www.yesi-ilbo.example/news/articleView.html?idxno=1024"
    assert article.text == ("미국 상무부가 엔비디아의 H20 칩을 중국에 팔려면 허가를 받도록 했다.\n"
                            "업계는 중국 매출이 크게 줄어들 것으로 보고 있다.")


GRAPH_LD = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "Organization", "@id": "https://hanbit.example/#org", "name": "한빛경제신문",
         "logo": {"@type": "ImageObject", "url": "https://hanbit.example/logo.png"}},
        {"@type": "WebPage", "@id": "https://hanbit.example/news/77", "name": "웹페이지 이름"},
        {"@type": ["NewsArticle"], "headline": "상무부, H20 중국 수출에 허가 의무",
         "datePublished": "2025-03-03T16:20:00Z", "dateModified": "2025-03-05T01:00:00Z",
         "publisher": {"@id": "https://hanbit.example/#org"},
         "author": [{"@type": "Person", "name": "홍길동"}]},
    ],
}


def test_json_ld_outranks_open_graph_and_dates_a_utc_stamp_in_korean_time(tmp_path):
    head = (ld(GRAPH_LD) + '<meta property="og:site_name" content="한빛경제">'
            '<meta property="og:title" content="H20 허가 의무 (종합)">'
            '<meta property="article:published_time" content="2025-03-01T09:00:00+09:00">'
            "<title>상무부, H20 중국 수출에 허가 의무 < 산업 < 기사본문 - 한빛경제신문</title>")
    article = read(tmp_path, "graph.html", page(head, headline="상무부, H20 중국 수출에 허가 의무", site="한빛경제신문"))
    # 16:20 UTC on 3 March is 01:20 on 4 March in Seoul: the story's local date
    assert (article.outlet, article.date, article.title) == ("한빛경제신문", "2025-03-04", "상무부, H20 중국 수출에 허가 의무")
    assert not article.text.startswith("상무부, H20")  # the page's headline is the title, not body


def test_json_ld_in_a_list_with_an_inline_publisher_beside_broken_scripts(tmp_path):
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
            '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
            + ld([{"@type": "BreadcrumbList", "itemListElement": []},
                  {"@context": "https://schema.org", "@type": "https://schema.org/NewsArticle",
                   "headline": ["H20 수출에 허가 의무"], "datePublished": "2025-03-04",
                   "publisher": {"@type": "NewsMediaOrganization", "name": "예시일보"}}]))
    article = read(tmp_path, "list.html", page(head))
    assert (article.outlet, article.date, article.title) == ("예시일보", "2025-03-04", "H20 수출에 허가 의무")


@pytest.mark.parametrize(("title", "expected"), [
    ("H20 수출에 허가 의무 - 예시일보", "H20 수출에 허가 의무"),
    ("H20 수출에 허가 의무 :: 예시일보", "H20 수출에 허가 의무"),
    ("H20 수출에 허가 의무 ㅣ 예시 일보", "H20 수출에 허가 의무"),
    ("H20 수출에 허가 의무 < 국제 < 예시일보", "H20 수출에 허가 의무"),
    ("H20 수출에 허가 의무 < 산업 < 기사본문 - 예시일보", "H20 수출에 허가 의무"),
    ("H20 수출에 허가 의무 | 예시일보 | yesi-ilbo.example", "H20 수출에 허가 의무"),
    ("엔비디아 - 화웨이 격돌 - 예시일보", "엔비디아 - 화웨이 격돌"),
    ("엔비디아 - 화웨이 격돌", "엔비디아 - 화웨이 격돌"),        # the last part names no site
    ("젠슨 황: 예시일보와 인터뷰", "젠슨 황: 예시일보와 인터뷰"),   # no separator between spaces
    ("예시일보", "예시일보"),                                     # never emptied
    ("H20 < 국제 < 기사본문", "H20 < 국제 < 기사본문"),            # a breadcrumb goes only with a site name
])
def test_strip_site_suffix(title, expected):
    names = site_names("예시일보", url="https://www.yesi-ilbo.example/news/1")
    assert strip_site_suffix(title, names, default_boilerplate().html) == expected


def test_title_alone_loses_the_site_named_by_og_site_name(tmp_path):
    head = ('<meta property="og:site_name" content="예시일보">'
            "<title>H20 수출에 허가 의무 < 국제 < 기사본문 - 예시일보</title>")
    article = read(tmp_path, "title.html", page(head))
    assert (article.title, article.outlet, article.date) == ("H20 수출에 허가 의무", "예시일보", None)


def test_a_suffix_that_names_another_site_stays(tmp_path):
    head = ('<meta property="og:site_name" content="예시일보">'
            '<meta property="og:title" content="H20 규제, 결국 \'엔비디아 - 화웨이\'">')
    assert read(tmp_path, "other.html", page(head)).title == "H20 규제, 결국 '엔비디아 - 화웨이'"


def test_the_inputs_own_metadata_outranks_the_page(tmp_path):
    manifest = "file,date,outlet,url,title\nog.html,2025-03-05,Yesi Ilbo,,\n"
    article = read(tmp_path, "og.html", page(OG_HEAD), manifest)
    assert (article.outlet, article.date, article.title) == ("Yesi Ilbo", "2025-03-05", "H20 수출에 허가 의무")


def test_a_title_the_user_wrote_is_never_cut(tmp_path):
    article = read(tmp_path, "kept.html", page(OG_HEAD), "file,title\nkept.html,제목 - 예시일보\n")
    assert (article.title, article.outlet) == ("제목 - 예시일보", "예시일보")


def test_the_manifest_outlet_names_the_suffix_to_strip(tmp_path):
    head = "<title>H20 수출에 허가 의무 - 예시일보</title>"
    article = read(tmp_path, "m.html", page(head), "file,outlet\nm.html,예시일보\n")
    assert (article.title, article.outlet) == ("H20 수출에 허가 의무", "예시일보")


def test_the_page_outlet_and_date_reach_the_graph(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "og.html").write_text(page(OG_HEAD), encoding="utf-8")
    store = kg.open_store(tmp_path / "store")
    report = kg.build_graph([tmp_path / "in"], store)
    assert report.built == 1 and not report.problems
    rows = kg.run_query(store, """
        PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?title ?date ?outlet WHERE {
          ?a a cg:Article ; dcterms:title ?title ; dcterms:date ?date ; cg:outlet/rdfs:label ?outlet }""").records()
    assert [(str(r["title"].value), str(r["date"].value), str(r["outlet"].value)) for r in rows] == [
        ("H20 수출에 허가 의무", "2025-03-04", "예시일보")]
