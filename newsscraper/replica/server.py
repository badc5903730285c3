"""Serve a rendered replica over HTTP on two loopback ports (the www and static origins).

A small asyncio HTTP/1.1 server over pre-rendered bytes, with keep-alive. It is written
here rather than taken from a framework because the replica must also misbehave on
purpose (truncated bodies, stalls, broken connections) in ways web frameworks prevent,
and because the whole job is a dict lookup: the stdlib ``http.server`` tops out far
below the 1,000 pages/s the benchmarks need, and this adds no dependency.
"""

from __future__ import annotations

import asyncio
import threading
from email.utils import formatdate

from newsscraper.replica.generate import SiteModel
from newsscraper.replica.render import Page, RenderedSite, render_site

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 410: "Gone",
           500: "Internal Server Error", 503: "Service Unavailable"}


class _Origin:
    def __init__(self, server: ReplicaServer, name: str) -> None:
        self.server = server
        self.name = name

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    break
                while True:  # headers are not needed: drain them
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                parts = request_line.decode("latin-1").split()
                if len(parts) < 2:
                    break
                method, target = parts[0], parts[1]
                keep = await self.respond(writer, method, target)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def respond(self, writer: asyncio.StreamWriter, method: str, target: str) -> bool:
        server = self.server
        server.requests += 1
        faults = server.faults
        page = server.site.get(target, self.name)
        if faults is not None:
            action = faults.action(self.name, target)
            if action is not None:
                return await action.run(writer, self)
        self.write(writer, page, head_only=method == "HEAD")
        await writer.drain()
        return True

    def write(self, writer: asyncio.StreamWriter, page: Page, head_only: bool = False,
              declared_length: int | None = None) -> None:
        body = b"" if head_only else page.body
        length = len(page.body) if declared_length is None else declared_length
        headers = [f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'OK')}",
                   f"Date: {formatdate(usegmt=True)}", "Server: replica",
                   f"Content-Length: {length}"]
        location = page.headers.get("Location")
        for k, v in page.headers.items():
            if k == "Location" and location and location.startswith("/"):
                v = self.server.base_url + location
            headers.append(f"{k}: {v}")
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body)


class ReplicaServer:
    """A running replica: ``base_url`` is the www origin, ``static_url`` the static one.

    Use as a context manager, or call :meth:`start` / :meth:`stop`. The event loop runs
    in a daemon thread, so it can serve a crawl running in the same process.
    """

    def __init__(self, model: SiteModel, faults: str | None = None, port: int = 0,
                 static_port: int = 0, host: str = "127.0.0.1") -> None:
        self.model = model
        self.host = host
        self.port = port
        self.static_port = static_port
        self.fault_profile = faults
        self.requests = 0
        self.site: RenderedSite
        self.faults = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def static_url(self) -> str:
        return f"http://{self.host}:{self.static_port}"

    def start(self) -> ReplicaServer:
        ready = threading.Event()
        error: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                www = loop.run_until_complete(asyncio.start_server(
                    _Origin(self, "www").handle, self.host, self.port, backlog=512))
                static = loop.run_until_complete(asyncio.start_server(
                    _Origin(self, "static").handle, self.host, self.static_port, backlog=512))
                self._servers = [www, static]
                self.port = www.sockets[0].getsockname()[1]
                self.static_port = static.sockets[0].getsockname()[1]
                self.site = render_site(self.model, self.base_url, self.static_url)
                if self.fault_profile:
                    from newsscraper.replica.faults import FaultInjector

                    self.faults = FaultInjector(self.fault_profile, self.site)
            except BaseException as exc:  # reported to the starting thread
                error.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                for s in self._servers:
                    s.close()
                    loop.run_until_complete(s.wait_closed())
                pending = asyncio.all_tasks(loop)
                for t in pending:
                    t.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, name="replica-server", daemon=True)
        self._thread.start()
        ready.wait()
        if error:
            raise error[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
