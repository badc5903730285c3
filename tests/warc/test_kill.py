"""A crawl killed with SIGKILL while writing WARC records: its writer process writes what
it was sent and ends, the files read back, a record cut short skipped with a warning, and
``newsscraper warc check`` says so. A writer process killed mid-crawl: the crawl goes on
without WARC files, and says so."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsscraper.warc.reader import check, read_page, responses, warc_files
from newsscraper.warc.writer import BATCH_PAGES
from tests.crawl_helpers import ROOT, crawl_command, crawl_stats

pytestmark = pytest.mark.slow


def writer_of(crawl: int) -> int | None:
    """The pid of the WARC writer process the crawl process ``crawl`` started."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == crawl and b"newsscraper.warc.writer" in cmdline:
            return int(entry.name)
    return None


def gone(pid: int) -> bool:
    """The process has ended (a zombie left for its new parent counts as ended)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] \
            in ("Z", "X")
    except OSError:
        return True


def wait_for_bytes(proc: subprocess.Popen, warc: Path, size: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # well into the crawl, records being written
        if sum(p.stat().st_size for p in warc.glob("*.warc.gz")) > size:
            return
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    pytest.fail("the crawl wrote no WARC records")


def wait_for_answered(proc: subprocess.Popen, warc: Path) -> None:
    """Wait until the file holds more than a batch of whole responses: the writer answers
    each batch before it reads the next, so the first batch's answers are then in the
    crawl's pipe, and a writer killed now leaves pages both answered and lost."""
    wait_for_bytes(proc, warc, 100_000)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(1 for path in warc_files(warc) for _ in responses(path)) > BATCH_PAGES:
            return
        time.sleep(0.05)
    pytest.fail("the crawl wrote no second batch of WARC records")


def test_a_crawl_killed_mid_write_leaves_readable_files(replica_server, tmp_path, caplog):
    server = replica_server(articles=600, seed=4)
    warc = tmp_path / "warc"
    cmd, env = crawl_command(server, "mongodb://127.0.0.1:1", "unused", tmp_path,
                             "-s", "STORE_ENABLED=False", "-s", f"WARC_DIR={warc}")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for_bytes(proc, warc, 400_000)
        writer = writer_of(proc.pid)
        assert writer is not None
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30  # the writer writes what it was sent, then ends
    while not gone(writer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(writer), "the WARC writer outlived the crawl"
    (path,) = warc_files(warc)
    report = check(path)  # every record it was sent written whole
    assert report.torn_at is None and report.digest_problems == 0
    assert report.records["response"] >= 10
    for entry in responses(path):  # every whole response record, payload and all
        page = read_page(path, entry.source.offset)
        assert page.status in (200, 301) and page.body is not None

    # the kill may fall between two records: tear the last one as a kill inside it does
    last = list(responses(path))[-1]
    path.write_bytes(path.read_bytes()[:last.source.offset + 100])
    with caplog.at_level(logging.WARNING, logger="newsscraper.warc.reader"):
        torn = check(path)
    assert torn.torn_at == last.source.offset and "cut short" in caplog.text
    assert torn.records["response"] == report.records["response"] - 1
    out = subprocess.run([sys.executable, "-m", "newsscraper.cli", "warc", "check", str(warc)],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1, out.stderr
    assert f"record at offset {last.source.offset:,} cut short" in out.stdout
    assert "1 torn record(s)" in out.stdout and "cut short" in out.stderr


def test_a_writer_killed_mid_crawl_costs_the_archive_not_the_crawl(
        replica_server, mongo_uri, mongo_db_name, mongo_db, tmp_path):
    server = replica_server(articles=300, seed=6)
    warc = tmp_path / "warc"
    cmd, env = crawl_command(server, mongo_uri, mongo_db_name, tmp_path,
                             "-s", f"WARC_DIR={warc}")
    with open(tmp_path / "crawl.log", "w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=err)
    try:
        wait_for_answered(proc, warc)
        writer = writer_of(proc.pid)
        assert writer is not None
        os.kill(writer, signal.SIGKILL)
        proc.wait(240)  # the crawl ends as it would have
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = (tmp_path / "crawl.log").read_text()
    # the crawl ran to its end and stored every article; the archive's gap fails the
    # "pages archived" monitor, in the exit status and the run's record
    assert proc.returncode == 4, log[-3000:]
    assert "monitor failed: pages archived" in log and "writer process died" in log
    record = mongo_db.runs.find_one()
    assert record["status"] == "monitors_failed" and record["monitors"]["failed"] == [
        "pages archived"], record
    assert mongo_db.articles.count_documents({}) >= 300
    assert gone(writer)
    stats = crawl_stats(log)
    assert stats["warc/writer_died"] == 1
    assert stats["warc/records"] >= 1 and stats["warc/failed"] >= 1
    assert stats["item_scraped_count"] >= 300  # every article, kept or not
    assert "the WARC writer process ended (exit status -9)" in log
    assert "the crawl goes on without WARC files" in log
    (path,) = warc_files(warc)
    entries = list(responses(path))  # every whole record, in order
    # the writer answers for a page once it is on disk: the file holds every page answered
    # for, and at most the one batch it wrote and was killed before answering
    assert stats["warc/records"] <= len(entries) <= stats["warc/records"] + BATCH_PAGES
    assert [e.source.offset for e in entries] == sorted(e.source.offset for e in entries)
    for entry in entries:
        assert read_page(path, entry.source.offset).body
