"""End to end: a replica crawled with WARC files kept, the replica stopped, the kept
pages re-read into a database by ``newsscraper reparse`` with no request made."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from newsscraper.replica import truth_records
from newsscraper.sites.moscowtimes import parse_article
from newsscraper.warc.reader import check, read_page, responses, warc_files
from tests.crawl_helpers import ROOT, crawl_stats, run_crawl
from tests.e2e.test_crawl import CONTRACT, assert_store_equals_truth, stored_record

pytestmark = pytest.mark.slow

# the parser fix of the redesign test: tests/warc/story_layout.py, registered on import
WITH_STORY_LAYOUT = "import tests.warc.story_layout; from scrapy.cmdline import execute; execute()"


def reparse(mongo_uri: str, database: str, warc: Path, *args: str,
            preamble: str | None = None) -> subprocess.CompletedProcess:
    """``newsscraper reparse`` (or, with ``preamble``, the crawl it runs, in a process
    that ran ``preamble`` first)."""
    env = dict(os.environ, MONGO_URI=mongo_uri, PYTHONWARNINGS="ignore")
    if preamble is None:
        cmd = [sys.executable, "-m", "newsscraper.cli", "reparse", "--warc", str(warc),
               "--database", database, "-s", "LOG_LEVEL=INFO", *args]
    else:
        cmd = [sys.executable, "-c", preamble, "crawl", "reparse", "-a", f"warc={warc}",
               "-s", f"MONGO_DATABASE={database}", "-s", "LOG_LEVEL=INFO", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def article_records(warc: Path) -> list:
    return [e for path in warc_files(warc) for e in responses(path)
            if e.warc_headers.get("Newsscraper-Page") == "article" and e.status == 200]


def test_a_crawl_reparsed_from_its_warc_files_equals_truth(
        replica_server, mongo_server, mongo_db, mongo_db_name, tmp_path):
    server = replica_server(articles=150, seed=5)
    warc = tmp_path / "warc"
    crawled = run_crawl(server, mongo_server, mongo_db_name, tmp_path,
                        "-s", f"WARC_DIR={warc}")
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    server.stop()

    files = warc_files(warc)
    assert files
    for path in files:
        report = check(path)
        assert report.torn_at is None and report.digest_problems == 0, report
        assert report.records["warcinfo"] == 1
        assert report.records["response"] == report.records["request"]
    stored = list(mongo_db.articles.find())
    pages = article_records(warc)
    # one response record per article page fetched
    assert len(pages) == len({e.url for e in pages}) == len(stored)
    live = [e for path in files for e in responses(path)
            if e.warc_headers.get("Newsscraper-Page") == "live_posts"]
    assert len(live) == sum(d["type"] == "live" for d in stored) > 0
    for doc in stored[:30]:  # provenance: the record the revision was read from
        source = doc["source"]
        page = read_page(warc / source["warc_file"], source["offset"])
        assert page.status == 200
        assert parse_article(page.body, page.url).article_id == doc["article_id"]
        fetched = page.source.fetched_at.replace(tzinfo=None)
        assert fetched.replace(microsecond=0) == source["fetched_at"].replace(microsecond=0)
        assert fetched <= doc["first_seen_at"] + timedelta(seconds=1)

    fresh = f"{mongo_db_name}_reparsed"
    done = reparse(mongo_server, fresh, warc)
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        stats = crawl_stats(done.stderr)
        assert stats.get("downloader/request_count", 0) == 0
        assert stats["reparse/pages"] == len(stored)
        db = mongo_db.client[fresh]
        assert_store_equals_truth(db, server.model, server)
        reread = {d["article_id"]: d for d in db.articles.find()}
        for doc in stored:  # provenance and discovery carried over from the records
            again = reread[doc["article_id"]]
            assert again["source"]["warc_file"] == doc["source"]["warc_file"]
            assert again["source"]["offset"] == doc["source"]["offset"]
            assert again["discovered_via"] == doc["discovered_via"]
        doc = stored[0]
        raw = subprocess.run([sys.executable, "-m", "newsscraper.cli", "show",
                              str(doc["article_id"]), "--raw", "--warc", str(warc),
                              "--database", fresh], cwd=ROOT, capture_output=True,
                             env=dict(os.environ, MONGO_URI=mongo_server), timeout=60)
        assert raw.returncode == 0, raw.stderr
        assert raw.stdout == read_page(warc / doc["source"]["warc_file"],
                                       doc["source"]["offset"]).body
        assert raw.stdout.startswith(b"<!DOCTYPE html>")
        # the same pages again: nothing differs, so no revision
        again = reparse(mongo_server, fresh, warc)
        assert again.returncode == 0, again.stderr[-3000:]
        assert crawl_stats(again.stderr).get("mongo/unchanged") == len(stored)
        assert db.article_versions.count_documents({}) == 0

        # two articles as an older parser left them (partial, half a body): only their
        # pages are read again, and each gets a new revision
        spoilt = sorted(reread)[:2]
        for aid in spoilt:
            db.articles.update_one({"article_id": aid}, {"$set": {
                "partial": True, "parse_errors": ["missing_body_blocks"],
                "body": reread[aid]["body"][:40], "content_hash": "0" * 64}})
        fixed = reparse(mongo_server, fresh, warc, "--only", "partial")
        assert fixed.returncode == 0, fixed.stderr[-3000:]
        stats = crawl_stats(fixed.stderr)
        assert stats["reparse/skipped"] == len(stored) - 2 and stats["mongo/updated"] == 2
        for aid in spoilt:
            doc = db.articles.find_one({"article_id": aid})
            assert doc["version"] == 2 and doc["changed_at"] > reread[aid]["changed_at"]
            assert not doc["partial"] and doc["body"] == reread[aid]["body"]
        assert db.article_versions.count_documents({}) == 2
        assert_store_equals_truth(db, server.model, server)
    finally:
        mongo_db.client.drop_database(fresh)


def test_redesigned_pages_recovered_by_a_parser_that_knows_the_layout(
        replica_server, mongo_server, mongo_db, mongo_db_name, tmp_path):
    server = replica_server(articles=120, seed=7, faults="redesign")
    warc = tmp_path / "warc"
    crawled = run_crawl(server, mongo_server, mongo_db_name, tmp_path,
                        "-s", f"WARC_DIR={warc}")
    server.stop()
    truth = {t["article_id"]: t for t in truth_records(server.model, server.base_url,
                                                       server.static_url)}
    before = {d["article_id"]: d for d in mongo_db.articles.find()}
    lost = {aid for aid in truth if aid not in before or before[aid]["partial"]}
    assert len(lost) >= 30, (len(lost), crawled.stderr[-2000:])  # dropped or partial
    changed_at = {aid: d["changed_at"] for aid, d in before.items()}

    dropped = set(truth) - set(before)
    assert dropped  # (in this profile a redesigned page is dropped: it has no body)
    done = reparse(mongo_server, mongo_db_name, warc, "-a", "only=dropped",
                   preamble=WITH_STORY_LAYOUT)
    assert done.returncode in (0, 4), done.stderr[-3000:]  # 4: the partial share
    stats = crawl_stats(done.stderr)
    assert stats.get("downloader/request_count", 0) == 0
    assert stats["reparse/skipped"] == len(before) and stats["mongo/new"] == len(dropped)
    after = {d["article_id"]: d for d in mongo_db.articles.find()}
    assert set(after) == set(truth)
    redesigned = {int(p.rsplit("-a", 1)[1]) for p in server.site.faults.redesigned}
    for aid in lost:
        doc, want = stored_record(after[aid]), truth[aid]
        diff = {k for k in CONTRACT if doc[k] != want[k]}
        # what the redesigned page no longer holds: the section (only its JSON-LD
        # breadcrumb stated it) and a live blog's posts (never fetched: the old parser
        # did not see a live blog), each flagged
        errors = set(after[aid]["parse_errors"]) - {"no_json_ld"}
        assert aid in redesigned, aid
        if "section" in diff:
            assert doc["section"] is None and "no_section" in errors, aid
        if "live_posts" in diff:
            assert doc["live_posts"] == [] and "live_posts_unavailable" in errors, aid
        assert diff <= {"section", "live_posts"}, (aid, diff)
        assert errors <= {"no_section", "live_posts_unavailable"}, (aid, errors)
        if aid in before:  # a new revision of a partial one; changed_at moves
            assert after[aid]["version"] == 2 and after[aid]["changed_at"] > changed_at[aid]
    assert lost - set(before), "no page was dropped"  # the dropped ones are stored now
    # untouched pages: no revision
    for aid in set(before) - lost:
        assert after[aid]["version"] == 1, aid


@pytest.mark.parametrize("made", [False, True], ids=["no directory", "no files"])
def test_nothing_to_reparse_is_refused(made, mongo_uri, mongo_db, mongo_db_name, tmp_path):
    # a reparse that would read no page is a mistyped --warc or a crawl without WARC
    # files: refused in one line (exit 2), not a run that "finished" having read nothing
    warc = tmp_path / "warc"
    if made:
        (warc / "2026").mkdir(parents=True)
        (warc / "notes.txt").write_text("not a WARC file\n")
    done = reparse(mongo_uri, mongo_db_name, warc)
    assert done.returncode == 2, done.stderr[-3000:]
    what = "no WARC files under" if made else "no WARC directory at"
    assert done.stderr.strip().splitlines()[-1] == f"newsscraper: warc: {what} {warc}"
    assert "Traceback" not in done.stderr
    (record,) = mongo_db.runs.find()
    assert record["status"] == "rejected" and record["spider"] == "reparse", record
    assert what in record["error"]
