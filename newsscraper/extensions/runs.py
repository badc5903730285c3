"""RunRecorder: one document per crawl in ``runs``, and the lease that keeps runs into
one database from overlapping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from newsscraper.crawl.run_id import new_run_id
from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.default_settings import with_defaults
from newsscraper.extensions.lease import LeaseOutcome, RunLease, gone_here
from newsscraper.extensions.monitors import notifiers, run_close_monitors
from newsscraper.items import to_jsonable
from newsscraper.outcome import SKIP_REASON, STATUS_OF_EXIT, BadSetting, exit_status
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.paths import data_dir, spill_target
from newsscraper.storage.spill import SpillFile

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class RunRecorder:
    """Takes the run's lease and writes its record: at spider open (status ``running``,
    or ``skipped`` when a live run holds the lease) and at close (``status`` and
    ``exit_status`` from :mod:`newsscraper.outcome`, finish reason,
    arguments, counts, duration, monitors).

    The lease (:class:`~newsscraper.extensions.lease.RunLease`) is taken before the run
    record is written; a run that finds it held closes at once with the reason
    ``lease_held`` (exit 75). A stale lease is taken over and the records of the run that
    held it are marked ``abandoned``. When the database cannot be reached for the lease,
    the run goes on without one (it will retry, then spill, as any write does).

    When the database cannot take the record at close, it is kept in a spill file under
    ``NEWSSCRAPER_DATA_DIR/spill`` and written by the next run's replay.

    At close, unless the run was skipped, the monitors
    (:mod:`newsscraper.extensions.monitors`) run first; their outcome goes into the record
    as ``monitors: {passed, failed, details}`` and a failed one makes the exit status 4.

    Settings: ``RUNS_ENABLED`` (True), ``MONITORS_ENABLED`` (True), ``MONITOR_*``,
    ``NEWSSCRAPER_LEASE_ENABLED`` (True),
    ``NEWSSCRAPER_LEASE_SECONDS`` (300: a heartbeat older than this is stale; it beats
    every quarter of it), ``NEWSSCRAPER_RUN_ID`` (workers of one scaled-out run get the
    same one and share the lease), ``MONGO_*`` as the store. The record never holds the
    database password.
    """

    def __init__(self, crawler) -> None:
        s = with_defaults(crawler.settings)
        if not s.getbool("RUNS_ENABLED") or not s.getbool("STORE_ENABLED"):
            raise NotConfigured("run records are off")
        self.crawler = crawler
        self.run_id = new_run_id()  # this process's record
        self.shared_run = s.get("NEWSSCRAPER_RUN_ID") or self.run_id
        self.started = _now()
        self.opening: dict = {"_id": self.run_id, "started_at": self.started}
        self.spill_dir = Path(data_dir(crawler.settings)) / "spill"
        self.lease_enabled = s.getbool("NEWSSCRAPER_LEASE_ENABLED")
        self.lease_seconds = s.getfloat("NEWSSCRAPER_LEASE_SECONDS")
        if self.lease_seconds <= 0:
            raise BadSetting(f"NEWSSCRAPER_LEASE_SECONDS must be positive, got "
                             f"{self.lease_seconds}")
        self.monitors_enabled = s.getbool("MONITORS_ENABLED")
        if self.monitors_enabled:
            notifiers(crawler)
        self.lease: RunLease | None = None
        self.lease_store: ArticleStore | None = None
        self.holds_lease = False
        self._beating: asyncio.Task | None = None
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _store(self) -> ArticleStore:
        return acquire_store(self.crawler)  # the crawler's one store, shared

    async def _release(self) -> None:
        await release_store(self.crawler)

    def _arguments(self, spider) -> dict:
        return {k: str(v) for k, v in getattr(spider, "arguments", {}).items()}

    # -- open -----------------------------------------------------------------------
    async def spider_opened(self, spider) -> None:
        stats = self.crawler.stats
        stats.set_value("run/id", self.run_id)
        lease = await self._take_lease(spider.name)
        if lease.holds:  # a run starts when it holds the lease: runs never overlap in time
            self.started = _now()
        self.opening = {"_id": self.run_id, "run_id": self.shared_run, "spider": spider.name,
                        "started_at": self.started,
                        "status": "running" if lease.holds else "skipped",
                        "arguments": self._arguments(spider), "host": os.uname().nodename,
                        "pid": os.getpid(), "lease": lease.state}
        if not lease.holds and lease.previous:
            self.opening["held_by"] = _holder(lease.previous)
        store = self._store()
        try:
            await store.start_run(dict(self.opening))
            if lease.state in ("taken_over", "acquired") and lease.previous:
                await self._mark_abandoned(store, lease.previous)
        except Exception as exc:
            logger.warning("could not write the run record: %s", type(exc).__name__)
            stats.inc_value("runs/errors")
        finally:
            await self._release()
        if not lease.holds:
            held = self.opening.get("held_by", {})
            logger.info("run %s (host %s, pid %s) holds the lease of %s; skipping this run",
                        held.get("run_id"), held.get("host"), held.get("pid"), spider.name)
            raise CloseSpider(SKIP_REASON)
        if self.holds_lease:
            self._beating = asyncio.ensure_future(self._heartbeat())

    async def _take_lease(self, spider_name: str) -> LeaseOutcome:
        if not self.lease_enabled:
            return LeaseOutcome("off")
        self.lease_store = self._store()
        timeout = with_defaults(self.crawler.settings).getint("MONGO_TIMEOUT_MS") / 1000 * 2
        self.lease = RunLease(self.lease_store.state, spider_name, self.shared_run,
                              self.run_id, self.lease_seconds, timeout)
        try:
            outcome = await self.lease.acquire(ended=self._holder_ended)
        except Exception as exc:
            logger.warning("could not take the run lease (%s); crawling without it",
                           type(exc).__name__)
            self.crawler.stats.inc_value("lease/errors")
            return LeaseOutcome("unavailable")
        self.crawler.stats.set_value("lease/state", outcome.state)
        self.holds_lease = outcome.holds
        if outcome.state == "taken_over" and outcome.previous:
            logger.warning("took over the stale lease of run %s (no heartbeat since %s)",
                           outcome.previous.get("run_id"), outcome.previous.get("heartbeat"))
        return outcome

    async def _holder_ended(self, lease: dict) -> bool:
        """Every record of the lease's run says it ended (it could not free the lease), or
        its process ran on this host and is gone (killed): no need to wait for the lease
        to go stale."""
        assert self.lease_store is not None and self.lease is not None
        if lease.get("run_id") not in (lease.get("workers") or [lease.get("run_id")]) and \
                not self.lease.quiet(lease):
            return False  # a shared run: some worker, listed or not, still beats
        ids = list(dict.fromkeys(lease.get("workers") or [lease.get("run_id")]))
        for record_id in ids:
            record = await asyncio.wait_for(self.lease_store.runs.find_one(
                {"_id": record_id}, {"status": 1, "host": 1, "pid": 1}), self.lease.timeout)
            if not record or (record.get("status") in ("running", None) and
                              not gone_here(record.get("host"), record.get("pid"))):
                return False
        return bool(ids)

    async def _mark_abandoned(self, store: ArticleStore, previous: dict) -> None:
        """The records still ``running`` of the run that held the lease before: it was
        killed or hung (a stale lease, or one whose process is gone), or, for a lease
        freed by a shared run, the workers killed while the others went on."""
        for record_id in dict.fromkeys([*previous.get("workers", []), previous.get("run_id")]):
            if not record_id:
                continue
            record = await store.runs.find_one({"_id": record_id}, {"status": 1})
            if record and record.get("status") == "running":
                await store.runs.update_one({"_id": record_id}, {"$set": {
                    "status": "abandoned", "ended_at": previous.get("heartbeat"),
                    "abandoned_by": self.run_id}})
                self.crawler.stats.inc_value("runs/abandoned_marked")
                logger.warning("marked run %s abandoned", record_id)

    async def _heartbeat(self) -> None:
        assert self.lease is not None
        period = max(self.lease_seconds / 4, 0.2)
        while True:
            await asyncio.sleep(period)
            try:
                still = await self.lease.heartbeat()
            except Exception as exc:
                self.crawler.stats.inc_value("lease/heartbeat_errors")
                logger.warning("run lease heartbeat failed (%s)", type(exc).__name__)
                continue
            if not still:
                self.holds_lease = False
                self.crawler.stats.inc_value("lease/lost")
                logger.error("run %s lost its lease to another run; closing", self.shared_run)
                engine = self.crawler.engine
                if engine is not None and engine.spider is not None:
                    await engine.close_spider_async(reason="lease_lost")
                return

    # -- close ----------------------------------------------------------------------
    async def spider_closed(self, spider, reason: str) -> None:
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
        try:
            await self._write_close(spider, reason)
        finally:
            await self._leave_lease()

    async def _write_close(self, spider, reason: str) -> None:
        monitors = self._monitors(spider, reason)
        stats = self.crawler.stats.get_stats()
        ended = _now()
        code = exit_status(reason, stats, bool(monitors and monitors.get("failed")))
        self.crawler.stats.set_value("run/exit_status", code)
        counts = _counts(stats)
        record: dict[str, Any] = {
            "ended_at": ended, "status": STATUS_OF_EXIT[code], "exit_status": code,
            "finish_reason": reason, "arguments": self._arguments(spider),
            "duration_seconds": (ended - self.started).total_seconds(),
            "counts": counts,
        }
        if monitors is not None:
            record["monitors"] = monitors
        store = self._store()
        try:
            # counts field by field: the removed-articles job closing beside this one sets
            # counts.removed itself when it finishes after these are read
            await store.finish_run(self.run_id, {
                **{k: v for k, v in record.items() if k != "counts"},
                **{f"counts.{k}": v for k, v in counts.items()}},
                spider.name, stats.get("store/newest_published_at"))
        except Exception as exc:
            # kept with the spilled items: the next run's replay writes it
            path = SpillFile(self.spill_dir, spill_target(self.crawler.settings)).append(
                [{"kind": "run", "run": to_jsonable({**self.opening, **record})}])
            self.crawler.stats.inc_value("runs/spilled")
            logger.error("could not write the run record %s (%s); kept in %s for the next run",
                         self.run_id, type(exc).__name__, path)
        finally:
            await self._release()

    def _monitors(self, spider, reason: str) -> dict[str, Any] | None:
        """The close-of-spider monitors' outcome; none for a skipped run."""
        if not self.monitors_enabled or reason == SKIP_REASON:
            return None
        try:
            outcome = run_close_monitors(self.crawler, spider, reason)
        except Exception:
            logger.exception("the monitors could not run")
            self.crawler.stats.inc_value("monitors/errors")
            return {"passed": [], "failed": [], "error": "the monitors could not run"}
        for name in outcome.failed:
            logger.error("monitor failed: %s: %s", name, outcome.details.get(name, ""))
        self.crawler.stats.set_value("monitors/failed", len(outcome.failed))
        return outcome.as_record()

    async def _leave_lease(self) -> None:
        try:
            if self.holds_lease and self.lease is not None:
                scaleout = getattr(self.crawler.spider, "scaleout", None)
                await self.lease.release(run_over=bool(getattr(scaleout, "over", False)))
        except Exception as exc:
            logger.warning("could not release the run lease (%s); it goes stale in %.0fs",
                           type(exc).__name__, self.lease_seconds)
        finally:
            if self.lease_store is not None:
                self.lease_store = None
                await self._release()


def _holder(lease: dict) -> dict[str, Any]:
    return {k: lease.get(k) for k in ("run_id", "host", "pid", "heartbeat")}


def _counts(stats: dict[str, Any]) -> dict[str, Any]:
    dropped = {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("validate/dropped/")}
    return {
        "new": stats.get("mongo/new", 0), "updated": stats.get("mongo/updated", 0),
        "moved": stats.get("mongo/moved", 0), "unchanged": stats.get("mongo/unchanged", 0),
        "held": stats.get("store/revision_held", 0),
        **({"removed": stats["removed/marked"]} if "removed/marked" in stats else {}),
        "dropped": dropped, "dropped_same_id": stats.get("spider/duplicate_canonical", 0),
        "spilled": stats.get("mongo/spilled", 0),
        "errors": stats.get("log_count/ERROR", 0),
        "requests": stats.get("downloader/request_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "failures": _failures(stats),
    }


# what went wrong in a run, by stat name (spiders/failures.py, crawl/parsers.py, Scrapy's)
FAILURE_STATS = ("spider/http_", "spider/timeout", "spider/dns_error",
                 "spider/connection_error", "spider/error/", "spider/parser_bug",
                 "spider/parse_error", "spider/not_article", "spider/store_lookup_errors",
                 "parsers/crashes", "parsers/timeouts", "parsers/restarts",
                 "downloader/exception_type_count/", "retry/max_reached",
                 "removed/errors", "runs/errors", "lease/errors", "monitors/errors")
MAX_FAILURES = 20


def _failures(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's failure counters, the largest ``MAX_FAILURES``: a list of ``{stat,
    count}`` because stat names hold dots (exception types), which cannot be field
    names."""
    found = [(k, v) for k, v in stats.items()
             if k.startswith(FAILURE_STATS) and isinstance(v, int) and v > 0]
    found.sort(key=lambda kv: (-kv[1], kv[0]))
    return [{"stat": k, "count": v} for k, v in found[:MAX_FAILURES]]
