"""``newsscraper health`` against a real server: each check's states from the records a
run leaves behind, and UNKNOWN (3) when the database cannot be read or the arguments are
bad. The whole-crawl cases (0 after a real run, its metrics) are in tests/e2e/test_outside.py."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from newsscraper.commands.health import age, duration
from newsscraper.storage.ferretdb import free_port
from tests.e2e.test_stall import StallingServer


def now() -> datetime:
    """Read at each use: a module-level time is minutes old by the time a full suite
    reaches these tests."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def run_record(ended_ago: timedelta, status: str = "finished", exit_status: int = 0,
               **extra) -> dict:
    ended = now() - ended_ago
    return {"_id": f"run-{ended:%H%M%S}-{status}", "spider": "moscowtimes",
            "started_at": ended - timedelta(minutes=3), "ended_at": ended,
            "status": status, "exit_status": exit_status, **extra}


@pytest.fixture
def healthy(mongo_db, tmp_path):
    """A database where everything is well: a run finished 10 minutes ago, an article
    published an hour ago, nothing held, the lease free, no spill file."""
    mongo_db.runs.insert_one(run_record(timedelta(minutes=10)))
    mongo_db.articles.insert_one({"_id": "moscowtimes:1",
                                  "published_at": now() - timedelta(hours=1)})
    mongo_db.article_versions.insert_one({"_id": "moscowtimes:1:v1", "article": "moscowtimes:1",
                                          "version": 1})
    mongo_db.crawl_state.insert_one({"_id": "lease:moscowtimes", "run_id": None, "workers": []})
    return mongo_db


@pytest.fixture
def health(cli, tmp_path):
    def probe(*argv: str) -> tuple[int, dict[str, str], str]:
        status, out, err = cli("health", "--data-dir", str(tmp_path), *argv)
        lines = out.splitlines()
        states = {line.split()[1]: line.split()[0] for line in lines[1:]}
        return status, states, out + err
    return probe


def test_all_well_is_0_with_one_line_per_check(healthy, health):
    status, states, out = health()
    assert status == 0, out
    assert out.splitlines()[0] == "NEWSSCRAPER OK"
    assert states == {name: "OK" for name in ("last_success", "last_run", "newest_article",
                                               "held_revisions", "lease", "spill")}
    assert "finished 10m ago" in out and "published 1h ago" in out


def test_last_run_older_than_max_age_is_critical(healthy, health):
    status, states, out = health("--max-age", "5m")
    assert status == 2, out
    assert states["last_success"] == "CRITICAL" and "limit 5m" in out
    assert out.splitlines()[0] == "NEWSSCRAPER CRITICAL - last_success"


def test_no_run_at_all_is_critical(health, mongo_db):
    mongo_db.crawl_state.insert_one({"_id": "unrelated"})
    status, states, _ = health()
    assert status == 2
    assert states["last_success"] == "CRITICAL" and states["last_run"] == "CRITICAL"


@pytest.mark.parametrize(("status", "exit_status", "expected", "code"), [
    ("monitors_failed", 4, "WARNING", 1),
    ("failed", 3, "CRITICAL", 2),
    ("rejected", 2, "CRITICAL", 2),
    ("abandoned", None, "CRITICAL", 2),
])
def test_last_run_status(healthy, health, status, exit_status, expected, code):
    healthy.runs.insert_one(run_record(
        timedelta(minutes=2), status, exit_status,
        monitors={"passed": [], "failed": ["articles stored"], "details": {}}))
    # a skipped run after it did not run: the one before it is still the last run
    healthy.runs.insert_one(run_record(timedelta(minutes=1), "skipped", 75))
    result, states, out = health()
    assert result == code, out
    assert states["last_run"] == expected and states["last_success"] == "OK"
    assert f"{status}, exit {exit_status if exit_status is not None else '-'}" in out
    assert "monitors failed: articles stored" in out


def test_no_article_published_within_the_limit_is_a_warning(healthy, health):
    status, states, out = health("--max-article-age", "30m")
    assert status == 1, out
    assert states["newest_article"] == "WARNING" and "last 30m" in out
    healthy.articles.insert_one({"_id": "moscowtimes:2",
                                 "published_at": now() - timedelta(minutes=5)})
    status, states, out = health("--max-article-age", "30m")
    assert status == 0 and "published 5m ago" in out, out


def test_a_held_revision_is_a_warning(healthy, health):
    healthy.article_versions.insert_one({
        "_id": "moscowtimes:1:held:abcdef", "article": "moscowtimes:1", "held": True,
        "held_reason": "body_shrunk", "held_at": now() - timedelta(hours=2)})
    status, states, out = health()
    assert status == 1, out
    assert states["held_revisions"] == "WARNING"
    assert "moscowtimes:1" in out and "body_shrunk" in out and "show 1 --versions" in out
    status, states, _ = health("--held-within", "1h")  # held before the window: cleared
    assert status == 0 and states["held_revisions"] == "OK"


def test_a_spill_file_is_a_warning(healthy, health, tmp_path):
    (tmp_path / "spill").mkdir()
    (tmp_path / "spill" / "spill-20261207T000000000000Z-1.jsonl").write_text("{}\n")
    status, states, out = health()
    assert status == 1, out
    assert states["spill"] == "WARNING" and "1 spill file(s)" in out


def test_a_lease_past_its_heartbeat_is_critical(healthy, health):
    healthy.crawl_state.replace_one({"_id": "lease:moscowtimes"}, {
        "run_id": "r1", "host": "h", "pid": 42, "workers": ["r1"],
        "heartbeat": now() - timedelta(minutes=12)})
    status, states, out = health()
    assert status == 2, out
    assert states["lease"] == "CRITICAL" and "no heartbeat for 12m (limit 5m)" in out
    healthy.crawl_state.update_one({"_id": "lease:moscowtimes"},
                                   {"$set": {"heartbeat": now() - timedelta(seconds=20)}})
    status, states, out = health()
    assert status == 0 and "held by run r1 (host h, pid 42)" in out, out


def test_database_down_is_unknown(health, monkeypatch, tmp_path):
    monkeypatch.setenv("MONGO_URI", f"mongodb://127.0.0.1:{free_port()}/")
    status, states, out = health()
    assert status == 3, out
    assert out.splitlines()[0] == "NEWSSCRAPER UNKNOWN - database"
    assert "database unreachable" in out and "spill" in states


def test_stopped_server_is_unknown(health, own_server, monkeypatch):
    monkeypatch.setenv("MONGO_URI", own_server.uri)
    own_server.stop()
    status, states, out = health()
    assert status == 3 and states["database"] == "UNKNOWN", out


def test_stalled_server_is_unknown_within_the_timeout(health, mongo_server, monkeypatch):
    host, port = mongo_server.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    with StallingServer((host, int(port))) as server:  # answers ping, never a query
        monkeypatch.setenv("MONGO_URI", server.uri)
        started = time.monotonic()
        status, states, out = health("--timeout", "2s")
        took = time.monotonic() - started
    assert status == 3 and states["database"] == "UNKNOWN", out
    assert "stalled or too slow" in out
    assert took < 10, took


@pytest.mark.parametrize("argv", [["--max-age", "soon"], ["--max-age", "0"],
                                  ["--timeout"], ["--frobnicate"]])
def test_bad_arguments_are_unknown_in_one_line(health, argv):
    status, _, out = health(*argv)
    assert status == 3, out
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out


@pytest.mark.parametrize(("text", "seconds"), [("90m", 5400), ("2h", 7200), ("30s", 30),
                                               ("1d", 86400), ("45", 45), ("1.5h", 5400)])
def test_duration(text, seconds):
    assert duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("seconds", "text"), [(5, "5s"), (600, "10m"), (3600, "1h"),
                                               (11100, "3h05m"), (2 * 86400 + 4 * 3600, "2d04h")])
def test_age(seconds, text):
    assert age(timedelta(seconds=seconds)) == text


def test_the_runs_summaries_are_read_instead_of_the_runs(health, mongo_db):
    """What a run of this version leaves in crawl_state wins over a week of ``runs``
    (read only for a database no such run has closed)."""
    from newsscraper.storage.runsummary import summary_updates

    failed = {"status": "monitors_failed", "exit_status": 4,
              "ended_at": now() - timedelta(minutes=3),
              "monitors": {"passed": [], "failed": ["field coverage"]}, "counts": {"held": 2}}
    finished = {"status": "finished", "exit_status": 0, "ended_at": now() - timedelta(minutes=33)}
    for run_id, fields, newest in (("r1", finished, now() - timedelta(hours=2)),
                                   ("r2", failed, now() - timedelta(days=30)),
                                   ("r3", {"status": "skipped", "exit_status": 75}, None)):
        for key, update in summary_updates("moscowtimes", run_id, fields, newest):
            mongo_db.crawl_state.update_one({"_id": key}, update, upsert=True)
    mongo_db.runs.insert_one(run_record(timedelta(minutes=1)))  # not read
    status, states, out = health()
    assert status == 1, out
    assert states["last_run"] == "WARNING"
    assert "monitors_failed, exit 4, ended 3m ago; monitors failed: field coverage" in out
    assert "finished 33m ago" in out
    # the newest published_at is the runs' ($max), with no article in the collection
    assert states["newest_article"] == "OK" and "published 2h ago" in out
    # and the last run that held revisions back, with none in article_versions
    assert states["held_revisions"] == "WARNING"
    assert "run r2 held back 2 revision(s), 3m ago" in out
    status, states, out = health("--held-within", "2m")
    assert states["held_revisions"] == "OK", out


def test_a_bad_future_date_does_not_mask_a_stale_archive():
    from newsscraper.storage.runsummary import summary_updates

    t0 = now()

    fields = {"status": "finished", "exit_status": 0, "ended_at": t0}
    [(_, last), (_, success)] = summary_updates("moscowtimes", "r", fields,
                                                t0 + timedelta(days=400))
    assert "$max" not in last and last == success
    [(_, last), _] = summary_updates("moscowtimes", "r", fields, t0 + timedelta(hours=3))
    assert last["$max"] == {"newest_published_at": t0 + timedelta(hours=3)}
    assert summary_updates("moscowtimes", "r", {"status": "skipped"}) == []
