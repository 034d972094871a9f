"""Calibration: an isotonic, conservative map from raw scores to confidence."""

from __future__ import annotations

from kg.extract import calibration


def test_fit_is_monotone_and_conservative():
    outcomes = [(0.5, False)] * 6 + [(0.6, True), (0.6, False)] * 5 + [(0.8, True)] * 30 + [(0.8, False)]
    steps = calibration.fit(outcomes)
    values = [v for _, v in steps]
    assert values == sorted(values)
    assert steps[-1][0] == 0.8 and 0.85 < steps[-1][1] < 30 / 31  # a lower bound, below the raw share


def test_fit_pools_violators():
    steps = calibration.fit([(0.1, True), (0.2, False), (0.3, True), (0.4, True)])
    assert [start for start, _ in steps] == [0.1, 0.3]


def test_calibrate_reads_the_shipped_table():
    assert calibration.calibrate("action", 0.99) >= calibration.calibrate("action", 0.65)
    assert calibration.calibrate("no-such-kind", 0.42) == 0.42


def test_identity_keeps_raw_scores_and_is_passed_not_switched():
    assert calibration.Calibration.identity()("action", 0.65) == 0.65
    shipped = calibration.Calibration.shipped()
    assert shipped("action", 0.65) == calibration.calibrate("action", 0.65)  # the identity left no trace


def test_extraction_takes_its_calibration_as_an_argument():
    from kg.extract import extract
    from kg.ingest import Article

    text = "미국 상무부는 엔비디아의 H20 칩을 중국에 수출할 때 허가를 받도록 했다고 16일 밝혔다."
    article = Article(identifier="c1", text=text, date="2025-04-16", title=None, outlet=None, url=None,
                      source="test", content_hash="x")
    raw = extract(article, calibration=calibration.Calibration.identity())
    fitted = extract(article)
    assert raw.actions and [a.cls for a in raw.actions] == [a.cls for a in fitted.actions]
    assert [calibration.calibrate("action", a.confidence) for a in raw.actions] == [a.confidence for a in fitted.actions]
