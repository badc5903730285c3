"""RelatedIds: ``related[].article_id`` (and ``canonical_url``) for slug-only links."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime
from typing import Any

from pymongo import DeleteOne, UpdateOne
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.extensions.removed import database_down
from newsscraper.items import SITE, document_id
from newsscraper.outcome import SKIP_REASON
from newsscraper.signals import articles_writing, slug_resolved
from newsscraper.sites.moscowtimes import article_id_from_url, url_slug
from newsscraper.sites.moscowtimes.urls import canonical_article_url
from newsscraper.storage.database import updates, utcnow

logger = logging.getLogger(__name__)

CACHE = 16384  # slugs learned most recently, kept in memory besides the database
FILL_BATCH = 200  # articles completed per write


class RelatedIds:
    """The site renders inline related links slug-only (no ``-a<ID>``), so the parser
    cannot say which article they name: the spider learns it from the redirect when it
    follows one, and every article stored names its own slug. What is learned goes to
    the ``slugs`` collection (``_id``: the slug), so later runs know it too.

    An article is completed as the store writes it (``articles_writing``), from the
    slugs known then (memory, else ``{_id}`` reads). A link whose target is not known
    yet waits in ``related_pending`` (``_id``: the article's); it is filled as soon as
    its slug is learned, in batches of ``FILL_BATCH`` every ``RELATED_IDS_SECONDS``,
    moving ``changed_at`` (a consumer reads the ids) but not the version
    (``content_hash`` counts related titles, not URLs). What is still pending when the
    run ends (the target never stored, or the run killed) stays for the next run, which
    starts by loading it: nothing at close reads the archive.

    Slugs and pending links are written before the batch they belong to, so a run killed
    at any moment leaves nothing the next run cannot finish.

    Settings: ``RELATED_IDS_ENABLED`` (True), ``RELATED_IDS_SECONDS`` (2),
    ``MONGO_SLUGS_COLLECTION`` (``slugs``), ``MONGO_RELATED_PENDING_COLLECTION``
    (``related_pending``), ``MONGO_*``.
    Stats: ``related_ids/articles`` (completed after they were stored),
    ``related_ids/at_write`` (links filled as written), ``related_ids/links`` (filled
    later), ``related_ids/pending`` (articles left waiting at close),
    ``related_ids/errors``.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("RELATED_IDS_ENABLED") or not s.getbool("STORE_ENABLED"):
            raise NotConfigured("related-link ids are off")
        self.crawler = crawler
        self.seconds = s.getfloat("RELATED_IDS_SECONDS")
        self.slugs_name = s.get("MONGO_SLUGS_COLLECTION")
        self.pending_name = s.get("MONGO_RELATED_PENDING_COLLECTION")
        self.cache: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self.learned: dict[str, tuple[int, str]] = {}  # not written to ``slugs`` yet
        self.waiting: dict[str, set[str]] = {}  # slug -> _ids of articles waiting for it
        self.ready: set[str] = set()  # waiting articles whose slug was learned since
        self.store: Any = None
        self.timer: asyncio.Task | None = None
        self.loaded = False  # what earlier runs left pending
        self.lock = asyncio.Lock()
        crawler.signals.connect(self.on_slug, slug_resolved)
        crawler.signals.connect(self.on_writing, articles_writing)
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def stats(self):
        return self.crawler.stats

    # -- what is learned ------------------------------------------------------------------
    def on_slug(self, url: str, target: str) -> None:
        aid = article_id_from_url(target)
        if aid is not None:
            self.learn(url_slug(url), aid, canonical_article_url(target) or target)

    def learn(self, slug: str, aid: int, url: str) -> None:
        if not slug or slug in self.cache:
            return
        self.cache[slug] = (aid, url)
        if len(self.cache) > CACHE:
            self.cache.popitem(last=False)
        self.learned[slug] = (aid, url)
        if slug in self.waiting:
            self.ready |= self.waiting.pop(slug)

    async def lookup(self, slugs: set[str]) -> dict[str, tuple[int, str]]:
        """The targets of ``slugs`` known in memory or to the database."""
        out = {s: self.cache[s] for s in slugs if s in self.cache}
        missing = sorted(s for s in slugs if s not in out)
        if missing and self.store is not None:
            found = await self.store.db.documents(self.slugs_name, missing)
            out.update({k: (int(d["article_id"]), str(d["url"])) for k, d in found.items()})
        return out

    # -- as the store writes -----------------------------------------------------------
    async def on_writing(self, batch: list[dict]) -> None:
        if self.store is None:
            return
        async with self.lock:
            for doc in batch:
                url, aid = str(doc.get("url") or ""), doc.get("article_id")
                own, suffix = url_slug(url), f"-a{aid}"
                if aid is not None and own.endswith(suffix):  # linked to without a redirect
                    self.learn(own.removesuffix(suffix), int(aid),
                               canonical_article_url(url) or url)
            wanted = {url_slug(link.get("url") or "") for doc in batch for link in links(doc)
                      if link.get("article_id") is None}
            known = await self.lookup(wanted - {""})
            pending: dict[str, list[str]] = {}
            filled = 0
            for doc in batch:
                filled += fill(doc, known)
                left = sorted({url_slug(link.get("url") or "") for link in links(doc)
                               if link.get("article_id") is None} - {""})
                if left:
                    pending[document_id(SITE, doc.get("article_id"))] = left
            await self.save(pending)
            if filled:
                self.stats.inc_value("related_ids/at_write", filled)

    async def save(self, pending: dict[str, list[str]]) -> None:
        """Slugs learned and links pending, written before the articles they serve."""
        db = self.store.db.articles.database
        ops = [UpdateOne({"_id": s}, {"$set": {"article_id": a, "url": u}}, upsert=True)
               for s, (a, u) in self.learned.items()]
        self.learned = {}
        async with self.store.db.writing():
            if ops:
                await updates(db[self.slugs_name], ops)
            if pending:
                await updates(db[self.pending_name], [
                    UpdateOne({"_id": k}, {"$set": {"slugs": v}}, upsert=True)
                    for k, v in pending.items()])
        for key, slugs in pending.items():
            for slug in slugs:
                self.waiting.setdefault(slug, set()).add(key)

    # -- filling what waited ---------------------------------------------------------
    async def complete(self, keys: list[str], now: datetime) -> int:
        """Fill the links of the stored articles ``keys`` that can be filled now; the
        number of articles written. Articles not stored yet wait for the next round."""
        docs = await self.store.articles.by_id(keys, {"related": 1, "live_posts": 1,
                                                      "article_id": 1})
        wanted = {url_slug(link.get("url") or "") for d in docs.values() for link in links(d)
                  if link.get("article_id") is None}
        known = await self.lookup(wanted - {""})
        ops, done, filled = [], [], 0
        for key in keys:
            doc = docs.get(key)
            if doc is None:
                self.ready.add(key)
                continue
            count = fill(doc, known)
            if count:
                filled += count
                ops.append(UpdateOne({"_id": key}, {"$set": {
                    "related": doc.get("related") or [], "live_posts": doc.get("live_posts")
                    or [], "changed_at": now}}))
            left = {url_slug(link.get("url") or "") for link in links(doc)
                    if link.get("article_id") is None} - {""}
            for slug in left:  # still unknown
                self.waiting.setdefault(slug, set()).add(key)
            if not left:
                done.append(DeleteOne({"_id": key}))
        await self.store.articles.update(ops)
        if done:
            async with self.store.db.writing():
                await updates(self.store.db.articles.database[self.pending_name], done)
        if ops:
            self.stats.inc_value("related_ids/links", filled)
            self.stats.inc_value("related_ids/articles", len(ops))
        return len(ops)

    async def round(self, keys: set[str] | None = None) -> None:
        """Complete the articles whose slugs were learned (or ``keys``),
        ``FILL_BATCH`` at a time."""
        async with self.lock:
            if not self.loaded:
                await self.take_up()
            if self.learned:
                await self.save({})
            if keys is None:
                keys, self.ready = self.ready, set()
            ordered = sorted(keys)
            for i in range(0, len(ordered), FILL_BATCH):
                await self.complete(ordered[i:i + FILL_BATCH], utcnow())

    async def every_few_seconds(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                await asyncio.shield(self.round())
            except Exception as exc:
                self.stats.inc_value("related_ids/errors")
                logger.warning("could not add related article ids (%s)", type(exc).__name__)

    # -- a run's start and end -------------------------------------------------------
    async def spider_opened(self, spider) -> None:
        self.store = acquire_store(self.crawler)
        self.timer = asyncio.ensure_future(self.every_few_seconds())

    async def take_up(self) -> None:
        """What earlier runs left pending (killed, or targets stored since), read in
        the first round: a run that finds the lease held closes before it."""
        self.loaded = True
        async for doc in self.store.db.articles.database[self.pending_name].find({}):
            for slug in doc.get("slugs") or []:
                self.waiting.setdefault(slug, set()).add(doc["_id"])
            self.ready.add(doc["_id"])

    async def spider_closed(self, spider, reason: str) -> None:
        if self.timer is not None:
            self.timer.cancel()
        try:
            if reason != SKIP_REASON and not database_down(self.crawler, reason):
                if not self.loaded:
                    await self.take_up()
                # every article still waiting: another worker of the run may have
                # learned its slugs; one not stored (its batch lost) waits in the
                # database for the next run
                keys = self.ready | {k for keys in self.waiting.values() for k in keys}
                self.ready, self.waiting = set(), {}
                await self.round(keys)
                self.ready = set()
        except Exception as exc:
            self.stats.inc_value("related_ids/errors")
            logger.warning("could not add related article ids (%s)", type(exc).__name__)
        finally:
            self.stats.set_value("related_ids/pending",
                                 len({k for keys in self.waiting.values() for k in keys}))
            if self.store is not None:
                self.store = None
                await release_store(self.crawler)


def links(doc: dict[str, Any]) -> list[dict]:
    """The related links of a stored article, in the body and in its live posts."""
    out = list(doc.get("related") or [])
    for post in doc.get("live_posts") or []:
        out += post.get("related") or []
    return out


def fill(doc: dict[str, Any], known: dict[str, tuple[int, str]]) -> int:
    """Set the id and canonical URL of each link of ``doc`` whose slug is ``known``, in
    place; the number of links filled."""
    count = 0
    for link in links(doc):
        target = known.get(url_slug(link.get("url") or ""))
        if link.get("article_id") is None and target is not None:
            link["article_id"], link["canonical_url"] = target
            count += 1
    return count
