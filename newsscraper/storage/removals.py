"""Removed articles: ``gone_at`` on the articles the site stopped serving. Never deleted;
an article served again is stored as a new revision without ``gone_at``
(:meth:`ArticleStore.write`)."""

from __future__ import annotations

from datetime import datetime

from newsscraper.storage.mongo import ArticleStore


async def mark_gone(store: ArticleStore, keys: list[str], now: datetime) -> list[str]:
    """Set ``gone_at`` (and ``changed_at``: consumers polling the feed learn of it) on the
    stored articles among ``keys`` not marked already. Returns the ``_id``s marked."""
    if not keys:
        return []
    # the slim index first: which of them are stored and live, in one scan of small
    # documents; the articles are then updated by _id alone
    live = [d["_id"] async for d in store.index.find(
        {"_id": {"$in": sorted(set(keys))}, "gone_at": None}, {"_id": 1})]
    if live:
        # articles before the index: a failure in between leaves the index saying "live",
        # so the next run marks the article again (the filter keeps the first time)
        await store.articles.update_many({"_id": {"$in": live}, "gone_at": None},
                                         {"$set": {"gone_at": now, "changed_at": now}})
        await store.index.update_many({"_id": {"$in": live}}, {"$set": {"gone_at": now}})
    return live


async def stored_between(store: ArticleStore, start: datetime,
                         end: datetime) -> dict[str, datetime]:
    """``_id`` -> ``published_at`` of the live stored articles published in
    ``[start, end)``, from the slim index."""
    return {d["_id"]: d["published_at"] async for d in store.index.find(
        {"published_at": {"$gte": start, "$lt": end}, "gone_at": None},
        {"_id": 1, "published_at": 1})}
