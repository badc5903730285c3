"""A backfill killed in the middle and started again ends with the database an
uninterrupted run leaves; a consumer polling the README's changes feed during a crawl
ends with every copy equal to the database (related ids filled after an article was
stored move ``changed_at``)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import MongoClient

from benchmarks.bench_crawl import RUN_FIELDS
from newsscraper.replica import ReplicaServer, generate_site
from tests.crawl_helpers import ROOT, crawl_command, crawl_stats, run_crawl

pytestmark = pytest.mark.slow

ARTICLES = 150
SEED = 7
LEASE = ("-s", "NEWSSCRAPER_LEASE_SECONDS=5")
# the run to kill writes in small batches at a pace a poll can catch a third of the way
# (with the default batch of 200 the replica's 150 articles can land in one write)
PACED = ("-s", "STORE_BATCH_SIZE=10", "-s", "DOWNLOAD_DELAY=0.02")


@pytest.fixture
def databases(mongo_server):
    client: MongoClient = MongoClient(mongo_server, tz_aware=True)
    names = [f"test_backfill_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        yield client, names
    finally:
        for name in names:
            client.drop_database(name)
        client.close()


def articles(db) -> dict[str, dict]:
    return {d["_id"]: {k: v for k, v in d.items() if k not in RUN_FIELDS}
            for d in db.articles.find()}


def test_a_backfill_killed_at_a_third_and_run_again_ends_as_one_run(
        mongo_server, databases, tmp_path):
    client, (whole, resumed) = databases
    with ReplicaServer(generate_site(ARTICLES, SEED, 1)) as server:
        done = run_crawl(server, mongo_server, whole, tmp_path / "a", *LEASE, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        total = client[whole].articles.count_documents({})
        cmd, env = crawl_command(server, mongo_server, resumed, tmp_path / "b", *LEASE,
                                 *PACED)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        while proc.poll() is None and \
                client[resumed].articles.estimated_document_count() < total // 3:
            time.sleep(0.1)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = client[resumed].articles.estimated_document_count()
        assert 0 < killed_at < total
        time.sleep(6)  # the dead run's lease goes stale
        again = run_crawl(server, mongo_server, resumed, tmp_path / "b", *LEASE, timeout=900)
        assert again.returncode == 0, again.stderr[-3000:]
    a, b = articles(client[whole]), articles(client[resumed])
    assert sorted(a) == sorted(b)
    differ = {(k, name) for k in a for name in a[k].keys() | b[k].keys()
              if a[k].get(name) != b[k].get(name)}
    assert not differ
    assert sum(link["article_id"] is not None for d in b.values() for link in d["related"]) > 0
    assert client[resumed].related_pending.count_documents({}) == \
        client[whole].related_pending.count_documents({})


def test_the_feed_polled_during_a_crawl_ends_with_every_copy_as_stored(
        mongo_server, databases, tmp_path):
    client, (name, _) = databases
    db = client[name]
    lag = timedelta(seconds=8)  # the README's five minutes, scaled to a short crawl
    copies: dict[str, dict] = {}
    last = datetime(1970, 1, 1, tzinfo=timezone.utc)

    def poll() -> None:  # the README's loop
        nonlocal last
        upto = datetime.now(timezone.utc) - lag
        for doc in db.articles.find({"changed_at": {"$gt": last, "$lte": upto}}).sort(
                [("changed_at", 1), ("_id", 1)]):
            copies[doc["_id"]] = doc
        last = upto

    with ReplicaServer(generate_site(120, SEED, 1)) as server:
        # a slow crawl: the related ids of many articles are learned after they are stored
        cmd, env = crawl_command(server, mongo_server, name, tmp_path,
                                 "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.05",
                                 "-s", "STORE_BATCH_SIZE=5", "-s", "RELATED_IDS_SECONDS=0.5")
        log = tmp_path / "crawl.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
            while proc.poll() is None:
                poll()
                time.sleep(1)
        assert proc.returncode == 0, log.read_text()[-3000:]
        time.sleep(lag.total_seconds() + 1)
        poll()
    stored = {d["_id"]: d for d in db.articles.find()}
    assert sorted(copies) == sorted(stored)
    stale = [k for k in stored if copies[k] != stored[k]]
    assert stale == []
    # what this test is about happened: articles completed after they were stored
    assert crawl_stats(log.read_text()).get("related_ids/articles", 0) > 0
