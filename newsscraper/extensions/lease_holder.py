"""A crawler's hold on its run's lease (:class:`~newsscraper.extensions.lease.RunLease`):
taken at open, kept live by a :class:`~newsscraper.extensions.heartbeat.Heartbeat`,
given back at close."""

from __future__ import annotations

import logging

from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.extensions.abandoned import holder_ended
from newsscraper.extensions.heartbeat import Heartbeat
from newsscraper.extensions.lease import LeaseOutcome, RunLease
from newsscraper.storage.mongo import ArticleStore

logger = logging.getLogger(__name__)


class LeaseHolder:
    """The lease of the run ``shared_run`` (this process's record: ``record_id``).

    When the database cannot be reached for the lease, the run goes on without one
    (``unavailable``); with ``enabled`` False it never asks (``off``). ``holds`` is
    True from a taken or joined lease until it is lost or given back."""

    def __init__(self, crawler, shared_run: str, record_id: str, seconds: float,
                 enabled: bool = True) -> None:
        self.crawler = crawler
        self.shared_run = shared_run
        self.record_id = record_id
        self.seconds = seconds
        self.enabled = enabled
        self.lease: RunLease | None = None
        self.store: ArticleStore | None = None  # the crawler's one store, held meanwhile
        self.holds = False
        self.heartbeat: Heartbeat | None = None

    async def take(self, spider_name: str) -> LeaseOutcome:
        """Take, join or find held the lease of ``spider_name``'s runs (``lease/state``);
        a live holder whose records say it ended does not hold it
        (:func:`~newsscraper.extensions.abandoned.holder_ended`)."""
        if not self.enabled:
            return LeaseOutcome("off")
        self.store = store = acquire_store(self.crawler)
        timeout = self.crawler.settings.getint("MONGO_TIMEOUT_MS") / 1000 * 2
        self.lease = lease = RunLease(store.db.state, spider_name, self.shared_run,
                                      self.record_id, self.seconds, timeout)
        try:
            outcome = await lease.acquire(
                ended=lambda found: holder_ended(found, lease, store.runs))
        except Exception as exc:
            logger.warning("could not take the run lease (%s); crawling without it",
                           type(exc).__name__)
            self.crawler.stats.inc_value("lease/errors")
            return LeaseOutcome("unavailable")
        self.crawler.stats.set_value("lease/state", outcome.state)
        self.holds = outcome.holds
        if outcome.state == "taken_over" and outcome.previous:
            logger.warning("took over the stale lease of run %s (no heartbeat since %s)",
                           outcome.previous.get("run_id"), outcome.previous.get("heartbeat"))
        return outcome

    def keep(self) -> None:
        """Start beating, when the lease is held."""
        if self.holds and self.lease is not None:
            self.heartbeat = Heartbeat(self.crawler, self.lease, self._lost)
            self.heartbeat.start()

    def _lost(self) -> None:
        self.holds = False

    async def stop_beating(self) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()

    async def leave(self) -> None:
        """Give the lease back (a worker of a shared run leaves it to the others unless
        it saw the whole run end) and the store with it."""
        try:
            if self.holds and self.lease is not None:
                scaleout = getattr(self.crawler.spider, "scaleout", None)
                await self.lease.release(run_over=bool(getattr(scaleout, "over", False)))
        except Exception as exc:
            logger.warning("could not release the run lease (%s); it goes stale in %.0fs",
                           type(exc).__name__, self.seconds)
        finally:
            if self.store is not None:
                self.store = None
                await release_store(self.crawler)
