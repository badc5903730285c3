"""RemovedArticles: marks stored articles the site stopped serving with ``gone_at``."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.crawl.shared_store import held_store
from newsscraper.crawl.state import IdSet
from newsscraper.items import SITE, document_id
from newsscraper.signals import article_gone, month_listed
from newsscraper.storage.database import utcnow
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.removals import listing_key, mark_gone

logger = logging.getLogger(__name__)



class RemovedArticles:
    """At spider close, gives ``gone_at`` (and ``changed_at``) to the stored articles
    that answered 404 or 410 in this run, or that their month's sitemap, read in this
    run, no longer lists although it did when last read, unless this run fetched them.
    What each month file listed is kept in ``crawl_state`` (``listing:<path>``) for the
    next read. A file that lost more than half of its listing (and more than
    ``REMOVALS_MONTH_LIMIT`` articles) is taken for a broken one: skipped, with a
    warning, and its listing not kept.

    Settings: ``REMOVALS_ENABLED`` (True), ``REMOVALS_MONTH_LIMIT`` (10), ``MONGO_*``.
    Stats: ``removed/http``, ``removed/sitemap``, ``removed/marked``,
    ``removed/month_skipped``, ``removed/errors``.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("REMOVALS_ENABLED") or not s.getbool("STORE_ENABLED"):
            raise NotConfigured("removed-article marking is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.month_limit = s.getint("REMOVALS_MONTH_LIMIT")
        self.gone: set[str] = set()
        self.served = IdSet()  # article ids of this run (bits: one an article)
        self.listed: dict[str, list[int]] = {}
        crawler.signals.connect(self.on_gone, article_gone)
        crawler.signals.connect(self.on_month, month_listed)
        crawler.signals.connect(self.on_item, signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def on_gone(self, article_id: int, status: int) -> None:
        self.gone.add(document_id(SITE, article_id))

    def on_item(self, item) -> None:
        self.served.add(str(ItemAdapter(item).get('article_id')))

    def on_month(self, month: str, urls: list[str]) -> None:
        from newsscraper.sites.moscowtimes import article_id_from_url

        ids = [article_id_from_url(u) for u in urls]
        if None in ids:
            logger.info("sitemap %s: not every entry names an article id; not used to find "
                        "removed articles", month)
            return
        self.listed[listing_key(month)] = sorted({i for i in ids if i is not None})

    async def spider_closed(self, spider, reason: str) -> None:
        if not self.gone and not self.listed:
            return
        if database_down(self.crawler, reason):
            return
        try:
            async with held_store(self.crawler) as store:  # the crawler's one store
                dropped = await self.dropped(store)
                http = {k for k in self.gone if not self.was_served(k)}
                marked = await mark_gone(store, sorted(http | dropped), utcnow())
                if marked and self.stats.get_value("run/id"):
                    # the run recorder closes beside this job and may have written its
                    # counts already: the one count it may lack, set on its own
                    await store.runs.finish(self.stats.get_value("run/id"),
                                           {"counts.removed": len(marked)})
        except Exception as exc:
            self.stats.inc_value("removed/errors")
            logger.warning("could not mark removed articles (%s); a later run will",
                           type(exc).__name__)
            return
        for name, keys in (("http", http), ("sitemap", dropped), ("marked", marked)):
            if keys:
                self.stats.set_value(f"removed/{name}", len(keys))
        if marked:
            logger.info("%d stored article(s) removed from the site marked gone_at: %s",
                        len(marked), ", ".join(marked[:20]))

    def was_served(self, key: str) -> bool:
        return key.rsplit(":", 1)[-1] in self.served

    async def dropped(self, store: ArticleStore) -> set[str]:
        """Articles a month file listed when last read and no longer lists (then keeps
        this read's listing for the next)."""
        if not self.listed:
            return set()
        before = await store.state.get(list(self.listed))
        out: set[str] = set()
        keep: dict[str, list[int]] = {}
        for key, now_listed in sorted(self.listed.items()):
            was = set(before.get(key) or [])
            missing = {document_id(SITE, i) for i in was - set(now_listed)
                       if str(i) not in self.served}
            if len(missing) > max(self.month_limit, len(was) // 2):
                self.stats.inc_value("removed/month_skipped")
                logger.warning("%s lists %d of the %d articles it listed before: taken for a "
                               "broken file, no article marked removed", key,
                               len(was) - len(missing), len(was))
                continue
            out |= missing
            keep[key] = now_listed
        await store.state.set(keep)
        return out


def database_down(crawler, reason: str) -> bool:
    """Whether this run lost the database (items spilled): close-time extras then wait
    for the next run rather than for more timeouts."""
    return reason == "mongo_unavailable" or bool(crawler.stats.get_value("mongo/spilled"))
