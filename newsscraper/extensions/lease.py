"""One run at a time per database: a lease document in ``crawl_state``.

``{_id: "lease:<spider>", run_id, host, pid, workers, heartbeat, generation}``. Whatever
starts a crawl (cron, systemd, scrapyd, a person), the run that holds a live lease is
the only one crawling into that database; the others end at once as ``skipped``.

Taking the lease needs a compare-and-swap, and FerretDB pushes down nothing but
``{_id: X}`` equality, so the swap is an insert of a claim document whose ``_id`` names
the generation being taken (``lease:<spider>:<generation>``): the unique ``_id`` lets
exactly one run win each generation, on MongoDB and FerretDB alike. Every other call
reads or writes the lease by ``_id`` alone.

Workers of one scaled-out run (scrapy-redis) are given the same run id
(``NEWSSCRAPER_RUN_ID``) and share the run's lease; the last one to leave frees it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo.errors import DuplicateKeyError

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def gone_here(host: Any, pid: Any) -> bool:
    """The process ``pid`` ran on this host and has ended (a crawl killed with SIGKILL,
    or after a power loss). False when it is alive, belongs to another user, or ran
    elsewhere: only the heartbeat can tell about those. Hosts are told apart by name, so
    crawls in containers that share a host name must not share a database unless they
    share a PID namespace too (a pid reused since errs the safe way: alive)."""
    if host != os.uname().nodename or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


@dataclass
class LeaseOutcome:
    """What :meth:`RunLease.acquire` found.

    ``state``: ``acquired`` (free), ``taken_over`` (stale: its run stopped beating),
    ``joined`` (held by this same run: another worker), ``held`` (a live run holds it).
    ``previous`` is the lease document found, for ``held`` and ``taken_over``."""

    state: str
    previous: dict[str, Any] | None = None

    @property
    def holds(self) -> bool:
        return self.state != "held"


class RunLease:
    """The lease of one spider's runs in one database (a ``crawl_state`` collection).

    ``seconds``: a lease whose heartbeat is older than this is stale and may be taken
    over (``NEWSSCRAPER_LEASE_SECONDS``). ``timeout``: the bound of every call, seconds.
    """

    def __init__(self, collection, spider: str, run_id: str, record_id: str,
                 seconds: float, timeout: float = 10.0) -> None:
        self.collection = collection
        self.key = f"lease:{spider}"
        self.run_id = run_id
        self.record_id = record_id  # this process's run record: one per worker
        self.seconds = seconds
        self.timeout = timeout

    async def _call(self, op):
        return await asyncio.wait_for(op, self.timeout)

    def _document(self, generation: int, now: datetime) -> dict[str, Any]:
        return {"_id": self.key, "run_id": self.run_id, "host": os.uname().nodename,
                "pid": os.getpid(), "workers": [self.record_id], "heartbeat": now,
                "acquired_at": now, "generation": generation}

    def stale(self, lease: dict[str, Any], now: datetime | None = None) -> bool:
        beat = _aware(lease.get("heartbeat"))
        return beat is None or (now or _now()) - beat > timedelta(seconds=self.seconds)

    async def acquire(self, ended: Callable[[dict], Awaitable[bool]] | None = None
                      ) -> LeaseOutcome:
        """Take the lease, join it, or find it held. ``ended(lease)`` may say that a live
        lease's run is over after all: one that ended while the database was away could
        not free it, and its record (replayed from the spill file) says it ended."""
        found = await self._read()
        if found and found.get("run_id") == self.run_id:
            await self._join()
            return LeaseOutcome("joined", found)
        if found and found.get("run_id") and not self.stale(found) and \
                not (ended is not None and await ended(found)):
            return LeaseOutcome("held", found)
        generation = int(found.get("generation", 0)) + 1 if found else 1
        for _ in range(5):
            now = _now()
            try:
                # who claims, so that a run that loses the race can name the winner
                await self._call(self.collection.insert_one(
                    {"_id": f"{self.key}:{generation}", "run_id": self.run_id, "at": now,
                     "host": os.uname().nodename, "pid": os.getpid(), "heartbeat": now}))
            except DuplicateKeyError:
                claim = await self._call(
                    self.collection.find_one({"_id": f"{self.key}:{generation}"}))
                if claim and claim.get("run_id") == self.run_id:
                    return await self._join_when_written(claim)
                if claim and self._abandoned_claim(claim, generation,
                                                   await self._read()):
                    generation += 1  # its claimer died between claim and write
                    continue
                return LeaseOutcome("held", claim or found)
            await self._call(self.collection.replace_one(
                {"_id": self.key}, self._document(generation, now), upsert=True))
            # the claims before this one can never be contended again
            await self._call(self.collection.delete_one({"_id": f"{self.key}:{generation - 1}"}))
            if found and found.get("run_id"):
                return LeaseOutcome("taken_over", found)
            return LeaseOutcome("acquired", found)
        return LeaseOutcome("held", found)

    async def _read(self) -> dict[str, Any] | None:
        return await self._call(self.collection.find_one({"_id": self.key}))

    def _abandoned_claim(self, claim: dict, generation: int, lease: dict | None) -> bool:
        written = lease is not None and int(lease.get("generation", 0)) >= generation
        return not written and self.stale({"heartbeat": claim.get("at")})

    async def _join_when_written(self, claim: dict) -> LeaseOutcome:
        """A worker of our own run won the claim: wait for it to write the lease, then
        join it."""
        for _ in range(50):
            lease = await self._read()
            if lease and lease.get("run_id") == self.run_id:
                await self._join()
                return LeaseOutcome("joined", lease)
            await asyncio.sleep(0.1)
        return LeaseOutcome("held", claim)

    async def _join(self) -> None:
        # read back: FerretDB can lose one of two concurrent updates of a document
        for _ in range(20):
            await self._call(self.collection.update_one(
                {"_id": self.key},
                {"$addToSet": {"workers": self.record_id}, "$set": {"heartbeat": _now()}}))
            lease = await self._read()
            if lease is None or self.record_id in lease.get("workers", []):
                return
            await asyncio.sleep(random.uniform(0.02, 0.2))

    async def heartbeat(self) -> bool:
        """Move the heartbeat; False when the lease now belongs to another run."""
        lease = await self._read()
        if not lease or lease.get("run_id") != self.run_id:
            return False
        await self._call(self.collection.update_one({"_id": self.key},
                                                    {"$set": {"heartbeat": _now()}}))
        return True

    @property
    def shared(self) -> bool:
        """Workers of one scaled-out run (``NEWSSCRAPER_RUN_ID``) share this lease."""
        return self.run_id != self.record_id

    async def release(self, run_over: bool = False) -> None:
        """Free the lease (keeping the generation, so the next claim cannot collide with
        an old one, and the workers that never left, for the next run to mark).

        A worker of a shared run only leaves the ``workers`` list: FerretDB can lose one
        of two concurrent updates of a document, so the list cannot prove that the last
        worker has left. The lease goes stale once no worker beats, or is taken at once
        by a run that finds every listed worker's record ended and no recent heartbeat
        (:meth:`quiet`). ``run_over``: this worker saw the whole shared run end (no
        request queued, no worker busy), so the lease is freed as a lone run frees it."""
        if self.shared and not run_over:
            await self._call(self.collection.update_one(
                {"_id": self.key}, {"$pull": {"workers": self.record_id}}))
            return
        lease = await self._read()
        if lease and lease.get("run_id") == self.run_id:
            # workers still listed never left (killed): the next run marks them abandoned
            await self._call(self.collection.update_one(
                {"_id": self.key}, {"$set": {"run_id": None, "released_at": _now()},
                                    "$pull": {"workers": self.record_id}}))

    def quiet(self, lease: dict[str, Any], now: datetime | None = None) -> bool:
        """No worker has beaten for two heartbeat periods (half the lease)."""
        beat = _aware(lease.get("heartbeat"))
        return beat is None or (now or _now()) - beat > timedelta(seconds=self.seconds / 2)
