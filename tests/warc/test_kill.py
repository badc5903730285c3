"""A crawl killed with SIGKILL while writing WARC records: its files read back, a record
cut short skipped with a warning; and ``newsscraper warc check`` says so."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import pytest

from newsscraper.warc.reader import check, read_page, responses, warc_files
from tests.crawl_helpers import ROOT, crawl_command

pytestmark = pytest.mark.slow


def test_a_crawl_killed_mid_write_leaves_readable_files(replica_server, tmp_path, caplog):
    server = replica_server(articles=600, seed=4)
    warc = tmp_path / "warc"
    cmd, env = crawl_command(server, "mongodb://127.0.0.1:1", "unused", tmp_path,
                             "-s", "STORE_ENABLED=False", "-s", f"WARC_DIR={warc}")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # well into the crawl, records being written
            if sum(p.stat().st_size for p in warc.glob("*.warc.gz")) > 400_000:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the crawl wrote no WARC records")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    (path,) = warc_files(warc)
    report = check(path)
    assert report.digest_problems == 0 and report.records["response"] >= 10
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
