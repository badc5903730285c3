"""End to end: the database goes away in the middle of a real ``scrapy crawl``.

A FerretDB of the test's own is stopped while the crawl writes; whether it comes back
within ``STORE_RETRY_SECONDS`` or only for a later run, every article ends up stored once.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from newsscraper.replica import ReplicaServer
from newsscraper.storage.ferretdb import LocalDatabase
from newsscraper.storage.uri import client_options
from tests.crawl_helpers import ROOT, crawl_command, crawl_stats, run_crawl
from tests.e2e.test_crawl import assert_store_equals_truth

pytestmark = pytest.mark.slow

ARTICLES = 300
SEED = 11
DATABASE = "outage"
# slow enough to be interrupted, and writing small batches early. The waits below are
# bounds for a loaded host (2 cores, other suites), not expectations: each whole test took
# 19-40 s at a load of 5, where a wait of 60 s for one of its crawls was a guess
SLOW = ("-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", "DOWNLOAD_DELAY=0.02", "-s", "STORE_BATCH_SIZE=10", "-s", "STORE_BATCH_SECONDS=0.5",
        "-s", "MONGO_TIMEOUT_MS=1000")


class Crawl:
    """``scrapy crawl`` in the background, as :func:`run_crawl` runs it in the foreground."""

    def __init__(self, server: ReplicaServer, uri: str, data_dir: Path, log: Path,
                 *args: str) -> None:
        cmd, env = crawl_command(server, uri, DATABASE, data_dir, *args)
        self.log = log
        # a file, not a pipe: nobody reads the pipe while the crawl runs, so it could fill
        with open(log, "w") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out,
                                         stdin=subprocess.DEVNULL)

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"crawl still running after {timeout}s:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.running():
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def crawls() -> Iterator[Callable[..., Crawl]]:
    started: list[Crawl] = []

    def start(*args, **kwargs) -> Crawl:
        started.append(Crawl(*args, **kwargs))
        return started[-1]

    yield start
    for crawl in started:
        crawl.stop()


def stored_count(uri: str) -> int:
    client: MongoClient = MongoClient(
        uri, **client_options(timeout_ms=500, operation_timeout_ms=5000))
    try:
        return client[DATABASE].articles.count_documents({})
    except PyMongoError:
        return 0
    finally:
        client.close()


def stop_once_some_stored(db: LocalDatabase, crawl: Crawl, timeout: float = 120) -> None:
    """Stop the server while the crawl is writing: some articles stored, more to come."""
    deadline = time.monotonic() + timeout
    while (count := stored_count(db.uri)) < 20:
        assert crawl.running(), f"crawl ended before storing 20 articles:\n{crawl.tail()}"
        assert time.monotonic() < deadline, f"{count} articles stored after {timeout}s"
        time.sleep(0.2)
    db.stop()
    assert crawl.running(), "too late: the crawl had ended"


def spill_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "spill").glob("spill-*.jsonl"))


def check_store(db: LocalDatabase, site: ReplicaServer) -> dict:
    """Every article of truth stored once and equal to truth; the run records."""
    client: MongoClient = MongoClient(db.uri, **client_options())
    try:
        assert_store_equals_truth(client[DATABASE], site.model, site)
        # a write retried or replayed is not an edit: no second version of anything
        assert client[DATABASE].article_versions.count_documents({}) == 0
        return {r["_id"]: r for r in client[DATABASE].runs.find()}
    finally:
        client.close()


def interrupted_crawl(own_server, replica_server, crawls, tmp_path, retry_seconds: float):
    """A crawl of the replica whose database is stopped once it has stored some articles."""
    site = replica_server(ARTICLES, SEED)
    data_dir = tmp_path / "data"
    crawl = crawls(site, own_server.uri, data_dir, tmp_path / "crawl.log", *SLOW,
                   "-s", f"STORE_RETRY_SECONDS={retry_seconds}")
    stop_once_some_stored(own_server, crawl)
    return site, data_dir, crawl


def wait_for_log(crawl: Crawl, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in crawl.log.read_text(errors="replace"):
        assert crawl.running(), f"crawl ended before logging {text!r}:\n{crawl.tail()}"
        assert time.monotonic() < deadline, f"no {text!r} after {timeout}s:\n{crawl.tail()}"
        time.sleep(0.2)


def test_database_restarted_mid_crawl(own_server, replica_server, crawls, tmp_path):
    site, data_dir, crawl = interrupted_crawl(own_server, replica_server, crawls, tmp_path, 60)
    # back once the store has met the outage (on a loaded host a fixed pause could end
    # before the next batch is written)
    wait_for_log(crawl, "MongoDB unavailable during")
    own_server.start(log=lambda _m: None)
    assert crawl.wait(240) == 0, crawl.tail()
    stats = crawl_stats(crawl.log.read_text())
    assert stats.get("mongo/retries", 0) > 0, stats
    assert not stats.get("mongo/spilled") and not spill_files(data_dir), stats
    [run] = check_store(own_server, site).values()
    assert run["status"] == "finished" and run["counts"]["new"] == stats["item_scraped_count"]


def test_database_gone_for_good_then_replayed(own_server, replica_server, crawls, tmp_path):
    site, data_dir, crawl = interrupted_crawl(own_server, replica_server, crawls, tmp_path, 2)
    assert crawl.wait(240) == 3, crawl.tail()
    failed = crawl_stats(crawl.log.read_text())
    assert "'finish_reason': 'mongo_unavailable'" in crawl.log.read_text(), crawl.tail()
    assert failed.get("mongo/spilled", 0) > 0 and spill_files(data_dir), failed

    own_server.start(log=lambda _m: None)
    replay = run_crawl(site, own_server.uri, DATABASE, data_dir, timeout=300)
    assert replay.returncode == 0, replay.stderr[-3000:]
    stats = crawl_stats(replay.stderr)
    assert stats.get("mongo/replayed", 0) >= failed["mongo/spilled"], (stats, failed)
    assert "replayed" in replay.stderr and not stats.get("mongo/spilled"), stats
    assert not spill_files(data_dir)
    runs = check_store(own_server, site)
    # the failed run's record, written to the spill while the server was away, replayed too
    assert sorted((r["status"], r["finish_reason"]) for r in runs.values()) == [
        ("failed", "mongo_unavailable"), ("finished", "finished")]
