"""The beat that keeps a run's lease live while it crawls."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from newsscraper.extensions.lease import RunLease

logger = logging.getLogger(__name__)


class Heartbeat:
    """Moves the lease's heartbeat every quarter of its ``seconds`` (a heartbeat older
    than those is stale). A beat that fails is counted (``lease/heartbeat_errors``) and
    tried again; a lease found taken by another run calls ``lost`` and closes the spider
    with the reason ``lease_lost``."""

    def __init__(self, crawler, lease: RunLease, lost: Callable[[], None]) -> None:
        self.crawler = crawler
        self.lease = lease
        self.lost = lost
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _beat(self) -> None:
        period = max(self.lease.seconds / 4, 0.2)
        while True:
            await asyncio.sleep(period)
            try:
                still = await self.lease.heartbeat()
            except Exception as exc:
                self.crawler.stats.inc_value("lease/heartbeat_errors")
                logger.warning("run lease heartbeat failed (%s)", type(exc).__name__)
                continue
            if not still:
                self.lost()
                self.crawler.stats.inc_value("lease/lost")
                logger.error("run %s lost its lease to another run; closing",
                             self.lease.run_id)
                engine = self.crawler.engine
                if engine is not None and engine.spider is not None:
                    await engine.close_spider_async(reason="lease_lost")
                return
