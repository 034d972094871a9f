"""Building the store: conformance, determinism, incremental rebuilds and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

from kg.build import build
from kg.rdf.export import export
from kg.namespaces import article_iri
from kg.settings import default_min_confidence
from kg.rdf.store import KnowledgeStore
from kg.rdf.validate import validate

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
    store.update("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        DELETE { GRAPH ?g { ?a cg:evidence ?e } } WHERE { GRAPH ?g { ?a a cg:StockMove ; cg:evidence ?e } }""")
    store.update("""INSERT DATA { GRAPH <https://w3id.org/chipgraph/graph/reference> {
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
    rows = store.query("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
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
    rows = list(store.query("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
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


# --- skipping unchanged input without reading it (issue 6) -----------------------------------


def _refuse_to_clean(monkeypatch) -> None:
    """Make decoding and cleaning fail loudly, so a rebuild that reads any article text raises."""
    from kg.ingest import assemble, files

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged article was decoded or cleaned")

    monkeypatch.setattr(assemble, "clean_article", refuse)
    monkeypatch.setattr(files, "decode_text", refuse)  # article files (a manifest is still read)


def test_a_no_change_rebuild_neither_decodes_nor_cleans(seeds_copy, tmp_path, monkeypatch):
    store = KnowledgeStore(tmp_path / "store")
    assert build([seeds_copy], store).built == 5
    _refuse_to_clean(monkeypatch)
    report = build([seeds_copy], store)
    assert (report.built, report.unchanged, report.problems) == (0, 5, [])


def test_the_refusing_cleaner_does_catch_a_changed_article(seeds_copy, tmp_path, monkeypatch):
    """The check above can fail: a changed article is cleaned, and the refusal shows."""
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    changed = seeds_copy / "002_c2b0ad42cbf38662.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")
    _refuse_to_clean(monkeypatch)
    try:
        build([seeds_copy], store)
    except AssertionError as exc:
        assert "decoded or cleaned" in str(exc)
    else:
        raise AssertionError("a changed article was not read")


def test_a_no_change_rebuild_does_not_load_the_korean_model(seed_store_path, tmp_path):
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "store"
    shutil.copytree(seed_store_path, copy)
    code = ("import sys\nfrom kg.build import build\nfrom kg.rdf.store import KnowledgeStore\n"
            "from kg.nlp.morph import analyzer\nfrom kg.lexicon import gazetteer\n"
            "r = build([sys.argv[1]], KnowledgeStore(sys.argv[2]), jobs=2)\n"
            "print(r.built, r.unchanged, analyzer.cache_info().currsize, gazetteer.cache_info().currsize)\n")
    done = subprocess.run([sys.executable, "-c", code, str(SEEDS), str(copy)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "5", "0", "0"]  # nothing built; no Kiwi, no gazetteer loaded


def _feed(path: Path, records: list[dict]) -> None:
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_a_jsonl_record_whose_raw_line_changes_is_read_again(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    records = [{"id": "a", "date": "2025-04-16", "text": ARTICLE},
               {"id": "b", "text": "엔비디아의 주가가 6.3% 하락했다."}]
    _feed(feed, records)
    store = KnowledgeStore(tmp_path / "store")
    assert build([feed], store).built == 2
    records[1]["text"] = "엔비디아의 주가가 3.1% 상승했다."
    _feed(feed, records)
    report = build([feed], store)
    assert (report.built, report.unchanged) == (1, 1)
    rows = store.query("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        SELECT ?p WHERE { GRAPH <%s> { ?a cg:percent ?p } }""" % article_iri("b"))
    assert [r["p"].value for r in rows] == ["3.1"]
    # the same record written differently: raw bytes changed, content not → not rebuilt, but re-fingerprinted
    feed.write_text(feed.read_text(encoding="utf-8").replace('"id": "a"', '"id":  "a"'), encoding="utf-8")
    report = build([feed], store)
    assert (report.built, report.unchanged) == (0, 2)
    _refuse_to_clean(monkeypatch)
    assert build([feed], store).unchanged == 2


def test_a_store_without_fingerprints_rebuilds_nothing_and_gains_them(seeds_copy, tmp_path, monkeypatch):
    """A store written before fingerprints existed: one rebuild reads every article (and builds
    none), the next reads none."""
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    store.set_fingerprints((graph, None) for graph in store.article_fingerprints())
    assert store.article_fingerprints() == {}
    assert (build([seeds_copy], store).built, len(store.article_fingerprints())) == (0, 5)
    _refuse_to_clean(monkeypatch)
    assert build([seeds_copy], store).unchanged == 5


def test_a_fingerprint_is_not_trusted_once_the_graph_changed_under_it(seeds_copy, tmp_path):
    """Another writer (an older Chipgraph, say) replaced a graph without updating its fingerprint."""
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    target = article_iri("003_95b58d0a8247b5bf")
    store.update("""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        DELETE { GRAPH <%s> { <%s> cg:contentHash ?h } } INSERT { GRAPH <%s> { <%s> cg:contentHash "sha256:other" } }
        WHERE { GRAPH <%s> { <%s> cg:contentHash ?h } }""" % ((target,) * 6))
    assert (build([seeds_copy], store).built, build([seeds_copy], store).built) == (1, 0)


def test_a_new_article_repeating_an_unchanged_one_is_still_caught(seeds_copy, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    original = seeds_copy / "001_95c58bfde6776d8a.txt"
    (seeds_copy / "999_mirror.txt").write_bytes(original.read_bytes())
    report = build([seeds_copy], store)
    assert (report.built, report.unchanged) == (0, 5)
    assert [(Path(p.source).name, p.message.split(" (")[0]) for p in report.problems] == \
        [("999_mirror.txt", "same text as 001_95c58bfde6776d8a")]
    # and an unchanged article now repeating an earlier, changed one is skipped as before
    (seeds_copy / "999_mirror.txt").unlink()
    (seeds_copy / "000_e3e1c4b4497a31e5.txt").write_bytes(original.read_bytes())
    report = build([seeds_copy], store, prune=True)
    assert [(Path(p.source).name, p.message.split(" (")[0]) for p in report.problems] == \
        [("001_95c58bfde6776d8a.txt", "same text as 000_e3e1c4b4497a31e5")]
    assert report.removed == 1 and article_iri("001_95c58bfde6776d8a") not in store.article_fingerprints()


def test_force_and_prune_with_fingerprints(seeds_copy, tmp_path):
    store = KnowledgeStore(tmp_path / "store")
    build([seeds_copy], store)
    assert build([seeds_copy], store, force=True).built == 5
    (seeds_copy / "004_943bab4e8671f631.txt").unlink()
    assert build([seeds_copy], store, prune=True).removed == 1
    assert set(store.article_fingerprints()) == set(store.article_states())
    assert len(store.article_fingerprints()) == 4


def test_the_writer_flushes_the_store_as_it_goes(tmp_path):
    """Flushing every few triples (to bound RocksDB's memtables) changes nothing in the graph."""
    from kg.build import BuildReport, GraphWriter
    from kg.build.executors import ArticleResult

    store = KnowledgeStore(tmp_path / "store")
    flushes = []
    original = store.flush
    store.flush = lambda: (flushes.append(1), original())[1]
    writer = GraphWriter(store, BuildReport(), batch_articles=2, flush_triples=3)
    for i in range(6):
        triples = tuple(f"<urn:s{i}> <urn:p> <urn:o{j}>" for j in range(2))
        writer.add(ArticleResult(article_iri(f"w{i}"), triples, 0, 0))
    writer.flush()
    assert len(flushes) == 3
    assert sum(len(store.quads(article_iri(f"w{i}"))) for i in range(6)) == 12


def test_a_fresh_store_is_bulk_loaded_in_large_pieces(tmp_path):
    """The bulk writer loads every `bulk_triples` triples, not per article, keeping only text;
    the graph and the fingerprints are the same as through updates."""
    from kg.build import BuildReport, GraphWriter
    from kg.build.executors import ArticleResult

    class Counting:
        def __init__(self, store):
            self.inner, self.loads = store, []

        def bulk_load(self, data, **kw):
            self.loads.append(data.count(b"\n"))
            return self.inner.bulk_load(data, **kw)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    results = [ArticleResult(article_iri(f"b{i}"), tuple(f"<urn:s{i}> <urn:p> <urn:o{j}>" for j in range(2)),
                             1, 0, f"h{i} r{i} k{i}") for i in range(7)]
    bulk, updated = KnowledgeStore(tmp_path / "bulk"), KnowledgeStore(tmp_path / "updated")
    bulk.store = counting = Counting(bulk.store)
    report = BuildReport()
    writer = GraphWriter(bulk, report, bulk=True, bulk_triples=5)
    for result in results:
        writer.add(result)
        assert all(not pending.triples for pending in writer.pending)
    writer.flush()
    assert counting.loads == [6, 6, 2]  # three articles (6 triples) a load, then the rest; fingerprints beside
    assert report.built == 7 and report.actions == 7
    other = GraphWriter(updated, BuildReport())
    for result in results:
        other.add(result)
    other.flush()
    assert bulk.quads() == updated.quads()
    assert bulk.article_fingerprints() == updated.article_fingerprints() and len(bulk.article_fingerprints()) == 7
