"""A crawl with the project's default settings (no profile) listens on no socket: neither
Scrapy's telnet console nor its remote-control server. The sockets are read from /proc:
the crawl's and its children's file descriptors against the kernel's LISTEN table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")]

LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


def listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == LISTEN:
                    inodes.add(fields[9])
    return inodes


def family(pid: int) -> list[int]:
    """``pid`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        out.append(todo.pop())
        todo += children.get(out[-1], [])
    return out


def listening_sockets(pid: int) -> set[str]:
    """The inodes of the TCP sockets in LISTEN that ``pid`` or its children hold."""
    held = set()
    for p in family(pid):
        try:
            for fd in Path(f"/proc/{p}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    held.add(target[8:-1])
        except OSError:
            continue  # a child that just ended
    return held & listening_inodes()


def sockets_while_crawling(replica, mongo_uri: str, database: str, tmp_path: Path,
                           *args: str) -> tuple[set[str], str]:
    """Start a crawl of the replica with the default settings, look at its sockets
    for a few seconds once it has started fetching, then stop it."""
    log = tmp_path / "crawl.log"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes",
           "-a", f"base_url={replica.base_url}", "-a", f"static_url={replica.static_url}",
           "-s", f"MONGO_DATABASE={database}", "-s", f"NEWSSCRAPER_DATA_DIR={tmp_path}",
           "-s", "LOG_LEVEL=INFO", *args]
    env = {k: v for k, v in os.environ.items() if k != "NEWSSCRAPER_PROFILE"}
    env.update(MONGO_URI=mongo_uri, PYTHONWARNINGS="ignore")
    before = replica.requests  # a replica shared by the session's crawls
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    found: set[str] = set()
    try:
        deadline = time.monotonic() + 90
        while replica.requests == before:  # the engine, and any console, is up by then
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        for _ in range(20):
            found |= listening_sockets(proc.pid)
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return found, log.read_text()


def test_a_default_crawl_listens_on_no_socket(replica, mongo_uri, mongo_db_name, tmp_path):
    found, log = sockets_while_crawling(replica, mongo_uri, mongo_db_name, tmp_path)
    assert found == set(), log[-3000:]
    assert "Telnet console listening" not in log and "Telnet Password" not in log


def test_the_check_sees_the_telnet_console_when_it_is_on(replica, mongo_uri, mongo_db_name,
                                                         tmp_path):
    found, log = sockets_while_crawling(replica, mongo_uri, mongo_db_name, tmp_path,
                                        "-s", "TELNETCONSOLE_ENABLED=True",
                                        "-s", "TELNETCONSOLE_PORT=0")
    assert len(found) == 1, log[-3000:]
    assert "Telnet console listening" in log
