"""Building the store: conformance, determinism, incremental rebuilds and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

from kg.build import build
from kg.export import export
from kg.namespaces import article_iri
from kg.settings import default_min_confidence
from kg.store import KnowledgeStore
from kg.validate import validate

from tests.conftest import SEEDS

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
ARTICLE = "엔비디아는 2.2% 하락한 118달러에 거래되고 있다.\n바이든 행정부는 2022년에 엔비디아의 첨단 AI 칩의 중국 수출을 금지하는 조치를 발표했다.\n"


def test_seed_graph_conforms_to_shapes_and_checks(seed_store):
    report = validate(seed_store)
    assert report.conforms, report.findings[:10]
    assert report.triples > 3000


def test_validation_reports_a_broken_graph(tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([SEEDS / "000_e3e1c4b4497a31e5.txt"], store)
    store.store.update("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        DELETE { GRAPH ?g { ?a cg:evidence ?e } } WHERE { GRAPH ?g { ?a a cg:StockMove ; cg:evidence ?e } }""")
    store.store.update("""INSERT DATA { GRAPH <https://w3id.org/chipgraph/graph/reference> {
        <https://w3id.org/chipgraph/id/entity/nvidia> <http://www.w3.org/2002/07/owl#sameAs>
        <http://www.wikidata.org/entity/Q999999999> } }""")
    checks = {f.check for f in validate(store).findings}
    assert {"shacl", "wikidata"} <= checks


def test_same_input_gives_byte_identical_exports(tmp_path, seed_store):
    other = KnowledgeStore(tmp_path / "again")
    build([SEEDS], other, min_confidence=default_min_confidence())
    for fmt in ("turtle", "trig", "nquads", "ntriples", "jsonld"):
        assert export(other, fmt) == export(seed_store, fmt), fmt


def _article_quads(store: KnowledgeStore) -> dict[str, set[str]]:
    return {g: {str(q) for q in store.quads(g)} for g in store.graphs()}


def test_rebuild_replaces_only_the_changed_article(seeds_copy, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    first = build([seeds_copy], store)
    assert first.built == 5
    before = _article_quads(store)
    changed = seeds_copy / "004_943bab4e8671f631.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n" + ARTICLE, encoding="utf-8")
    second = build([seeds_copy], store)
    assert (second.built, second.unchanged) == (1, 4)
    after = _article_quads(store)
    target = article_iri("004_943bab4e8671f631")
    for graph, quads in before.items():
        if graph == target:
            assert after[graph] != quads
        else:
            assert after[graph] == quads, graph
    assert build([seeds_copy], store).unchanged == 5


def test_prune_drops_articles_no_longer_present(seeds_copy, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    (seeds_copy / "001_95c58bfde6776d8a.txt").unlink()
    report = build([seeds_copy], store, prune=True)
    assert report.removed == 1
    assert article_iri("001_95c58bfde6776d8a") not in store.graphs()


def test_bad_inputs_are_reported_and_the_rest_is_built(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "legacy.txt").write_bytes(ARTICLE.replace("엔비디아는", "엔비디아가").encode("cp949"))
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "picture.txt").write_bytes(PNG)
    (folder / "archive.txt").write_bytes(gzip.compress(b"hello" * 100))
    (folder / "spam.txt").write_text("구글상단작업 상위노출 사이트 네이버블로그매크로 웹SEO 홈페이지상위노출 " * 20, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "store")
    report = build([folder], store)
    problems = {Path(p.source).name: p.message for p in report.problems}
    assert set(problems) == {"empty.txt", "picture.txt", "archive.txt", "spam.txt"}, problems
    assert "PNG" in problems["picture.txt"]
    assert report.built == 2 and report.exit_code == 2
    rows = store.store.query("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a a cg:StockMove } }""")
    assert int(next(iter(rows))["n"].value) == 2


def test_nothing_buildable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    report = build([tmp_path / "empty.txt"], KnowledgeStore(tmp_path / "store"))
    assert report.built == 0 and report.exit_code == 1


def test_jsonl_articles_get_their_ids_and_dates(tmp_path):
    source = tmp_path / "feed.jsonl"
    source.write_text('{"id": "wire-1", "date": "2025-04-16", "outlet": "연합뉴스", "text": "엔비디아의 주가가 6.3% 하락했다."}\n',
                      encoding="utf-8")
    store = KnowledgeStore(tmp_path / "store")
    assert build([source], store).built == 1
    rows = list(store.store.query("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?d ?o ?p WHERE { GRAPH ?g { ?g dcterms:date ?d ; cg:outlet ?o . ?a cg:percent ?p } }"""))
    assert [(r["d"].value, r["o"].value.rsplit("/", 1)[-1], r["p"].value) for r in rows] == \
        [("2025-04-16", "yonhap", "-6.3")]


def test_an_article_built_without_its_bad_date_still_exits_0(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,date\na.txt,2024-13-45\n", encoding="utf-8")
    report = build([folder], KnowledgeStore(tmp_path / "store"))
    assert report.built == 1 and [p.action for p in report.problems] == ["built without date"]
    assert report.exit_code == 0
