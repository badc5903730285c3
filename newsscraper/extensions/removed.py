"""RemovedArticles: marks stored articles the site stopped serving with ``gone_at``."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.items import SITE
from newsscraper.signals import article_gone, month_listed
from newsscraper.storage.mongo import ArticleStore, utcnow
from newsscraper.storage.removals import mark_gone, stored_between
from newsscraper.storage.uri import mongo_uri

logger = logging.getLogger(__name__)

MSK = timezone(timedelta(hours=3))  # the site files an article under its Moscow-time month
MONTH_FILE = re.compile(r"/(\d{4})-(\d{1,2})\.xml$")


class RemovedArticles:
    """At spider close, gives ``gone_at`` (and ``changed_at``) to the stored articles
    that answered 404 or 410 in this run, or that their month's sitemap, read in this
    run, no longer lists, unless this run stored them, or they were published within
    ``NEWSSCRAPER_REFRESH_DAYS`` (a sitemap may lag a new article). A month where more
    than half of the stored articles (and over ``REMOVALS_MONTH_LIMIT``) went missing
    is taken for a broken file and skipped, with a warning.

    Settings: ``REMOVALS_ENABLED`` (True), ``REMOVALS_MONTH_LIMIT`` (10), ``MONGO_*``.
    Stats: ``removed/http``, ``removed/sitemap``, ``removed/marked``,
    ``removed/month_skipped``, ``removed/errors``.
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("REMOVALS_ENABLED", True) or not s.getbool("STORE_ENABLED", True):
            raise NotConfigured("removed-article marking is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.month_limit = s.getint("REMOVALS_MONTH_LIMIT", 10)
        self.recent = timedelta(days=s.getfloat("NEWSSCRAPER_REFRESH_DAYS", 2))
        self.gone: set[str] = set()
        self.served: set[str] = set()
        self.listed: dict[tuple[int, int], set[str]] = {}
        crawler.signals.connect(self.on_gone, article_gone)
        crawler.signals.connect(self.on_month, month_listed)
        crawler.signals.connect(self.on_item, signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def on_gone(self, article_id: int, status: int) -> None:
        self.gone.add(f"{SITE}:{article_id}")

    def on_item(self, item) -> None:
        self.served.add(f"{SITE}:{ItemAdapter(item).get('article_id')}")

    def on_month(self, month: str, urls: list[str]) -> None:
        from newsscraper.sites.moscowtimes import article_id_from_url

        found = MONTH_FILE.search(month)
        ids = [article_id_from_url(u) for u in urls]
        if not found or None in ids:
            logger.info("sitemap %s: not every entry names an article id; not used to find "
                        "removed articles", month)
            return
        key = (int(found.group(1)), int(found.group(2)))
        self.listed.setdefault(key, set()).update(f"{SITE}:{i}" for i in ids)

    async def spider_closed(self, spider, reason: str) -> None:
        if not self.gone and not self.listed:
            return
        store = ArticleStore.from_settings(self.crawler.settings,
                                           mongo_uri(self.crawler.settings))
        try:
            now = utcnow()
            dropped = await self.dropped(store, now)
            http = self.gone - self.served
            marked = await mark_gone(store, sorted(http | dropped), now)
        except Exception as exc:
            self.stats.inc_value("removed/errors")
            logger.warning("could not mark removed articles (%s); a later run will",
                           type(exc).__name__)
            return
        finally:
            await store.close()
        for name, keys in (("http", http), ("sitemap", dropped), ("marked", marked)):
            if keys:
                self.stats.set_value(f"removed/{name}", len(keys))
        if marked:
            logger.info("%d stored article(s) removed from the site marked gone_at: %s",
                        len(marked), ", ".join(marked[:20]))

    async def dropped(self, store: ArticleStore, now: datetime) -> set[str]:
        """Stored live articles of the months read that their sitemap no longer lists.
        One query over the whole span (on FerretDB every query scans the index)."""
        if not self.listed:
            return set()
        first, last = min(self.listed), max(self.listed)
        start = datetime(*first, 1, tzinfo=MSK)
        end = datetime(last[0] + last[1] // 12, last[1] % 12 + 1, 1, tzinfo=MSK)
        by_month: dict[tuple[int, int], dict[str, datetime]] = {}
        for key, published in (await stored_between(store, start, end)).items():
            local = _aware(published).astimezone(MSK)
            if (local.year, local.month) in self.listed:
                by_month.setdefault((local.year, local.month), {})[key] = _aware(published)
        out: set[str] = set()
        for (year, month), stored in sorted(by_month.items()):
            listed = self.listed[(year, month)]
            missing = {k for k, published in stored.items()
                       if k not in listed and k not in self.served
                       and published < now - self.recent}
            if len(missing) > max(self.month_limit, len(stored) // 2):
                self.stats.inc_value("removed/month_skipped")
                logger.warning("sitemap %d-%d lists %d of %d stored articles: taken for a "
                               "broken file, no article marked removed", year, month,
                               len(stored) - len(missing), len(stored))
                continue
            out |= missing
        return out


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
