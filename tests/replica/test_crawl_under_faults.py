"""The fault profiles against the real spider: a crawl with retries still gets every
article, and no trap page ends up stored as one."""

from __future__ import annotations

import pytest

from newsscraper.replica import truth_records
from tests.crawl_helpers import last_run, run_crawl

pytestmark = pytest.mark.slow


def test_crawl_through_every_fault(replica_server, mongo_server, mongo_db, mongo_db_name,
                                   tmp_path):
    server = replica_server(articles=150, seed=8, faults="all")
    result = run_crawl(server, mongo_server, mongo_db_name, tmp_path, timeout=600)
    truth = {t["article_id"]: t for t in truth_records(server.model, server.base_url,
                                                       server.static_url)}
    stored = {d["article_id"]: d for d in mongo_db.articles.find()}
    assert set(stored) == set(truth), (result.returncode, result.stderr[-3000:])
    for aid, doc in stored.items():
        assert (doc["title"], doc["body"]) == (truth[aid]["title"], truth[aid]["body"]), aid
    # the transient faults were met and retried
    flaky = server.site.faults.attempts
    assert any(n >= 3 for n in flaky.values())
    run = last_run(mongo_db)
    assert run["status"] == "finished", (result.returncode, run)
    assert run["counts"]["new"] == len(truth)
