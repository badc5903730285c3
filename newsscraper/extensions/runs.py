"""RunRecorder: one document per crawl in ``runs``, written as the run opens and as it
closes, under the lease that keeps runs into one database from overlapping."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from newsscraper.crawl.run_id import new_run_id
from newsscraper.crawl.shared_store import held_store
from newsscraper.extensions.abandoned import mark_abandoned
from newsscraper.extensions.closing import run_counts, verdict
from newsscraper.extensions.lease_holder import LeaseHolder
from newsscraper.extensions.monitors import notifiers
from newsscraper.items import to_jsonable
from newsscraper.outcome import SKIP_REASON, STATUS_OF_EXIT, BadSetting
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

    The lease (:class:`~newsscraper.extensions.lease_holder.LeaseHolder`) is taken before
    the run record is written; a run that finds it held closes at once with the reason
    ``lease_held`` (exit 75). A stale lease is taken over and the records of the run that
    held it are marked ``abandoned`` (:mod:`newsscraper.extensions.abandoned`). When the
    database cannot be reached for the lease, the run goes on without one (it will
    retry, then spill, as any write does).

    When the database cannot take the record at close, it is kept in a spill file under
    ``NEWSSCRAPER_DATA_DIR/spill`` and written by the next run's replay.

    At close, unless the run was skipped, the monitors
    (:mod:`newsscraper.extensions.monitors`) run first; their outcome goes into the record
    as ``monitors: {passed, failed, details}`` and a failed one makes the exit status 4.
    The record's counts: :mod:`newsscraper.extensions.closing`.

    Settings: ``RUNS_ENABLED`` (True), ``MONITORS_ENABLED`` (True), ``MONITOR_*``,
    ``NEWSSCRAPER_LEASE_ENABLED`` (True),
    ``NEWSSCRAPER_LEASE_SECONDS`` (300: a heartbeat older than this is stale; it beats
    every quarter of it), ``NEWSSCRAPER_RUN_ID`` (workers of one scaled-out run get the
    same one and share the lease), ``MONGO_*`` as the store. The record never holds the
    database password.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not records_runs(s):
            raise NotConfigured("run records are off")
        self.crawler = crawler
        self.run_id = new_run_id()  # this process's record
        self.shared_run = s.get("NEWSSCRAPER_RUN_ID") or self.run_id
        self.started = _now()
        self.opening: dict = {"_id": self.run_id, "started_at": self.started}
        self.spill_dir = Path(data_dir(crawler.settings)) / "spill"
        lease_seconds = s.getfloat("NEWSSCRAPER_LEASE_SECONDS")
        if lease_seconds <= 0:
            raise BadSetting(f"NEWSSCRAPER_LEASE_SECONDS must be positive, got "
                             f"{lease_seconds}")
        self.lease = LeaseHolder(crawler, self.shared_run, self.run_id, lease_seconds,
                                 s.getbool("NEWSSCRAPER_LEASE_ENABLED"))
        self.monitors_enabled = s.getbool("MONITORS_ENABLED")
        if self.monitors_enabled:
            notifiers(crawler)
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _arguments(self, spider) -> dict:
        return {k: str(v) for k, v in getattr(spider, "arguments", {}).items()}

    # -- open -----------------------------------------------------------------------
    async def spider_opened(self, spider) -> None:
        stats = self.crawler.stats
        stats.set_value("run/id", self.run_id)
        lease = await self.lease.take(spider.name)
        if lease.holds:  # a run starts when it holds the lease: runs never overlap in time
            self.started = _now()
        self.opening = {"_id": self.run_id, "run_id": self.shared_run, "spider": spider.name,
                        "started_at": self.started,
                        "status": "running" if lease.holds else "skipped",
                        "arguments": self._arguments(spider), "host": os.uname().nodename,
                        "pid": os.getpid(), "lease": lease.state}
        if not lease.holds and lease.previous:
            self.opening["held_by"] = _holder(lease.previous)
        async with held_store(self.crawler) as store:  # the crawler's one store, shared
            try:
                await store.runs.start(dict(self.opening))
                if lease.state in ("taken_over", "acquired") and lease.previous:
                    await mark_abandoned(store.runs, lease.previous, self.run_id, stats)
            except Exception as exc:
                logger.warning("could not write the run record: %s", type(exc).__name__)
                stats.inc_value("runs/errors")
        if not lease.holds:
            held = self.opening.get("held_by", {})
            logger.info("run %s (host %s, pid %s) holds the lease of %s; skipping this run",
                        held.get("run_id"), held.get("host"), held.get("pid"), spider.name)
            raise CloseSpider(SKIP_REASON)
        self.lease.keep()

    # -- close ----------------------------------------------------------------------
    async def spider_closed(self, spider, reason: str) -> None:
        await self.lease.stop_beating()
        try:
            await self._write_close(spider, reason)
        finally:
            await self.lease.leave()

    async def _write_close(self, spider, reason: str) -> None:
        monitors, code = verdict(self.crawler, spider, reason, self.monitors_enabled)
        stats = self.crawler.stats.get_stats()
        ended = _now()
        counts = run_counts(stats)
        record: dict[str, Any] = {
            "ended_at": ended, "status": STATUS_OF_EXIT[code], "exit_status": code,
            "finish_reason": reason, "arguments": self._arguments(spider),
            "duration_seconds": (ended - self.started).total_seconds(),
            "counts": counts,
        }
        if monitors is not None:
            record["monitors"] = monitors
        async with held_store(self.crawler) as store:
            try:
                # counts field by field: the removed-articles job closing beside this one
                # sets counts.removed itself when it finishes after these are read
                await store.runs.finish(self.run_id, {
                    **{k: v for k, v in record.items() if k != "counts"},
                    **{f"counts.{k}": v for k, v in counts.items()}},
                    spider.name, stats.get("store/newest_published_at"))
            except Exception as exc:
                # kept with the spilled items: the next run's replay writes it
                path = SpillFile(self.spill_dir, spill_target(self.crawler.settings)).append(
                    [{"kind": "run", "run": to_jsonable({**self.opening, **record})}])
                self.crawler.stats.inc_value("runs/spilled")
                logger.error("could not write the run record %s (%s); kept in %s for the "
                             "next run", self.run_id, type(exc).__name__, path)


def records_runs(settings) -> bool:
    """Whether a crawl with ``settings`` (defaults layered) writes a run record."""
    return settings.getbool("RUNS_ENABLED") and settings.getbool("STORE_ENABLED")


def _holder(lease: dict) -> dict[str, Any]:
    return {k: lease.get(k) for k in ("run_id", "host", "pid", "heartbeat")}
