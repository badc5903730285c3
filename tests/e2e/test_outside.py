"""Health checked from outside the run, after real crawls of the replica: the metrics file
(read back with prometheus_client's parser) and the Pushgateway body after each run,
good or failed, and ``newsscraper health`` on what those runs left in the database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timezone
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsscraper.storage.ferretdb import free_port
from tests.crawl.test_metrics import RecordingGateway
from tests.crawl_helpers import ROOT, last_run, run_crawl

pytestmark = pytest.mark.slow

NAMES = {"newsscraper_last_run_timestamp_seconds", "newsscraper_last_success_timestamp_seconds",
         "newsscraper_run_duration_seconds", "newsscraper_run_exit_status",
         "newsscraper_articles", "newsscraper_requests", "newsscraper_monitors_failed"}


def samples(text: str) -> dict[tuple[str, str], float]:
    """``{(name, outcome label or ""): value}`` of a textfile."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, s.labels.get("outcome", ""))] = s.value
    return out


def families(text: str) -> set[str]:
    return {f.name for f in text_string_to_metric_families(text)}


def health(mongo_uri: str, database: str, data_dir: Path, *argv: str
           ) -> tuple[int, str, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "newsscraper.cli", "health", "--database",
                           database, "--data-dir", str(data_dir), *argv],
                          cwd=ROOT, env=dict(os.environ, MONGO_URI=mongo_uri),
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started


def test_metrics_and_health_after_good_and_failed_runs(replica, mongo_uri, mongo_db_name,
                                                       mongo_db, tmp_path):
    path = tmp_path / "textfile" / "newsscraper.prom"
    path.parent.mkdir()
    metrics = ("-s", f"NEWSSCRAPER_METRICS_FILE={path}")
    # the replica's articles are dated 2025: no newest-article warning for them here
    old_site = ("--max-article-age", "3650d")

    with RecordingGateway() as gateway:
        before, clock = time.time(), time.monotonic()
        good = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path, *metrics,
                         "-s", f"NEWSSCRAPER_PUSHGATEWAY_URL={gateway.url}")
        wall, after = time.monotonic() - clock, time.time()
    assert good.returncode == 0, good.stderr[-3000:]
    text = path.read_text()
    assert families(text) >= NAMES
    first = samples(text)
    record = last_run(mongo_db)
    stored = mongo_db.articles.count_documents({})
    assert first[("newsscraper_run_exit_status", "")] == 0
    assert first[("newsscraper_articles", "new")] == stored == record["counts"]["new"] > 0
    assert first[("newsscraper_articles", "updated")] == 0
    assert first[("newsscraper_requests", "")] == record["counts"]["requests"] > stored
    assert first[("newsscraper_monitors_failed", "")] == 0
    # bounds that hold whatever the host's load: the metric is Scrapy's open-to-close
    # time; the record's duration starts once the lease is held (database round trips
    # later) and its ends are whole seconds, so on a slow lease the metric can exceed it by
    # more than the second once allowed. The crawl's process lasts longer than either
    assert 0 < first[("newsscraper_run_duration_seconds", "")] <= wall
    ended = record["ended_at"].replace(tzinfo=timezone.utc).timestamp()
    # written once the record has ended, before the process did
    assert max(ended, before) <= first[("newsscraper_last_run_timestamp_seconds", "")] <= after
    assert first[("newsscraper_last_success_timestamp_seconds", "")] == \
        first[("newsscraper_last_run_timestamp_seconds", "")]
    [(method, url_path, body)] = gateway.requests
    assert method == "PUT" and url_path == "/metrics/job/newsscraper"
    assert samples(body) == first  # the same registry

    summary = mongo_db.crawl_state.find_one({"_id": "runs:moscowtimes:last"})
    newest = max(d["published_at"] for d in mongo_db.articles.find({}, {"published_at": 1}))
    assert summary["newest_published_at"] == newest and summary["status"] == "finished"
    status, out, took = health(mongo_uri, mongo_db_name, tmp_path, *old_site)
    assert status == 0, out
    print(f"\nhealth after a good run: {took:.2f} s")
    time.sleep(2)
    status, out, _ = health(mongo_uri, mongo_db_name, tmp_path, *old_site, "--max-age", "1s")
    assert status == 2 and "CRITICAL last_success" in out, out
    status, out, _ = health(mongo_uri, mongo_db_name, tmp_path)  # 2025 articles: stale
    assert status == 1 and "WARNING  newest_article" in out, out

    # a run whose monitor fails (exit 4): its status, the previous success kept
    failed = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path, *metrics,
                       "-s", "MONITOR_FINISH_REASONS=never")
    assert failed.returncode == 4, failed.stderr[-3000:]
    second = samples(path.read_text())
    assert second[("newsscraper_run_exit_status", "")] == 4
    assert second[("newsscraper_monitors_failed", "")] == 1
    assert second[("newsscraper_last_success_timestamp_seconds", "")] == \
        first[("newsscraper_last_success_timestamp_seconds", "")]
    assert second[("newsscraper_last_run_timestamp_seconds", "")] > \
        first[("newsscraper_last_run_timestamp_seconds", "")]
    status, out, _ = health(mongo_uri, mongo_db_name, tmp_path, *old_site)
    assert status == 1 and "WARNING  last_run        monitors_failed, exit 4" in out, out

    # the database gone (exit 3): the file still written, a spill file left behind
    down = f"mongodb://127.0.0.1:{free_port()}/"
    gone = run_crawl(replica, down, mongo_db_name, tmp_path, *metrics,
                     "-s", "STORE_RETRY_SECONDS=1", "-s", "MONGO_TIMEOUT_MS=500",
                     "-a", "max_articles=5")
    assert gone.returncode == 3, gone.stderr[-3000:]
    third = samples(path.read_text())
    assert third[("newsscraper_run_exit_status", "")] == 3
    assert third[("newsscraper_last_success_timestamp_seconds", "")] == \
        first[("newsscraper_last_success_timestamp_seconds", "")]
    status, out, _ = health(mongo_uri, mongo_db_name, tmp_path, *old_site)
    assert status == 1 and "WARNING  spill" in out, out
    status, out, _ = health(down, mongo_db_name, tmp_path)
    assert status == 3 and out.startswith("NEWSSCRAPER UNKNOWN - database"), out

    # a rejected run (a crontab line with a typo) is the last run too, with its status
    rejected = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path, *metrics,
                         "-a", "since=garbage")
    assert rejected.returncode == 2, rejected.stderr[-3000:]
    assert samples(path.read_text())[("newsscraper_run_exit_status", "")] == 2
    status, out, _ = health(mongo_uri, mongo_db_name, tmp_path, *old_site)
    assert status == 2 and "CRITICAL last_run        rejected, exit 2" in out, out
