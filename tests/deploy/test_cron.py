"""deploy/run-crawl.sh and the crontab's command lines, run as cron runs them (bash, a
bare environment) in an install of the project, against the replica and a real server."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pymongo import MongoClient

from newsscraper.profiles import REPLICA, as_args
from tests.crawl_helpers import ROOT
from tests.deploy.layout import install

pytestmark = pytest.mark.slow

CRONTAB = ROOT / "deploy" / "cron" / "newsscraper.crontab"
INSTALL = "/srv/newsscraper"


def settings_for(site, mongo_uri: str, database: str) -> dict[str, str]:
    """What an operator puts into .env to crawl the replica into ``database``."""
    args = [f"-a base_url={site.base_url}", f"-a static_url={site.static_url}",
            f"-s MONGO_DATABASE={database}", " ".join(as_args(REPLICA))]
    return {"MONGO_URI": mongo_uri, "NEWSSCRAPER_CRAWL_ARGS": " ".join(args)}


def cron_lines() -> list[str]:
    """The command of every schedule line of the crontab (after its five time fields)."""
    lines = [line for line in CRONTAB.read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    return [re.split(r"\s+", line.strip(), maxsplit=5)[5] for line in lines]


def run_as_cron(command: str, home: Path, extra_env: dict[str, str] | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           **(extra_env or {})}
    return subprocess.run(["/bin/bash", "-c", command.replace(INSTALL, str(home))],
                          env=env, capture_output=True, text=True, timeout=timeout)


def runs(mongo_uri: str, database: str) -> list[dict]:
    client: MongoClient = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        return list(client[database].runs.find().sort("started_at", 1))
    finally:
        client.close()


def write_env(home: Path, values: dict[str, str]) -> None:
    (home / ".env").write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))


def test_the_crontab_has_the_incremental_and_the_nightly_line():
    incremental, nightly = cron_lines()
    assert incremental == f"cd {INSTALL} && deploy/run-crawl.sh"
    assert nightly.endswith("deploy/run-crawl.sh -a mode=full -a since=31d")
    assert ".env" not in incremental + nightly  # run-crawl.sh reads it when present


@pytest.mark.parametrize("with_env_file", [True, False], ids=["with .env", "without .env"])
def test_crontab_lines_run_with_and_without_env_file(
        with_env_file, replica, mongo_uri, mongo_db_name, tmp_path):
    home = install(tmp_path / "newsscraper")
    values = settings_for(replica, mongo_uri, mongo_db_name)
    if with_env_file:
        write_env(home, values)
    environment = {} if with_env_file else values
    incremental, nightly = cron_lines()

    first = run_as_cron(incremental, home, environment)
    assert first.returncode == 0, (first.stderr, tail_log(home))
    assert "No such file" not in first.stderr
    second = run_as_cron(nightly, home, environment)
    [one, two] = runs(mongo_uri, mongo_db_name)
    assert one["exit_status"] == 0 and one["arguments"]["mode"] == "incremental"
    assert two["exit_status"] == second.returncode and two["arguments"]["mode"] == "full"
    assert second.returncode in (0, 4), (second.stderr, tail_log(home))
    cron_log = (home / "var" / "log" / "cron.log").read_text()
    assert cron_log.count("crawl finished with status") == 2
    logs = sorted((home / "var" / "log").glob("crawl-*.log"))
    assert logs and " DEBUG: " not in logs[-1].read_text()  # INFO by default
    assert " INFO: " in logs[-1].read_text()


def tail_log(home: Path) -> str:
    logs = sorted((home / "var" / "log").glob("crawl-*.log"))
    return logs[-1].read_text()[-3000:] if logs else "(no crawl log)"


def test_flock_skip_exits_75(tmp_path, mongo_uri):
    home = install(tmp_path / "newsscraper")
    (home / "var").mkdir()
    with open(home / "var" / "crawl.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a crawl in progress
        started = time.monotonic()
        proc = run_as_cron(cron_lines()[0], home, {"MONGO_URI": mongo_uri})
    assert proc.returncode == 75, proc.stderr
    assert time.monotonic() - started < 10
    assert "skipping this slot (status 75)" in (home / "var" / "log" / "cron.log").read_text()
    assert not list((home / "var" / "log").glob("crawl-*.log"))


def test_old_logs_are_pruned_after_log_days(tmp_path, mongo_uri):
    home = install(tmp_path / "newsscraper")
    log_dir = home / "var" / "log"
    log_dir.mkdir(parents=True)
    old, recent = log_dir / "crawl-20200101T000000Z.log", log_dir / "crawl-20200102T000000Z.log"
    for path, days in ((old, 15), (recent, 13)):
        path.write_text("x")
        then = time.time() - days * 86400
        os.utime(path, (then, then))
    # a bad argument: the script still prunes, and the crawl ends at once with 2
    proc = run_as_cron(f"cd {INSTALL} && deploy/run-crawl.sh -a mode=bogus", home,
                       {"MONGO_URI": mongo_uri, "NEWSSCRAPER_LOG_DAYS": "14"})
    assert proc.returncode == 2, proc.stderr
    assert not old.exists() and recent.exists()


def test_a_crawl_over_its_time_bound_is_killed_and_counts_as_failed(
        replica, mongo_uri, mongo_db_name, tmp_path):
    home = install(tmp_path / "newsscraper")
    values = settings_for(replica, mongo_uri, mongo_db_name)
    # a crawl that cannot end in time: no CLOSESPIDER_TIMEOUT of its own and a minute of
    # polite fetching (the small replica, crawled at full speed, is done within the 2 s)
    values["NEWSSCRAPER_CRAWL_ARGS"] += (" -s CLOSESPIDER_TIMEOUT=0 -s DOWNLOAD_DELAY=0.5"
                                         " -s CONCURRENT_REQUESTS=1")
    proc = run_as_cron(f"cd {INSTALL} && deploy/run-crawl.sh", home,
                       {**values, "NEWSSCRAPER_RUN_SECONDS": "1", "NEWSSCRAPER_KILL_GRACE": "1"})
    assert proc.returncode == 3, (proc.stderr, tail_log(home))
    note = (home / "var" / "log" / "cron.log").read_text()
    assert "crawl killed by its time bound after " in note and "bound 2s" in note, note
    assert "from outside" not in note


def test_a_crawl_reaching_closespider_timeout_has_failed(
        replica, mongo_uri, mongo_db_name, tmp_path):
    """The soft time bound, like the hard one, is status 3 (README, "Exit statuses"):
    the run's work is unfinished; its monitors are still recorded."""
    home = install(tmp_path / "newsscraper")
    values = settings_for(replica, mongo_uri, mongo_db_name)
    values["NEWSSCRAPER_CRAWL_ARGS"] += " -s DOWNLOAD_DELAY=0.5 -s CONCURRENT_REQUESTS=1"
    proc = run_as_cron(f"cd {INSTALL} && deploy/run-crawl.sh", home,
                       {**values, "NEWSSCRAPER_RUN_SECONDS": "4"})
    [record] = runs(mongo_uri, mongo_db_name)
    assert record["finish_reason"] == "closespider_timeout", tail_log(home)
    assert proc.returncode == 3 == record["exit_status"] and record["status"] == "failed"
    assert "finish reason" in record["monitors"]["failed"]


def test_logs_are_readable_by_owner_and_group_only(tmp_path, mongo_uri, mongo_db_name):
    home = install(tmp_path / "newsscraper")
    log_dir = home / "var" / "log"
    log_dir.mkdir(parents=True, mode=0o755)
    earlier = log_dir / f"crawl-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(0))}.log"
    earlier.write_text("written before run-crawl.sh set its umask")
    os.utime(earlier)  # recent: not pruned
    for path, mode in ((log_dir, 0o755), (earlier, 0o644)):
        path.chmod(mode)
    # a bad argument: the crawl still starts its log, then ends at once with 2
    proc = run_as_cron(f"cd {INSTALL} && deploy/run-crawl.sh -a mode=bogus", home,
                       {"MONGO_URI": mongo_uri,
                        "NEWSSCRAPER_CRAWL_ARGS": f"-s MONGO_DATABASE={mongo_db_name}"})
    assert proc.returncode == 2, proc.stderr
    logs = sorted(log_dir.glob("crawl-*.log"))
    assert len(logs) == 2 and "mode" in logs[-1].read_text(), logs
    for path in [log_dir, log_dir / "cron.log", home / "var" / "crawl.lock", *logs]:
        mode = path.stat().st_mode & 0o777
        assert mode & 0o027 == 0, f"{path.name}: {mode:o}"  # no group write, nothing for others
        assert mode & 0o040, f"{path.name}: {mode:o}"  # the group (an operator's) reads
def test_a_crawl_killed_from_outside_is_not_its_time_bound(
        replica, mongo_uri, mongo_db_name, tmp_path):
    home = install(tmp_path / "newsscraper")
    values = settings_for(replica, mongo_uri, mongo_db_name)
    values["NEWSSCRAPER_CRAWL_ARGS"] += " -s DOWNLOAD_DELAY=0.5 -s CONCURRENT_REQUESTS=1"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **values}
    wrapper = subprocess.Popen(["/bin/bash", "-c", f"cd {home} && deploy/run-crawl.sh"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (found := runs(mongo_uri, mongo_db_name)):
            assert time.monotonic() < deadline and wrapper.poll() is None, tail_log(home)
            time.sleep(0.2)
        os.kill(found[0]["pid"], signal.SIGKILL)  # the crawl, as an operator's kill -9
        assert wrapper.wait(60) == 3
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
            wrapper.wait()
    note = (home / "var" / "log" / "cron.log").read_text()
    assert "killed by signal 9 from outside after" in note, note
    assert "time bound after" not in note


def test_runs_in_one_second_keep_a_log_each_and_cron_log_is_rotated(tmp_path, mongo_uri):
    home = install(tmp_path / "newsscraper")
    log_dir = home / "var" / "log"
    log_dir.mkdir(parents=True)
    (log_dir / "cron.log").write_text("an old note\n" * 200)  # 2,400 bytes
    shim = tmp_path / "bin"
    shim.mkdir()
    # every run starts in the same second, as far as the log's name can tell
    (shim / "date").write_text('#!/bin/bash\nif [ "$*" = "-u +%Y%m%dT%H%M%SZ" ]; then '
                               'echo 20250101T000000Z; else exec /bin/date "$@"; fi\n')
    (shim / "date").chmod(0o755)
    env = {"MONGO_URI": mongo_uri, "PATH": f"{shim}:/usr/bin:/bin",
           "NEWSSCRAPER_CRON_LOG_BYTES": "1000"}
    for _ in range(2):  # a bad argument: each ends at once, after writing its log
        proc = run_as_cron(f"cd {INSTALL} && deploy/run-crawl.sh -a mode=bogus", home, env)
        assert proc.returncode == 2, proc.stderr
    logs = sorted(log_dir.glob("crawl-20250101T000000Z-*.log"))
    assert len(logs) == 2, sorted(log_dir.iterdir())
    assert all("mode must be one of" in log.read_text() for log in logs)
    assert (log_dir / "cron.log.1").read_text().startswith("an old note")
    assert (log_dir / "cron.log").read_text().count("crawl finished with status 2") == 2
