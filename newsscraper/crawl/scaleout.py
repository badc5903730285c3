"""Scale-out: with ``-s REDIS_URL=redis://host:port`` a crawl is one worker of a shared run.

Workers started while a run is live join it; the first worker of a new run seeds it
(the seed requests, and so the month plan of the sitemap index); the others only take
requests from the shared queue. The queue, the dupefilter and the crawl ledger's state
live in Redis under keys scoped to the run (``newsscraper:<database>:run:<id>:...``):

- a new scheduled run starts clean: when its workers finish, the run is over and the
  next worker to start opens a new one;
- a run whose workers all died is no longer live once the pointer to it expires
  (``NEWSSCRAPER_RUN_TTL`` seconds without a live worker); its queue and state stay
  for ``NEWSSCRAPER_RUN_KEEP_DAYS`` and ``-s NEWSSCRAPER_RUN=<id>`` resumes it.

No worker waits on pages another fetches: a worker with nothing to do polls the shared
queue and leaves once the seeds are in, the queue is empty and no other worker is
busy (or after ``NEWSSCRAPER_WORKER_MAX_IDLE`` seconds of nothing at all).
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from newsscraper.storage.uri import mongo_database

logger = logging.getLogger(__name__)

BUSY_SECONDS = 10  # a worker silent this long is taken as gone
POLL_SECONDS = 0.5  # how often an idle worker looks at the shared queue


def enabled(settings) -> bool:
    return bool(settings.get("REDIS_URL"))


class ScaleOut:
    """This worker's part in a shared run (see the module docstring)."""

    def __init__(self, crawler, server, prefix: str, run_id: str, seeder: bool) -> None:
        self.crawler = crawler
        self.server = server
        self.run_id = run_id
        self.key = f"{prefix}:run:{run_id}"
        self.pointer = f"{prefix}:run"
        self.seeder = seeder
        self.worker = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        s = crawler.settings
        self.ttl = s.getint("NEWSSCRAPER_RUN_TTL")
        self.keep = int(s.getfloat("NEWSSCRAPER_RUN_KEEP_DAYS") * 86400)
        self.max_idle = s.getfloat("NEWSSCRAPER_WORKER_MAX_IDLE")
        self.idle_since: float | None = None
        self.last_beat = 0.0
        self.over = False  # set once this worker saw the whole run end
        self.looked_over = False  # the last poll saw the run over (one more must agree)

    @classmethod
    def join(cls, crawler) -> ScaleOut:
        """Join the live run (or the one ``NEWSSCRAPER_RUN`` names), or open a new one;
        point Scrapy's scheduler and dupefilter at its keys."""
        from scrapy_redis.connection import get_redis_from_settings

        s = crawler.settings
        server = get_redis_from_settings(s)
        prefix = f"newsscraper:{mongo_database(s)}"
        run_id = str(s.get("NEWSSCRAPER_RUN") or "")
        ttl = s.getint("NEWSSCRAPER_RUN_TTL")
        while not run_id:
            fresh = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
            if server.set(f"{prefix}:run", fresh, nx=True, ex=ttl):
                run_id = fresh
            else:
                run_id = (server.get(f"{prefix}:run") or b"").decode()
        key = f"{prefix}:run:{run_id}"
        seeder = bool(server.set(f"{key}:seeder", "1", nx=True))
        for name, value in (("SCHEDULER", "scrapy_redis.scheduler.Scheduler"),
                            ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
                            ("SCHEDULER_PERSIST", True),
                            ("SCHEDULER_QUEUE_KEY", f"{key}:requests"),
                            ("SCHEDULER_DUPEFILTER_KEY", f"{key}:dupefilter")):
            s.set(name, value, priority="spider")
        if not s.get("NEWSSCRAPER_RUN_ID"):
            # the workers of one run share its lease (newsscraper.extensions.lease)
            s.set("NEWSSCRAPER_RUN_ID", f"redis:{run_id}", priority="spider")
        logger.info("worker of run %s (%s)", run_id, "seeds it" if seeder else "joins it")
        out = cls(crawler, server, prefix, run_id, seeder)
        out.connect()
        return out

    def connect(self) -> None:
        sig = self.crawler.signals
        sig.connect(self.spider_idle, signals.spider_idle)
        # request_reached_downloader: a worker that was idle takes a request from the
        # shared queue; without a beat then, another worker could see an empty queue and
        # nobody busy while that request (a monthly sitemap: hundreds more) is in flight
        for name in (signals.request_scheduled, signals.request_reached_downloader,
                     signals.response_received, signals.item_scraped):
            sig.connect(self.beat, name)
        sig.connect(self.spider_opened, signals.spider_opened)

    def spider_opened(self, spider) -> None:
        self.crawler.stats.set_value("scaleout/run", self.run_id)
        self.crawler.stats.set_value("scaleout/seeder", int(self.seeder))
        self.beat()

    def state_prefix(self) -> str:
        return f"{self.key}:ledger"

    def seeds_done(self) -> None:
        """The seeder has handed every seed to the shared queue."""
        self.server.set(f"{self.key}:seeded", "1", ex=self.keep)

    def beat(self, *args, **kwargs) -> None:
        """This worker is busy (and the run live), at most once a second."""
        now = time.monotonic()
        self.idle_since = None
        self.looked_over = False
        if now - self.last_beat < 1:
            return
        self.last_beat = now
        pipe = self.server.pipeline()
        pipe.set(f"{self.key}:busy:{self.worker}", "1", ex=BUSY_SECONDS)
        pipe.expire(self.pointer, self.ttl)
        pipe.expire(f"{self.key}:requests", self.keep)
        pipe.expire(f"{self.key}:dupefilter", self.keep)
        pipe.execute()

    def spider_idle(self, spider) -> None:
        """Stay while the run may still give this worker work; poll the queue often."""
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        self.server.delete(f"{self.key}:busy:{self.worker}")
        self.last_beat = 0.0
        self.server.expire(self.pointer, self.ttl)
        if self.run_over():
            # twice, POLL_SECONDS apart: a worker between popping the queue's last request
            # and its beat is not seen as busy for a moment
            if self.looked_over:
                self.finish()
                return
            self.looked_over = True
        else:
            self.looked_over = False
        if now - self.idle_since > self.max_idle:
            logger.warning("nothing to do for %.0f s and run %s not over: leaving it",
                           self.max_idle, self.run_id)
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:  # look again soon, not at the engine's 5 s heartbeat
            slot.nextcall.schedule(POLL_SECONDS)
        raise DontCloseSpider

    def run_over(self) -> bool:
        if self.server.exists(f"{self.key}:over"):
            return not self.queue_length()
        if not self.server.exists(f"{self.key}:seeded") or self.queue_length():
            return False
        busy = [k for k in self.server.scan_iter(f"{self.key}:busy:*", count=100)]
        return not busy

    def queue_length(self) -> int:
        """Requests waiting in the shared queue (scrapy-redis's scheduler counts them)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        return len(slot.scheduler) if slot is not None else 0

    def finish(self) -> None:
        """The run is over for every worker: the next start opens a new one."""
        self.over = True
        pipe = self.server.pipeline()
        pipe.set(f"{self.key}:over", "1", ex=self.keep)
        pipe.expire(f"{self.key}:seeder", self.keep)
        pipe.execute()
        if (self.server.get(self.pointer) or b"").decode() == self.run_id:
            self.server.delete(self.pointer)
