"""The moscowtimes spider: where to go. What a page says is the page parsers' business.

Discovery, from the seed file: robots.txt -> the sitemap index -> monthly sitemaps inside
the date window, newest first; the news sitemaps (the last 30 days); RSS feeds; section
listings paged through "View more" (``/{section}/{offset}``) until an empty fragment.
Articles lead on to their inline related articles (slug-only links: the redirect names
the id) and their "Read more" cluster, up to ``related_depth`` hops.

Incremental runs (the default) ask the store, in batches, which article ids it already
holds and fetch only the others, except:

- articles published within the refresh window (``NEWSSCRAPER_REFRESH_DAYS``), where
  most edits happen;
- every article of a month whose sitemap ``lastmod`` moved since the month was last
  read whole, once that move spans ``NEWSSCRAPER_MONTH_RECHECK_HOURS`` (by the site's
  clock, or by ours since that read). The index is the only place the site tells of
  edits, and only by month: a move may be a new article or an edit, and only fetching
  tells which. Before the recheck is due, a moved month yields only its new articles,
  so the current month, whose ``lastmod`` moves with every publication, is read whole
  about once a day rather than on every run.

Listings stop paging at the first page with nothing new on it, and the news sitemap of
a section whose first listing page already shows stored articles is not fetched, so a
run over an unchanged site costs a few dozen requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TxTimeoutError

from newsscraper import __version__
from newsscraper.items import Article
from newsscraper.profiles import PROFILES
from newsscraper.seeds import Seed, load_seeds
from newsscraper.signals import article_gone, month_listed
from newsscraper.sites.moscowtimes import (
    NotAnArticle,
    ParseError,
    article_id_from_url,
    is_skipped_url,
    is_slug_only_url,
    live_posts_url,
    parse_article,
    parse_listing_page,
    parse_live_posts,
    parse_robots_sitemaps,
    parse_rss,
    parse_sitemap,
)
from newsscraper.spiders.arguments import REAL_STATIC, REAL_WWW, ArgumentError, CrawlArguments
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.uri import mongo_uri

logger = logging.getLogger(__name__)

ARGUMENTS = ("base_url", "static_url", "since", "until", "max_articles", "related_depth",
             "sections", "mode", "seeds")
# feed and news-sitemap names that differ from the listing path of their section
SECTION_ALIASES = {"city": "arts-and-life", "in-depth": "features", "ukraine_war": "ukraine-war",
                   "lecture_series": "lectures"}
REDIRECTS = (301, 302, 303, 307, 308)
GONE = (404, 410)


def section_name(name: str) -> str:
    """The listing path of a feed or news sitemap name (``city`` -> ``arts-and-life``)."""
    return SECTION_ALIASES.get(name, name)


@dataclass(frozen=True)
class Start:
    """A seed, classified: what it is and which section it belongs to."""

    kind: str  # robots | sitemap | newsmap | feed | listing | article
    url: str
    section: str | None = None


class MoscowTimesSpider(scrapy.Spider):
    """Crawls The Moscow Times (or a replica of it): discovery, related links, incremental
    runs. Politeness comes from the settings (robots.txt, AutoThrottle, per-domain
    concurrency).

    Arguments (``-a name=value``): ``base_url``, ``static_url`` (origins; default the real
    site), ``since`` / ``until`` (``YYYY-MM-DD`` or ``Nd``), ``max_articles``,
    ``related_depth`` (2), ``sections`` (comma-separated listing names), ``mode``
    (``incremental`` | ``full``), ``seeds`` (a seed file; default
    ``seeds/moscowtimes.txt``).

    Settings: ``NEWSSCRAPER_BASE_URL`` / ``NEWSSCRAPER_STATIC_URL`` (origins when no
    argument names them), ``NEWSSCRAPER_REFRESH_DAYS`` (2), ``NEWSSCRAPER_KNOWN_BATCH``
    (100 ids per store lookup), ``NEWSSCRAPER_NEWSMAP_WAIT`` (30 s),
    ``NEWSSCRAPER_CONTACT`` (goes into the User-Agent), ``NEWSSCRAPER_PROFILE``
    (``replica``: no throttling), ``STORE_ENABLED``.
    """

    name = "moscowtimes"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
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
        given = {k: kwargs.pop(k) for k in ARGUMENTS if k in kwargs}
        super().__init__(*args, **kwargs)
        self.args = CrawlArguments.parse(**given)
        a = self.args
        self.base_url, self.static_url = a.base_url, a.static_url
        self.since, self.until, self.mode = a.since, a.until, a.mode
        self.max_articles, self.related_depth, self.sections = \
            a.max_articles, a.related_depth, a.sections
        self.incremental = a.mode == "incremental"
        self.arguments = a.as_record()  # shown in the run record
        self.starts = self.classify(load_seeds(a.seeds))
        if self.sections:
            offered = {s.section for s in self.starts if s.section} | \
                set(SECTION_ALIASES.values())
            unknown = sorted(self.sections - offered)
            if unknown:
                raise ArgumentError(f"sections: no seed for {', '.join(unknown)}; the seed "
                                    f"file offers {', '.join(sorted(offered))}")
        self.allowed_domains = sorted({site_domain(u) for u in (self.base_url, self.static_url)})

        self.refresh_days = 2
        self.known_batch = 100
        self.newsmap_wait = 30.0
        self.month_recheck = timedelta(hours=24)
        self.store: ArticleStore | None = None
        # ids requested in this run / yielded / stored by an earlier run and not fetched
        self.scheduled_ids: set[int] = set()
        self.parsed_ids: set[int] = set()
        self.skipped_known: set[int] = set()
        self.scheduled_slugs: set[str] = set()
        self.failed_ids: set[int] = set()
        # monthly sitemaps: what each read means for the state, which were read to the
        # end, which lost articles (errors, window, budget) and so are not done
        self.month_plans: dict[str, tuple[str, str, MonthState | None]] = {}
        self.month_of: dict[int, str] = {}
        self.months_read: set[str] = set()
        self.months_incomplete: set[str] = set()
        # listings: ids seen per section (a page adding none ends the paging), first pages
        self.listing_seen: dict[str, set[int]] = {}
        self.first_pages_due = {s.section for s in self.starts if s.kind == "listing"}
        self.caught_up_sections: set[str] = set()
        self.first_pages_done: asyncio.Event | None = None

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        s = crawler.settings
        if kwargs.get("base_url") in (None, "") and s.get("NEWSSCRAPER_BASE_URL"):
            kwargs["base_url"] = s.get("NEWSSCRAPER_BASE_URL")
        if kwargs.get("static_url") in (None, "") and s.get("NEWSSCRAPER_STATIC_URL"):
            kwargs["static_url"] = s.get("NEWSSCRAPER_STATIC_URL")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.refresh_days = s.getint("NEWSSCRAPER_REFRESH_DAYS", 2)
        spider.known_batch = max(1, s.getint("NEWSSCRAPER_KNOWN_BATCH", 100))
        spider.newsmap_wait = s.getfloat("NEWSSCRAPER_NEWSMAP_WAIT", 30.0)
        spider.month_recheck = timedelta(hours=s.getfloat("NEWSSCRAPER_MONTH_RECHECK_HOURS", 24))
        crawler.signals.connect(spider.on_closed, scrapy.signals.spider_closed)
        return spider

    def classify(self, seeds: Iterable[Seed]) -> list[Start]:
        """What each seed is, by its path on the site (after rewriting the origin)."""
        starts = []
        for seed in seeds:
            url = self.rewrite(seed.url)
            path = urlsplit(url).path
            stem = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
            if path.endswith("/robots.txt"):
                starts.append(Start("robots", url))
            elif path.startswith("/sitemap/"):
                news = stem == "newsmap"
                starts.append(Start("newsmap" if news else "sitemap", url))
            elif path.startswith("/rss/"):
                starts.append(Start("feed", url, section_name(path.split("/")[2])))
            elif article_id_from_url(url) is not None or is_slug_only_url(url):
                starts.append(Start("article", url))
            else:
                starts.append(Start("listing", url, path.strip("/") or "home"))
        return starts

    # -- start and end -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.settings.getbool("STORE_ENABLED", True):
            self.store = ArticleStore.from_settings(self.settings, mongo_uri(self.settings))
        self.first_pages_done = asyncio.Event()
        if self.sections:
            self.first_pages_due &= self.sections
        if not self.first_pages_due:
            self.first_pages_done.set()
        if self.base_url == REAL_WWW and not self.settings.get("NEWSSCRAPER_CONTACT"):
            logger.warning("crawling the real site without NEWSSCRAPER_CONTACT: set it to an "
                           "e-mail or URL so the site can reach whoever runs this crawler")
        for start in self.starts:
            if start.kind == "article":
                async for r in self.article_requests([start.url], "seed", None):
                    yield r
            elif self.sections and start.kind in ("robots", "sitemap"):
                logger.info("sections given: skipping %s (monthly sitemaps hold every section)",
                            start.url)
            elif start.kind == "robots":
                yield self.req(start.url, self.parse_robots)
            elif start.kind in ("sitemap", "newsmap"):
                yield self.req(start.url, self.parse_sitemap,
                               cb_kwargs={"news": start.kind == "newsmap"})
            elif not self.section_allowed(start.section):
                continue
            elif start.kind == "feed":
                yield self.req(start.url, self.parse_feed)
            else:
                yield self.req(start.url, self.parse_listing, meta={"first_page": start.section},
                               cb_kwargs={"section": start.section})

    async def on_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        done = {k: MonthState.after(plan, stamp, state, now).as_value()
                for k, (plan, stamp, state) in self.month_plans.items()
                if stamp and k in self.months_read and k not in self.months_incomplete}
        stats.set_value("spider/months_complete", len(done))
        if self.store is None:
            return
        try:
            if done and reason == "finished":
                await self.store.set_state(done)
        except Exception as exc:
            logger.warning("could not save the sitemap state (%s): the next run re-reads "
                           "those months", type(exc).__name__)
        finally:
            await self.store.close()

    # -- decisions -----------------------------------------------------------------------
    def rewrite(self, url: str) -> str:
        """Real-site origins -> the configured ones (a replica in tests and demos)."""
        for real, mine in ((REAL_WWW, self.base_url), (REAL_STATIC, self.static_url)):
            if real != mine and (url == real or url.startswith(real + "/")):
                return mine + url[len(real):]
        return url

    def on_site(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def section_allowed(self, section: str | None) -> bool:
        return self.sections is None or section in self.sections

    def in_window(self, day: date | None) -> bool:
        if day is None:
            return True
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def month_in_window(self, year: int, month: int) -> bool:
        if self.since and (year, month) < (self.since.year, self.since.month):
            return False
        return not (self.until and (year, month) > (self.until.year, self.until.month))

    def budget_left(self) -> bool:
        return self.max_articles is None or len(self.scheduled_ids) < self.max_articles

    def recent(self, published: datetime | None) -> bool:
        """Inside the refresh window: fetched again even when stored."""
        if published is None:
            return False
        if published.tzinfo is None:  # BSON dates come back naive, in UTC
            published = published.replace(tzinfo=timezone.utc)
        return published >= datetime.now(timezone.utc) - timedelta(days=self.refresh_days)

    def req(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    async def known(self, ids: list[int]) -> dict[int, datetime | None]:
        """Which of ``ids`` an earlier run stored, asked in batches; {} if unknowable."""
        out: dict[int, datetime | None] = {}
        if self.store is None or not self.incremental or not ids:
            return out
        for i in range(0, len(ids), self.known_batch):
            try:
                out.update(await self.store.known_ids(ids[i:i + self.known_batch]))
            except Exception as exc:
                logger.warning("known-id lookup failed (%s): fetching those articles",
                               type(exc).__name__)
                self.crawler.stats.inc_value("spider/store_lookup_errors")
                break
            self.crawler.stats.inc_value("spider/store_lookups")
        return out

    async def article_requests(self, urls: Iterable[str], via: str, source: str | None,
                               depth: int = 0, refresh: bool = False,
                               month: str | None = None) -> AsyncIterator[scrapy.Request]:
        """Requests for the article URLs worth fetching, in order.

        Slug-only URLs are resolved through their redirect first. URLs with an id are
        skipped when already requested in this run, outside the date window, or stored
        by an earlier run (unless recent, or ``refresh``: their month changed).
        """
        stats = self.crawler.stats
        wanted: dict[int, str] = {}
        for raw in urls:
            url = self.rewrite(raw)
            if is_skipped_url(url):
                stats.inc_value("spider/skipped_url")
                continue
            if not self.on_site(url):
                stats.inc_value("spider/offsite")
                continue
            if is_slug_only_url(url):
                request = self.slug_request(url, via, source, depth)
                if request is not None:
                    yield request
                continue
            aid = article_id_from_url(url)
            if aid is None:
                stats.inc_value("spider/not_article_url")
                continue
            if month is not None:
                self.month_of[aid] = month
                if aid in self.failed_ids:
                    self.months_incomplete.add(month)
            if aid in self.scheduled_ids or aid in wanted:
                continue
            if aid in self.skipped_known and not refresh:
                continue
            if not self.in_window(url_day(url)):
                stats.inc_value("spider/outside_window")
                if month is not None:
                    self.months_incomplete.add(month)
                continue
            wanted[aid] = url
        stored = {} if refresh else await self.known(list(wanted))
        for aid, url in wanted.items():
            if aid in self.scheduled_ids:
                continue  # requested by another callback while the store answered
            if aid in stored:
                if not self.recent(stored[aid]):
                    stats.inc_value("spider/skipped_known")
                    logger.debug("stored already: %s (from %s)", url, source)
                    self.skipped_known.add(aid)
                    continue
                stats.inc_value("spider/refreshed")
            if not self.budget_left():
                stats.inc_value("spider/over_max_articles")
                if month is not None:
                    self.months_incomplete.add(month)
                return
            self.scheduled_ids.add(aid)
            stats.inc_value(f"spider/scheduled/{via}")
            yield self.req(url, self.parse_article, meta={"article_id": aid},
                           cb_kwargs={"via": via, "source": source, "depth": depth})

    def slug_request(self, url: str, via: str, source: str | None,
                     depth: int) -> scrapy.Request | None:
        """A slug-only link (render-dated, no id): ask for its redirect alone, so the id
        is known, and checked against this run and the store, before the article is."""
        slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if slug in self.scheduled_slugs or not self.budget_left():
            return None
        self.scheduled_slugs.add(slug)
        self.crawler.stats.inc_value("spider/slug_requests")
        return self.req(url, self.resolve_slug,
                        meta={"dont_redirect": True, "handle_httpstatus_list": list(REDIRECTS)},
                        cb_kwargs={"via": via, "source": source, "depth": depth})

    # -- callbacks: discovery ------------------------------------------------------------
    def parse_robots(self, response: Response):
        for url in parse_robots_sitemaps(response.text):
            url = self.rewrite(url)
            if self.on_site(url):
                yield self.req(url, self.parse_sitemap, cb_kwargs={"news": "newsmap" in url})

    async def parse_sitemap(self, response: Response, news: bool = False,
                            month: str | None = None, refresh: bool = False):
        sitemap = parse_sitemap(response.body, response.url)
        if sitemap.kind == "index" and (news or not any(e.year_month for e in sitemap.entries)):
            async for r in self.news_sitemaps(sitemap.entries):
                yield r
        elif sitemap.kind == "index":
            async for r in self.month_sitemaps(sitemap.entries):
                yield r
        else:
            self.crawler.stats.inc_value("spider/sitemaps/news" if news else "spider/sitemaps")
            if month is not None:
                self.months_read.add(month)
                self.report_month_listing(month, [e.loc for e in sitemap.entries])
            async for r in self.article_requests((e.loc for e in sitemap.entries), "sitemap",
                                                 response.url, refresh=refresh, month=month):
                yield r

    async def month_sitemaps(self, entries) -> AsyncIterator[scrapy.Request]:
        """Monthly files inside the window, newest first (the index is not sorted). In
        incremental runs a month is skipped while its ``lastmod`` stands still, yields
        its new articles when it moved, and is re-read whole when a recheck is due."""
        stats = self.crawler.stats
        months = sorted((e for e in entries
                         if e.year_month and self.month_in_window(*e.year_month)),
                        key=lambda e: e.year_month, reverse=True)
        for e in entries:
            if not e.year_month:  # not a monthly file: read it as it is
                yield self.req(self.rewrite(e.loc), self.parse_sitemap)
        keys = {e.loc: month_key(e.loc) for e in months}
        previous: dict[str, MonthState | None] = {}
        if self.store is not None and keys:
            try:
                stored = await self.store.get_state(list(keys.values()))
                previous = {k: MonthState.load(v) for k, v in stored.items()}
            except Exception as exc:
                logger.warning("sitemap state unavailable (%s): reading every month",
                               type(exc).__name__)
        stamps = {e.loc: e.lastmod.isoformat() if e.lastmod else "" for e in months}
        moved = []
        for loc, stamp in stamps.items():
            state = previous.get(keys[loc])
            if stamp and state is not None and stamp != state.full:
                moved.append(stamp)
        # one time stamp on every moved month is the build time of the index, not edits
        trust = not (len(moved) > 1 and len(set(moved)) == 1)
        if not trust:
            logger.warning("every changed month has lastmod %s: taken as the build time of "
                           "the index, not as edits", moved[0])
        now = datetime.now(timezone.utc)
        for e in months:
            if not self.budget_left():
                stats.inc_value("spider/months_over_max_articles")
                break
            key, stamp = keys[e.loc], stamps[e.loc]
            state = previous.get(key)
            plan = plan_month(stamp, state, now, self.month_recheck, trust) \
                if self.incremental else "full"
            stats.inc_value(f"spider/months/{plan}")
            if plan == "skip":
                continue
            self.month_plans[key] = (plan, stamp, state)
            refresh = self.incremental and plan == "full"
            yield self.req(self.rewrite(e.loc), self.parse_sitemap,
                           cb_kwargs={"month": key, "refresh": refresh})

    async def news_sitemaps(self, entries) -> AsyncIterator[scrapy.Request]:
        """The per-section news sitemaps, except (incremental runs) those of sections whose
        first listing page already showed stored articles: nothing newer is missing."""
        if self.incremental and self.store is not None and self.first_pages_done is not None:
            try:
                await asyncio.wait_for(self.first_pages_done.wait(), self.newsmap_wait)
            except asyncio.TimeoutError:
                logger.info("listing first pages still pending: reading every news sitemap")
        for e in entries:
            stem = urlsplit(e.loc).path.rsplit("/", 1)[-1].removesuffix(".xml")
            section = section_name(stem)
            if not self.section_allowed(section):
                continue
            if section in self.caught_up_sections:
                self.crawler.stats.inc_value("spider/news_sitemap_caught_up")
                continue
            yield self.req(self.rewrite(e.loc), self.parse_sitemap, cb_kwargs={"news": True})

    async def parse_feed(self, response: Response):
        self.crawler.stats.inc_value("spider/feeds")
        entries = parse_rss(response.body, response.url)
        async for r in self.article_requests((e.url for e in entries), "rss", response.url):
            yield r

    async def parse_listing(self, response: Response, section: str, offset: int = 0,
                            template: str | None = None, step: int = 18):
        stats = self.crawler.stats
        stats.inc_value("spider/listing_pages")
        listing = parse_listing_page(response.body, response.url)
        ids = [i for i in map(article_id_from_url, listing.urls) if i is not None]
        seen = self.listing_seen.setdefault(section, set())
        progress = any(i not in seen for i in ids)
        seen.update(ids)
        fetched = 0
        async for r in self.article_requests(listing.urls, "listing", response.url):
            fetched += r.callback == self.parse_article
            yield r
        stored_before = any(i in self.skipped_known for i in ids)
        if response.meta.get("first_page"):
            self.first_page_done(section, caught_up=stored_before)
        template = listing.more_template or template
        step = listing.more_step or step
        if not listing.urls:
            stats.inc_value("spider/listing_end")
            return  # an empty "View more" fragment: past the end
        if not template:
            return
        if not progress:
            stats.inc_value("spider/listing_no_progress")
            return  # the same cards again: the offset is ignored
        if not self.budget_left():
            return
        if self.incremental and self.store is not None and not fetched and stored_before:
            stats.inc_value("spider/listing_caught_up")
            return  # nothing new here, and stored articles: the rest is older
        days = [d for d in map(url_day, listing.urls) if d]
        if self.since and days and max(days) < self.since:
            stats.inc_value("spider/listing_before_since")
            return
        if offset == 0 and listing.more_template and listing.more_start is not None:
            next_offset = listing.more_start
        else:
            next_offset = offset + step
        url = self.rewrite(template.replace("{{offset}}", str(next_offset)))
        yield self.req(url, self.parse_listing, cb_kwargs={
            "section": section, "offset": next_offset, "template": template, "step": step})

    def first_page_done(self, section: str, caught_up: bool) -> None:
        if caught_up:
            self.caught_up_sections.add(section)
        self.first_pages_due.discard(section)
        if not self.first_pages_due and self.first_pages_done is not None:
            self.first_pages_done.set()

    # -- callbacks: articles -------------------------------------------------------------
    async def resolve_slug(self, response: Response, via: str, source: str | None, depth: int):
        if response.status in REDIRECTS:
            location = response.headers.get("Location")
            if not location:
                self.crawler.stats.inc_value("spider/slug_unresolved")
                logger.warning("redirect without Location for %s", response.url)
                return
            target = response.urljoin(location.decode("latin-1"))
            self.crawler.stats.inc_value("spider/slug_resolved")
            async for r in self.article_requests([target], via, source, depth):
                yield r
            return
        # answered with the page itself: read it as the article
        async for r in self.parse_article(response, via, source, depth):
            yield r

    async def parse_article(self, response: Response, via: str, source: str | None, depth: int):
        stats = self.crawler.stats
        try:
            article = parse_article(response.body, response.url)
        except NotAnArticle as exc:
            stats.inc_value("spider/not_article")
            logger.warning("not an article at %s: %s", response.url, exc)
            return
        except ParseError as exc:
            stats.inc_value("spider/parse_error")
            logger.error("cannot parse %s: %s", response.url, exc)
            return
        except Exception:  # a parser bug: this page is lost, the crawl goes on
            stats.inc_value("spider/parser_bug")
            logger.exception("parser failed on %s; please report with the saved page",
                             response.url)
            return
        if article.article_id in self.parsed_ids:
            stats.inc_value("spider/duplicate_canonical")
            return  # two URLs, one canonical article (ids are known after the response)
        self.parsed_ids.add(article.article_id)
        self.scheduled_ids.add(article.article_id)
        if article.partial:
            stats.inc_value("spider/partial")
            logger.warning("partial article %s: %s", response.url, ", ".join(article.parse_errors))
        article.discovered_via = via
        article.discovered_from = source
        links = [r.url for r in article.related]
        stats.inc_value("spider/related_links", len(links))
        stats.inc_value("spider/read_more_links", len(article.read_more))
        async for r in self.follow(links + list(article.read_more), article.url, depth):
            yield r
        if article.type == "live":
            posts_url = live_posts_url(response.body, response.url)
            if posts_url:
                yield scrapy.Request(posts_url, callback=self.parse_live,
                                     errback=self.live_failed, dont_filter=True,
                                     cb_kwargs={"article": article, "depth": depth})
                return
            article.partial = True
            article.parse_errors.append("no_live_posts_url")
        stats.inc_value(f"spider/articles/{article.type}")
        yield article

    async def follow(self, urls: list[str], source: str, depth: int):
        """Related and "Read more" links, while within ``related_depth`` hops."""
        if depth >= self.related_depth or not urls:
            return
        async for r in self.article_requests(urls, "related", source, depth + 1):
            yield r

    async def parse_live(self, response: Response, article: Article, depth: int):
        try:
            article.live_posts = parse_live_posts(response.body)
        except ParseError as exc:
            article.partial = True
            article.parse_errors.append("live_posts_unreadable")
            logger.warning("live posts of %s unreadable: %s", article.url, exc)
        links = [r.url for post in article.live_posts for r in post.related]
        self.crawler.stats.inc_value("spider/related_links", len(links))
        async for r in self.follow(links, article.url, depth):
            yield r
        self.crawler.stats.inc_value("spider/articles/live")
        yield article

    def live_failed(self, failure):
        article = failure.request.cb_kwargs["article"]
        article.partial = True
        article.parse_errors.append("live_posts_unavailable")
        self.on_error(failure)
        self.crawler.stats.inc_value("spider/articles/live")
        yield article

    # -- hooks for the RemovedArticles extension (gone_at) ------------------------------
    def report_removed(self, article_id: int, status: int) -> None:
        """An article answered 404 or 410: stored, it gets ``gone_at`` at close."""
        self.crawler.signals.send_catch_log(article_gone, article_id=article_id,
                                            status=status)

    def report_month_listing(self, month: str, urls: list[str]) -> None:
        """A monthly sitemap was read: stored articles of that month it no longer lists
        get ``gone_at`` at close."""
        self.crawler.signals.send_catch_log(month_listed, month=month, urls=urls)

    def on_error(self, failure) -> None:
        """Counted and logged, never raised: one bad page does not end a crawl."""
        stats = self.crawler.stats
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        aid = request.meta.get("article_id")
        if aid is not None and status not in GONE:
            self.failed_ids.add(aid)  # worth another try: its month is not done
            if aid in self.month_of:
                self.months_incomplete.add(self.month_of[aid])
        if request.meta.get("first_page"):
            self.first_page_done(request.meta["first_page"], caught_up=False)
        if status is not None:
            stats.inc_value(f"spider/http_{status}")
            if status in GONE:
                stats.inc_value("spider/gone")
                logger.info("HTTP %s (removed) for %s", status, request.url)
                if aid is not None:
                    self.report_removed(aid, status)
            else:
                logger.warning("HTTP %s for %s", status, request.url)
        elif failure.check(TxTimeoutError, TCPTimedOutError):
            stats.inc_value("spider/timeout")
            logger.warning("timed out fetching %s", request.url)
        elif failure.check(DNSLookupError):
            stats.inc_value("spider/dns_error")
            logger.warning("DNS lookup failed for %s", request.url)
        elif failure.check(ConnectError, ConnectionLost):
            stats.inc_value("spider/connection_error")
            logger.warning("connection failed for %s: %s", request.url, failure.getErrorMessage())
        elif failure.check(IgnoreRequest):
            stats.inc_value("spider/ignored")
            logger.info("not fetched: %s (%s)", request.url, failure.getErrorMessage())
        else:
            stats.inc_value(f"spider/error/{failure.type.__name__}")
            logger.warning("failed to fetch %s: %s: %s", request.url, failure.type.__name__,
                           failure.getErrorMessage())


def site_domain(origin: str) -> str:
    """The domain offsite checks allow: ``themoscowtimes.com`` for both real origins (the
    sitemaps live on ``static.``), the bare host elsewhere (ports are not compared)."""
    host = urlsplit(origin).hostname or ""
    return "themoscowtimes.com" if host.endswith("themoscowtimes.com") else host


def url_day(url: str) -> date | None:
    """The publication date in an article URL's path (Moscow time), if it has one."""
    parts = urlsplit(url).path.split("/")
    try:
        return date(int(parts[1]), int(parts[2]), int(parts[3]))
    except (IndexError, ValueError):
        return None


def month_key(loc: str) -> str:
    """State key of a monthly sitemap: its path (a replica's ports change between runs)."""
    return f"sitemap:{urlsplit(loc).path}"


def user_agent(contact: str | None) -> str:
    contact = (contact or "").strip()
    return f"newsscraper/{__version__} (news archive crawler" + \
        (f"; +{contact})" if contact else ")")


@dataclass(frozen=True)
class MonthState:
    """What the crawl remembers of one monthly sitemap between runs (``crawl_state``)."""

    seen: str
    """``lastmod`` when the month's file was last read to the end."""
    full: str
    """``lastmod`` when every article of the month was last fetched or found stored."""
    full_at: str = ""
    """Our clock (ISO, UTC) at that full read."""

    @classmethod
    def load(cls, value: Any) -> MonthState | None:
        if isinstance(value, str):  # the state of earlier versions: a plain lastmod
            return cls(value, value)
        if isinstance(value, dict) and value.get("seen") and value.get("full"):
            return cls(str(value["seen"]), str(value["full"]), str(value.get("full_at") or ""))
        return None

    @classmethod
    def after(cls, plan: str, stamp: str, state: MonthState | None, now: str) -> MonthState:
        """The state once a month was read to the end under ``plan``."""
        if plan == "new" and state is not None:
            return cls(stamp, state.full, state.full_at)
        return cls(stamp, stamp, now)

    def as_value(self) -> dict[str, str]:
        return {"seen": self.seen, "full": self.full, "full_at": self.full_at}


def plan_month(stamp: str, state: MonthState | None, now: datetime, recheck: timedelta,
               trust: bool = True) -> str:
    """How an incremental run reads a monthly sitemap whose index entry says ``stamp``:

    - ``read``: never read (or no lastmod): its articles not stored yet;
    - ``skip``: nothing moved since it was last read whole, or since its last read while
      a recheck is not due;
    - ``new``: it moved, a recheck is not due: the articles not stored yet;
    - ``full``: it moved and a recheck is due: every article, stored or not.
    """
    if state is None or not stamp:
        return "read"
    if stamp == state.full:
        return "skip"
    due = trust and (_elapsed(state.full, stamp) >= recheck
                     or (bool(state.full_at) and _elapsed(state.full_at, now) >= recheck))
    if due:
        return "full"
    return "skip" if stamp == state.seen else "new"


def _elapsed(earlier: str | datetime, later: str | datetime) -> timedelta:
    try:
        a = earlier if isinstance(earlier, datetime) else datetime.fromisoformat(earlier)
        b = later if isinstance(later, datetime) else datetime.fromisoformat(later)
        if a.tzinfo is None:
            a = a.replace(tzinfo=timezone.utc)
        if b.tzinfo is None:
            b = b.replace(tzinfo=timezone.utc)
        return b - a
    except (TypeError, ValueError):
        return timedelta.max  # unreadable: better read whole than miss edits
