"""Articles in MongoDB: batched, idempotent writes with revisions, and run records.

Works on MongoDB 6/7 and on FerretDB (SQLite backend); see ``docs/storage.md`` for the
server gaps this code designs around (``_id``-only lookups, ``insert_many(ordered=False)``
for new documents with 11000 meaning "already stored", no transactions).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError

from newsscraper.storage.schema import SCHEMA_VERSION, apply_validator
from newsscraper.storage.spill import SpillFile
from newsscraper.storage.uri import client_options, mongo_database

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# errors after which a retry may succeed: the server is away, not the data wrong
TRANSIENT = (ConnectionFailure,)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def article_doc(item: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an Article dict (from ``to_jsonable`` or ``to_document``):
    datetimes as BSON dates."""
    doc = dict(item)
    doc["_id"] = f"{doc['site']}:{doc['article_id']}"
    doc["schema_version"] = SCHEMA_VERSION
    for name in ("published_at", "modified_at"):
        if isinstance(doc.get(name), str):
            doc[name] = datetime.fromisoformat(doc[name].replace("Z", "+00:00"))
    for post in doc.get("live_posts") or []:
        if isinstance(post.get("published_at"), str):
            post["published_at"] = datetime.fromisoformat(
                post["published_at"].replace("Z", "+00:00"))
    return doc


@dataclass
class FlushResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates_marked: int = 0
    ids: dict[str, list[str]] = field(default_factory=lambda: {"new": [], "updated": []})

    def add(self, other: FlushResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.duplicates_marked += other.duplicates_marked
        for kind, ids in other.ids.items():
            self.ids.setdefault(kind, []).extend(ids)


class ArticleStore:
    """One database's articles, revisions, body-hash index and run records."""

    def __init__(self, uri: str, database: str, articles: str = "articles",
                 versions: str = "article_versions", runs: str = "runs",
                 body_hashes: str = "body_hashes", timeout_ms: int = 5000,
                 seen_resolution: timedelta = timedelta(0),
                 operation_timeout_ms: int = 60000) -> None:
        self.client: AsyncMongoClient = AsyncMongoClient(
            uri, **client_options(timeout_ms=timeout_ms, operation_timeout_ms=operation_timeout_ms),
            tz_aware=True, retryWrites=True)
        db = self.client[database]
        self.articles = db[articles]
        self.versions = db[versions]
        self.runs = db[runs]
        self.body_hashes = db[body_hashes]
        self.state = db["crawl_state"]
        self.index = db["article_index"]
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
        await self.client.close()

    async def ensure_indexes(self) -> None:
        """Consumer indexes; creating an existing index is a no-op on both servers."""
        await self.articles.create_index([("published_at", DESCENDING)], name="published_at")
        await self.articles.create_index([("section", ASCENDING), ("published_at", DESCENDING)],
                                         name="section_published_at")
        await self.articles.create_index([("tags", ASCENDING)], name="tags")
        await self.articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        # the changes feed: find({changed_at: {$gt: last}}).sort(changed_at, _id)
        await self.articles.create_index([("changed_at", ASCENDING), ("_id", ASCENDING)],
                                         name="changed_at")
        await self.versions.create_index([("article", ASCENDING), ("version", ASCENDING)],
                                         name="article_version")
        await apply_validator(self.articles.database, self.articles.name)

    async def id_lookup_scans(self) -> bool | None:
        """Whether the server answers ``find({_id: X})`` on ``articles`` by scanning it:
        True on an unpatched FerretDB (docs/storage.md), False when its plan uses an
        index, None when the plan says neither (real MongoDB's plans differ)."""
        reply = await self.articles.database.command(
            "explain", {"find": self.articles.name, "filter": {"_id": "probe:0"}})
        return plan_scans(reply)

    async def known_ids(self, ids: list[int],
                        site: str = "moscowtimes") -> dict[int, datetime | None]:
        """Which of ``ids`` are stored, with their ``published_at``. Asks the slim
        ``article_index`` collection: on FerretDB's SQLite backend every query scans its
        collection, so the scan should be of small documents."""
        if not ids:
            return {}
        keys = [f"{site}:{i}" for i in dict.fromkeys(ids)]
        out: dict[int, datetime | None] = {}
        async for doc in self.index.find({"_id": {"$in": keys}}, {"_id": 1, "published_at": 1}):
            out[int(doc["_id"].split(":", 1)[1])] = doc.get("published_at")
        return out

    async def write(self, items: list[dict[str, Any]], now: datetime | None = None) -> FlushResult:
        """Store a batch idempotently: new articles inserted (version 1), changed ones
        versioned, unchanged ones only touched (``last_seen_at``).

        Optimistic: the whole batch is inserted with ``insert_many(ordered=False)``; the
        duplicate-key failures (11000) are the articles already stored, and only those
        are read back. A fresh batch costs no read at all, which matters on FerretDB
        where every read scans a collection. Safe to repeat after an ambiguous failure:
        inserts that already happened come back as 11000 and revision copies have
        deterministic ``_id``s.
        """
        now = now or utcnow()
        result = FlushResult()
        docs = {d["_id"]: d for d in map(article_doc, items)}
        if not docs:
            return result
        await self._mark_duplicates(docs, result)
        for d in docs.values():
            d.update(first_seen_at=now, last_seen_at=now, changed_at=now, version=1)
        stored = await self._insert_ignoring_duplicates(self.articles, list(docs.values()))
        existing_ids = [k for k in docs if k not in stored]
        result.new = len(stored)
        result.ids["new"].extend(stored)
        await self._insert_ignoring_duplicates(self.index, [_index_entry(docs[k]) for k in stored])
        if not existing_ids:
            return result
        known = {d["_id"]: d async for d in self.index.find({"_id": {"$in": existing_ids}})}
        missing = [k for k in existing_ids if k not in known]
        if missing:  # stored by a version of this code without the index: rebuild entries
            async for d in self.articles.find({"_id": {"$in": missing}},
                                              {"_id": 1, "published_at": 1, "content_hash": 1,
                                               "version": 1, "gone_at": 1}):
                known[d["_id"]] = _index_entry(d)
            await self._insert_ignoring_duplicates(self.index, [known[k] for k in missing
                                                                if k in known])
        # an article marked removed (gone_at) that is served again is a new revision
        changed = [k for k in existing_ids if known.get(k, {}).get("content_hash")
                   != docs[k].get("content_hash") or known.get(k, {}).get("gone_at")]
        same = [k for k in existing_ids if k not in changed]
        if changed:
            same += await self._new_revisions([docs[k] for k in changed], now, result)
        if same:
            # last_seen_at only when older than the resolution: on FerretDB every updated
            # document costs a collection scan, and scheduled runs re-read the same recent
            # articles many times a day
            due = [k for k in same if not _within(known[k].get("last_seen_at"), now,
                                                  self.seen_resolution)]
            if due:
                await self.index.update_many({"_id": {"$in": due}},
                                             {"$set": {"last_seen_at": now}})
                # documents stored before schema_version existed get it on this write
                await self.articles.update_many({"_id": {"$in": due}},
                                                {"$set": {"last_seen_at": now,
                                                          "schema_version": SCHEMA_VERSION}})
            result.unchanged += len(same)
        return result

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

    async def _new_revisions(self, changed: list[dict], now: datetime,
                             result: FlushResult) -> list[str]:
        """Store new revisions of ``changed``; return the ``_id``s that were not changed
        after all, for the caller to treat as unchanged."""
        existing = {d["_id"]: d async for d in
                    self.articles.find({"_id": {"$in": [d["_id"] for d in changed]}})}
        # the index can lag the article when a write failed between the two (a retry or
        # replay comes next): the article itself says whether this content is stored
        stale = [d["_id"] for d in changed
                 if existing[d["_id"]].get("content_hash") == d.get("content_hash")
                 and not existing[d["_id"]].get("gone_at")]
        if stale:
            await self.index.bulk_write([ReplaceOne({"_id": k}, _index_entry(existing[k]))
                                         for k in stale], ordered=False)
            changed = [d for d in changed if d["_id"] not in stale]
            if not changed:
                return stale
        copies = []
        for d in changed:
            old = dict(existing[d["_id"]])
            old["article"] = old.pop("_id")
            old["_id"] = f"{d['_id']}:v{int(old.get('version', 1))}"
            old["superseded_at"] = now
            copies.append(old)
        await self._insert_ignoring_duplicates(self.versions, copies)
        ops, index_ops = [], []
        for d in changed:
            old = existing[d["_id"]]
            version = int(old.get("version", 1))
            d.update(first_seen_at=old.get("first_seen_at", now), last_seen_at=now,
                     changed_at=now, version=version + 1)
            # the version guard makes a replayed write a no-op
            ops.append(ReplaceOne({"_id": d["_id"], "version": version}, d))
            index_ops.append(ReplaceOne({"_id": d["_id"]}, _index_entry(d)))
        await self.articles.bulk_write(ops, ordered=False)
        await self.index.bulk_write(index_ops, ordered=False)
        result.updated += len(changed)
        result.ids["updated"].extend(d["_id"] for d in changed)
        return stale

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
        owners = {h["_id"]: h["article"] async for h in
                  self.body_hashes.find({"_id": {"$in": taken}})} if taken else {}
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
        return {d["_id"]: d.get("value") async for d in
                self.state.find({"_id": {"$in": list(dict.fromkeys(keys))}})}

    async def set_state(self, values: dict[str, Any]) -> None:
        # UpdateOne+$set, not ReplaceOne: FerretDB's reply to an upserting ReplaceOne in
        # a bulk write lacks nModified, which pymongo needs (KeyError)
        if values:
            await self.state.bulk_write([UpdateOne({"_id": k}, {"$set": {"value": v}}, upsert=True)
                                         for k, v in values.items()], ordered=False)

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
            await self.runs.replace_one({"_id": run["_id"]}, run, upsert=True)
        return total, len(runs)

    # -- run records ----------------------------------------------------------------
    async def start_run(self, run: dict[str, Any]) -> None:
        await self.runs.replace_one({"_id": run["_id"]}, run, upsert=True)

    async def finish_run(self, run_id: str, fields: dict[str, Any]) -> None:
        await self.runs.update_one({"_id": run_id}, {"$set": fields}, upsert=True)


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
            doc[name] = datetime.fromisoformat(doc[name].replace("Z", "+00:00"))
    return doc


def _within(then: datetime | None, now: datetime, span: timedelta) -> bool:
    if then is None or not span:
        return False
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return now - then < span


def _index_entry(doc: dict[str, Any]) -> dict[str, Any]:
    """The slim copy of an article kept in ``article_index`` for cheap lookups."""
    return {"_id": doc["_id"], "published_at": doc.get("published_at"),
            "content_hash": doc.get("content_hash"), "version": doc.get("version", 1),
            "last_seen_at": doc.get("last_seen_at"), "gone_at": doc.get("gone_at")}


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


__all__ = ["ArticleStore", "FlushResult", "PyMongoError", "article_doc", "plan_scans",
           "retrying", "run_doc"]
