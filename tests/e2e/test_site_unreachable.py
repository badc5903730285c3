"""A crawl that cannot reach the site fails: a closed port, a site answering 403 to every
request and a robots.txt that forbids everything each end with status 4, and the run
record names the ``site reached`` monitor."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from newsscraper.replica.responses import Page
from newsscraper.storage.ferretdb import free_port
from tests.crawl_helpers import crawl_stats, last_run, run_crawl, serving

pytestmark = pytest.mark.slow


# what a web application firewall that took against the crawler answers, to every path
FORBIDDEN = (403, {"Content-Type": "text/html"},
             b"<html><body><h1>403 Forbidden</h1></body></html>")


def origins(url: str) -> SimpleNamespace:
    return SimpleNamespace(base_url=url, static_url=url)


def assert_failed_unreachable(proc, mongo_db, detail: str) -> dict:
    assert proc.returncode == 4, proc.stderr[-3000:]
    run = last_run(mongo_db)
    assert run["status"] == "monitors_failed" and run["exit_status"] == 4, run
    assert run["monitors"]["failed"] == ["site reached"], run["monitors"]
    assert detail in run["monitors"]["details"]["site reached"], run["monitors"]
    assert "monitor failed: site reached" in proc.stderr
    return run


def test_a_closed_port_fails_the_run(mongo_uri, mongo_db_name, mongo_db, tmp_path):
    proc = run_crawl(origins(f"http://127.0.0.1:{free_port()}"), mongo_uri, mongo_db_name,
                     tmp_path, timeout=120)
    run = assert_failed_unreachable(proc, mongo_db, "no page of the site answered")
    stats = crawl_stats(proc.stderr)
    refused = stats["downloader/exception_type_count/scrapy.exceptions."
                    "DownloadConnectionRefusedError"]
    assert refused == stats["downloader/request_count"] > 0, stats
    made = refused - stats["retry/count"]
    assert f"{made} of {made} requests unreachable (100%" in \
        run["monitors"]["details"]["site reached"]


def test_a_site_answering_403_to_everything_fails_the_run(mongo_uri, mongo_db_name,
                                                           mongo_db, tmp_path):
    with serving({}, default=FORBIDDEN) as (url, _):
        proc = run_crawl(origins(url), mongo_uri, mongo_db_name, tmp_path, timeout=120)
    assert_failed_unreachable(proc, mongo_db, "HTTP 403")
    stats = crawl_stats(proc.stderr)
    assert stats["downloader/response_status_count/403"] == stats["downloader/request_count"]


def test_a_robots_txt_forbidding_everything_fails_the_run(replica_server, mongo_uri,
                                                          mongo_db_name, mongo_db, tmp_path):
    site = replica_server(articles=40, seed=3)
    closed = Page(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /\n")
    site.site.pages["/robots.txt"] = site.site.static_pages["/robots.txt"] = closed
    proc = run_crawl(site, mongo_uri, mongo_db_name, tmp_path, timeout=120)
    assert_failed_unreachable(proc, mongo_db, "robots.txt forbade")
    assert {path for _origin, path in site.hits} == {"/robots.txt"}, site.hits
    assert crawl_stats(proc.stderr)["robotstxt/forbidden"] > 0


@pytest.mark.parametrize("switch", ["STORE_ENABLED=False", "RUNS_ENABLED=False"])
def test_a_closed_port_fails_a_run_that_keeps_no_record(switch, mongo_uri, mongo_db_name,
                                                        mongo_db, tmp_path):
    # no run record to carry the monitors' verdict: the monitors run all the same
    proc = run_crawl(origins(f"http://127.0.0.1:{free_port()}"), mongo_uri, mongo_db_name,
                     tmp_path, "-s", switch, timeout=120)
    assert proc.returncode == 4, proc.stderr[-3000:]
    assert "monitor failed: site reached: no page of the site answered" in proc.stderr
    assert mongo_db.runs.count_documents({}) == 0
    assert "Traceback" not in proc.stderr  # robots.txt not downloaded: one line
    assert "Error downloading <GET http://127.0.0.1:" in proc.stderr


def test_a_replica_crawl_with_the_store_off_passes_its_monitors(replica_server, tmp_path):
    # what the store would have stored, the pipelines passed: "articles stored" holds
    site = replica_server(articles=40, seed=3)
    proc = run_crawl(site, "mongodb://127.0.0.1:1", "unused", tmp_path,
                     "-s", "STORE_ENABLED=False", timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "monitor failed" not in proc.stderr
    stats = crawl_stats(proc.stderr)
    assert stats["item_scraped_count"] >= 40 and stats.get("monitors/failed") == 0
