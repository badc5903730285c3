"""Articles in MongoDB: batched, idempotent writes with revisions, and run records.

Works on MongoDB 6/7 and on FerretDB (SQLite backend); see ``docs/storage.md`` for the
server gaps this code designs around (``_id``-only lookups, ``insert_many(ordered=False)``
for new documents with 11000 meaning "already stored", no transactions).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError

from newsscraper.items import to_jsonable

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# errors after which a retry may succeed: the server is away, not the data wrong
TRANSIENT = (ConnectionFailure,)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def article_doc(item: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an Article dict (from ``to_jsonable``): datetimes as BSON dates."""
    doc = dict(item)
    doc["_id"] = f"{doc['site']}:{doc['article_id']}"
    for name in ("published_at", "modified_at"):
        if isinstance(doc.get(name), str):
            doc[name] = datetime.fromisoformat(doc[name].replace("Z", "+00:00"))
    for post in doc.get("live_posts") or []:
        if isinstance(post.get("published_at"), str):
            post["published_at"] = datetime.fromisoformat(post["published_at"].replace("Z", "+00:00"))
    return doc


@dataclass
class FlushResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates_marked: int = 0
    ids: dict[str, list[str]] = field(default_factory=lambda: {"new": [], "updated": []})


class ArticleStore:
    """One database's articles, revisions, body-hash index and run records."""

    def __init__(self, uri: str, database: str, articles: str = "articles",
                 versions: str = "article_versions", runs: str = "runs",
                 body_hashes: str = "body_hashes", timeout_ms: int = 5000) -> None:
        self.client: AsyncMongoClient = AsyncMongoClient(
            uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
            tz_aware=True, retryWrites=True)
        db = self.client[database]
        self.articles = db[articles]
        self.versions = db[versions]
        self.runs = db[runs]
        self.body_hashes = db[body_hashes]
        self.state = db["crawl_state"]

    @classmethod
    def from_settings(cls, settings, uri: str) -> ArticleStore:
        return cls(uri, settings.get("MONGO_DATABASE", "newsscraper"),
                   settings.get("MONGO_ARTICLES_COLLECTION", "articles"),
                   settings.get("MONGO_VERSIONS_COLLECTION", "article_versions"),
                   settings.get("MONGO_RUNS_COLLECTION", "runs"),
                   settings.get("MONGO_BODY_HASHES_COLLECTION", "body_hashes"),
                   settings.getint("MONGO_TIMEOUT_MS", 5000))

    async def close(self) -> None:
        await self.client.close()

    async def ensure_indexes(self) -> None:
        """Consumer indexes; creating an existing index is a no-op on both servers."""
        await self.articles.create_index([("published_at", DESCENDING)], name="published_at")
        await self.articles.create_index([("section", ASCENDING), ("published_at", DESCENDING)],
                                         name="section_published_at")
        await self.articles.create_index([("tags", ASCENDING)], name="tags")
        await self.articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        await self.versions.create_index([("article", ASCENDING), ("version", ASCENDING)],
                                         name="article_version")

    async def known_ids(self, ids: list[int], site: str = "moscowtimes") -> dict[int, datetime | None]:
        """Which of ``ids`` are stored, with their ``published_at`` (an ``_id $in``
        lookup: the only filter FerretDB's SQLite backend serves from an index)."""
        if not ids:
            return {}
        keys = [f"{site}:{i}" for i in dict.fromkeys(ids)]
        out: dict[int, datetime | None] = {}
        async for doc in self.articles.find({"_id": {"$in": keys}},
                                            {"_id": 1, "published_at": 1, "modified_at": 1}):
            out[int(doc["_id"].split(":", 1)[1])] = doc.get("published_at")
        return out

    async def write(self, items: list[dict[str, Any]], now: datetime | None = None) -> FlushResult:
        """Store a batch idempotently: new articles inserted (version 1), changed ones
        versioned, unchanged ones only touched (``last_seen_at``).

        Safe to repeat after an ambiguous failure: inserts that already happened come
        back as duplicate-key errors and revision copies have deterministic ``_id``s.
        """
        now = now or utcnow()
        result = FlushResult()
        docs = {d["_id"]: d for d in map(article_doc, items)}
        if not docs:
            return result
        await self._mark_duplicates(docs, result)
        existing = {d["_id"]: d async for d in self.articles.find({"_id": {"$in": list(docs)}})}
        new = [d for k, d in docs.items() if k not in existing]
        changed = [d for k, d in docs.items()
                   if k in existing and existing[k].get("content_hash") != d.get("content_hash")]
        same = [k for k, d in docs.items()
                if k in existing and existing[k].get("content_hash") == d.get("content_hash")]
        for d in new:
            d.update(first_seen_at=now, last_seen_at=now, version=1)
        if new:
            result.new = await self._insert_new(new, result)
        if changed:
            await self._new_revisions(changed, existing, now, result)
        if same:
            await self.articles.update_many({"_id": {"$in": same}}, {"$set": {"last_seen_at": now}})
            result.unchanged += len(same)
        return result

    async def _insert_new(self, new: list[dict], result: FlushResult) -> int:
        try:
            await self.articles.insert_many(new, ordered=False)
            inserted = [d["_id"] for d in new]
        except BulkWriteError as exc:
            dup = {new[e["index"]]["_id"] for e in exc.details.get("writeErrors", [])
                   if e.get("code") == DUPLICATE_KEY}
            other = [e for e in exc.details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY]
            if other:
                raise
            # "already stored": a retry after a write whose acknowledgement was lost
            inserted = [d["_id"] for d in new if d["_id"] not in dup]
            result.unchanged += len(dup)
        result.ids["new"].extend(inserted)
        return len(inserted)

    async def _new_revisions(self, changed: list[dict], existing: dict[str, dict], now: datetime,
                             result: FlushResult) -> None:
        copies = []
        for d in changed:
            old = dict(existing[d["_id"]])
            version = int(old.get("version", 1))
            old["article"] = old.pop("_id")
            old["_id"] = f"{d['_id']}:v{version}"
            old["superseded_at"] = now
            copies.append(old)
        try:
            await self.versions.insert_many(copies, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
        ops = []
        for d in changed:
            old = existing[d["_id"]]
            d.update(first_seen_at=old.get("first_seen_at", now), last_seen_at=now,
                     version=int(old.get("version", 1)) + 1)
            # the version guard makes a replayed write a no-op
            ops.append(ReplaceOne({"_id": d["_id"], "version": old.get("version", 1)}, d))
        await self.articles.bulk_write(ops, ordered=False)
        result.updated += len(changed)
        result.ids["updated"].extend(d["_id"] for d in changed)

    async def _mark_duplicates(self, docs: dict[str, dict], result: FlushResult) -> None:
        """Same body under another id (this run or an earlier one) -> ``duplicate_of``."""
        by_hash = {d["body_hash"]: k for k, d in docs.items() if d.get("body_hash")}
        if not by_hash:
            return
        known = {h["_id"]: h["article"] async for h in
                 self.body_hashes.find({"_id": {"$in": list(by_hash)}})}
        for k, d in docs.items():
            owner = known.get(d.get("body_hash"))
            if owner and owner != k and not d.get("duplicate_of"):
                d["duplicate_of"] = owner
                result.duplicates_marked += 1
        fresh = [{"_id": h, "article": k} for h, k in by_hash.items() if h not in known]
        if fresh:
            try:
                await self.body_hashes.insert_many(fresh, ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise

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

    # -- run records ----------------------------------------------------------------
    async def start_run(self, run: dict[str, Any]) -> None:
        await self.runs.replace_one({"_id": run["_id"]}, run, upsert=True)

    async def finish_run(self, run_id: str, fields: dict[str, Any]) -> None:
        await self.runs.update_one({"_id": run_id}, {"$set": fields}, upsert=True)


def jsonable_article(item) -> dict[str, Any]:
    return to_jsonable(item)


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


__all__ = ["ArticleStore", "FlushResult", "PyMongoError", "article_doc", "retrying"]
