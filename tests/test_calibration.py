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


def test_switching_off_returns_raw_scores():
    try:
        calibration.set_enabled(False)
        assert calibration.calibrate("action", 0.65) == 0.65
    finally:
        calibration.set_enabled(True)
