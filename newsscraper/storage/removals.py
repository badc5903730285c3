"""Removed articles: ``gone_at`` on the articles the site stopped serving. Never deleted;
an article served again is stored as a new revision without ``gone_at``
(:meth:`ArticleStore.write`)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from pymongo import UpdateOne

from newsscraper.storage.mongo import ArticleStore, updates

# {_id: X} lookups in flight at once (updates go through mongo.updates, which bounds the
# statements per command)
LOOKUPS = 8


async def mark_gone(store: ArticleStore, keys: list[str], now: datetime) -> list[str]:
    """Set ``gone_at`` (and ``changed_at``: consumers polling the feed learn of it) on the
    stored articles among ``keys`` not marked already; returns the ``_id``s marked. Every
    read and write is by ``_id`` alone, the one filter FerretDB serves from an index."""
    if not keys:
        return []
    limit = asyncio.Semaphore(LOOKUPS)

    async def live(key: str) -> str | None:
        async with limit:
            doc = await store.articles.find_one({"_id": key}, {"_id": 1, "gone_at": 1})
        return key if doc is not None and doc.get("gone_at") is None else None

    marked = [k for k in await asyncio.gather(*map(live, sorted(set(keys)))) if k]
    # one writer per database where the store has a lock for it (FerretDB hangs under
    # concurrent writers)
    writing = getattr(store, "writing", None)
    lock = writing() if writing is not None else contextlib.nullcontext()
    async with lock:
        await _set(store, marked, now)
    return marked


async def _set(store: ArticleStore, marked: list[str], now: datetime) -> None:
    ops = [UpdateOne({"_id": k}, {"$set": {"gone_at": now, "changed_at": now}})
           for k in marked]
    await updates(store.articles, ops)


def listing_key(month: str) -> str:
    """``crawl_state`` key of the article ids a monthly sitemap listed when last read
    (``month`` is the file's own state key, ``sitemap:<path>``)."""
    return "listing:" + month.removeprefix("sitemap:")
