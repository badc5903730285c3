"""One database on one client, and the few ways of reading and writing it that every
part of the store shares (:mod:`newsscraper.storage.mongo` puts the parts together).

Works on MongoDB 6/7 and on FerretDB (SQLite backend); see ``docs/storage.md`` for the
server gaps this code designs around (``_id``-only lookups, ``insert_many(ordered=False)``
for new documents with 11000 meaning "already stored", no transactions).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import datetime, timezone
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError

from newsscraper.storage.uri import client_options

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# parallel {_id: X} reads of one batch: reads never block each other on either server
READ_CONCURRENCY = 8
# statements per update command: FerretDB holds a connection (of 100) per statement
UPDATE_STATEMENTS = 20
_WRITE_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                        dict[tuple[str, str], asyncio.Lock]] = \
    weakref.WeakKeyDictionary()


def bound_driver_logs(level: str | int) -> None:
    """Keep pymongo's per-command and per-connection DEBUG records from being built.

    Scrapy leaves the root logger at NOTSET and filters in its handler, so pymongo (which
    asks ``isEnabledFor(DEBUG)``) would format a structured record for every command and
    connection check-out only for the handler to drop it: a few percent of a crawl's CPU.
    ``MONGO_LOG_LEVEL`` (INFO) is the level of the ``pymongo`` logger tree. Raises
    ``ValueError`` for a level that is no level's name or number."""
    name = str(level).strip().upper()
    if not name.isdigit() and name not in logging.getLevelNamesMapping():
        raise ValueError(f"unknown log level {level!r}")
    logging.getLogger("pymongo").setLevel(int(name) if name.isdigit() else name)


class WriteConflict(PyMongoError):
    """Another writer is storing a revision of the same article right now."""


# errors after which a retry may succeed: the server is away (or stalled: a socket
# timeout is a ConnectionFailure too), or another writer holds a revision claim
TRANSIENT = (ConnectionFailure, WriteConflict)


def utcnow() -> datetime:
    """Now in UTC, to the second (BSON dates keep milliseconds; seconds compare
    equal after a round trip)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


class Database:
    """The client, the collections the store's parts own, and the one write lock.

    ``articles``, ``versions``, ``runs``, ``body_hashes`` and ``state`` (``crawl_state``)
    are pymongo collections; each part (:mod:`~newsscraper.storage.articles`,
    :mod:`~newsscraper.storage.runs`, ...) is handed this object, so a crawler's parts
    share one client and one connection pool."""

    def __init__(self, uri: str, database: str, articles: str = "articles",
                 versions: str = "article_versions", runs: str = "runs",
                 body_hashes: str = "body_hashes", timeout_ms: int = 5000,
                 operation_timeout_ms: int = 60000, event_listeners: list | None = None) -> None:
        self.client: AsyncMongoClient = AsyncMongoClient(
            uri, **client_options(timeout_ms=timeout_ms, operation_timeout_ms=operation_timeout_ms),
            tz_aware=True, retryWrites=True, event_listeners=event_listeners or [])
        db = self.client[database]
        self.articles = db[articles]
        self.versions = db[versions]
        self.runs = db[runs]
        self.body_hashes = db[body_hashes]
        self.state = db["crawl_state"]
        self.key = (uri, database)

    async def close(self) -> None:
        """Close the client and its connection pool."""
        await self.client.close()

    def writing(self) -> asyncio.Lock:
        """The lock every write of this database takes, shared by all stores of one
        event loop (the pipeline's, the spider's, the run records'): concurrent writes
        to one SQLite database from several connections have hung FerretDB."""
        loop = asyncio.get_running_loop()
        locks = _WRITE_LOCKS.setdefault(loop, {})
        return locks.setdefault(self.key, asyncio.Lock())

    async def documents(self, name: str, ids: list[str],
                        projection: dict[str, int] | None = None) -> dict[str, dict]:
        """Documents of the collection ``name`` by ``_id`` (see :func:`get_many`)."""
        return await get_many(self.articles.database[name], ids, projection)


async def get_many(collection, ids: list[str],
                   projection: dict[str, int] | None = None) -> dict[str, dict]:
    """Documents by ``_id``, one ``{_id: X}`` lookup each (a few at a time): FerretDB
    evaluates ``$in`` and compound filters over the whole collection."""
    limit = asyncio.Semaphore(READ_CONCURRENCY)

    async def one(key: str) -> dict | None:
        async with limit:
            return await collection.find_one({"_id": key}, projection)

    found = await asyncio.gather(*(one(k) for k in ids))
    return {d["_id"]: d for d in found if d is not None}


async def insert_ignoring_duplicates(collection, docs: list[dict]) -> list[str]:
    """Insert what is not there yet; return the ``_id``s inserted now."""
    if not docs:
        return []
    try:
        await collection.insert_many(docs, ordered=False)
        return [d["_id"] for d in docs]
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        duplicate = {docs[e["index"]]["_id"] for e in errors}
        return [d["_id"] for d in docs if d["_id"] not in duplicate]


async def updates(collection, ops: list) -> None:
    """Update statements sent ``UPDATE_STATEMENTS`` per command. FerretDB v1.24 keeps
    each statement's query open until its whole ``update`` command ends
    (``defer closer.Close()`` inside the loop of ``handler/msg_update.go``), one SQLite
    connection each, and a database has 100: a command of 100 statements or more waits
    for a connection forever and blocks every other query on that database until the
    server restarts. That was the epoch-2 hang of issue 10 (200 revisions in one
    ``bulk_write``)."""
    for i in range(0, len(ops), UPDATE_STATEMENTS):
        await collection.bulk_write(ops[i:i + UPDATE_STATEMENTS], ordered=False)


async def retrying(op, *, attempts_until: float, first_delay: float = 0.5,
                   max_delay: float = 8.0, what: str = "write", stats=None):
    """Run ``op()`` until it succeeds or ``attempts_until`` (a loop time) passes,
    backing off exponentially on transient server errors."""
    loop = asyncio.get_running_loop()
    delay = first_delay
    while True:
        try:
            return await op()
        except TRANSIENT as exc:
            if loop.time() + delay > attempts_until:
                raise
            if stats is not None:
                stats.inc_value("mongo/retries")
            logger.warning("MongoDB unavailable during %s (%s); retrying in %.1fs",
                           what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)


def plan_scans(explain: dict[str, Any]) -> bool | None:
    """Read an ``explain`` reply of an ``_id`` lookup: FerretDB's SQLite backend returns
    the ``EXPLAIN QUERY PLAN`` rows (``SCAN table`` or ``SEARCH table USING INDEX``);
    MongoDB returns a winning plan (``IDHACK``, ``EXPRESS_IDHACK`` or ``COLLSCAN``)."""
    planner = explain.get("queryPlanner") or {}
    rows = [str(r) for r in planner.get("Plan") or []]
    if rows:
        if any("SEARCH" in r and "USING" in r for r in rows):
            return False
        return any("detail=SCAN" in r for r in rows) or None
    stage = str(planner.get("winningPlan") or "")
    if "IDHACK" in stage or "IXSCAN" in stage:
        return False
    return True if "COLLSCAN" in stage else None
