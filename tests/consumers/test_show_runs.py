"""``newsscraper show`` and ``newsscraper runs`` against a real server."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.removals import mark_gone
from tests.consumers.conftest import WWW, article


def test_show_by_id_or_url_with_revisions(store_items, cli):
    store_items([article(7)])
    # a real edit moves the page's modified date (a cut body without it is held back)
    store_items([article(7, title="Story 7, edited", body="A new first paragraph.\n\nMore.",
                         modified_at=datetime(2024, 5, 18, 9, 0, tzinfo=timezone.utc))])
    status, out, err = cli("show", "7")
    assert status == 0, err
    head, text = out.split("\n\n", 1)[0], out.split("\n\n", 2)[2]
    assert head.splitlines()[:2] == ["Story 7, edited",
                                     f"moscowtimes:7  {WWW}/2024/05/17/story-7-a7"]
    assert "section News" in head and "authors Jake Cordell, Anna Z" in head
    assert "revisions (times UTC):\n  v1 " in out and "Story 7\n  v2 " in out
    assert text.startswith("A new first paragraph.\n\nRelated article: Other 7\n\nMore.")
    assert "First paragraph of story 7" not in out  # v1's text only with --versions

    status, by_url, _ = cli("show", f"{WWW}/2024/05/17/story-7-a7", "--versions")
    assert status == 0
    assert by_url.startswith(out)
    older = by_url[len(out):]
    assert "version 1 (superseded " in older and "): Story 7\n" in older
    assert "First paragraph of story 7, words 49." in older


def test_show_an_article_not_stored(cli, store_items):
    store_items([article(1)])
    status, out, _ = cli("show", "2")
    assert status == 1 and "moscowtimes:2 is not stored" in out
    status, out, err = cli("show", "2", "--json")
    assert status == 1 and out == "" and "moscowtimes:2 is not stored" in err


def test_show_a_removed_article_says_when_it_was_stored_and_when_removed(
        cli, store_items, aware_db, mongo_uri, mongo_db_name):
    store_items([article(8)])
    stored = aware_db.articles.find_one({"_id": "moscowtimes:8"})["first_seen_at"]
    removed = stored + timedelta(days=3, hours=2)

    async def remove() -> None:
        store = ArticleStore(mongo_uri, mongo_db_name)
        try:
            assert await mark_gone(store, ["moscowtimes:8"], removed) == ["moscowtimes:8"]
        finally:
            await store.close()
    asyncio.run(remove())

    status, out, err = cli("show", "8")
    assert status == 0, err
    current = next(line for line in out.splitlines() if line.startswith("  v1 "))
    assert f"stored {stored:%Y-%m-%d %H:%M}  current, removed {removed:%Y-%m-%d %H:%M}" \
        in current

    status, out, err = cli("show", "8", "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["article"]["_id"] == "moscowtimes:8" and shown["article"]["title"] == "Story 8"
    assert shown["stored_at"] == f"{stored:%Y-%m-%dT%H:%M:%SZ}"
    assert shown["removed_at"] == shown["article"]["gone_at"] == f"{removed:%Y-%m-%dT%H:%M:%SZ}"
    assert shown["article"]["changed_at"] == shown["removed_at"]
    assert shown["revisions"] == [{"version": 1, "stored_at": shown["stored_at"],
                                   "superseded_at": None, "title": "Story 8"}]
    assert "versions" not in shown


def test_show_json_with_versions(cli, store_items):
    store_items([article(9)])
    store_items([article(9, title="Story 9, edited",
                         modified_at=datetime(2024, 5, 18, 9, 0, tzinfo=timezone.utc))])
    status, out, err = cli("show", "9", "--json", "--versions")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["removed_at"] is None and shown["article"]["version"] == 2
    assert [r["title"] for r in shown["revisions"]] == ["Story 9", "Story 9, edited"]
    first, current = shown["revisions"]
    assert current["stored_at"] == first["superseded_at"] == shown["stored_at"]
    assert [v["title"] for v in shown["versions"]] == ["Story 9"]
    assert shown["versions"][0]["_id"] == "moscowtimes:9:v1"


def run_record(day: int, **extra) -> dict:
    return {"_id": f"run{day}", "run_id": f"run{day}",
            "started_at": datetime(2026, 1, day, 3, 0, tzinfo=timezone.utc),
            "ended_at": datetime(2026, 1, day, 3, 0, tzinfo=timezone.utc)
            + timedelta(seconds=65.4 + day * 3600),
            "status": "finished", "exit_status": 0, "duration_seconds": 65.4 + day * 3600,
            "counts": {"new": day, "updated": 10 * day, "moved": 0, "unchanged": 1000 + day,
                       "held": day % 2, "requests": 2000 + day, "errors": 0}, **extra}


def test_runs_table_newest_last_with_monitors_when_present(cli, mongo_db):
    mongo_db.runs.insert_many([
        run_record(1), run_record(3, status="failed", exit_status=3),
        run_record(2, counts={"new": 2, "updated": 20, "unchanged": 1002, "removed": 4,
                              "held": 1, "requests": 2002, "errors": 0})])
    status, out, _ = cli("runs", "--last", "2")
    lines = out.splitlines()
    assert status == 0 and len(lines) == 3
    assert lines[0].split() == ["start", "(UTC)", "status", "exit", "duration", "workers",
                                "new", "updated", "moved", "unchanged", "removed", "held",
                                "requests", "errors"]
    # an older record without a moved count shows "-"
    assert lines[1].split() == ["2026-01-02", "03:00", "finished", "0", "2h01m", "1", "2",
                                "20", "-", "1002", "4", "1", "2002", "0"]
    assert lines[2].split()[:4] == ["2026-01-03", "03:00", "failed", "3"]
    assert lines[2].split()[9:] == ["1003", "0", "1", "2003", "0"]  # removed: none

    # the monitors extension's record: names passed and failed, details per failure
    mongo_db.runs.insert_many([
        run_record(4, monitors={"passed": ["finish reason"], "failed": [], "details": {}}),
        run_record(5, status="monitors_failed", exit_status=4, monitors={
            "passed": ["finish reason"], "failed": ["item count", "field coverage"],
            "details": {"item count": "0 items"}})])
    status, out, _ = cli("runs")
    lines = out.splitlines()
    assert len(lines) == 6 and lines[0].split()[-1] == "monitors"
    assert lines[1].split()[-1] == "-"
    assert lines[4].split()[-1] == "ok"
    assert lines[5].endswith("2 failed: item count, field coverage")


def test_runs_groups_the_workers_of_a_scaled_out_run(cli, mongo_db):
    start = datetime(2026, 2, 1, 3, 0, tzinfo=timezone.utc)

    def worker(n: int, **extra) -> dict:
        return {"_id": f"w{n}", "run_id": "redis:20260201T030000Z-abc123",
                "started_at": start + timedelta(seconds=n),
                "ended_at": start + timedelta(minutes=10 + n), "status": "finished",
                "exit_status": 0, "counts": {"new": 10 * n, "updated": n, "moved": 0,
                                             "unchanged": 0, "held": 0, "requests": 100 * n,
                                             "errors": 0}, **extra}
    mongo_db.runs.insert_many([
        run_record(1), worker(1), worker(2),
        worker(3, status="monitors_failed", exit_status=4,
               monitors={"passed": [], "failed": ["item count"], "details": {}}),
        {**run_record(5), "started_at": start + timedelta(days=1)}])
    status, out, _ = cli("runs", "--last", "2")
    lines = out.splitlines()
    assert status == 0 and len(lines) == 3, out
    scaled = lines[1].split()
    assert scaled[:6] == ["2026-02-01", "03:00", "monitors_failed", "4", "12m59s", "3"]
    assert scaled[6:15] == ["60", "6", "0", "0", "0", "0", "600", "0", "1"]
    assert lines[1].endswith("1 failed: item count")
    assert lines[2].split()[:6] == ["2026-02-02", "03:00", "finished", "0", "5h01m", "1"]

    mongo_db.runs.insert_one({"_id": "w4", "run_id": "redis:20260201T030000Z-abc123",
                              "started_at": start + timedelta(seconds=4), "status": "running"})
    lines = cli("runs", "--last", "2")[1].splitlines()
    assert lines[1].split()[2:6] == ["running", "-", "-", "4"]


def test_runs_on_an_empty_database(cli, mongo_db_name):
    status, out, _ = cli("runs")
    assert status == 0 and out.strip() == f"no run recorded in {mongo_db_name}"
