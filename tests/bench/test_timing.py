"""The engine's always-on timing histogram: percentiles within one bucket (9 %) of the truth."""
from __future__ import annotations

import numpy as np

from firmware.engine import TimingHistogram


def test_percentiles_are_bucket_bounds_close_to_the_true_ones():
    rng = np.random.default_rng(2)
    samples = rng.lognormal(np.log(800_000), 0.6, 20_000).astype(int)      # ns, around 0.8 ms
    histogram = TimingHistogram()
    for ns in samples.tolist():
        histogram.add(ns)
    for fraction in (0.5, 0.99):
        true_ms = np.quantile(samples, fraction) / 1e6
        got = histogram.percentile_ms(fraction)
        assert true_ms <= got <= true_ms * 1.1, (fraction, true_ms, got)
    summary = histogram.summary()
    assert summary["count"] == samples.size and summary["max_ms"] == round(samples.max() / 1e6, 4)
    assert summary["p50_ms"] < summary["p99_ms"] <= summary["max_ms"]


def test_reset_forgets_and_an_empty_histogram_says_zero():
    histogram = TimingHistogram()
    histogram.add(5_000_000)
    histogram.reset()
    assert histogram.summary() == {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    histogram.add(3_000)
    assert histogram.percentile_ms(0.99) == 0.003                           # capped at the maximum
