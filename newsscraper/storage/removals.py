"""Removed articles: ``gone_at`` on the articles the site stopped serving. Never deleted;
an article served again is stored as a new revision without ``gone_at``
(:meth:`Articles.write <newsscraper.storage.articles.Articles.write>`)."""

from __future__ import annotations

from datetime import datetime

from pymongo import UpdateOne

from newsscraper.storage.mongo import ArticleStore


async def mark_gone(store: ArticleStore, keys: list[str], now: datetime) -> list[str]:
    """Set ``gone_at`` (and ``changed_at``: consumers polling the feed learn of it) on the
    stored articles among ``keys`` not marked already; returns the ``_id``s marked. Every
    read and write is by ``_id`` alone, the one filter FerretDB serves from an index."""
    if not keys:
        return []
    found = await store.articles.by_id(sorted(set(keys)), {"_id": 1, "gone_at": 1})
    marked = [k for k, doc in sorted(found.items()) if doc.get("gone_at") is None]
    await store.articles.update([
        UpdateOne({"_id": k}, {"$set": {"gone_at": now, "changed_at": now}}) for k in marked])
    return marked


def listing_key(month: str) -> str:
    """``crawl_state`` key of the article ids a monthly sitemap listed when last read
    (``month`` is the file's own state key, ``sitemap:<path>``)."""
    return "listing:" + month.removeprefix("sitemap:")
