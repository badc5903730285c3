"""One run at a time per database, with real ``scrapy crawl`` processes: a second crawl
exits 75 while a live one holds the lease; a SIGKILLed crawl's lease is taken over and its
record marked abandoned."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT, crawl_command, run_crawl

pytestmark = pytest.mark.slow

# slow enough to still be running while the second crawl starts
SLOW = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.1")


@pytest.fixture
def background() -> Iterator:
    procs: list[subprocess.Popen] = []

    def start(site, uri: str, database: str, data_dir: Path, log: Path, *args: str):
        cmd, env = crawl_command(site, uri, database, data_dir, *args)
        with open(log, "w") as out:
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out,
                                          stdin=subprocess.DEVNULL))
        return procs[-1]

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def wait_for_running_record(db, proc, log: Path, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = db.runs.find_one({"status": "running"})
        if record and db.crawl_state.find_one({"_id": "lease:moscowtimes"}):
            return record
        assert proc.poll() is None, log.read_text()[-3000:]
        time.sleep(0.2)
    pytest.fail(f"no running record after {timeout}s:\n{log.read_text()[-3000:]}")


def test_second_crawl_exits_75_while_a_live_run_holds_the_lease(
        replica, mongo_uri, mongo_db_name, mongo_db, background, tmp_path):
    # the default lease period (300 s): its heartbeat stays live while the first is paused
    first = background(replica, mongo_uri, mongo_db_name, tmp_path / "a", tmp_path / "a.log",
                       *SLOW)
    holder = wait_for_running_record(mongo_db, first, tmp_path / "a.log")
    # paused while the second runs, so it cannot end meanwhile, however long the second
    # takes to start on a loaded host (left running, the first's 20-odd seconds of paced
    # fetching were all that stood between the second's start and its check)
    first.send_signal(signal.SIGSTOP)
    try:
        second = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path / "b", timeout=120)
        assert first.poll() is None, "the first crawl should still be there"
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 75, second.stderr[-3000:]
    # it did not wait for the first to end (the first could not end: it was paused), nor
    # for the lease to go stale (300 s): it gave up at once
    assert "holds the lease" in second.stderr and "Traceback" not in second.stderr
    assert "downloader/request_count" not in second.stderr  # not one request made
    skipped = mongo_db.runs.find_one({"status": "skipped"})
    assert skipped["exit_status"] == 75 and skipped["finish_reason"] == "lease_held"
    assert skipped["held_by"]["run_id"] == holder["run_id"] == holder["_id"]
    assert first.wait(300) == 0, (tmp_path / "a.log").read_text()[-3000:]
    record = mongo_db.runs.find_one({"_id": holder["_id"]})
    assert record["status"] == "finished" and record["exit_status"] == 0
    lease = mongo_db.crawl_state.find_one({"_id": "lease:moscowtimes"})
    assert lease["run_id"] is None  # freed at the end


def test_sigkilled_crawl_lease_taken_over_and_its_record_abandoned(
        replica, mongo_uri, mongo_db_name, mongo_db, background, tmp_path):
    lease_seconds = ("-s", "NEWSSCRAPER_LEASE_SECONDS=2")
    killed = background(replica, mongo_uri, mongo_db_name, tmp_path / "a", tmp_path / "a.log",
                        *SLOW, *lease_seconds)
    victim = wait_for_running_record(mongo_db, killed, tmp_path / "a.log")
    killed.send_signal(signal.SIGKILL)
    killed.wait()

    assert mongo_db.runs.find_one({"_id": victim["_id"]})["status"] == "running"
    time.sleep(2.5)
    later = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path / "c", *lease_seconds,
                      "-a", "max_articles=5", timeout=120)
    assert later.returncode in (0, 4), later.stderr[-3000:]
    assert "took over the stale lease" in later.stderr
    dead = mongo_db.runs.find_one({"_id": victim["_id"]})
    taker = mongo_db.runs.find_one({"lease": "taken_over"})
    assert dead["status"] == "abandoned" and dead["abandoned_by"] == taker["_id"]
    assert taker["status"] in ("finished", "monitors_failed")


def test_a_crawl_killed_on_this_host_is_taken_over_at_once(
        replica, mongo_uri, mongo_db_name, mongo_db, background, tmp_path):
    """The default lease period (300 s): its pid is gone, so the next run need not wait."""
    killed = background(replica, mongo_uri, mongo_db_name, tmp_path / "a", tmp_path / "a.log",
                        *SLOW)
    victim = wait_for_running_record(mongo_db, killed, tmp_path / "a.log")
    killed.send_signal(signal.SIGKILL)
    killed.wait()

    later = run_crawl(replica, mongo_uri, mongo_db_name, tmp_path / "c", "-a", "max_articles=5",
                      timeout=120)
    assert later.returncode in (0, 4), later.stderr[-3000:]
    dead = mongo_db.runs.find_one({"_id": victim["_id"]})
    taker = mongo_db.runs.find_one({"lease": "taken_over"})
    assert dead["status"] == "abandoned" and dead["abandoned_by"] == taker["_id"]
