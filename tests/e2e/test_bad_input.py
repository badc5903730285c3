"""Every bad input of issue 21 (section 5), through the real commands in subprocesses:
one line on stderr, the documented exit status (2: bad arguments, settings or
configuration), no traceback, and no password in the output."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest
from pymongo.uri_parser import parse_uri

from newsscraper.storage.ferretdb import free_port
from newsscraper.storage.uri import server_hosts
from tests.crawl_helpers import ROOT
from tests.e2e.test_exit_status import auth_server  # noqa: F401 - a fixture used below

SECRET = "s3cr3tpw9"


def run(argv: list[str], env: dict[str, str] | None = None,
        timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    full = dict(os.environ, PYTHONWARNINGS="ignore", **(env or {}))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - started


def said(proc: subprocess.CompletedProcess, crawl: bool) -> list[str]:
    """The lines a person reads: all of stderr for ``newsscraper``; for a crawl, what
    it said beyond Scrapy's start-up banner (a ``newsscraper:`` line, errors)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if not crawl:
        return lines
    return [line for line in lines if line.startswith("newsscraper:") or "Traceback" in line
            or " ERROR: " in line or " CRITICAL: " in line]


def assert_one_line(proc: subprocess.CompletedProcess, status: int, named: str,
                    crawl: bool = False) -> str:
    everything = proc.stdout + proc.stderr
    assert "Traceback" not in everything, everything[-3000:]
    assert proc.returncode == status, everything[-2000:]
    lines = said(proc, crawl)
    assert len(lines) == 1, everything[-3000:]
    assert named in lines[0], lines[0]
    assert SECRET not in everything
    return lines[0]


# -s / -a given to `scrapy crawl moscowtimes`, and a word the one line must name
CRAWL_INPUTS = [
    (["-s", "MONGO_TIMEOUT_MS=-1"], "MONGO_TIMEOUT_MS"),
    (["-s", "MONGO_TIMEOUT_MS=abc"], "MONGO_TIMEOUT_MS"),
    (["-s", "MONGO_DATABASE=bad/na$me"], "MONGO_DATABASE"),
    (["-s", "MONGO_DATABASE="], "MONGO_DATABASE"),
    (["-s", "STORE_SEEN_RESOLUTION_HOURS=abc"], "STORE_SEEN_RESOLUTION_HOURS"),
    (["-a", "frobnicate=1"], "frobnicate"),
    (["-a", "sections="], "sections"),
    (["-s", "STORE_BATCH_SIZE=0"], "STORE_BATCH_SIZE"),
    (["-s", "STORE_BATCH_SIZE=-1"], "STORE_BATCH_SIZE"),
    (["-s", "PARSER_WORKERS=-3"], "PARSER_WORKERS"),
    (["-s", "STORE_RETRY_SECONDS=-5"], "STORE_RETRY_SECONDS"),
    (["-s", "MONITOR_MIN_STORED_SHARE=abc"], "MONITOR_MIN_STORED_SHARE"),
    (["-s", "MONITOR_MIN_STORED_SHARE=1.5"], "MONITOR_MIN_STORED_SHARE"),
]


@pytest.mark.parametrize(("given", "named"), CRAWL_INPUTS, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else None)
def test_crawl_rejects_bad_input_in_one_line(given, named, mongo_uri, mongo_db_name, mongo_db,
                                             tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"  # were it accepted, the crawl ends fast
    proc, _ = run(["scrapy", "crawl", "moscowtimes", "-s", f"MONGO_DATABASE={mongo_db_name}",
                   "-a", f"base_url={dead}", "-a", f"static_url={dead}", "-s", "RETRY_TIMES=0",
                   "-s", "NEWSSCRAPER_PROFILE=replica", "-s", f"NEWSSCRAPER_DATA_DIR={tmp_path}",
                   *given], {"MONGO_URI": mongo_uri})
    line = assert_one_line(proc, 2, named, crawl=True)
    assert line.startswith("newsscraper: "), line
    assert mongo_db.runs.count_documents({"status": {"$ne": "rejected"}}) == 0


def test_unresolvable_srv_uri_is_a_setting_with_its_password_masked(tmp_path):
    proc, _ = run(["scrapy", "crawl", "moscowtimes", "-s", f"NEWSSCRAPER_DATA_DIR={tmp_path}"],
                  {"MONGO_URI": f"mongodb+srv://u:{SECRET}@nonexistent.invalid/"})
    line = assert_one_line(proc, 2, "MONGO_URI", crawl=True)
    assert "u:***@nonexistent.invalid" in line, line


@pytest.mark.skipif(importlib.util.find_spec("pymongo_auth_aws") is not None,
                    reason="pymongo-auth-aws is installed here")
def test_an_auth_mechanism_without_its_library_is_refused_at_once(mongo_uri, tmp_path):
    [(host, port)] = parse_uri(mongo_uri)["nodelist"]
    uri = f"mongodb://AKIAEXAMPLE:{SECRET}@{host}:{port}/?authMechanism=MONGODB-AWS" \
          f"&authSource=%24external"
    # a retry window far past the bound below (as in test_exit_status.py)
    proc, elapsed = run(["scrapy", "crawl", "moscowtimes", "-s", "STORE_RETRY_SECONDS=900",
                         "-s", f"NEWSSCRAPER_DATA_DIR={tmp_path}"], {"MONGO_URI": uri},
                        timeout=300)
    assert_one_line(proc, 2, "pymongo-auth-aws", crawl=True)
    assert elapsed < 240, f"{elapsed:.0f}s: the store's retries were waited out"


# `newsscraper ...` arguments, and a word the one line must name
COMMAND_INPUTS = [
    (["parse", "{empty}", "--url", "http://[x"], "--url"),
    (["replica", "serve", "--port", "99999"], "--port"),
    (["replica", "serve", "--port", "-1"], "--port"),
    (["replica", "serve", "--static-port", "70000"], "--static-port"),
    (["replica", "serve", "--articles", "1000000000"], "100,000"),
    (["replica", "serve", "--journal", "/nonexistent/dir/j"], "/nonexistent/dir"),
    (["replica", "truth", "--journal", "/nonexistent"], "/nonexistent"),
    (["spill", "replay", "--data-dir", "/nonexistent"], "/nonexistent"),
    (["spill", "status", "--data-dir", "/nonexistent"], "/nonexistent"),
]


@pytest.mark.parametrize(("argv", "named"), COMMAND_INPUTS, ids=" ".join)
def test_command_rejects_bad_input_in_one_line(argv, named, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    argv = [a.replace("{empty}", str(empty)) for a in argv]
    proc, _ = run(["newsscraper.cli", *argv], timeout=60)
    assert_one_line(proc, 2, named)


@pytest.mark.parametrize("command", ["export", "runs"])
def test_reader_with_a_malformed_uri_says_so_at_once(command):
    proc, _ = run(["newsscraper.cli", command], {"MONGO_URI": "garbage"})
    line = assert_one_line(proc, 2, "malformed")
    assert "unreachable" not in line  # it was taken for a host name and tried for 5 s


@pytest.mark.parametrize("command", ["export", "runs"])
def test_reader_with_refused_credentials_is_a_setting(command, auth_server):  # noqa: F811
    uri = f"mongodb://scraper:{SECRET}@{auth_server}/?authSource=admin"
    proc, _ = run(["newsscraper.cli", command], {"MONGO_URI": uri})
    assert "scraper:***@" in assert_one_line(proc, 2, "authentication failed")


@pytest.mark.parametrize("given", [{"MONGO_DATABASE": "bad/na$me"}, {"--database": ""}])
def test_reader_checks_the_database_name_as_the_crawl_does(given, mongo_uri):
    args = ["--database", ""] if "--database" in given else []
    env = {"MONGO_URI": mongo_uri, **{k: v for k, v in given.items() if k.isupper()}}
    proc, _ = run(["newsscraper.cli", "runs", *args], env)
    assert_one_line(proc, 2, "MONGO_DATABASE")


def test_unreadable_spill_file_is_quarantined_and_the_rest_replayed(mongo_uri, mongo_db_name,
                                                                    mongo_db, tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    target = json.dumps({"kind": "target", "database": mongo_db_name,
                         "server": server_hosts(mongo_uri)}).encode() + b"\n"
    bad = spill / "spill-20250101T000000000000Z-1.jsonl"
    bad.write_bytes(target + b'{"kind": "run", "run": {"_id": "r\xff\xfe"}}\n')
    good = spill / "spill-20250101T000000000001Z-2.jsonl"
    good.write_bytes(target + b'{"kind": "run", "run": {"_id": "r-good", "status": '
                              b'"finished"}}\n')
    proc, _ = run(["newsscraper.cli", "spill", "replay", "--data-dir", str(tmp_path),
                   "--database", mongo_db_name], {"MONGO_URI": mongo_uri})
    line = assert_one_line(proc, 2, "not UTF-8")
    assert bad.name in line
    assert not bad.exists() and not good.exists()
    kept = spill / (bad.name + ".unreadable")
    assert kept.read_bytes().endswith(b"\xff\xfe\"}}\n")
    assert [r["_id"] for r in mongo_db.runs.find()] == ["r-good"]
    # a second replay leaves the quarantined file alone
    again, _ = run(["newsscraper.cli", "spill", "replay", "--data-dir", str(tmp_path),
                    "--database", mongo_db_name], {"MONGO_URI": mongo_uri})
    assert again.returncode == 0 and kept.exists(), again.stderr

