"""RunRecorder: one document per crawl in ``runs``, for operators and consumers."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.crawl.store import acquire_store, release_store
from newsscraper.items import to_jsonable
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.spill import SpillFile

logger = logging.getLogger(__name__)

# finish reasons that mean the run failed (and `scrapy crawl` exits non-zero)
FAILURE_REASONS = {"mongo_unavailable", "shutdown", "cancelled", "closespider_errorcount"}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class RunRecorder:
    """Writes a run record at spider open (status ``running``) and close (status
    ``finished`` or ``failed``, finish reason, arguments, counts, duration).

    When the database cannot take the record at close, it is kept in a spill file under
    ``NEWSSCRAPER_DATA_DIR/spill`` and written by the next run's replay.

    Settings: ``RUNS_ENABLED`` (True), ``MONGO_*`` as the store. The record never holds
    the database password.
    """

    def __init__(self, crawler) -> None:
        if not crawler.settings.getbool("RUNS_ENABLED", True) or \
                not crawler.settings.getbool("STORE_ENABLED", True):
            raise NotConfigured("run records are off")
        self.crawler = crawler
        self.run_id = f"{_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        self.started = _now()
        self.opening: dict = {"_id": self.run_id, "started_at": self.started}
        self.spill_dir = Path(crawler.settings.get("NEWSSCRAPER_DATA_DIR", "var")) / "spill"
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _store(self) -> ArticleStore:
        return acquire_store(self.crawler)  # the crawler's one store, shared

    def _arguments(self, spider) -> dict:
        return {k: str(v) for k, v in getattr(spider, "arguments", {}).items()}

    async def spider_opened(self, spider) -> None:
        self.crawler.stats.set_value("run/id", self.run_id)
        self.opening = {"_id": self.run_id, "spider": spider.name, "started_at": self.started,
                        "status": "running", "arguments": self._arguments(spider),
                        "host": os.uname().nodename}
        store = self._store()
        try:
            await store.start_run(dict(self.opening))
        except Exception as exc:
            logger.warning("could not write the run record: %s", type(exc).__name__)
            self.crawler.stats.inc_value("runs/errors")
        finally:
            await release_store(self.crawler)

    async def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        ended = _now()
        dropped = {k.split("/", 2)[2]: v for k, v in stats.items()
                   if k.startswith("validate/dropped/")}
        failed = reason in FAILURE_REASONS or bool(stats.get("mongo/spilled"))
        record = {
            "ended_at": ended, "status": "failed" if failed else "finished",
            "finish_reason": reason, "arguments": self._arguments(spider),
            "duration_seconds": (ended - self.started).total_seconds(),
            "counts": {
                "new": stats.get("mongo/new", 0), "updated": stats.get("mongo/updated", 0),
                "unchanged": stats.get("mongo/unchanged", 0),
                "dropped": dropped, "dropped_same_id": stats.get("dedupe/dropped_same_id", 0),
                "spilled": stats.get("mongo/spilled", 0),
                "errors": stats.get("log_count/ERROR", 0),
                "requests": stats.get("downloader/request_count", 0),
                "items": stats.get("item_scraped_count", 0),
            },
        }
        store = self._store()
        try:
            await store.finish_run(self.run_id, record)
        except Exception as exc:
            # kept with the spilled items: the next run's replay writes it
            path = SpillFile(self.spill_dir).append(
                [{"kind": "run", "run": to_jsonable({**self.opening, **record})}])
            self.crawler.stats.inc_value("runs/spilled")
            logger.error("could not write the run record %s (%s); kept in %s for the next run",
                         self.run_id, type(exc).__name__, path)
        finally:
            await release_store(self.crawler)
