"""Hostile and broken input: every bad item is one clear Problem, every good article is built.

The corpus is generated in tmp_path: empty and whitespace-only files, binary files (PNG, gzip),
invalid UTF-8, CP949 and UTF-16 articles, a 50 MB file, a 3 MB article, a 200,000-character
single line, HTML with scripts and styles, control and zero-width characters, a manifest with
a missing file, a bad date and a repeated row, duplicate ids, JSONL with broken lines, a
symlink loop and a dangling symlink. The library is checked through `iter_articles` (fast, no
Korean model) and the command through `python -m kg build` in a subprocess (exit status 0/2/1).
How long hostile input takes is measured by `bench/hostile_bench.py`, not asserted here.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.ingest.clean import split_long_line
from kg.ingest import (
    MAX_ARTICLE_BYTES,
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    Article,
    Problem,
    clean_text,
    iter_articles,
)

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
STOCK = "엔비디아는 2.2% 하락한 118달러에 거래되고 있다."
BAN = "바이든 행정부는 2022년에 엔비디아의 첨단 AI 칩의 중국 수출을 금지하는 조치를 발표했다."
PURCHASE = "바이트댄스는 화웨이의 어센드 910B 칩으로 AI 모델을 훈련할 계획이다."
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _story(n: int) -> str:
    """A distinct small article (distinct texts, so none is a duplicate of another)."""
    return f"{STOCK.replace('2.2%', f'{n}.5%')}\n{BAN}\n{PURCHASE.replace('910B', f'9{n}0B')}\n"


def _prose_line(chars: int) -> str:
    """A single line of `chars` characters of real sentences, no line breaks."""
    sentences = [STOCK, BAN, PURCHASE]
    parts, size, i = [], 0, 0
    while size < chars:
        sentence = sentences[i % 3].replace("엔비디아", f"엔비디아{i % 97}")
        parts.append(sentence)
        size += len(sentence) + 1
        i += 1
    return " ".join(parts)[:chars]


# --------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------

# bad item (path relative to the corpus folder, `:LINE` for JSONL and manifest rows) → words its message must hold
BAD: dict[str, str] = {
    "empty.txt": "empty article",
    "whitespace.txt": "empty article",
    "picture.txt": "binary file (PNG image)",
    "controls.txt": "binary file (many control bytes)",
    "archive.txt": "binary file (gzip archive)",
    "invalid-utf8.txt": "cannot decode",
    "huge.txt": "file too large (50.0 MB > 8.0 MB limit)",
    "big.txt": "article too large (3.0 MB of text > 2.0 MB limit)",
    "chrome-only.html": "empty article",
    "manifest.csv:3": "bad date '2024-02-30'",
    "manifest.csv:4": "'missing.txt', which does not exist",
    "manifest.csv:5": "'good.txt' is listed again",
    "sub/good.txt": "duplicate id 'good'",
    "mirror.txt": "same text as good",
    "feed.jsonl:2": "not valid JSON",
    "feed.jsonl:3": 'missing "text"',
    "feed.jsonl:4": "not a JSON object",
    "feed.jsonl:5": "duplicate id 'wire-1'",
    "feed.jsonl:6": "article too large (2.5 MB of text > 2.0 MB limit)",
    "sub/loop": "folder already read",
    "dangling.txt": "No such file or directory",
}
# good articles → their identifiers
GOOD = {"good": "good.txt", "dated": "dated.txt", "legacy": "legacy.txt", "utf16": "utf16.txt",
        "utf16-nobom": "utf16-nobom.txt", "page": "page.html", "noisy": "noisy.txt",
        "longline": "longline.txt", "wire-1": "feed.jsonl:1", "wire-2": "feed.jsonl:7"}


def make_corpus(folder: Path, *, long_line: int = 200_000) -> Path:
    """Write the hostile corpus into `folder` (see BAD and GOOD) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(_story(1), encoding="utf-8")
    (folder / "dated.txt").write_text(_story(2), encoding="utf-8")
    (folder / "legacy.txt").write_bytes(_story(3).encode("cp949"))
    (folder / "utf16.txt").write_bytes(_story(4).encode("utf-16"))  # with BOM
    (folder / "utf16-nobom.txt").write_bytes(_story(5).encode("utf-16-le"))
    (folder / "page.html").write_text(
        "<!doctype html><html><head><title>엔비디아 급락</title>"
        "<style>body { color: red } .엔비디아 { x: 1 }</style>"
        "<script>var 화웨이 = '어센드 910B 칩으로 훈련했다.'; alert(1)</script></head>"
        f"<body><nav>공유 댓글 프린트</nav><article><p>{STOCK.replace('2.2%', '6.5%')}</p>"
        f"<script>document.write('캠브리콘이 칩을 샀다.')</script><p>{BAN}</p></article>"
        "<footer>Copyright 2025</footer></body></html>", encoding="utf-8")
    # a zero-width or C1 control character after every character, a C0 control after every 150th
    # (under the 1% of control bytes that marks a file as binary)
    invisible = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x80\x9f\u202e\u2066"
    controls = "\x01\x02\x07\x08\x0e\x1b\x1f\x7f"
    noisy = "".join(ch + invisible[i % len(invisible)] + (controls[i % len(controls)] if i % 150 == 7 else "")
                    for i, ch in enumerate(_story(7).replace("\n", " \n\t")))
    (folder / "noisy.txt").write_text(noisy, encoding="utf-8")
    (folder / "controls.txt").write_text("".join(ch + controls[i % len(controls)] for i, ch in enumerate(_story(6))),
                                         encoding="utf-8")
    (folder / "longline.txt").write_text(_prose_line(long_line), encoding="utf-8")
    # bad files
    (folder / "empty.txt").write_bytes(b"")
    (folder / "whitespace.txt").write_text(" \n\t\n\u3000 \n", encoding="utf-8")
    (folder / "picture.txt").write_bytes(PNG)
    (folder / "archive.txt").write_bytes(gzip.compress(_story(8).encode("utf-8")))
    (folder / "invalid-utf8.txt").write_bytes(_story(9).encode("utf-8")[:30] + b"\xff\xfe\xc3\x28\xa0" + b"\x80" * 40)
    with (folder / "huge.txt").open("wb") as handle:  # 50 MB of real text; skipped without being read
        block = (_story(10) * 200).encode("utf-8")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block[:50 * 1024 * 1024 - handle.tell()])
    unit = _story(11) + "\n"
    (folder / "big.txt").write_text(unit * (3 * 1024 * 1024 // len(unit.encode("utf-8"))), encoding="utf-8")
    (folder / "chrome-only.html").write_text(
        "<html><body><script>엔비디아는 하락했다.</script><style>p{}</style><p>공유</p><p>댓글</p></body></html>",
        encoding="utf-8")
    (folder / "mirror.txt").write_text(_story(1).replace(" ", "\u00a0"), encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,date,outlet,url,title\n"
        "good.txt,2025-04-16,연합뉴스,,\n"
        "dated.txt,2024-02-30,,,\n"
        "missing.txt,2025-01-01,,,\n"
        "good.txt,2025-04-17,,,\n", encoding="utf-8")
    sub = folder / "sub"
    sub.mkdir()
    (sub / "good.txt").write_text(_story(12), encoding="utf-8")
    os.symlink("..", sub / "loop")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    lines = [json.dumps({"id": "wire-1", "date": "2025-04-16", "text": _story(13)}, ensure_ascii=False),
             '{"id": "wire-x", "text": "엔비디아',
             json.dumps({"id": "wire-3"}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "wire-1", "text": _story(14)}, ensure_ascii=False),
             json.dumps({"id": "wire-big", "text": "가" * (MAX_ARTICLE_BYTES * 5 // 12)}, ensure_ascii=False),
             json.dumps({"id": "wire-2", "text": _story(15)}, ensure_ascii=False)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _relative(source: str, folder: Path) -> str:
    return source.replace(str(folder) + os.sep, "", 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("hostile") / "in")


@pytest.fixture(scope="module")
def ingested(corpus) -> tuple[dict[str, Article], list[Problem]]:
    items = list(iter_articles([corpus]))
    return ({i.identifier: i for i in items if isinstance(i, Article)},
            [i for i in items if isinstance(i, Problem)])


# --------------------------------------------------------------------------------------
# The library: iter_articles
# --------------------------------------------------------------------------------------


def test_each_bad_item_is_one_problem_naming_it(corpus, ingested):
    _, problems = ingested
    named = [_relative(p.source, corpus) for p in problems]
    assert sorted(named) == sorted(BAD), named
    for problem in problems:
        where = _relative(problem.source, corpus)
        assert BAD[where] in problem.message, (where, problem.message)
        assert problem.action  # what was done: skipped, row ignored, built without date …
        assert str(problem).startswith(problem.source + ": ")


def test_every_good_article_is_read(ingested):
    articles, _ = ingested
    assert sorted(articles) == sorted(GOOD)
    for identifier in ("good", "dated", "legacy", "utf16", "utf16-nobom", "wire-1", "wire-2"):
        assert "바이든 행정부는" in articles[identifier].text, identifier
    assert articles["good"].date == "2025-04-16" and articles["good"].outlet == "연합뉴스"
    assert articles["dated"].date is None  # the bad date was reported, the article kept


def test_html_scripts_styles_and_chrome_are_dropped(ingested):
    page = ingested[0]["page"]
    assert page.title == "엔비디아 급락"
    assert "6.5% 하락한" in page.text and "바이든 행정부는" in page.text
    for junk in ("alert", "화웨이", "캠브리콘", "color", "Copyright", "공유"):
        assert junk not in page.text, junk


def test_control_and_zero_width_characters_are_removed(ingested):
    noisy = ingested[0]["noisy"]
    assert not INVISIBLE.search(noisy.text)
    assert "엔비디아는 7.5% 하락한 118달러에 거래되고 있다." in noisy.text
    assert "바이트댄스는 화웨이의 어센드 970B 칩으로" in noisy.text


def test_the_long_single_line_is_cut_into_lines_at_sentence_ends(ingested):
    article = ingested[0]["longline"]
    lines = article.text.split("\n")
    assert len(lines) >= 200_000 // MAX_LINE_CHARS
    assert all(0 < len(line) <= MAX_LINE_CHARS for line in lines)
    assert all(line.endswith("다.") for line in lines[:-1])  # cut at sentence ends, never in a word
    assert "".join(article.text.split()) == "".join(_prose_line(200_000).split())  # nothing lost


def _sparse(path: Path, size: int) -> Path:
    """A file of `size` NUL bytes that takes no disk space."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_file_one_byte_over_the_limit_is_skipped_unread(tmp_path):
    over = _sparse(tmp_path / "over.txt", MAX_FILE_BYTES + 1)
    at = _sparse(tmp_path / "at.txt", MAX_FILE_BYTES)
    items = [str(i) for i in iter_articles([tmp_path])]
    assert items == [f"{at}: binary file (NUL bytes) — not an article (skipped)",  # read: under the limit
                     f"{over}: file too large (8.1 MB > 8.0 MB limit) (skipped)"]


@pytest.mark.parametrize("size, built", [(MAX_ARTICLE_BYTES, True), (MAX_ARTICLE_BYTES + 1, False)])
def test_an_article_over_the_text_limit_is_skipped(tmp_path, size, built):
    text = "가" * (size // 3) + "a" * (size % 3)  # exactly `size` bytes of UTF-8
    assert len(text.encode("utf-8")) == size
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "wire", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    items = list(iter_articles([feed]))
    if built:
        assert [type(i).__name__ for i in items] == ["Article"]
    else:
        assert [str(i) for i in items] == [f"{feed}:1: article too large (2.1 MB of text > 2.0 MB limit) (skipped)"]


@pytest.mark.parametrize("chars, lines", [(MAX_LINE_CHARS, 1), (MAX_LINE_CHARS + 1, 2)])
def test_a_line_over_the_limit_is_cut(chars, lines):
    assert [len(line) for line in clean_text("가" * chars).split("\n")][:lines] == (
        [chars] if lines == 1 else [MAX_LINE_CHARS, chars - MAX_LINE_CHARS])


def test_the_huge_file_is_not_read(corpus, monkeypatch):
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    items = list(iter_articles([corpus / "huge.txt"]))
    assert [str(i) for i in items] == [f"{corpus / 'huge.txt'}: file too large (50.0 MB > 8.0 MB limit) (skipped)"]
    assert "huge.txt" not in read


def test_html_markup_does_not_count_toward_the_article_limit(tmp_path):
    bundle = "var a = '엔비디아는 하락했다.';\n" * (3 * 1024 * 1024 // 40)  # a 3 MB inline script bundle
    markup = "<div class='ad' data-track='{\\\"x\\\": 1}'><span>광고</span></div>" * 2000
    page = (f"<html><head><script>{bundle}</script></head><body>{markup}"
            f"<article><p>{STOCK}</p><p>{BAN}</p></article></body></html>")
    assert MAX_ARTICLE_BYTES < len(page.encode("utf-8")) < MAX_FILE_BYTES
    (tmp_path / "heavy.html").write_text(page, encoding="utf-8")
    items = list(iter_articles([tmp_path / "heavy.html"]))
    assert [type(i).__name__ for i in items] == ["Article"], items


@pytest.mark.parametrize("line, limit, expected", [
    ("가나다라마바사아자차카", 4, ["가나다라", "마바사아", "자차카"]),  # no spaces: hard cuts
    ("하나 둘 셋 넷 다섯 여섯", 6, ["하나 둘 셋", "넷 다섯", "여섯"]),  # at the last space
    ("주가는 2.2% 올랐고 칩은 팔렸다", 11, ["주가는 2.2%", "올랐고 칩은 팔렸다"]),  # "2.2" is no sentence end
    ("칩을 샀다. 주가가 올랐다. 끝이다.", 18, ["칩을 샀다. 주가가 올랐다.", "끝이다."]),  # at the last sentence end
    ("짧은 줄이다.", 100, ["짧은 줄이다."]),
])
def test_split_long_line(line, limit, expected):
    assert split_long_line(line, limit) == expected


def test_clean_text_cuts_only_overlong_lines():
    short = "\n".join([STOCK, BAN])
    assert clean_text(short) == short
    cleaned = clean_text("가" * (MAX_LINE_CHARS * 2 + 5))
    assert [len(line) for line in cleaned.split("\n")] == [MAX_LINE_CHARS, MAX_LINE_CHARS, 5]


# --------------------------------------------------------------------------------------
# The command: python -m kg build, exit status 0 / 2 / 1
# --------------------------------------------------------------------------------------


def kg_build(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "kg", "build", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _article_ids(store: Path) -> set[str]:
    from kg.rdf.store import KnowledgeStore

    knowledge = KnowledgeStore(store, read_only=True)
    rows = knowledge.query("PREFIX dcterms: <http://purl.org/dc/terms/> "
                                 "SELECT ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }")
    return {row["id"].value for row in rows}


def _summary(stderr: str) -> dict[str, int]:
    match = re.search(r"built (\d+), unchanged (\d+), removed (\d+), problems (\d+)", stderr)
    assert match, stderr
    return dict(zip(("built", "unchanged", "removed", "problems"), map(int, match.groups())))


def test_cli_hostile_corpus_builds_the_good_and_names_each_bad_once(corpus, tmp_path):
    store = tmp_path / "store"
    result = kg_build(corpus, "--store", store, "--min-confidence", "0")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for bad, words in BAD.items():
        named = [line for line in lines if f"{corpus / bad}: " in line]
        assert len(named) == 1, (bad, named)
        assert words in named[0], named[0]
    assert _summary(result.stderr) == {"built": len(GOOD), "unchanged": 0, "removed": 0, "problems": len(BAD)}
    assert _article_ids(store) == set(GOOD)


def test_cli_only_bad_inputs_exits_1(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes(PNG)
    (folder / "feed.jsonl").write_text('{"id": 1\n', encoding="utf-8")
    result = kg_build(folder, tmp_path / "missing-folder", "--store", tmp_path / "store")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert _summary(result.stderr) == {"built": 0, "unchanged": 0, "removed": 0, "problems": 4}
    for source in (folder / "empty.txt", folder / "picture.txt", f"{folder / 'feed.jsonl'}:1",
                   tmp_path / "missing-folder"):
        assert sum(f"{source}: " in line for line in result.stderr.splitlines()) == 1, source


def test_cli_all_good_exits_0_and_again_0_when_unchanged(tmp_path):
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "a.txt").write_text(_story(1), encoding="utf-8")
    (folder / "b.txt").write_bytes(_story(2).encode("cp949"))
    (folder / "c.jsonl").write_text(json.dumps({"id": "c", "text": _story(3)}, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    store = tmp_path / "store"
    first = kg_build(folder, "--store", store)
    assert first.returncode == 0, first.stderr
    assert _summary(first.stderr) == {"built": 3, "unchanged": 0, "removed": 0, "problems": 0}
    assert "skipped" not in first.stderr
    second = kg_build(folder, "--store", store)
    assert second.returncode == 0, second.stderr
    assert _summary(second.stderr)["unchanged"] == 3
    assert _article_ids(store) == {"a", "b", "c"}


def test_cli_file_names_with_brackets_are_printed_verbatim(tmp_path):
    folder = tmp_path / "in"
    (folder / "a[").mkdir(parents=True)
    (folder / "[속보] 엔비디아.txt").write_text(_story(1), encoding="utf-8")
    (folder / "[abc]empty.txt").write_bytes(b"")
    (folder / "a[" / "]b.txt").write_bytes(b"")  # the path holds "[/]", a Rich closing tag
    result = kg_build(folder, "--store", tmp_path / "store")
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, result.stderr
    assert f"{folder / '[abc]empty.txt'}: " in result.stderr
    assert f"{folder / 'a[' / ']b.txt'}: " in result.stderr


ADVERSARIAL = [
    "작성자 a " + "작성일 " * 200_000,  # a chrome pattern `^작성자.*작성일.*조회` backtracks quadratically
    "\n".join("작성자 a " + "작성일 " * 120 for _ in range(1500)),
    "기자 " + "a." * 300_000 + "@",  # byline / e-mail patterns
    "ⓒ" + " 무단 전재" * 100_000,
    "<!--" * 200_000,  # the HTML parser scans to the end for each unclosed comment, quote or tag
    "<html><body>" + '<a b="c" d=">x' * 20_000,
    "<html><body>" + "<p>엔비디아" * 20_000,
]
"""Input that was slow once (quadratic patterns or parsing); `bench/hostile_bench.py` times it."""


@pytest.mark.parametrize("raw", ADVERSARIAL)
def test_cleaning_adversarial_input_never_raises_and_keeps_the_line_limit(raw, monkeypatch):
    monkeypatch.setattr("kg.ingest.html.HTML_PARSE_SECONDS", 2.0)
    for cleaned in (clean_text(raw), clean_text(raw, html=True)):
        assert all(0 < len(line) <= MAX_LINE_CHARS for line in cleaned.split("\n") if cleaned)
        assert not INVISIBLE.search(cleaned)


SOUP = "<html><body>" + "<p a='>' b=\"" * 20_000
"""Markup html.parser needs minutes for: thousands of unclosed attribute quotes."""


def _soup_folder(folder: Path) -> Path:
    (folder / "soup.html").write_text(SOUP, encoding="utf-8")
    (folder / "fine.html").write_text(f"<html><body><p>{STOCK}</p><p>{BAN}</p></body></html>", encoding="utf-8")
    return folder


def _assert_soup_skipped(folder: Path, items: list) -> None:
    assert [str(i) for i in items if isinstance(i, Problem)] == [
        f"{folder / 'soup.html'}: HTML too malformed to read in 1 s of CPU time (unclosed tags, quotes or comments) (skipped)"]
    assert [i.identifier for i in items if isinstance(i, Article)] == ["fine"]


def test_malformed_html_is_skipped_after_the_parse_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.ingest.html.HTML_PARSE_SECONDS", 1.0)
    folder = _soup_folder(tmp_path)
    _assert_soup_skipped(folder, list(iter_articles([folder])))


def test_the_parse_limit_holds_off_the_main_thread(tmp_path, monkeypatch):
    """A worker thread (a server request, a threaded build) gets the same limit as the main one."""
    monkeypatch.setattr("kg.ingest.html.HTML_PARSE_SECONDS", 1.0)
    folder = _soup_folder(tmp_path)
    items: list = []
    worker = threading.Thread(target=lambda: items.extend(iter_articles([folder])))
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the parse in the worker thread was not stopped"
    _assert_soup_skipped(folder, items)
