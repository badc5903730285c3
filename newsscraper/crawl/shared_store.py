"""One ArticleStore per crawler, shared by the spider's ledger, the store pipeline and
the run recorder: one client and one connection pool instead of three.

Each user takes the store with :func:`acquire_store` when it opens and gives it back
with :func:`release_store` when it is done; the last one back closes it, whatever the
order Scrapy closes components in (pipelines close before ``spider_closed`` handlers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.uri import mongo_uri

_ATTR = "_newsscraper_store"


def acquire_store(crawler) -> ArticleStore:
    """The crawler's store, created on first use."""
    held = getattr(crawler, _ATTR, None)
    if held is None:
        held = [ArticleStore.from_settings(crawler.settings, mongo_uri(crawler.settings)), 0]
        setattr(crawler, _ATTR, held)
    held[1] += 1
    return held[0]


async def release_store(crawler) -> None:
    """Give the store back; closed when no user holds it any more."""
    held = getattr(crawler, _ATTR, None)
    if held is None:
        return
    held[1] -= 1
    if held[1] <= 0:
        setattr(crawler, _ATTR, None)
        await held[0].close()


@asynccontextmanager
async def held_store(crawler) -> AsyncIterator[ArticleStore]:
    """The crawler's store for the length of a ``with`` block (a close-of-spider job)."""
    store = acquire_store(crawler)
    try:
        yield store
    finally:
        await release_store(crawler)
