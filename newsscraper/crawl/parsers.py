"""Page parsers in child processes, so parsing takes a core of its own.

Scrapy runs every callback in one thread, and an article page costs it about 0.7 ms of
lxml parsing and extraction, a third of the crawl's time. Threads do not help: the
extraction holds the GIL (measured: slower, docs/benchmarks.md). A child process does,
and it isolates the crawl from the parser: a page that crashes libxml2 or makes a
parser spin costs that page, counted and logged, not the run.

Each worker is ``python -c 'newsscraper.crawl.parsers.serve()'`` reading jobs from its
stdin and answering on its stdout in order, as length-prefixed pickles:
``(seq, function, args)`` in, ``(seq, kind, value)`` out (kind ``ok``, ``error``: a
:class:`ParseError` the page caused, or ``bug``: any other exception, as text). The
functions are the pure page parsers (module-level, pickled by name).

Settings: ``PARSER_WORKERS`` (child processes; 0 parses in the crawl process, as it
does when no worker can be started), ``PARSER_TIMEOUT`` (seconds one page may take).
Stats: ``parsers/restarts``, ``parsers/crashes``, ``parsers/timeouts``,
``parsers/in_process`` (pages parsed in the crawl process because no worker runs).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from newsscraper.crawl.frames import (
    answer_stream,
    frame,
    next_frame,
    read_frame,
    send_frame,
    start_child,
)
from newsscraper.sites.moscowtimes.errors import ParseError

logger = logging.getLogger(__name__)
MAX_TRIES = 2  # a page the worker died on is tried once more before it counts as a crash
MAX_RESTARTS = 20  # per worker and run; past it the pages are parsed in the crawl process
START_TIMEOUT = 30.0
# pages sent to a worker and not yet answered: enough that it never waits for the next,
# few enough that pages waiting their turn stay in Scrapy's scraper (whose backlog limit
# holds the downloader back) instead of piling up in the pipe
IN_FLIGHT = 4
_SERVE = "import newsscraper.crawl.parsers as p; p.serve()"


class ParserFailure(RuntimeError):
    """A page the parser process could not answer for: a bug in the parser, or libxml2
    crashing or spinning on it. The message says which, for a log line."""


@dataclass
class _Job:
    seq: int
    func: Callable[..., Any]
    args: tuple
    future: asyncio.Future
    frame: bytes = field(repr=False)  # what the worker is sent, again after a restart
    tries: int = 0


class _Worker:
    """One child process and the jobs it owes, answered in the order sent."""

    def __init__(self, pool: ParserPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.proc: asyncio.subprocess.Process | None = None
        self.pending: dict[int, _Job] = {}
        self.head_since = 0.0  # when the job now being parsed became the oldest owed
        self.timed_out: _Job | None = None
        self.restarts = 0
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # a restart and a stop never overlap
        self.stopped = False
        self.restarting = False

    async def start(self) -> None:
        """Start the process and wait for its first frame, sent once the parsers are
        imported; OSError when it cannot start or does not get that far."""
        proc = await start_child(_SERVE, "parser", START_TIMEOUT)
        self.proc = proc
        self.reader = asyncio.create_task(self.read(proc))

    def send(self, job: _Job) -> None:
        if not self.pending:
            self.head_since = asyncio.get_running_loop().time()
        self.pending[job.seq] = job
        if not self.restarting:
            self.write(job)

    def write(self, job: _Job) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(job.frame)

    async def read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        loop = asyncio.get_running_loop()
        try:
            while True:
                seq, kind, value = await read_frame(proc.stdout)
                job = self.pending.pop(seq, None)
                self.head_since = loop.time()
                if job is None or job.future.done():
                    continue
                if kind == "ok":
                    job.future.set_result(value)
                elif kind == "error":
                    job.future.set_exception(value)
                else:
                    job.future.set_exception(ParserFailure(f"parser bug: {value}"))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the process ended
        except Exception as exc:  # an answer that does not unpickle: treat as a crash
            logger.error("parser process %d answered garbage (%s): restarting it",
                         self.index, type(exc).__name__)
            proc.kill()
        self.restarting = True  # until restarted, pages sent wait in ``pending``
        await self.pool.died(self, proc)

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def stop(self, grace: float = 5.0) -> None:
        async with self.lock:
            self.stopped = True
            proc = self.proc
            if proc is None:
                return
            if proc.stdin is not None:
                proc.stdin.close()  # the worker ends at the end of its input
            try:
                await asyncio.wait_for(proc.wait(), grace)
            except (TimeoutError, asyncio.TimeoutError):
                proc.kill()
                await proc.wait()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    def fail_pending(self, reason: str) -> None:
        for job in self.pending.values():
            if not job.future.done():
                job.future.set_exception(ParserFailure(reason))
        self.pending.clear()


class ParserPool:
    """Runs pure page parsers (module-level functions) in ``workers`` child processes,
    or in this process when there are none. Built ``from_crawler``; the processes start
    with the first page and stop when the spider closes."""

    def __init__(self, workers: int = 1, timeout: float = 60.0, crawler=None) -> None:
        self.size = max(0, workers)
        self.timeout = timeout
        self.crawler = crawler  # for its stats, set once the crawl starts
        self.workers: list[_Worker] = []
        self.seq = 0
        self.starting: asyncio.Task | None = None
        self.watchdog: asyncio.Task | None = None
        self.slots = asyncio.Semaphore(IN_FLIGHT * max(1, self.size))

    @classmethod
    def from_crawler(cls, crawler) -> ParserPool:
        from scrapy import signals

        s = crawler.settings
        pool = cls(s.getint("PARSER_WORKERS"), s.getfloat("PARSER_TIMEOUT"), crawler)
        crawler.signals.connect(pool.close, signals.spider_closed)
        return pool

    async def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """``func(*args)`` in a worker: its result, or the :class:`ParseError` it
        raised; :class:`ParserFailure` for a bug, a crash or a timeout."""
        if self.size and self.starting is None:
            self.starting = asyncio.create_task(self.start())
        if self.starting is not None:
            await asyncio.shield(self.starting)
        async with self.slots:
            if not self.workers:  # none started, or all retired (maybe while this waited)
                self.inc("parsers/in_process")
                return func(*args)
            self.seq += 1
            job = _Job(self.seq, func, args, asyncio.get_running_loop().create_future(),
                       frame((self.seq, func, args)))
            min(self.workers, key=lambda w: len(w.pending)).send(job)
            return await job.future

    async def start(self) -> None:
        """Start the workers and their watchdog; the ones that cannot start are left
        out (none: every page is parsed in this process)."""
        for i in range(self.size):
            worker = _Worker(self, i)
            try:
                await worker.start()
            except Exception as exc:  # no process to be had: the crawl parses itself
                logger.warning("cannot start a parser process (%s: %s): parsing in the "
                               "crawl process", type(exc).__name__, exc)
                break
            self.workers.append(worker)
        if self.workers:
            self.watchdog = asyncio.create_task(self.watch())

    async def died(self, worker: _Worker, proc: asyncio.subprocess.Process) -> None:
        """A worker ended while owing answers: the page it was parsing (the oldest owed)
        gets one more try unless it timed out, the rest are sent again as they were."""
        code = await proc.wait()
        async with worker.lock:
            if worker.stopped:
                worker.fail_pending("the crawl closed first")
            else:
                await self.restart(worker, code)

    async def restart(self, worker: _Worker, code: int) -> None:
        """A new process for ``worker``; what it owes waits, then is sent again."""
        worker.restarting = True
        try:
            await self._restart(worker, code)
        finally:
            worker.restarting = False

    async def _restart(self, worker: _Worker, code: int) -> None:
        timed_out, worker.timed_out = worker.timed_out, None
        head = next(iter(worker.pending.values()), None)
        if head is not None and timed_out is None:
            head.tries += 1
            self.inc("parsers/crashes")
            logger.error("parser process %d died (exit status %s) while parsing %s",
                         worker.index, code, _describe(head.args))
            if head.tries >= MAX_TRIES:
                head.future.set_exception(ParserFailure(
                    f"the parser process died on this page {head.tries} times "
                    f"(exit status {code})"))
        for seq in [seq for seq, job in worker.pending.items() if job.future.done()]:
            del worker.pending[seq]  # answered: failed above, or timed out
        worker.restarts += 1
        if worker.restarts > MAX_RESTARTS:
            logger.error("parser process %d died %d times: parsing in the crawl process",
                         worker.index, worker.restarts)
            self.in_process(worker)
            return
        self.inc("parsers/restarts")
        try:
            await worker.start()
        except Exception as exc:  # as at the first start: the crawl parses itself
            logger.error("cannot restart parser process %d (%s: %s): parsing in the "
                         "crawl process", worker.index, type(exc).__name__, exc)
            self.in_process(worker)
            return
        worker.head_since = asyncio.get_running_loop().time()
        for job in worker.pending.values():  # in the order first sent
            worker.write(job)

    def in_process(self, worker: _Worker) -> None:
        """Retire ``worker``; what it owes, and the pages after it, are parsed here."""
        if worker in self.workers:
            self.workers.remove(worker)
        jobs, worker.pending = list(worker.pending.values()), {}
        for job in jobs:
            self.inc("parsers/in_process")
            try:
                job.future.set_result(job.func(*job.args))
            except Exception as exc:
                job.future.set_exception(exc)

    async def watch(self) -> None:
        """Kill a worker whose current page has taken longer than ``timeout``."""
        loop = asyncio.get_running_loop()
        while True:  # until close() cancels it
            await asyncio.sleep(min(1.0, self.timeout / 4))
            for worker in self.workers:
                if not worker.pending or worker.timed_out is not None or worker.restarting:
                    continue
                if loop.time() - worker.head_since > self.timeout:
                    head = next(iter(worker.pending.values()))
                    worker.timed_out = head
                    self.inc("parsers/timeouts")
                    logger.error("parser process %d spent over %g s on %s: restarting it",
                                 worker.index, self.timeout, _describe(head.args))
                    head.future.set_exception(ParserFailure(
                        f"parser timed out after {self.timeout:g} s"))
                    worker.kill()

    async def close(self) -> None:
        """Stop the workers (each ends at the end of its input)."""
        if self.watchdog is not None:
            self.watchdog.cancel()
        if self.starting is not None:
            await asyncio.gather(self.starting, return_exceptions=True)
        workers, self.workers = list(self.workers), []
        await asyncio.gather(*(w.stop() for w in workers), return_exceptions=True)
        for worker in workers:
            worker.fail_pending("the crawl closed first")

    def inc(self, key: str) -> None:
        """Count ``key`` in the crawl's stats (none without a crawler)."""
        if self.crawler is not None:
            self.crawler.stats.inc_value(key)


def _describe(args: tuple) -> str:
    """The URL among a job's arguments, for a log line."""
    return next((a for a in args if isinstance(a, str) and "://" in a), "a page")


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """The worker's loop: answer each job on stdin until it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle
    stdout = stdout or answer_stream()
    stdin = stdin or sys.stdin.buffer
    stdout.write(frame((0, "ready", os.getpid())))
    stdout.flush()
    while (job := next_frame(stdin)) is not None:
        seq, func, args = job
        try:
            answer = (seq, "ok", func(*args))
        except ParseError as exc:
            answer = (seq, "error", exc)
        except Exception as exc:
            answer = (seq, "bug", "".join(traceback.format_exception(exc)).strip())
        try:
            out = frame(answer)
        except Exception as exc:  # a result or an exception pickle refuses
            out = frame((seq, "bug", f"unpicklable answer: {exc!r}"))
        if not send_frame(stdout, out):  # the crawl has gone
            return
