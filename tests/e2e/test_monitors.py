"""The monitors on real crawls of the replica: an ordinary crawl passes them all; a crawl
of a redesigned site ends with status 4 and names the monitors that failed, and the
articles it could not read are dropped, counted and fetched again by the next run."""

from __future__ import annotations

import re

import pytest

from newsscraper.replica import faults
from tests.crawl_helpers import crawl_stats, last_run, run_crawl

pytestmark = pytest.mark.slow

EVERY = ["articles discovered", "articles stored", "field coverage", "finish reason",
         "pages archived", "parser bugs", "server errors", "site reached"]


def test_ordinary_replica_crawl_passes_every_monitor(replica, mongo_uri, mongo_db_name,
                                                     mongo_db, tmp_path):
    proc = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = last_run(mongo_db)
    assert run["status"] == "finished" and run["exit_status"] == 0
    assert run["monitors"]["failed"] == [] and run["monitors"]["passed"] == EVERY


def test_redesigned_site_exits_4_and_names_the_failed_monitors(
        replica_server, mongo_uri, mongo_db_name, mongo_db, tmp_path):
    if "redesign" not in faults.PROFILES:
        pytest.skip("this replica has no --faults redesign profile yet")
    site = replica_server(articles=150, seed=5, faults="redesign")
    proc = run_crawl(site, mongo_uri, mongo_db_name, tmp_path)
    assert proc.returncode == 4, proc.stderr[-3000:]
    run = last_run(mongo_db)
    assert run["status"] == "monitors_failed" and run["exit_status"] == 4
    assert {"articles stored", "field coverage"} <= set(run["monitors"]["failed"]), run
    assert "finish reason" in run["monitors"]["passed"]
    for name in run["monitors"]["failed"]:
        assert f"monitor failed: {name}" in proc.stderr
        assert run["monitors"]["details"][name]
    # pages in the unknown layout are dropped (no body) and counted, never stored...
    dropped = dropped_for_missing_body(proc.stderr)
    assert dropped and len(dropped) == crawl_stats(proc.stderr)["validate/dropped/missing_body"]
    assert run["counts"]["dropped"]["missing_body"] == len(dropped)
    stored = {doc["url"] for doc in mongo_db.articles.find({}, {"url": 1})}
    assert stored and not dropped & stored
    # ...so the next (incremental) run fetches each of them again
    again = run_crawl(site, mongo_uri, mongo_db_name, tmp_path)
    assert again.returncode == 4, again.stderr[-3000:]
    assert dropped_for_missing_body(again.stderr) == dropped


def dropped_for_missing_body(log: str) -> set[str]:
    return set(re.findall(r"dropping article (\S+): missing_body", log))
