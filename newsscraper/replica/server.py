"""Serve a rendered replica over HTTP on two loopback ports (the www and static origins).

A small asyncio HTTP/1.1 server over pre-rendered bytes, with keep-alive; each response
goes out in one write. It is written here rather than taken from a library because the
whole job is a dict lookup, and because the replica must misbehave on purpose (stalls,
truncated bodies that break their declared length) in ways frameworks prevent. The
alternatives measured or weighed (``benchmarks/bench_replica.py --compare-stdlib``,
docs/benchmarks.md): this server answers about 45,000 pages per CPU-second on one
core; the stdlib ``ThreadingHTTPServer`` over the same pages needs 3-4x the CPU per page
and, writing headers and body separately, stalls on delayed ACKs (about 400 pages/s on
traffic with redirects). Twisted's ``twisted.web`` would be quick enough, but would tie
the replica to the reactor Scrapy runs in the same test process. No dependency added.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from email.utils import formatdate
from pathlib import Path

from newsscraper.replica.model import SiteModel
from newsscraper.replica.publish import publish, record
from newsscraper.replica.responses import Page
from newsscraper.replica.website import RenderedSite, render_site

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request",
           404: "Not Found", 410: "Gone", 500: "Internal Server Error",
           503: "Service Unavailable"}
MAX_HEADER_LINES = 100


class _Origin:
    """One listening port: ``www`` or ``static``."""

    def __init__(self, server: ReplicaServer, name: str) -> None:
        self.server = server
        self.name = name

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    break
                close = request_line.rstrip().endswith(b"HTTP/1.0")
                for _ in range(MAX_HEADER_LINES):
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    if line[:11].lower() == b"connection:":
                        value = line[11:].strip().lower()
                        close = value == b"close" or (close and value != b"keep-alive")
                parts = request_line.decode("latin-1").split()
                if len(parts) < 2:
                    self.write(writer, Page(400, {"Content-Type": "text/plain"}, b"bad request"))
                    break
                if not await self.respond(writer, parts[0], parts[1]) or close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def respond(self, writer: asyncio.StreamWriter, method: str, target: str) -> bool:
        """Answer one request; False when the connection must be closed."""
        server = self.server
        server.requests += 1
        server.hits[(self.name, target)] += 1
        page = server.site.get(target, self.name)
        if page.delay:
            await asyncio.sleep(page.delay)
        if page.truncate:
            self.write(writer, page, body=page.body[: len(page.body) // 2])
            await writer.drain()
            return False
        self.write(writer, page, body=b"" if method == "HEAD" else page.body)
        await writer.drain()
        return True

    def write(self, writer: asyncio.StreamWriter, page: Page, body: bytes | None = None) -> None:
        head = [f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'OK')}",
                f"Date: {formatdate(usegmt=True)}", "Server: nginx",
                f"Content-Length: {len(page.body)}"]
        head += [f"{k}: {v}" for k, v in page.headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                     + (page.body if body is None else body))


class ReplicaServer:
    """A running replica: ``base_url`` is the www origin, ``static_url`` the static one.

    Use as a context manager, or call :meth:`start` / :meth:`stop`. Pages are rendered
    at start for the origins' real ports. The event loop runs in a daemon thread, so it
    can serve a crawl running in the same process. ``requests`` counts requests and
    ``hits`` counts them per ``(origin, path with query)``.

    ``publish_every``: publish a new article every that many seconds from the start
    (:mod:`newsscraper.replica.publish`); ``published`` lists what was published, as
    ``{"seq", "article_id", "url", "published_at"}``, and ``journal`` names a file each
    record is appended to as a JSON line. The model grows with every publication.
    """

    def __init__(self, model: SiteModel, faults: str | None = None, port: int = 0,
                 static_port: int = 0, host: str = "127.0.0.1",
                 publish_every: float | None = None, journal: Path | None = None) -> None:
        self.model = model
        self.host = host
        self.port = port
        self.static_port = static_port
        self.fault_profile = faults
        self.requests = 0
        self.hits: Counter[tuple[str, str]] = Counter()
        self.publish_every = publish_every
        self.journal = journal
        self.published: list[dict] = []
        self._publishing: asyncio.Task | None = None
        self.site: RenderedSite
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def static_url(self) -> str:
        return f"http://{self.host}:{self.static_port}"

    @property
    def faults(self):
        """The fault injector of a running server with a profile, else None."""
        return self.site.faults if hasattr(self, "site") else None

    def start(self) -> ReplicaServer:
        if self.publish_every and self.journal is not None:
            self.journal.write_text("", encoding="utf-8")  # numbering starts again at 1
        ready = threading.Event()
        error: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            servers: list[asyncio.Server] = []
            try:
                for name in ("www", "static"):
                    port = self.port if name == "www" else self.static_port
                    servers.append(loop.run_until_complete(asyncio.start_server(
                        _Origin(self, name).handle, self.host, port, backlog=1024)))
                self.port = servers[0].sockets[0].getsockname()[1]
                self.static_port = servers[1].sockets[0].getsockname()[1]
                self.site = render_site(self.model, self.base_url, self.static_url,
                                        faults=self.fault_profile)
            except BaseException as exc:  # reported to the starting thread
                error.append(exc)
                for s in servers:
                    s.close()
                loop.close()
                ready.set()
                return
            self._loop = loop
            if self.publish_every:
                self._publishing = loop.create_task(self._publisher(self.publish_every))
            ready.set()
            try:
                loop.run_forever()
            finally:
                for s in servers:
                    s.close()
                # connection handlers first: since 3.12 wait_closed() waits for them
                pending = asyncio.all_tasks(loop)
                for t in pending:
                    t.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                for s in servers:
                    loop.run_until_complete(s.wait_closed())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="replica-server", daemon=True)
        self._thread.start()
        ready.wait()
        if error:
            self._thread.join()
            raise error[0]
        return self

    async def _publisher(self, every: float) -> None:
        # rendering the listings, feeds and sitemaps again takes ~20 ms for 300 articles;
        # done on the loop, so no request ever sees half a publication
        started = time.monotonic()
        seq = 0
        while True:
            seq += 1
            await asyncio.sleep(max(0.0, started + seq * every - time.monotonic()))
            spec = publish(self.site, seq, datetime.now(timezone.utc))
            rec = record(self.site, seq, spec)
            self.published.append(rec)
            if self.journal is not None:
                with self.journal.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop = None
            self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
