"""The safety benchmark's held-out aggregates count what they say (figures only; no product behaviour here)."""

from bench.safety import aggregate, latency, missed_target


def test_aggregate_counts_recall_per_language_under_triage_and_alarms():
    held = [{"label": "emergency", "lang": "en"}, {"label": "urgent", "lang": "es"},
            {"label": "emergency", "lang": "es"}, {"label": "routine", "lang": "en"}]
    fig = aggregate(held, ["emergency", "emergency", "routine", "urgent"])
    assert fig["recall"] == 2 / 3 and fig["recall_en"] == 1.0 and fig["recall_es"] == 0.5
    assert fig["exact"] == 1 / 3 and fig["under"] == 1 and fig["alarms"] == 1.0
    assert missed_target(fig)
    assert not missed_target(aggregate(held, ["emergency", "urgent", "emergency", "routine"]))


def test_latency_gives_ordered_percentiles_and_mean_per_screen():
    got = latency(["my lower back aches after gardening", "no chest pain, no fever, but my knee is swollen"],
                  None, repeat=2)
    assert set(got) == {"baseline (analyzer words())", "rules"}
    for p50, p95, p99, mean, fastest in got.values():
        assert 0 <= p50 <= p95 <= p99 and mean >= 0 and 0 <= fastest <= p99
