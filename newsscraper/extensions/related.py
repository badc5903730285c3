"""RelatedIds: ``related[].article_id`` (and ``canonical_url``) for slug-only links."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from pymongo import UpdateOne
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.crawl.store import held_store
from newsscraper.extensions.removed import database_down
from newsscraper.items import SITE, document_id
from newsscraper.signals import slug_resolved
from newsscraper.sites.moscowtimes import url_slug

logger = logging.getLogger(__name__)


class RelatedIds:
    """The site renders inline related links slug-only (no ``-a<ID>``), so the parser
    cannot say which article they name; the spider learns it from the redirect when it
    follows them. At spider close, the articles stored in this run whose related
    entries (body and live posts) lack an ``article_id`` get the id and canonical URL of
    each target resolved in this run, by ``{_id: X}`` reads and writes. Not a revision
    (``content_hash`` counts related titles, not URLs): ``changed_at`` stays.

    Settings: ``RELATED_IDS_ENABLED`` (True), ``MONGO_*``.
    Stats: ``related_ids/articles``, ``related_ids/links``, ``related_ids/errors``.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("RELATED_IDS_ENABLED", True) or not s.getbool("STORE_ENABLED", True):
            raise NotConfigured("related-link ids are off")
        self.crawler = crawler
        self.targets: dict[str, str] = {}  # slug -> article URL with its id
        self.pending: set[str] = set()  # _ids of articles with slug-only related links
        crawler.signals.connect(self.on_slug, slug_resolved)
        crawler.signals.connect(self.on_item, signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def on_slug(self, url: str, target: str) -> None:
        self.targets[url_slug(url)] = target

    def on_item(self, item) -> None:
        a = ItemAdapter(item)
        # an article of this run names its own slug: a link to it needs no redirect
        url = str(a.get("url") or "")
        own, suffix = url_slug(url), f"-a{a.get('article_id')}"
        if own.endswith(suffix):
            self.targets.setdefault(own.removesuffix(suffix), url)
        links = list(a.get("related") or [])
        for post in a.get("live_posts") or []:
            links += post.related
        if any(link.article_id is None for link in links):
            self.pending.add(document_id(SITE, a.get('article_id')))

    async def spider_closed(self, spider, reason: str) -> None:
        if not self.pending or not self.targets:
            return
        if database_down(self.crawler, reason):
            return
        stats = self.crawler.stats
        ops, links = [], 0
        try:
            async with held_store(self.crawler) as store:
                docs = await store.articles_by_id(sorted(self.pending),
                                                  {"related": 1, "live_posts": 1})
                for key in sorted(docs):
                    fields, filled = self.filled(docs[key])
                    if filled:
                        ops.append(UpdateOne({"_id": key}, {"$set": fields}))
                        links += filled
                await store.update_articles(ops)
        except Exception as exc:
            stats.inc_value("related_ids/errors")
            logger.warning("could not add related article ids (%s)", type(exc).__name__)
            return
        if ops:
            stats.set_value("related_ids/articles", len(ops))
            stats.set_value("related_ids/links", links)

    def filled(self, doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """The ``related`` / ``live_posts`` fields with every resolvable id filled in,
        and how many links that filled."""
        from newsscraper.sites.moscowtimes import article_id_from_url
        from newsscraper.sites.moscowtimes.urls import canonical_article_url

        count = 0

        def fill(links: list[dict]) -> list[dict]:
            nonlocal count
            out = []
            for link in links:
                target = self.targets.get(url_slug(link.get("url") or ""))
                if link.get("article_id") is None and target and article_id_from_url(target):
                    link = {**link, "article_id": article_id_from_url(target),
                            "canonical_url": canonical_article_url(target)}
                    count += 1
                out.append(link)
            return out

        fields: dict[str, Any] = {"related": fill(doc.get("related") or [])}
        if doc.get("live_posts"):
            fields["live_posts"] = [{**p, "related": fill(p.get("related") or [])}
                                    for p in doc["live_posts"]]
        return fields, count
