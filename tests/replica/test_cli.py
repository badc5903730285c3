"""``newsscraper replica serve|truth`` from the command line."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

from newsscraper.cli import main
from newsscraper.replica import generate_site
from tests.replica.conftest import fetch

ROOT = Path(__file__).resolve().parents[2]


def test_truth_writes_json_lines(capsys):
    assert main(["replica", "truth", "--articles", "20", "--seed", "3", "--epoch", "2",
                 "--base-url", "http://127.0.0.1:9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(generate_site(20, 3, 2).live_articles)
    assert all(r["url"].startswith("http://127.0.0.1:9/") for r in records)
    assert any(not r["title"].isascii() or "’" in r["body"] for r in records)


def test_serve_prints_its_origins_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsscraper.cli", "replica", "serve", "--articles", "20",
         "--seed", "3", "--faults", "hostile"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip()
        static = proc.stdout.readline().strip()
        assert base.startswith("base_url=http://127.0.0.1:")
        assert static.startswith("static_url=http://127.0.0.1:") and static[11:] != base[9:]
        base_url, static_url = base.split("=", 1)[1], static.split("=", 1)[1]
        assert fetch(base_url + "/news")[0] == 200
        assert b"stalled-story-a1" in fetch(base_url + "/news")[2]
        assert fetch(static_url + "/sitemap/sitemap.xml")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_on_a_port_taken_is_a_failure_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "newsscraper.cli", "replica", "serve", "--articles", "10",
             "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and done.stderr.startswith(
        "newsscraper replica serve: cannot listen on 127.0.0.1"), done.stderr
