"""Run ``scrapy crawl moscowtimes`` in a subprocess against a replica and a real server.

A crawl runs in its own process because a Twisted reactor cannot restart inside one
pytest process; the replica runs in this process, in a thread.
"""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from newsscraper.profiles import REPLICA, as_args
from newsscraper.storage.ferretdb import free_port

ROOT = Path(__file__).resolve().parents[1]


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a child not yet reaped counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def crawl_command(server, mongo_uri: str, database: str, data_dir: Path,
                  *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a replica crawl into ``database``."""
    env = dict(os.environ, MONGO_URI=mongo_uri, PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes",
           "-a", f"base_url={server.base_url}", "-a", f"static_url={server.static_url}",
           "-s", f"MONGO_DATABASE={database}", "-s", f"NEWSSCRAPER_DATA_DIR={data_dir}",
           "-s", "LOG_LEVEL=INFO", *as_args(REPLICA), *args]
    return cmd, env


def run_crawl(server, mongo_uri: str, database: str, data_dir: Path, *args: str,
              timeout: float = 300) -> subprocess.CompletedProcess:
    cmd, env = crawl_command(server, mongo_uri, database, data_dir, *args)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def crawl_stats(stderr: str) -> dict[str, int]:
    """The numeric stats Scrapy dumped at the end of a crawl's log (LOG_LEVEL=INFO)."""
    dump = stderr.rsplit("Dumping Scrapy stats:", 1)[-1]
    return {k: int(v) for k, v in re.findall(r"'([\w/.-]+)': (\d+)[,}]", dump)}


def last_run(db) -> dict:
    return next(db.runs.find().sort("started_at", -1).limit(1))


def normalise(value, server) -> object:
    """Replace a replica's origins by placeholders so two servers' records compare."""
    if isinstance(value, str):
        return value.replace(server.base_url, "WWW").replace(server.static_url, "STATIC")
    if isinstance(value, list):
        return [normalise(v, server) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v, server) for k, v in value.items()}
    return value


Answer = tuple[int, dict[str, str], bytes]  # status, headers, body
NOT_HERE: Answer = (404, {}, b"not here")


class _Pages(http.server.BaseHTTPRequestHandler):
    """A server of fixed pages that notes every path asked of it."""

    pages: ClassVar[dict[str, Answer]] = {}
    default: ClassVar[Answer] = NOT_HERE
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        status, headers, body = self.pages.get(self.path, self.default)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serving(pages: dict[str, Answer], default: Answer = NOT_HERE):
    """``(origin, hits)`` of a local server answering ``pages`` by path, else ``default``."""
    handler = type("Handler", (_Pages,), {"pages": pages, "default": default, "hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()
