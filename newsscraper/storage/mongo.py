"""Articles in MongoDB: batched, idempotent writes with revisions, and run records.

Works on MongoDB 6/7 and on FerretDB (SQLite backend); see ``docs/storage.md`` for the
server gaps this code designs around (``_id``-only lookups, ``insert_many(ordered=False)``
for new documents with 11000 meaning "already stored", no transactions).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError

from newsscraper.items import document_id
from newsscraper.sites.moscowtimes.site import parse_iso
from newsscraper.storage.revisions import (
    CONTENT_HASH_VERSION,
    carry_related_ids,
    hold_reason,
    moment,
    revision_decision,
    stale_hash,
)
from newsscraper.storage.runsummary import summary_updates
from newsscraper.storage.schema import SCHEMA_VERSION, apply_validator
from newsscraper.storage.spill import SpillFile
from newsscraper.storage.uri import client_options, mongo_database

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# parallel {_id: X} reads of one batch: reads never block each other on either server
READ_CONCURRENCY = 8
# statements per update command: FerretDB holds a connection (of 100) per statement
UPDATE_STATEMENTS = 20
# a revision claim older than this was left by a writer that died between its two steps
CLAIM_SECONDS = 300
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


def article_doc(item: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an Article dict (from ``to_jsonable`` or ``to_document``):
    datetimes as BSON dates."""
    doc = dict(item)
    doc["_id"] = document_id(doc["site"], doc["article_id"])
    doc["schema_version"] = SCHEMA_VERSION
    doc["content_hash_version"] = CONTENT_HASH_VERSION
    for name in ("published_at", "modified_at"):
        if isinstance(doc.get(name), str):
            doc[name] = parse_iso(doc[name], timezone.utc)
    source = doc.get("source")
    if source and isinstance(source.get("fetched_at"), str):  # read back from a spill file
        doc["source"] = {**source, "fetched_at": parse_iso(source["fetched_at"], timezone.utc)}
    for post in doc.get("live_posts") or []:
        if isinstance(post.get("published_at"), str):
            post["published_at"] = parse_iso(post["published_at"], timezone.utc)
    return doc


@dataclass
class FlushResult:
    """What one or more batch writes did: counts by outcome, and the ``_id``s of the
    new, updated (moved and held) articles."""

    new: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    held: int = 0
    duplicates_marked: int = 0
    ids: dict[str, list[str]] = field(default_factory=lambda: {"new": [], "updated": []})

    def add(self, other: FlushResult) -> None:
        """Add ``other``'s counts and ids to these."""
        self.new += other.new
        self.updated += other.updated
        self.moved += other.moved
        self.unchanged += other.unchanged
        self.held += other.held
        self.duplicates_marked += other.duplicates_marked
        for kind, ids in other.ids.items():
            self.ids.setdefault(kind, []).extend(ids)


class ArticleStore:
    """One database's articles, revisions, body-hash index and run records."""

    def __init__(self, uri: str, database: str, articles: str = "articles",
                 versions: str = "article_versions", runs: str = "runs",
                 body_hashes: str = "body_hashes", timeout_ms: int = 5000,
                 seen_resolution: timedelta = timedelta(0),
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
        self.seen_resolution = seen_resolution

    @classmethod
    def from_settings(cls, settings, uri: str) -> ArticleStore:
        return cls(uri, mongo_database(settings),
                   settings.get("MONGO_ARTICLES_COLLECTION", "articles"),
                   settings.get("MONGO_VERSIONS_COLLECTION", "article_versions"),
                   settings.get("MONGO_RUNS_COLLECTION", "runs"),
                   settings.get("MONGO_BODY_HASHES_COLLECTION", "body_hashes"),
                   settings.getint("MONGO_TIMEOUT_MS", 5000),
                   timedelta(hours=settings.getfloat("STORE_SEEN_RESOLUTION_HOURS", 0)),
                   settings.getint("MONGO_OPERATION_TIMEOUT_MS", 60000))

    async def close(self) -> None:
        """Close the client and its connection pool."""
        await self.client.close()

    async def ensure_indexes(self) -> None:
        """Consumer indexes; creating an existing index is a no-op on both servers."""
        await self.articles.create_index([("published_at", DESCENDING)], name="published_at")
        await self.articles.create_index([("section", ASCENDING), ("published_at", DESCENDING)],
                                         name="section_published_at")
        await self.articles.create_index([("tags", ASCENDING)], name="tags")
        await self.articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        # removed articles only: find({gone_at: {$ne: None}}) (few, so the index pays)
        await self.articles.create_index([("gone_at", ASCENDING)], name="gone_at")
        # the changes feed: find({changed_at: {$gt: last}}).sort(changed_at, _id)
        await self.articles.create_index([("changed_at", ASCENDING), ("_id", ASCENDING)],
                                         name="changed_at")
        await self.versions.create_index([("article", ASCENDING), ("version", ASCENDING)],
                                         name="article_version")
        # held revisions only (the status report's read; others lack held_at)
        await self.versions.create_index([("held_at", ASCENDING)], name="held_at")
        await apply_validator(self.articles.database, self.articles.name)
        # the slim lookup copy of earlier versions: with _id indexed, articles serves
        # every lookup itself (docs/benchmarks.md), and the copy cost a write per article
        if "article_index" in await self.articles.database.list_collection_names():
            await self.articles.database.drop_collection("article_index")

    async def id_lookup_scans(self) -> bool | None:
        """Whether the server answers ``find({_id: X})`` on ``articles`` by scanning it:
        True on an unpatched FerretDB (docs/storage.md), False when its plan uses an
        index, None when the plan says neither (real MongoDB's plans differ)."""
        reply = await self.articles.database.command(
            "explain", {"find": self.articles.name, "filter": {"_id": "probe:0"}})
        return plan_scans(reply)

    async def known_ids(self, ids: list[int],
                        site: str = "moscowtimes") -> dict[int, datetime | None]:
        """Which of ``ids`` are stored, with their ``published_at``: one ``{_id: X}``
        lookup each, the only filter every server (FerretDB included) serves from an
        index."""
        if not ids:
            return {}
        keys = [f"{site}:{i}" for i in dict.fromkeys(ids)]
        found = await self._get_many(self.articles, keys, {"_id": 1, "published_at": 1})
        return {int(k.split(":", 1)[1]): d.get("published_at") for k, d in found.items()}

    async def write(self, items: list[dict[str, Any]], now: datetime | None = None) -> FlushResult:
        """Store a batch idempotently: new articles inserted (version 1), changed ones
        versioned, unchanged ones only touched (``last_seen_at``).

        Optimistic: the whole batch is inserted with ``insert_many(ordered=False)``; the
        duplicate-key failures (11000) are the articles already stored, and only those
        are read back, each by ``{_id: X}``. Safe to repeat after an ambiguous failure:
        inserts that already happened come back as 11000, revision copies have
        deterministic ``_id``s and a content already stored is unchanged. One writer at a
        time per database and event loop (:meth:`writing`).
        """
        async with self.writing():
            return await self._write(items, now or utcnow())

    async def _write(self, items: list[dict[str, Any]], now: datetime) -> FlushResult:
        result = FlushResult()
        docs = {d["_id"]: d for d in map(article_doc, items)}
        if not docs:
            return result
        await self._mark_duplicates(docs, result)
        for d in docs.values():
            d.update(first_seen_at=now, last_seen_at=now, changed_at=now, version=1)
        stored = await self._insert_ignoring_duplicates(self.articles, list(docs.values()))
        result.new = len(stored)
        result.ids["new"].extend(stored)
        inserted = set(stored)
        existing_ids = [k for k in docs if k not in inserted]
        if not existing_ids:
            return result
        current = await self._get_many(self.articles, existing_ids)
        decided: dict[str, list[str]] = {"revise": [], "moved": [], "unchanged": []}
        held: dict[str, str] = {}
        for k in existing_ids:
            old = current.get(k)
            if old is None:  # deleted between the insert and the read: the next write stores it
                raise WriteConflict(f"{k} vanished while being written")
            decision = revision_decision(old, docs[k])
            if decision.startswith("hold:"):
                held[k] = decision.split(":", 1)[1]
            else:
                decided[decision].append(k)
        if held:
            await self._hold(docs, held, now, result)
        if decided["revise"]:
            await self._new_revisions([(current[k], docs[k]) for k in decided["revise"]],
                                      now, result)
        if decided["moved"]:
            await self._move([(current[k], docs[k]) for k in decided["moved"]], now, result)
        same = decided["unchanged"]
        await self._seen([(current[k], docs[k]) for k in same], now)
        # inserted by an earlier attempt of this same batch (a retry after an ambiguous
        # failure, given the same ``now``): new, not unchanged
        again = [k for k in same if moment(current[k].get("first_seen_at")) == now]
        result.new += len(again)
        result.ids["new"].extend(again)
        result.unchanged += len(same) - len(again)
        return result

    async def _seen(self, pairs: list[tuple[dict, dict]], now: datetime) -> None:
        """Unchanged articles: ``last_seen_at`` only when older than the resolution
        (scheduled runs re-read the same recent articles many times a day); documents
        stored before ``schema_version`` existed get it, and a hash of an older
        ``content_hash_version`` (the same content: :func:`revision_decision`) is
        replaced by the current one, on this write. Neither moves ``changed_at``."""
        ops = []
        for old, new in pairs:
            fields: dict[str, Any] = {}
            if not _within(old.get("last_seen_at"), now, self.seen_resolution):
                fields.update(last_seen_at=now, schema_version=SCHEMA_VERSION)
            if stale_hash(old):
                fields.update(content_hash=new.get("content_hash"),
                              content_hash_version=CONTENT_HASH_VERSION)
            if fields:
                ops.append(UpdateOne({"_id": old["_id"]}, {"$set": fields}))
        if ops:
            await updates(self.articles, ops)

    async def _move(self, pairs: list[tuple[dict, dict]], now: datetime,
                    result: FlushResult) -> None:
        """The same content on another origin (or under a new article URL): ``new``
        replaces ``old`` in place, keeping its version and the related ids it had
        learnt; ``changed_at`` moves (consumers copy the new URLs), no revision."""
        ops = []
        for old, new in pairs:
            carry_related_ids(old, new)
            new.update(first_seen_at=old.get("first_seen_at", now), last_seen_at=now,
                       changed_at=now, version=int(old.get("version", 1)))
            ops.append(ReplaceOne({"_id": new["_id"]}, new))
        await updates(self.articles, ops)
        result.moved += len(pairs)
        result.ids.setdefault("moved", []).extend(new["_id"] for _, new in pairs)

    async def _hold(self, docs: dict[str, dict], reasons: dict[str, str], now: datetime,
                    result: FlushResult) -> None:
        """Keep suspect revisions aside in ``article_versions`` (``held: true``, never
        current), one per content (``<id>:held:<content hash>``), so a replay or the
        next run holding the same parse again stores nothing twice."""
        copies = []
        for k, reason in reasons.items():
            copy = dict(docs[k], article=k, held=True, held_reason=reason, held_at=now)
            for name in ("first_seen_at", "last_seen_at", "changed_at", "version"):  # not current
                copy.pop(name, None)
            copy["_id"] = f"{k}:held:{str(docs[k].get('content_hash'))[:16]}"
            copies.append(copy)
            logger.warning("revision of %s held, not made current (%s): %s", k, reason,
                           docs[k].get("url"))
        await self._insert_ignoring_duplicates(self.versions, copies)
        result.held += len(reasons)
        result.ids.setdefault("held", []).extend(reasons)

    async def articles_by_id(self, ids: list[str],
                             projection: dict[str, int] | None = None) -> dict[str, dict]:
        """Stored articles by ``_id`` (the missing ones left out), a few reads at a time."""
        return await self._get_many(self.articles, ids, projection)

    async def documents(self, name: str, ids: list[str],
                        projection: dict[str, int] | None = None) -> dict[str, dict]:
        """Documents of the collection ``name`` by ``_id`` (see :meth:`_get_many`)."""
        return await self._get_many(self.articles.database[name], ids, projection)

    async def update_articles(self, ops: list) -> None:
        """Update statements on ``articles`` (by ``_id``) as this database's one writer
        (:meth:`writing`), a bounded number per command (:func:`updates`)."""
        async with self.writing():
            await updates(self.articles, ops)

    async def _get_many(self, collection, ids: list[str],
                        projection: dict[str, int] | None = None) -> dict[str, dict]:
        """Documents by ``_id``, one ``{_id: X}`` lookup each (a few at a time): FerretDB
        evaluates ``$in`` and compound filters over the whole collection."""
        limit = asyncio.Semaphore(READ_CONCURRENCY)

        async def one(key: str) -> dict | None:
            async with limit:
                return await collection.find_one({"_id": key}, projection)

        found = await asyncio.gather(*(one(k) for k in ids))
        return {d["_id"]: d for d in found if d is not None}

    def writing(self) -> asyncio.Lock:
        """The lock every write of this database takes, shared by all stores of one
        event loop (the pipeline's, the spider's, the run records'): concurrent writes
        to one SQLite database from several connections have hung FerretDB."""
        loop = asyncio.get_running_loop()
        locks = _WRITE_LOCKS.setdefault(loop, {})
        return locks.setdefault(self.key, asyncio.Lock())

    @staticmethod
    async def _insert_ignoring_duplicates(collection, docs: list[dict]) -> list[str]:
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

    async def _new_revisions(self, pairs: list[tuple[dict, dict]], now: datetime,
                             result: FlushResult) -> None:
        """Store ``new`` over ``old`` for each pair, the old copied to
        ``article_versions`` first.

        The version guard, without a compound filter (FerretDB would scan for it): the
        copy's ``_id`` (``<id>:v<old version>``) is a claim on that version, and names
        the content that supersedes it (``superseded_by``). Only the writer whose claim
        stands replaces the article, by ``{_id}``; a claim by another content is waited
        for (:class:`WriteConflict`, retried) unless it is older than ``CLAIM_SECONDS``,
        which only a writer that died between the two steps leaves behind."""
        copies = {}
        for old, new in pairs:
            copy = dict(old)
            copy["article"] = copy.pop("_id")
            copy["_id"] = f"{new['_id']}:v{int(old.get('version', 1))}"
            copy["superseded_at"] = now
            copy["superseded_by"] = new.get("content_hash")
            copies[copy["_id"]] = copy
        claimed = set(await self._insert_ignoring_duplicates(self.versions,
                                                             list(copies.values())))
        contested = [k for k in copies if k not in claimed]
        if contested:
            await self._take_over_claims(
                {k: copies[k] for k in contested},
                await self._get_many(self.versions, contested), now)
        ops = []
        for old, new in pairs:
            new.update(first_seen_at=old.get("first_seen_at", now), last_seen_at=now,
                       changed_at=now, version=int(old.get("version", 1)) + 1)
            ops.append(ReplaceOne({"_id": new["_id"]}, new))
        await updates(self.articles, ops)
        result.updated += len(pairs)
        result.ids["updated"].extend(new["_id"] for _, new in pairs)

    async def _take_over_claims(self, ours: dict[str, dict], stored: dict[str, dict],
                                now: datetime) -> None:
        """Claims (revision copies) already present: our own earlier attempt (same
        content) goes on; a dead writer's is taken over; a live one's is waited for."""
        stale = []
        for k, copy in ours.items():
            theirs = stored.get(k)
            if theirs is None or theirs.get("superseded_by") == copy["superseded_by"]:
                continue
            at = theirs.get("superseded_at")
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=timezone.utc)
            if at is None or (now - at).total_seconds() > CLAIM_SECONDS:
                stale.append(k)
                continue
            raise WriteConflict(f"revision {k} is being written by another writer")
        if stale:
            await updates(self.versions, [ReplaceOne({"_id": k}, ours[k]) for k in stale])

    async def _mark_duplicates(self, docs: dict[str, dict], result: FlushResult) -> None:
        """Same body under another id (this run or an earlier one) -> ``duplicate_of``.

        Body hashes are claimed by inserting them; only the hashes already claimed are
        read back to learn their owner."""
        by_hash: dict[str, str] = {}
        for k, d in docs.items():
            if d.get("body_hash"):
                by_hash.setdefault(d["body_hash"], k)
        if not by_hash:
            return
        claimed = await self._insert_ignoring_duplicates(
            self.body_hashes, [{"_id": h, "article": k} for h, k in by_hash.items()])
        taken = [h for h in by_hash if h not in set(claimed)]
        owners = {h: d["article"] for h, d in
                  (await self._get_many(self.body_hashes, taken)).items()} if taken else {}
        for k, d in docs.items():
            bh = d.get("body_hash") or ""
            owner = owners.get(bh) or by_hash.get(bh)
            if owner and owner != k and not d.get("duplicate_of"):
                d["duplicate_of"] = owner
                result.duplicates_marked += 1

    # -- crawl state (what the spider remembers between runs) -------------------------
    async def get_state(self, keys: list[str]) -> dict[str, Any]:
        """Values remembered under ``keys`` (e.g. a sitemap's last ``lastmod``). Keys are
        ``_id``s, never field names: FerretDB refuses field names containing ``.``."""
        if not keys:
            return {}
        found = await self._get_many(self.state, list(dict.fromkeys(keys)))
        return {k: d.get("value") for k, d in found.items()}

    async def set_state(self, values: dict[str, Any]) -> None:
        """Remember ``values`` by key in ``crawl_state`` (upserted, one writer)."""
        # UpdateOne+$set, not ReplaceOne: FerretDB's reply to an upserting ReplaceOne in
        # a bulk write lacks nModified, which pymongo needs (KeyError)
        if values:
            async with self.writing():
                await updates(self.state,
                               [UpdateOne({"_id": k}, {"$set": {"value": v}}, upsert=True)
                                for k, v in values.items()])

    async def replay(self, path, batch_size: int = 200) -> tuple[FlushResult, int]:
        """Store what a spill file kept: articles (in batches) and run records. Safe to
        repeat: article writes are idempotent and run records are keyed by run id.
        Returns the articles' outcome and the number of run records restored."""
        records = SpillFile.read(path)
        articles = [r["item"] for r in records if r.get("kind") == "article"]
        total = FlushResult()
        for i in range(0, len(articles), batch_size):
            total.add(await self.write(articles[i:i + batch_size]))
        runs = [run_doc(r["run"]) for r in records if r.get("kind") == "run"]
        for run in runs:
            async with self.writing():
                await self.runs.replace_one({"_id": run["_id"]}, run, upsert=True)
        return total, len(runs)

    # -- run records ----------------------------------------------------------------
    async def start_run(self, run: dict[str, Any]) -> None:
        """Write a run's record as it starts (replacing one of the same run id)."""
        async with self.writing():
            await self.runs.replace_one({"_id": run["_id"]}, run, upsert=True)

    async def finish_run(self, run_id: str, fields: dict[str, Any], spider: str | None = None,
                         newest_published: datetime | None = None) -> None:
        """Set the closing fields of a run's record (created if the start was lost) and,
        given the spider, its last-run summary (:mod:`newsscraper.storage.runsummary`)."""
        async with self.writing():
            await self.runs.update_one({"_id": run_id}, {"$set": fields}, upsert=True)
            for key, update in summary_updates(spider, run_id, fields, newest_published) \
                    if spider else []:
                await self.state.update_one({"_id": key}, update, upsert=True)


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


def run_doc(record: dict[str, Any]) -> dict[str, Any]:
    """A run record read back from a spill file: its times as BSON dates again."""
    doc = dict(record)
    for name in ("started_at", "ended_at"):
        if isinstance(doc.get(name), str):
            doc[name] = parse_iso(doc[name], timezone.utc)
    return doc


def _within(then: datetime | None, now: datetime, span: timedelta) -> bool:
    if then is None or not span:
        return False
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return now - then < span


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


__all__ = ["ArticleStore", "FlushResult", "PyMongoError", "WriteConflict", "article_doc",
           "hold_reason", "plan_scans", "retrying", "revision_decision", "run_doc"]
