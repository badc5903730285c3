"""The moscowtimes spider: where to go. What a page says is the page parsers' business;
what is worth fetching, and what the run still owes, is the crawl ledger's.

Discovery, from the seed file: robots.txt -> the sitemap index -> monthly sitemaps inside
the date window, newest first; the news sitemaps (the last 30 days); RSS feeds; section
listings paged through "View more" (``/{section}/{offset}``) until an empty fragment.
Articles lead on to their inline related articles (slug-only links: the redirect names
the id) and their "Read more" cluster, up to ``related_depth`` hops.

Incremental runs (the default) skip what an earlier run stored (see
:mod:`newsscraper.crawl.ledger`). Listings stop paging at the first page with nothing
new on it, and the news sitemap of a section whose first listing page already shows
stored articles is not fetched, so a run over an unchanged site costs a few dozen
requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newsscraper.crawl.arguments import ArgumentError, CrawlArguments, user_agent
from newsscraper.crawl.ledger import CrawlLedger
from newsscraper.crawl.months import month_of_sitemap
from newsscraper.crawl.parsers import ParserPool
from newsscraper.crawl.scaleout import ScaleOut
from newsscraper.crawl.scaleout import enabled as scaled_out
from newsscraper.crawl.state import RedisState
from newsscraper.default_settings import layer_defaults
from newsscraper.profiles import PROFILES
from newsscraper.seeds import load_seeds
from newsscraper.signals import article_gone, month_listed
from newsscraper.sites.moscowtimes import (
    REAL_WWW,
    SECTION_ALIASES,
    article_id_from_url,
    parse_listing_page,
    parse_rss,
)
from newsscraper.spiders.articles import REDIRECTS, ArticleCallbacks
from newsscraper.spiders.backlog import SitemapBacklog
from newsscraper.spiders.discovery import next_listing_page, read_sitemap, url_day
from newsscraper.spiders.failures import GONE, count_failure, http_status
from newsscraper.spiders.links import LinkTriage
from newsscraper.spiders.offsite import origins
from newsscraper.spiders.starts import Origins, Start, news_section

logger = logging.getLogger(__name__)

ARGUMENTS = ("base_url", "static_url", "since", "until", "max_articles", "related_depth",
             "sections", "mode", "seeds")


class MoscowTimesSpider(ArticleCallbacks, scrapy.Spider):
    """Crawls The Moscow Times (or a replica of it): discovery, related links, incremental
    runs. Politeness comes from the settings (robots.txt, AutoThrottle, per-domain
    concurrency).

    Arguments (``-a name=value``, see :class:`CrawlArguments`): ``base_url``,
    ``static_url``, ``since``, ``until``, ``max_articles``, ``related_depth``,
    ``sections``, ``mode``, ``seeds``.

    Settings: ``NEWSSCRAPER_BASE_URL`` / ``NEWSSCRAPER_STATIC_URL`` (origins when no
    argument names them), ``NEWSSCRAPER_CONTACT`` (goes into the User-Agent),
    ``NEWSSCRAPER_PROFILE`` (``replica``: no throttling), the ledger's settings.
    """

    name = "moscowtimes"
    ledger: CrawlLedger
    scaleout: ScaleOut | None = None
    backlog: SitemapBacklog
    queue_low: int  # NEWSSCRAPER_SITEMAP_QUEUE
    draining = False  # start() hands sitemap entries out as the scheduler drains

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Scrapy calls this for every crawler of the spider, before anything reads its
        # settings: the one place a crawl's settings get the project's defaults (a
        # no-op under settings.py, which holds them)
        layer_defaults(settings)
        profile = settings.get("NEWSSCRAPER_PROFILE")
        if profile:
            if profile not in PROFILES:
                raise ArgumentError(f"NEWSSCRAPER_PROFILE must be one of "
                                    f"{', '.join(PROFILES)}; got {profile!r}")
            for key, value in PROFILES[profile].items():
                if (settings.getpriority(key) or 0) <= SETTINGS_PRIORITIES["spider"]:
                    settings.set(key, value, priority="spider")
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["default"]:
            settings.set("USER_AGENT", user_agent(settings.get("NEWSSCRAPER_CONTACT")),
                         priority="spider")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        CrawlArguments.check_names(kwargs)
        given = {k: kwargs.pop(k) for k in ARGUMENTS if k in kwargs}
        super().__init__(*args, **kwargs)
        self.args = CrawlArguments.parse(**given)
        self.origins = Origins(self.args.base_url, self.args.static_url)
        # links and redirects elsewhere are dropped by spiders/offsite.py
        self.allowed_origins = origins([self.args.base_url, self.args.static_url])
        self.links = LinkTriage(self.origins, self.allowed_origins)
        self.starts = self.origins.classify(load_seeds(self.args.seeds))
        if self.args.sections:
            offered = {s.section for s in self.starts if s.section} | \
                set(SECTION_ALIASES.values())
            unknown = sorted(self.args.sections - offered)
            if unknown:
                raise ArgumentError(f"sections: no seed for {', '.join(unknown)}; the seed "
                                    f"file offers {', '.join(sorted(offered))}")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        settings = crawler.settings
        configured = {"base_url": settings.get("NEWSSCRAPER_BASE_URL"),
                      "static_url": settings.get("NEWSSCRAPER_STATIC_URL")}
        for name, origin in configured.items():
            if kwargs.get(name) in (None, ""):
                kwargs[name] = origin or None
        spider = super().from_crawler(crawler, *args, **kwargs)
        listings = {s.section for s in spider.starts if s.kind == "listing" and s.section
                    and spider.args.section_allowed(s.section)}
        state = None
        if scaled_out(crawler.settings):  # one worker of a run shared through Redis
            spider.scaleout = ScaleOut.join(crawler)
            state = RedisState(settings.get("REDIS_URL"),
                               spider.scaleout.state_prefix(), spider.scaleout.keep)
        spider.ledger = CrawlLedger.from_crawler(crawler, spider.args, state,
                                                 listing_sections=listings)
        spider.parsers = ParserPool.from_crawler(crawler)
        spider.backlog = SitemapBacklog(max(1, settings.getint("NEWSSCRAPER_KNOWN_BATCH")))
        spider.queue_low = settings.getint("NEWSSCRAPER_SITEMAP_QUEUE")
        crawler.signals.connect(spider.on_closed, scrapy.signals.spider_closed)
        return spider

    @property
    def arguments(self) -> dict[str, str]:
        """The arguments as the run record shows them."""
        return self.args.as_record()

    @property
    def base_url(self) -> str:
        return self.args.base_url

    @property
    def static_url(self) -> str:
        return self.args.static_url

    # -- start and end -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        await self.ledger.open()
        if self.base_url == REAL_WWW and not self.settings.get("NEWSSCRAPER_CONTACT"):
            logger.warning("crawling the real site without NEWSSCRAPER_CONTACT: set it to an "
                           "e-mail or URL so the site can reach whoever runs this crawler")
        # a worker that is no seeder takes the seeds' requests from the shared queue
        if self.scaleout is None or self.scaleout.seeder:
            for start in self.starts:
                if start.kind == "article":
                    async for r in self.article_requests([start.url], "seed", None):
                        yield r
                elif (request := self.seed_request(start)) is not None:
                    yield request
            if self.scaleout is not None:
                self.scaleout.seeds_done()
        self.draining = True
        try:
            async for r in self.drain_backlog():
                yield r
        finally:
            self.draining = False

    async def drain_backlog(self) -> AsyncIterator[scrapy.Request]:
        """Sitemap entries as requests, a chunk whenever fewer than
        ``NEWSSCRAPER_SITEMAP_QUEUE`` requests wait in the scheduler; ends once nothing
        waits and nothing is in flight (the engine counts a running ``start()`` as work,
        so it cannot fall idle before this ends)."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (callbacks driven by hand, as in tests)
            return
        while True:
            scheduler = engine._slot.scheduler if engine._slot else None  # no public accessor
            if scheduler is None:
                return
            if self.backlog and len(scheduler) < self.queue_low:
                listed, locs = self.backlog.next_chunk()
                async for r in self.article_requests(locs, "sitemap", listed.source,
                                                     refresh=listed.refresh, month=listed.month):
                    yield r
                if listed.done and listed.whole and listed.month is not None:
                    # every article it lists is owed or stored now
                    await self.ledger.month_read(listed.month)
                continue
            if not self.backlog and engine.scraper.slot.is_idle() and \
                    not engine.downloader.active and not scheduler.has_pending_requests():
                return
            await asyncio.sleep(0.05)

    def seed_request(self, start: Start) -> scrapy.Request | None:
        if self.args.sections and start.kind in ("robots", "sitemap"):
            logger.info("sections given: skipping %s (monthly sitemaps hold every section)",
                        start.url)
            return None
        if start.kind == "robots":
            return self.req(start.url, self.parse_robots)
        if start.kind in ("sitemap", "newsmap"):
            return self.req(start.url, self.parse_sitemap,
                            cb_kwargs={"news": start.kind == "newsmap"})
        if not self.args.section_allowed(start.section):
            return None
        if start.kind == "feed":
            return self.req(start.url, self.parse_feed)
        return self.req(start.url, self.parse_listing, meta={"first_page": start.section},
                        cb_kwargs={"section": start.section})

    async def on_closed(self, spider, reason: str) -> None:
        await self.ledger.close(reason)

    def req(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    # -- articles worth fetching -----------------------------------------------------------
    async def article_requests(self, urls: Iterable[str], via: str, source: str | None,
                               depth: int = 0, refresh: bool = False,
                               month: str | None = None) -> AsyncIterator[scrapy.Request]:
        """Requests for the article URLs worth fetching, in order. Slug-only URLs are
        resolved through their redirect first; the ledger decides on the others."""
        stats = self.crawler.stats
        found: dict[int, tuple[str, date | None]] = {}
        for link in map(self.links.of, urls):
            if link.article_id is not None:
                found.setdefault(link.article_id, (link.url, link.day))
            elif link.slug is None:  # not followed, counted by its kind
                stats.inc_value(f"spider/{link.kind}")
            elif await self.ledger.claim_slug(link.slug):
                stats.inc_value("spider/slug_requests")
                yield self.req(link.url, self.resolve_slug, meta={
                    "dont_redirect": True, "handle_httpstatus_list": list(REDIRECTS)},
                    cb_kwargs={"via": via, "source": source, "depth": depth})
        # what each channel offers, whichever channel's request then claims the article
        stats.inc_value(f"spider/offered/{via}", len(found))
        for aid, url in await self.ledger.select(found, month, refresh):
            stats.inc_value(f"spider/scheduled/{via}")
            # the ledger's claim is one request per article id: the dupefilter need not
            # keep a fingerprint of each (150 B an article)
            yield self.req(url, self.parse_article, meta={"article_id": aid},
                           cb_kwargs={"via": via, "source": source, "depth": depth},
                           dont_filter=True)

    # -- callbacks: discovery ------------------------------------------------------------
    def parse_robots(self, response: Response):
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            url = self.origins.rewrite(url)
            yield self.req(url, self.parse_sitemap, cb_kwargs={"news": "newsmap" in url})

    async def parse_sitemap(self, response: Response, news: bool = False,
                            month: str | None = None, refresh: bool = False):
        stats = self.crawler.stats
        kind, entries, truncated = read_sitemap(response, stats)
        if kind == "sitemapindex":
            listed = [(self.origins.rewrite(loc), lastmod) for loc, lastmod in entries]
            if not news and any(month_of_sitemap(loc) for loc, _ in listed):
                for loc, key, fresh in await self.ledger.plan_months(listed):
                    yield self.req(loc, self.parse_sitemap,
                                   cb_kwargs={"month": key, "refresh": fresh})
                for loc, _ in listed:  # not a monthly file: read it as it is
                    if not month_of_sitemap(loc):
                        yield self.req(loc, self.parse_sitemap)
                return
            for loc, _ in listed:
                section = news_section(loc)
                if self.args.section_allowed(section) and \
                        await self.ledger.news_sitemap(section, loc):
                    yield self.req(loc, self.parse_sitemap, cb_kwargs={"news": True})
            return
        stats.inc_value("spider/sitemaps/news" if news else "spider/sitemaps")
        # a file cut short (over 50,000 URLs) is no list to find removed articles in, and
        # is read again next run
        whole = month is not None and not truncated
        if whole:
            # stored articles it listed when last read and no longer lists get gone_at
            self.crawler.signals.send_catch_log(month_listed, month=month,
                                                urls=[loc for loc, _ in entries])
        if self.draining and entries:  # requested as the scheduler drains (by start())
            self.backlog.add([loc for loc, _ in entries], response.url, month, refresh, whole)
            return
        async for r in self.article_requests((loc for loc, _ in entries), "sitemap",
                                             response.url, refresh=refresh, month=month):
            yield r
        if whole and month is not None:  # read to the end: every article it lists is owed
            await self.ledger.month_read(month)      # or stored

    async def parse_feed(self, response: Response):
        self.crawler.stats.inc_value("spider/feeds")
        entries = parse_rss(response.body, response.url)
        async for r in self.article_requests((e.url for e in entries), "rss", response.url):
            yield r

    async def parse_listing(self, response: Response, section: str, offset: int = 0,
                            template: str | None = None, step: int = 18,
                            previous: tuple[int, ...] = ()):
        self.crawler.stats.inc_value("spider/listing_pages")
        listing = parse_listing_page(response.body, response.url)
        ids = tuple(i for i in map(article_id_from_url, listing.urls) if i is not None)
        fetched = 0
        async for r in self.article_requests(listing.urls, "listing", response.url):
            fetched += r.callback == self.parse_article
            yield r
        stored_before = any(i in self.ledger.skipped_known for i in ids)
        if response.meta.get("first_page"):
            news = await self.ledger.first_page(section, caught_up=stored_before)
            if news:
                yield self.req(news, self.parse_sitemap, cb_kwargs={"news": True})
        caught_up = self.ledger.incremental and self.ledger.store is not None \
            and not fetched and stored_before
        page = next_listing_page(listing, self.crawler.stats, offset=offset, template=template,
                                 step=step, progress=any(i not in previous for i in ids),
                                 caught_up=caught_up, budget_left=await self.ledger.budget_left(),
                                 since=self.args.since, days=map(url_day, listing.urls))
        if page is not None:
            url, kwargs = page
            yield self.req(self.origins.rewrite(url), self.parse_listing,
                           cb_kwargs={"section": section, "previous": ids, **kwargs})

    async def on_error(self, failure):
        """Counted and logged, never raised. An article gone for good is owed no more;
        any other failure leaves it owed, so its month is read again next run."""
        count_failure(failure, self.crawler.stats)
        meta = failure.request.meta
        status = http_status(failure)
        if status in GONE:
            await self.ledger.done(meta.get("article_id"))
            if meta.get("article_id") is not None:
                # a stored article gets gone_at at close (RemovedArticles)
                self.crawler.signals.send_catch_log(article_gone,
                                                    article_id=meta["article_id"], status=status)
        if meta.get("first_page"):
            news = await self.ledger.first_page(meta["first_page"], caught_up=False)
            if news:
                yield self.req(news, self.parse_sitemap, cb_kwargs={"news": True})
