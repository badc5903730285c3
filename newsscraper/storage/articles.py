"""``articles``: the batched, idempotent write of a crawl's articles (new, revised,
moved, unchanged or held), and the reads by ``_id`` the crawl and the jobs need."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne

from newsscraper.items import document_id
from newsscraper.sites.moscowtimes.site import parse_iso
from newsscraper.storage.claims import BodyHashClaims
from newsscraper.storage.database import (
    Database,
    WriteConflict,
    get_many,
    insert_ignoring_duplicates,
    plan_scans,
    updates,
    utcnow,
)
from newsscraper.storage.revisions import (
    CONTENT_HASH_VERSION,
    carry_related_ids,
    moment,
    revision_decision,
    stale_hash,
)
from newsscraper.storage.schema import SCHEMA_VERSION, apply_validator
from newsscraper.storage.versions import Versions

logger = logging.getLogger(__name__)


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


class Articles:
    """The ``articles`` collection, written through its earlier versions
    (:class:`~newsscraper.storage.versions.Versions`) and body-hash claims
    (:class:`~newsscraper.storage.claims.BodyHashClaims`).

    ``seen_resolution``: an unchanged article's ``last_seen_at`` moves only when older
    than this (``STORE_SEEN_RESOLUTION_HOURS``)."""

    def __init__(self, db: Database, seen_resolution: timedelta = timedelta(0)) -> None:
        self.db = db
        self.collection = db.articles
        self.versions = Versions(db)
        self.claims = BodyHashClaims(db)
        self.seen_resolution = seen_resolution

    async def ensure_indexes(self) -> None:
        """Consumer indexes; creating an existing index is a no-op on both servers."""
        articles = self.collection
        await articles.create_index([("published_at", DESCENDING)], name="published_at")
        await articles.create_index([("section", ASCENDING), ("published_at", DESCENDING)],
                                    name="section_published_at")
        await articles.create_index([("tags", ASCENDING)], name="tags")
        await articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        # removed articles only: find({gone_at: {$ne: None}}) (few, so the index pays)
        await articles.create_index([("gone_at", ASCENDING)], name="gone_at")
        # the changes feed: find({changed_at: {$gt: last}}).sort(changed_at, _id)
        await articles.create_index([("changed_at", ASCENDING), ("_id", ASCENDING)],
                                    name="changed_at")
        await self.versions.collection.create_index(
            [("article", ASCENDING), ("version", ASCENDING)], name="article_version")
        # held revisions only (the status report's read; others lack held_at)
        await self.versions.collection.create_index([("held_at", ASCENDING)], name="held_at")
        await apply_validator(articles.database, articles.name)
        # the slim lookup copy of earlier versions: with _id indexed, articles serves
        # every lookup itself (docs/benchmarks.md), and the copy cost a write per article
        if "article_index" in await articles.database.list_collection_names():
            await articles.database.drop_collection("article_index")

    async def id_lookup_scans(self) -> bool | None:
        """Whether the server answers ``find({_id: X})`` on ``articles`` by scanning it:
        True on an unpatched FerretDB (docs/storage.md), False when its plan uses an
        index, None when the plan says neither (real MongoDB's plans differ)."""
        reply = await self.collection.database.command(
            "explain", {"find": self.collection.name, "filter": {"_id": "probe:0"}})
        return plan_scans(reply)

    async def known_ids(self, ids: list[int],
                        site: str = "moscowtimes") -> dict[int, datetime | None]:
        """Which of ``ids`` are stored, with their ``published_at``: one ``{_id: X}``
        lookup each, the only filter every server (FerretDB included) serves from an
        index."""
        if not ids:
            return {}
        keys = [f"{site}:{i}" for i in dict.fromkeys(ids)]
        found = await get_many(self.collection, keys, {"_id": 1, "published_at": 1})
        return {int(k.split(":", 1)[1]): d.get("published_at") for k, d in found.items()}

    async def by_id(self, ids: list[str],
                    projection: dict[str, int] | None = None) -> dict[str, dict]:
        """Stored articles by ``_id`` (the missing ones left out), a few reads at a time."""
        return await get_many(self.collection, ids, projection)

    async def update(self, ops: list) -> None:
        """Update statements on ``articles`` (by ``_id``) as this database's one writer
        (:meth:`Database.writing`), a bounded number per command (:func:`updates`)."""
        async with self.db.writing():
            await updates(self.collection, ops)

    async def write(self, items: list[dict[str, Any]], now: datetime | None = None) -> FlushResult:
        """Store a batch idempotently: new articles inserted (version 1), changed ones
        versioned, unchanged ones only touched (``last_seen_at``).

        Optimistic: the whole batch is inserted with ``insert_many(ordered=False)``; the
        duplicate-key failures (11000) are the articles already stored, and only those
        are read back, each by ``{_id: X}``. Safe to repeat after an ambiguous failure:
        inserts that already happened come back as 11000, revision copies have
        deterministic ``_id``s and a content already stored is unchanged. One writer at a
        time per database and event loop (:meth:`Database.writing`).
        """
        async with self.db.writing():
            return await self._write(items, now or utcnow())

    async def _write(self, items: list[dict[str, Any]], now: datetime) -> FlushResult:
        result = FlushResult()
        docs = {d["_id"]: d for d in map(article_doc, items)}
        if not docs:
            return result
        result.duplicates_marked += await self.claims.mark_duplicates(docs)
        for d in docs.values():
            d.update(first_seen_at=now, last_seen_at=now, changed_at=now, version=1)
        stored = await insert_ignoring_duplicates(self.collection, list(docs.values()))
        result.new = len(stored)
        result.ids["new"].extend(stored)
        inserted = set(stored)
        existing_ids = [k for k in docs if k not in inserted]
        if not existing_ids:
            return result
        current = await get_many(self.collection, existing_ids)
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
            await self.versions.hold(docs, held, now)
            result.held += len(held)
            result.ids.setdefault("held", []).extend(held)
        if decided["revise"]:
            await self._revise([(current[k], docs[k]) for k in decided["revise"]], now, result)
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
            await updates(self.collection, ops)

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
        await updates(self.collection, ops)
        result.moved += len(pairs)
        result.ids.setdefault("moved", []).extend(new["_id"] for _, new in pairs)

    async def _revise(self, pairs: list[tuple[dict, dict]], now: datetime,
                      result: FlushResult) -> None:
        """Store ``new`` over ``old`` for each pair, once the old is copied to
        ``article_versions`` as the claim on its version (:meth:`Versions.claim`):
        only the writer whose claim stands gets here, and it replaces by ``{_id}``."""
        await self.versions.claim(pairs, now)
        ops = []
        for old, new in pairs:
            new.update(first_seen_at=old.get("first_seen_at", now), last_seen_at=now,
                       changed_at=now, version=int(old.get("version", 1)) + 1)
            ops.append(ReplaceOne({"_id": new["_id"]}, new))
        await updates(self.collection, ops)
        result.updated += len(pairs)
        result.ids["updated"].extend(new["_id"] for _, new in pairs)


def _within(then: datetime | None, now: datetime, span: timedelta) -> bool:
    if then is None or not span:
        return False
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return now - then < span
