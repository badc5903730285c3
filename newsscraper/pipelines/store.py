"""MongoStorePipeline: batched, idempotent, versioned storage that loses nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from scrapy.exceptions import NotConfigured

from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.items import to_document, to_jsonable
from newsscraper.outcome import BadSetting
from newsscraper.signals import articles_writing
from newsscraper.storage.articles import FlushResult
from newsscraper.storage.database import bound_driver_logs, retrying, utcnow
from newsscraper.storage.ferretdb import DatabaseError, LocalDatabase
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.paths import data_dir, spill_target
from newsscraper.storage.spill import SpillFile, SpillUnreadable, describe, quarantine
from newsscraper.storage.uri import (
    mongo_database,
    mongo_uri,
    redact,
    uses_local_database,
)

logger = logging.getLogger(__name__)

FAILURE_REASON = "mongo_unavailable"


class MongoStorePipeline:
    """Stores articles in MongoDB in batches (``STORE_BATCH_SIZE`` items or
    ``STORE_BATCH_SECONDS``, flushed on close), creating consumer indexes at open.

    New articles get ``version`` 1 and ``first_seen_at``; changed ones a new version
    with the old one copied to ``article_versions``; unchanged ones only a new
    ``last_seen_at``. When the server is unreachable, writes retry with backoff for up to
    ``STORE_RETRY_SECONDS``; then the batch and every later item go to a JSON Lines spill
    file under ``NEWSSCRAPER_DATA_DIR/spill`` and the spider closes with the reason
    ``mongo_unavailable`` (a non-zero exit of ``scrapy crawl``). The next run replays
    spill files before crawling.

    Settings: ``STORE_BATCH_SIZE`` (200), ``STORE_BATCH_SECONDS`` (5),
    ``STORE_RETRY_SECONDS`` (60), ``NEWSSCRAPER_DATA_DIR``, ``MONGO_URI`` (else the
    environment, else the local FerretDB, started when ``MONGO_AUTOSTART``),
    ``MONGO_DATABASE``, ``MONGO_*_COLLECTION``, ``STORE_ENABLED``, ``MONGO_LOG_LEVEL``
    (INFO: the driver's own logger tree).
    A revision that looks like a parse that lost content (``hold_reason`` in
    ``storage/revisions.py``) is kept aside in ``article_versions`` with ``held: true``,
    logged with its URL and counted as ``store/revision_held``; the stored one stays.
    The same content on another origin (a hosting move) is stored in place, no revision
    (``revision_decision`` in ``storage/revisions.py``).
    Stats: ``mongo/new``, ``mongo/updated``, ``mongo/moved``, ``mongo/unchanged``,
    ``mongo/duplicates``, ``mongo/retries``, ``mongo/spilled``, ``mongo/replayed``,
    ``mongo/errors``.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("STORE_ENABLED"):
            raise NotConfigured("STORE_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.settings = s
        self.uri = mongo_uri(s)
        self.autostart = s.getbool("MONGO_AUTOSTART") and uses_local_database(s)
        self.batch_size = s.getint("STORE_BATCH_SIZE")
        self.batch_seconds = s.getfloat("STORE_BATCH_SECONDS")
        self.retry_seconds = s.getfloat("STORE_RETRY_SECONDS")
        try:
            bound_driver_logs(s.get("MONGO_LOG_LEVEL"))
        except ValueError as exc:
            raise BadSetting(f"setting MONGO_LOG_LEVEL: {exc}") from None
        self.spill = SpillFile(Path(data_dir(s)) / "spill", spill_target(s))
        self.store: ArticleStore | None = None
        self.buffer: list[dict] = []
        self.last_flush = 0.0
        self.down = False
        self._closing: asyncio.Future | None = None
        self._timer: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self) -> None:
        if self.autostart:
            db = LocalDatabase.from_env()
            try:
                message = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: db.start(log=logger.info))
                logger.info(message)
            except DatabaseError as exc:
                logger.error("local database could not start: %s", exc)
        logger.info("storing articles in %s, database %s", redact(self.uri),
                    mongo_database(self.settings))
        self.store = acquire_store(self.crawler)  # the one the ledger and run recorder use
        self.last_flush = asyncio.get_running_loop().time()
        self._timer = asyncio.ensure_future(self._flush_when_due())
        try:
            await retrying(self.store.articles.ensure_indexes, attempts_until=self._deadline(),
                           what="index creation", stats=self.stats)
            await self._check_id_index()
            await self._replay()
        except Exception as exc:
            self._went_down(exc)

    async def process_item(self, item):
        record = to_document(item)
        if self.down:
            self._spill([record])
            return item
        self.buffer.append(record)
        loop = asyncio.get_running_loop()
        due = loop.time() - self.last_flush >= self.batch_seconds
        if len(self.buffer) >= self.batch_size or due:
            await self.flush()
        return item

    async def flush(self) -> None:
        """Write the buffered batch (retried until ``STORE_RETRY_SECONDS``, then
        spilled and the run failed); one flush at a time."""
        async with self._lock:
            batch, self.buffer = self.buffer, []
            self.last_flush = asyncio.get_running_loop().time()
            if not batch:
                return
            if self.down or self.store is None:
                self._spill(batch)
                return
            # handlers complete the batch and record what it needs before it is stored
            await self.crawler.signals.send_catch_log_async(articles_writing, batch=batch)
            try:
                # one moment for every attempt: a retry then knows its own earlier inserts
                now = utcnow()
                result = await retrying(lambda: self.store.articles.write(batch, now),
                                        attempts_until=self._deadline(), what="article batch",
                                        stats=self.stats)
            except Exception as exc:
                self._went_down(exc)
                self._spill(batch)
                return
            self._count(result)
            # the newest article stored: the run's summary keeps it for `newsscraper health`
            dates = [d for r in batch if isinstance(d := r.get("published_at"), datetime)]
            if dates:
                self.stats.max_value("store/newest_published_at", max(dates))

    async def _flush_when_due(self) -> None:
        """The time bound of a batch, also while no item arrives (a slow crawl's tail)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.batch_seconds / 2)
            if self.buffer and loop.time() - self.last_flush >= self.batch_seconds:
                # shielded: cancelling the timer at close must not drop a batch in flight
                await asyncio.shield(self.flush())

    async def close_spider(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        await self.flush()
        if self.store is not None:
            await release_store(self.crawler)

    # -- helpers ----------------------------------------------------------------------
    async def _check_id_index(self) -> None:
        assert self.store is not None
        try:
            scans = await self.store.articles.id_lookup_scans()
        except Exception as exc:  # explain is advice; its failure must not stop a run
            logger.debug("explain of an _id lookup failed: %s", type(exc).__name__)
            return
        if scans:
            self.stats.set_value("store/id_lookup_scans", 1)
            logger.warning("the server scans the whole articles collection for every _id "
                           "lookup (explain says SCAN): an unpatched FerretDB build? Run "
                           "`newsscraper db install` and restart it; see docs/storage.md")

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + self.retry_seconds

    def _count(self, r: FlushResult) -> None:
        for name, value in (("new", r.new), ("updated", r.updated), ("moved", r.moved),
                            ("unchanged", r.unchanged), ("duplicates", r.duplicates_marked)):
            if value:
                self.stats.inc_value(f"mongo/{name}", value)
        if r.held:
            self.stats.inc_value("store/revision_held", r.held)

    def _spill(self, records: list[dict]) -> None:
        path = self.spill.append([{"kind": "article", "item": to_jsonable(r)} for r in records])
        self.stats.inc_value("mongo/spilled", len(records))
        logger.error("MongoDB unavailable: %d item(s) kept in %s for the next run",
                     len(records), path)

    def _went_down(self, exc: Exception) -> None:
        self.stats.inc_value("mongo/errors")
        if self.down:
            return
        self.down = True
        logger.error("MongoDB at %s unreachable for %.0fs (%s); spilling items and closing "
                     "the spider", redact(self.uri), self.retry_seconds, type(exc).__name__)
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (components driven directly, as in tests)
            return
        if engine is not None and engine.spider is not None:
            self._closing = asyncio.ensure_future(engine.close_spider_async(reason=FAILURE_REASON))

    async def _replay(self) -> None:
        assert self.store is not None
        store = self.store
        own, others = self.spill.mine()
        for path in others:
            logger.warning("spill file kept, not replayed here (%s; this run writes database "
                           "%s)", describe(path), mongo_database(self.settings))
        if others:
            self.stats.set_value("mongo/spill_files_kept", len(others))
        for path in own:
            try:
                result, runs = await retrying(lambda p=path: store.replay(p, self.batch_size),
                                              attempts_until=self._deadline(),
                                              what="spill replay", stats=self.stats)
            except SpillUnreadable as exc:
                logger.error("%s; kept as %s, not replayed", exc, quarantine(path))
                self.stats.inc_value("mongo/spill_files_unreadable")
                continue
            self._count(result)
            items = result.new + result.updated + result.moved + result.unchanged
            self.stats.inc_value("mongo/replayed", items)
            if runs:
                self.stats.inc_value("mongo/replayed_runs", runs)
            logger.info("replayed %d spilled item(s) and %d run record(s) from %s", items,
                        runs, path)
            path.unlink()

