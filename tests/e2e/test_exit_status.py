"""Exit statuses of ``scrapy crawl moscowtimes`` for what a person or scheduler gets wrong:
one line naming the problem (password masked), status 2, no traceback, and a
``rejected`` run record when the database can take it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from newsscraper.storage.ferretdb import find_ferretdb, free_port, ping
from tests.conftest import require_local_ferretdb
from tests.crawl_helpers import ROOT


def scrapy_crawl(mongo_uri: str, database: str, *args: str,
                 timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, MONGO_URI=mongo_uri, PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes",
           "-s", f"MONGO_DATABASE={database}", "-s", "LOG_LEVEL=INFO", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    """What the command said beyond Scrapy's start-up banner (its version table)."""
    return [line for line in (proc.stdout + proc.stderr).splitlines()
            if line.startswith("newsscraper:") or "Traceback" in line
            or " ERROR: " in line or " CRITICAL: " in line]


BAD_ARGUMENTS = [
    ("since=garbage", "since"), ("mode=bogus", "mode"), ("max_articles=-1", "max_articles"),
    ("max_articles=abc", "max_articles"), ("related_depth=-5", "related_depth"),
    ("sections=bogus", "sections"), ("seeds=/nonexistent", "/nonexistent"),
    ("since=2025-13-45", "since"), ("since=99999999d", "since"),
]


@pytest.mark.parametrize(("argument", "named"), BAD_ARGUMENTS)
def test_bad_argument_is_one_line_and_exit_2_with_a_rejected_record(
        argument, named, mongo_uri, mongo_db_name, mongo_db):
    proc = scrapy_crawl(mongo_uri, mongo_db_name, "-a", argument)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    [line] = error_lines(proc)
    assert line.startswith("newsscraper: ") and named in line, line
    [record] = list(mongo_db.runs.find())
    assert record["status"] == "rejected" and record["exit_status"] == 2
    assert named in record["error"] and argument.split("=")[0] in record["arguments"]


@pytest.mark.parametrize("setting", ["STORE_BATCH_SIZE=abc", "NEWSSCRAPER_LEASE_SECONDS=abc",
                                     "NEWSSCRAPER_LEASE_SECONDS=0", "MONITOR_NOTIFY=pager",
                                     "NEWSSCRAPER_PROFILE=bogus", "MONGO_LOG_LEVEL=chatty",
                                     "GC_THRESHOLDS=1,2"])
def test_bad_setting_is_one_line_and_exit_2(setting, mongo_uri, mongo_db_name):
    proc = scrapy_crawl(mongo_uri, mongo_db_name, "-s", setting)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    [line] = error_lines(proc)
    assert line.startswith("newsscraper: ") and setting.split("=")[0] in line, line


@pytest.mark.parametrize(("uri", "secret"), [
    ("mongodb://127.0.0.1:99999/", None),
    ("mongodb://scraper:pa/ss9@127.0.0.1:27017/", "pa/ss9"),
    ("mongodb://scraper:p@ss9@127.0.0.1:27017/", "p@ss9"),
])
def test_malformed_mongo_uri_is_one_line_with_the_password_masked(uri, secret):
    proc = scrapy_crawl(uri, "test_malformed")
    assert proc.returncode == 2, proc.stderr[-2000:]
    [line] = error_lines(proc)
    assert "MONGO_URI" in line and "malformed" in line, line
    if secret:
        assert secret not in proc.stdout + proc.stderr and "scraper:***@" in line, line
    else:
        assert "99999" in line and "between 0 and 65535" in line, line


@pytest.fixture
def auth_server(tmp_path: Path) -> Iterator[str]:
    """A FerretDB that requires a user name and password (user ``scraper``, ``rightpw``)."""
    require_local_ferretdb()
    binary = find_ferretdb()
    if binary is None:
        pytest.skip("no ferretdb binary built (make setup builds one)")
    port = free_port()
    (tmp_path / "data").mkdir()
    log = open(tmp_path / "ferretdb.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(binary), "--handler=sqlite", f"--sqlite-url=file:{tmp_path / 'data'}/",
         f"--state-dir={tmp_path}", f"--listen-addr=127.0.0.1:{port}", "--telemetry=disable",
         "--debug-addr=-", "--log-level=warn", "--test-enable-new-auth",
         "--setup-database=admin", "--setup-username=scraper", "--setup-password=rightpw"],
        stdout=log, stderr=log)
    good = f"mongodb://scraper:rightpw@127.0.0.1:{port}/?authSource=admin"
    try:
        deadline = time.monotonic() + 30
        while not ping(good):
            assert proc.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "ferretdb.log").read_text()
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_authentication_failure_is_said_at_once(auth_server):
    started = time.monotonic()
    # a retry window far past the bound below: a crawl that waited it out cannot pass
    # by luck, and one that starts slowly on a loaded host is still well within it
    proc = scrapy_crawl(f"mongodb://scraper:wrongpw@{auth_server}/?authSource=admin",
                        "test_auth", "-s", "STORE_RETRY_SECONDS=900", timeout=300)
    elapsed = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr[-2000:]
    [line] = error_lines(proc)
    assert "authentication failed" in line and "scraper:***@" in line, line
    assert "wrongpw" not in proc.stdout + proc.stderr
    assert "unreachable" not in proc.stderr
    assert elapsed < 240, f"took {elapsed:.0f}s: the retry window was waited out"


def test_right_credentials_pass_the_check(auth_server, tmp_path):
    """The same server and user with the right password: the crawl starts (its site is a
    port nobody listens on, so it ends at once) and writes its run record."""
    uri = f"mongodb://scraper:rightpw@{auth_server}/?authSource=admin"
    dead = f"http://127.0.0.1:{free_port()}"
    proc = scrapy_crawl(uri, "test_auth_ok", "-a", f"base_url={dead}", "-a", f"static_url={dead}",
                        "-s", "RETRY_TIMES=0", "-s", f"NEWSSCRAPER_DATA_DIR={tmp_path}")
    assert "authentication failed" not in proc.stderr, proc.stderr[-2000:]
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        [record] = list(client.test_auth_ok.runs.find())
        assert record["exit_status"] == proc.returncode != 2, proc.stderr[-2000:]
    finally:
        client.close()
