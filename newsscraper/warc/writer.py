"""A run's WARC files: request and response records, each gzip member on its own,
appended by one child process so the crawl only hands pages over.

Writing a page's two records costs 1-1.7 ms of CPU, half of it warcio's Python (headers,
SHA-1 digests) holding the GIL: in a thread of the crawl process it made the event loop
wait for the GIL on every system call (docs/benchmarks.md, "WARC files"). The writer is
``python -c 'newsscraper.warc.writer.serve()'``, started as the page parsers are
(crawl/parsers.py), reading length-prefixed pickles on its stdin (the :class:`WarcSeries`,
then batches of :class:`Exchange`) and answering on its stdout in order: its pid once
ready, then for each batch, for each page where its response record starts, ``(file,
offset)``, or ``(None, error)`` when it could not be written. It ends at the end of its
input: when the crawl closes it, or when the crawl process ends in any way, having
written every page it was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsscraper.crawl.frames import (
    answer_stream,
    frame,
    next_frame,
    read_frame,
    send_frame,
    start_child,
)
from newsscraper.items import Source

logger = logging.getLogger(__name__)

SOFTWARE = "newsscraper"
START_TIMEOUT = 30.0
CLOSE_TIMEOUT = 120.0  # for the writer to write what is queued once the crawl closes
# the pipe to the writer holds this many bytes (Linux's most for anyone, 64 kB by
# default): a page goes in one write, not pieces that asyncio buffers, moves and retries
PIPE_BYTES = 1 << 20
# pages go to the writer in batches, one write and one wake-up of the writer (and one
# answer back) for up to this many, sent at the latest this many seconds after the first:
# a wake-up per page cost the crawl more than the pickling and the copy
BATCH_PAGES = 16
BATCH_SECONDS = 0.05
# the writer yields the CPU to the crawl and its parsers (whose pace is the crawl's): it
# catches up while they wait on the network, up to the pages the crawl may queue for it
NICE = 10
# zlib level 1: 0.8 ms of the writer's CPU a replica page against 1.0 at level 6, for
# files 13% larger (docs/benchmarks.md, "WARC files"): the crawl's speed is the target
GZIP_LEVEL = 1
_SERVE = "import newsscraper.warc.writer as w; w.serve(nice=w.NICE)"
# hop-by-hop and transport headers that no longer describe the payload as kept: Scrapy
# has de-chunked and decompressed it
_TRANSPORT = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass
class Exchange:
    """One request and its response as the crawl saw them (copied on the event loop,
    pickled to the writer process)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    protocol: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    extra: dict[str, str] = field(default_factory=dict)
    """Further WARC headers of the response record (``Newsscraper-*``: how the crawl
    found the page)."""


class _Member:
    """One record as one gzip member, compressed in one call when warcio flushes it
    (warcio's own wrapper compresses each piece at level 9: a third more CPU for a file
    0.5% smaller on the site's pages)."""

    def __init__(self, out: BinaryIO, level: int) -> None:
        self.out, self.level = out, level
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def flush(self) -> None:
        gzip = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(gzip.compress(b"".join(self.parts)) + gzip.flush())
        self.out.flush()
        self.parts = []


class GzipMemberWriter(WARCWriter):
    """warcio's writer with each record a gzip member of its own, as ``gzip=True``
    writes them, at ``level``."""

    def __init__(self, out: BinaryIO, level: int = GZIP_LEVEL, **kwargs: Any) -> None:
        super().__init__(out, gzip=False, **kwargs)
        self.level = level

    def _write_warc_record(self, out, record) -> None:
        super()._write_warc_record(_Member(out, self.level), record)


def warc_date(moment: datetime) -> str:
    """A WARC-Date (UTC, microseconds: WARC/1.1)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcSeries:
    """The WARC files of one run: ``<dir>/newsscraper-<run id>-<pid>-<seq>.warc.gz``,
    a new file once one passes ``max_bytes``, each beginning with a ``warcinfo`` record
    (``info``: software, run id, the settings that shape the crawl); ``<pid>`` is the
    crawl process's, the one that built the series. Not thread-safe: the writer process
    calls :meth:`write`."""

    def __init__(self, directory: Path, run_id: str, max_bytes: int,
                 info: dict[str, Any]) -> None:
        self.directory = directory
        self.run_id = run_id
        self.max_bytes = max_bytes
        self.info = info
        self.pid = os.getpid()
        self.sequence = -1
        self.out: BinaryIO | None = None
        self.name = ""
        self.writer: GzipMemberWriter | None = None

    def write(self, exchange: Exchange) -> Source:
        """Append the response record then its request record (WARC-Concurrent-To);
        flushed to the OS, so a killed process leaves both readable. Returns where the
        response record starts."""
        if self.out is None or self.out.tell() >= self.max_bytes:
            self._next_file()
        assert self.out is not None and self.writer is not None
        response, request = self._records(self.writer, exchange)
        offset = self.out.tell()
        self.writer.write_request_response_pair(request, response)
        return Source(warc_file=self.name, offset=offset, fetched_at=exchange.fetched_at)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None

    def _next_file(self) -> None:
        self.close()
        self.sequence += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = f"{SOFTWARE}-{self.run_id}-{self.pid}-{self.sequence:05d}.warc.gz"
        # append: a file of this name is only ever this crawl's own
        self.out = open(self.directory / self.name, "ab")  # noqa: SIM115
        self.writer = GzipMemberWriter(self.out, warc_version="1.1")
        info = {"software": self.info.get("software"), "format": "WARC File Format 1.1",
                "run-id": self.run_id, "sequence": self.sequence,
                **{k: v for k, v in self.info.items() if k != "software"}}
        self.writer.write_record(self.writer.create_warcinfo_record(self.name, info))

    @staticmethod
    def _records(writer: WARCWriter, ex: Exchange):
        headers = [(k, v) for k, v in ex.response_headers if k.lower() not in _TRANSPORT]
        headers.append(("Content-Length", str(len(ex.body))))
        status = f"{ex.status} {ex.reason}".strip()
        http = StatusAndHeaders(status, headers, protocol=ex.protocol or "HTTP/1.1")
        date = warc_date(ex.fetched_at)
        response = writer.create_warc_record(
            ex.url, "response", payload=BytesIO(ex.body), length=len(ex.body),
            http_headers=http, warc_headers_dict={"WARC-Date": date, **ex.extra})
        path = _request_target(ex.url)
        request = writer.create_warc_record(
            ex.url, "request", payload=BytesIO(), length=0,
            http_headers=StatusAndHeaders(f"{ex.method} {path} HTTP/1.1", ex.request_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date})
        return response, request


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class _Page:
    """A page sent to the writer and not yet answered for."""

    future: asyncio.Future[Source | None]
    fetched_at: datetime
    size: int


class WarcArchive:
    """A :class:`WarcSeries` written by a child process: :meth:`submit` pickles the page
    into its pipe and returns at once; the future it gives resolves to the response
    record's :class:`~newsscraper.items.Source`, or None when the page was not written.
    Records are written in submission order.

    At most ``max_pending`` pages wait for the writer: :meth:`room` lets the crawl wait
    for the oldest when a slow disk falls behind, instead of holding every page fetched
    since in memory.

    A page that cannot be written (a full disk) costs that page, and a writer that cannot
    start or dies costs the rest of the archive: an error line and a count, never the
    crawl. Stats (``stats``, the crawl's): ``warc/records`` and ``warc/bytes`` (pages
    written, their bodies), ``warc/failed`` (pages not written), ``warc/writer_died``."""

    def __init__(self, series: WarcSeries, max_pending: int = 64, stats: Any = None) -> None:
        self.series = series
        self.max_pending = max_pending
        self.stats = stats
        self.pending: deque[_Page] = deque()
        self.batch: list[Exchange] = []  # pages in ``pending`` not yet sent
        self.timer: asyncio.TimerHandle | None = None
        self.proc: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Task | None = None
        self.starting: asyncio.Future | None = None
        self.file = ""
        self.failed = False  # a page could not be written (said once)
        self.dead = False  # no writer process: the crawl goes on without WARC files
        self.closing = False

    @property
    def alive(self) -> bool:
        """Pages can be submitted: the writer runs and is not being closed."""
        return self.proc is not None and not self.dead and not self.closing

    async def start(self) -> bool:
        """Start the writer process (once; later calls wait for the first): whether
        pages can be submitted."""
        if self.starting is None:
            self.starting = asyncio.ensure_future(self._start())
        if not self.starting.done():
            await asyncio.shield(self.starting)
        return self.alive

    async def _start(self) -> None:
        try:
            proc = await start_child(_SERVE, "WARC writer", START_TIMEOUT,
                                     first=frame(self.series), pipe_bytes=PIPE_BYTES)
        except Exception as exc:  # no process to be had, settings pickle refuses, or it
            # ended before it was ready
            self._lost(f"cannot start the WARC writer process ({type(exc).__name__}: "
                       f"{exc})")
            return
        self.proc = proc
        self.reader = asyncio.create_task(self._read(proc))

    def submit(self, exchange: Exchange) -> asyncio.Future[Source | None] | None:
        """Hand ``exchange`` to the writer: a future of where its response record
        starts; None when there is no writer (not started, dead or closed)."""
        if not self.alive:
            return None
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append(_Page(future, exchange.fetched_at, len(exchange.body)))
        self.batch.append(exchange)
        if len(self.batch) >= BATCH_PAGES:
            self.send()
        elif self.timer is None:
            self.timer = loop.call_later(BATCH_SECONDS, self.send)
        return future

    def send(self) -> None:
        """Send the pages batched so far."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.batch and self.alive:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(frame(self.batch))
        self.batch = []

    async def room(self) -> int:
        """Wait until fewer than ``max_pending`` pages are queued; how many were waited
        for."""
        waited = 0
        while len(self.pending) >= self.max_pending:
            self.send()
            await asyncio.shield(self.pending[0].future)
            waited += 1
        return waited

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        """Resolve each page's future from the writer's answers, in order, until it
        ends; then reap it, and if it ended owing pages (or before it was closed), go on
        without it."""
        assert proc.stdout is not None
        try:
            while True:
                for file, where in await read_frame(proc.stdout):
                    self._answered(self.pending.popleft(), file, where)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the process ended
        except Exception as exc:  # an answer that does not unpickle, or for no page
            logger.error("the WARC writer process answered garbage (%s: %s): stopping it",
                         type(exc).__name__, exc)
            proc.kill()
        code = await proc.wait()
        if self.closing and code == 0 and not self.pending:
            return
        self._lost(f"the WARC writer process ended (exit status {code}) with "
                   f"{len(self.pending)} page(s) not written")

    def _answered(self, page: _Page, file: str | None, where: Any) -> None:
        if file is None:
            self._not_written(where)
            source = None
        else:
            if file != self.file:
                self.file = file
                logger.info("writing WARC records to %s", self.series.directory / file)
            self.inc("warc/records")
            self.inc("warc/bytes", page.size)
            source = Source(warc_file=file, offset=where, fetched_at=page.fetched_at)
        if not page.future.done():
            page.future.set_result(source)

    def _not_written(self, error: str) -> None:
        if not self.failed:
            logger.error("cannot write WARC records under %s (%s); the crawl goes on "
                         "without them", self.series.directory, error)
        self.failed = True
        self.inc("warc/failed")

    def _lost(self, why: str) -> None:
        """No writer any more: every page owed resolves to None, none is taken."""
        self.dead = True
        self.batch = []
        self.inc("warc/writer_died")
        logger.error("%s; the crawl goes on without WARC files", why)
        while self.pending:
            page = self.pending.popleft()
            self.inc("warc/failed")
            if not page.future.done():
                page.future.set_result(None)

    async def close(self, grace: float = CLOSE_TIMEOUT) -> None:
        """Let the writer write what is queued, close its file and end; reap it (killed
        past ``grace`` seconds)."""
        if self.starting is not None:
            await asyncio.gather(self.starting, return_exceptions=True)
        self.send()
        self.closing = True
        proc = self.proc
        if proc is None:
            return
        assert proc.stdin is not None
        proc.stdin.close()  # the writer ends at the end of its input
        try:
            await asyncio.wait_for(proc.wait(), grace)
        except asyncio.TimeoutError:
            logger.error("the WARC writer process took over %g s to write what was "
                         "queued: stopping it", grace)
            proc.kill()
            await proc.wait()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    def inc(self, key: str, count: int = 1) -> None:
        """Count ``key`` in the crawl's stats (none without them)."""
        if self.stats is not None:
            self.stats.inc_value(key, count)


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None,
          nice: int = 0) -> None:
    """The writer's loop: write each page sent on stdin until it ends, answering for
    each; then close the file. Once the crawl has gone (its answers' pipe broken), what
    it sent is still written. ``nice``: how much to lower the process's priority."""
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    # Ctrl-C, and a service manager's SIGTERM to the whole group, are the crawl's to
    # handle: it closes this process's input once its last page is sent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stdout = stdout or answer_stream()
    stdin = stdin or sys.stdin.buffer
    series = next_frame(stdin)
    if series is None:
        return
    answering = send_frame(stdout, frame(("ready", os.getpid())))
    try:
        while (batch := next_frame(stdin)) is not None:
            answers = [_write(series, exchange) for exchange in batch]
            if answering:
                answering = send_frame(stdout, frame(answers))
    finally:
        series.close()


def _write(series: WarcSeries, exchange: Exchange) -> tuple[str | None, Any]:
    """``(file, offset)`` of the page's response record, or ``(None, error)``."""
    try:
        source = series.write(exchange)
    except Exception as exc:  # a full disk: this page is lost, the next may not be
        return None, f"{type(exc).__name__}: {exc}"
    return source.warc_file, source.offset

