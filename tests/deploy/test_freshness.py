"""Freshness, measured: deploy/run-crawl.sh on a short schedule against a replica that
keeps publishing stores every article within one interval plus one run's duration."""

from __future__ import annotations

import pytest

from benchmarks.bench_freshness import can_publish, measure

pytestmark = pytest.mark.slow

INTERVAL = 10.0


def test_every_published_article_stored_within_an_interval_and_a_run(mongo_uri, tmp_path):
    if not can_publish():
        pytest.skip("this replica cannot publish on a timer (replica serve --publish-every)")
    result = measure(mongo_uri, tmp_path, interval=INTERVAL, publish_every=3, runs=5)
    print(result.report())
    assert all(r.status == 0 for r in result.runs), result.runs
    assert len(result.delays) >= 8, result.report()  # publications spanned several runs
    missing = [aid for aid, delay in result.delays.items() if delay is None]
    assert not missing, result.report()
    # first_seen_at has whole seconds: one second of slack
    bound = INTERVAL + result.longest_run + 1
    late = {aid: d for aid, d in result.delays.items() if d is not None and d > bound}
    assert not late, (late, result.report())
