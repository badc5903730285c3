"""The moscowtimes spider: where to go. What a page says is the page parsers' business.

Discovery: robots.txt -> sitemap index -> monthly sitemaps in the date window; the news
sitemaps; RSS feeds; section listings paged through "View more" until an empty
fragment. Articles lead on to their inline related articles (slug-only links resolved
through their redirect) and the "Read more" cluster, up to ``related_depth``.

Incremental runs (the default) ask the store, in batches, which article ids it already
holds and skip them, except inside the refresh window (recently published) or when the
monthly sitemap listing them changed its ``lastmod`` since the last run (edits).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TxTimeoutError

from newsscraper.seeds import load_seeds
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
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.uri import mongo_uri

REAL_WWW = "https://www.themoscowtimes.com"
REAL_STATIC = "https://static.themoscowtimes.com"
MODES = ("incremental", "full")

logger = logging.getLogger(__name__)


def parse_day(value: str | None, name: str) -> date | None:
    """``2024-05-17`` or a relative ``31d`` (days before today)."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    if value.endswith("d") and value[:-1].isdigit():
        return datetime.now(timezone.utc).date() - timedelta(days=int(value[:-1]))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be YYYY-MM-DD or Nd (days ago), got {value!r}") from None


class MoscowTimesSpider(scrapy.Spider):
    """Arguments (``-a name=value``): ``base_url``, ``static_url``, ``since``, ``until``,
    ``max_articles``, ``related_depth`` (2), ``sections`` (comma-separated listing paths),
    ``mode`` (incremental | full), ``seeds`` (a seed file path).

    Settings: ``NEWSSCRAPER_BASE_URL``, ``NEWSSCRAPER_STATIC_URL``,
    ``NEWSSCRAPER_REFRESH_DAYS`` (2), ``NEWSSCRAPER_KNOWN_BATCH`` (100).
    """

    name = "moscowtimes"

    def __init__(self, base_url: str | None = None, static_url: str | None = None,
                 since: str | None = None, until: str | None = None,
                 max_articles: str | int | None = None, related_depth: str | int = 2,
                 sections: str | None = None, mode: str = "incremental",
                 seeds: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or REAL_WWW).rstrip("/")
        self.static_url = (static_url or REAL_STATIC).rstrip("/")
        self.since = parse_day(since, "since")
        self.until = parse_day(until, "until")
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until")
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None
        self.related_depth = int(related_depth)
        if self.related_depth < 0 or (self.max_articles is not None and self.max_articles < 0):
            raise ValueError("related_depth and max_articles must not be negative")
        self.sections = {s.strip().strip("/") for s in sections.split(",")} if sections else None
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.seed_file = seeds
        self.arguments = {k: v for k, v in dict(
            base_url=self.base_url, static_url=self.static_url, since=since, until=until,
            max_articles=max_articles, related_depth=related_depth, sections=sections,
            mode=mode, seeds=seeds).items() if v is not None}
        hosts = {urlsplit(self.base_url).hostname, urlsplit(self.static_url).hostname}
        self.allowed_domains = sorted(
            "themoscowtimes.com" if h and h.endswith("themoscowtimes.com") else h
            for h in hosts if h)
        self.scheduled_ids: set[int] = set()
        self.scheduled_slugs: set[str] = set()
        self.store: ArticleStore | None = None
        self.sitemap_state: dict[str, str] = {}
        self.new_state: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        s = crawler.settings
        kwargs.setdefault("base_url", s.get("NEWSSCRAPER_BASE_URL"))
        kwargs.setdefault("static_url", s.get("NEWSSCRAPER_STATIC_URL"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.refresh_days = s.getint("NEWSSCRAPER_REFRESH_DAYS", 2)
        spider.known_batch = s.getint("NEWSSCRAPER_KNOWN_BATCH", 100)
        crawler.signals.connect(spider._closed, scrapy.signals.spider_closed)
        return spider

    # -- start -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.mode == "incremental" and self.settings.getbool("STORE_ENABLED", True):
            self.store = ArticleStore.from_settings(self.settings, mongo_uri(self.settings))
        for seed in load_seeds(self.seed_file):
            url = self.rewrite(seed.url)
            path = urlsplit(url).path
            if path.endswith("robots.txt"):
                yield self.req(url, self.parse_robots)
            elif path.startswith("/rss/"):
                if self._section_allowed(path.split("/")[2]):
                    yield self.req(url, self.parse_feed)
            elif path.startswith("/sitemap/"):
                yield self.req(url, self.parse_sitemap, cb_kwargs={"news": "newsmap" in path})
            elif self._section_allowed(path.strip("/").split("/")[0]):
                yield self.req(url, self.parse_listing, cb_kwargs={"offset": 0})

    async def _closed(self, spider, reason: str) -> None:
        if self.store is not None:
            if self.new_state and reason == "finished":
                try:
                    await self.store.set_state(self.new_state)
                except Exception as exc:
                    logger.warning("could not save sitemap state: %s", type(exc).__name__)
            await self.store.close()

    # -- helpers -------------------------------------------------------------------------
    def rewrite(self, url: str) -> str:
        """Real-site origins -> the configured ones (the replica, in tests and demos)."""
        for real, mine in ((REAL_WWW, self.base_url), (REAL_STATIC, self.static_url)):
            if url.startswith(real):
                return mine + url[len(real):]
        return url

    def req(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    def _section_allowed(self, name: str) -> bool:
        return self.sections is None or name in self.sections

    def _in_window(self, url: str) -> bool:
        parts = urlsplit(url).path.split("/")
        try:
            day = date(int(parts[1]), int(parts[2]), int(parts[3]))
        except (IndexError, ValueError):
            return True
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def _budget_left(self) -> bool:
        return self.max_articles is None or len(self.scheduled_ids) < self.max_articles

    async def article_requests(self, urls: Iterable[str], via: str, source: str,
                               depth: int = 0, refresh: bool = False) -> AsyncIterator[Any]:
        """Requests for the article URLs worth fetching, asking the store in one batch."""
        stats = self.crawler.stats
        with_id: dict[int, str] = {}
        for url in urls:
            url = self.rewrite(url)
            if is_skipped_url(url):
                stats.inc_value("spider/skipped_url")
                continue
            if is_slug_only_url(url):
                slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
                if slug not in self.scheduled_slugs and self._budget_left():
                    self.scheduled_slugs.add(slug)
                    # resolve the id from the redirect alone before fetching the article
                    yield self.req(url, self.resolve_slug, meta={
                        "dont_redirect": True, "handle_httpstatus_list": [301, 302]},
                        cb_kwargs={"via": via, "source": source, "depth": depth})
                continue
            aid = article_id_from_url(url)
            if aid is None or aid in self.scheduled_ids or aid in with_id:
                continue
            if not self._in_window(url):
                stats.inc_value("spider/outside_window")
                continue
            with_id[aid] = url
        known: dict[int, datetime | None] = {}
        if self.store is not None and with_id and not refresh:
            ids = list(with_id)
            for i in range(0, len(ids), self.known_batch):
                try:
                    known.update(await self.store.known_ids(ids[i:i + self.known_batch]))
                except Exception as exc:
                    logger.warning("known-id lookup failed (%s); fetching", type(exc).__name__)
                    stats.inc_value("spider/store_lookup_errors")
                    break
        horizon = datetime.now(timezone.utc) - timedelta(days=self.refresh_days)
        for aid, url in with_id.items():
            if aid in known:
                published = known[aid]
                if published is None or published.replace(tzinfo=published.tzinfo or timezone.utc) < horizon:
                    stats.inc_value("spider/skipped_known")
                    self.scheduled_ids.add(aid)
                    continue
                stats.inc_value("spider/refreshed")
            if not self._budget_left():
                stats.inc_value("spider/over_max_articles")
                return
            self.scheduled_ids.add(aid)
            yield self.req(url, self.parse_article,
                           cb_kwargs={"via": via, "source": source, "depth": depth})

    # -- callbacks -----------------------------------------------------------------------
    def parse_robots(self, response: Response):
        for url in parse_robots_sitemaps(response.text):
            yield self.req(self.rewrite(url), self.parse_sitemap, cb_kwargs={"news": False})

    async def parse_sitemap(self, response: Response, news: bool = False, refresh: bool = False):
        sitemap = parse_sitemap(response.body, response.url)
        if sitemap.kind == "index":
            entries = [e for e in sitemap.entries
                       if not e.year_month or self._month_in_window(*e.year_month)]
            # state keys are paths (ports of a replica change between runs)
            keys = {e.loc: f"sitemap:{urlsplit(e.loc).path}" for e in entries}
            if self.store is not None and not news:
                try:
                    self.sitemap_state.update(await self.store.get_state(list(keys.values())))
                except Exception as exc:
                    logger.warning("sitemap state unavailable (%s)", type(exc).__name__)
            for entry in entries:
                key = keys[entry.loc]
                lastmod = entry.lastmod.isoformat() if entry.lastmod else ""
                changed = self.sitemap_state.get(key) != lastmod
                if lastmod:
                    self.new_state[key] = lastmod
                if self.store is not None and not news and not changed and entry.year_month:
                    self.crawler.stats.inc_value("spider/sitemap_unchanged")
                    continue  # no article of that month changed since the last run
                yield self.req(self.rewrite(entry.loc), self.parse_sitemap, cb_kwargs={
                    "news": news or "newsmap" in response.url,
                    "refresh": bool(entry.year_month and self.sitemap_state.get(key))})
            return
        async for r in self.article_requests((e.loc for e in sitemap.entries), "sitemap",
                                             response.url, refresh=refresh):
            yield r

    def _month_in_window(self, year: int, month: int) -> bool:
        if self.since and (year, month) < (self.since.year, self.since.month):
            return False
        return not (self.until and (year, month) > (self.until.year, self.until.month))

    async def parse_feed(self, response: Response):
        entries = parse_rss(response.body, response.url)
        async for r in self.article_requests((e.url for e in entries), "rss", response.url):
            yield r

    async def parse_listing(self, response: Response, offset: int = 0):
        listing = parse_listing_page(response.body, response.url)
        stats = self.crawler.stats
        stats.inc_value("spider/listing_pages")
        before = len(self.scheduled_ids)
        fetched = 0
        async for r in self.article_requests(listing.urls, "listing", response.url):
            fetched += r.callback == self.parse_article
            yield r
        template = listing.more_template or response.meta.get("more_template")
        if not listing.urls or not template:
            return  # an empty fragment: past the end
        if self.store is not None and not fetched and len(self.scheduled_ids) > before:
            stats.inc_value("spider/listing_caught_up")
            return  # incremental: everything on this page is already stored
        if self.since and all(not self._in_window(u) for u in listing.urls
                              if article_id_from_url(u)):
            return  # older than the window from here on
        step = listing.more_step or response.meta.get("more_step", 18)
        start = listing.more_start if listing.more_template else offset + step
        next_offset = start if offset == 0 and listing.more_template else offset + step
        yield self.req(self.rewrite(template.replace("{{offset}}", str(next_offset))),
                       self.parse_listing, cb_kwargs={"offset": next_offset},
                       meta={"more_template": template, "more_step": step})

    async def resolve_slug(self, response: Response, via: str, source: str, depth: int):
        location = response.headers.get("Location")
        if response.status not in (301, 302) or not location:
            self.crawler.stats.inc_value("spider/slug_unresolved")
            logger.warning("slug-only link %s did not redirect (HTTP %s)", response.url,
                           response.status)
            return
        target = response.urljoin(location.decode("latin-1"))
        async for r in self.article_requests([target], via, source, depth):
            yield r

    async def parse_article(self, response: Response, via: str, source: str, depth: int):
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
        if article.partial:
            stats.inc_value("spider/partial")
            logger.warning("partial article %s: %s", response.url, ", ".join(article.parse_errors))
        article.discovered_via = via
        article.discovered_from = source
        self.scheduled_ids.add(article.article_id)
        if depth < self.related_depth:
            links = [r.url for r in article.related] + list(article.read_more)
            stats.inc_value("spider/related_links", len(article.related))
            async for r in self.article_requests(links, "related", article.url, depth + 1):
                yield r
        if article.type == "live":
            posts_url = live_posts_url(response.body, response.url)
            if posts_url:
                yield scrapy.Request(posts_url, callback=self.parse_live, errback=self.live_failed,
                                     cb_kwargs={"article": article}, dont_filter=True)
                return
        stats.inc_value(f"spider/articles/{article.type}")
        yield article

    def parse_live(self, response: Response, article):
        try:
            article.live_posts = parse_live_posts(response.body)
        except ParseError as exc:
            article.partial = True
            article.parse_errors.append("live_posts_unreadable")
            logger.warning("live posts of %s unreadable: %s", article.url, exc)
        self.crawler.stats.inc_value("spider/articles/live")
        yield article

    def live_failed(self, failure):
        article = failure.request.cb_kwargs["article"]
        article.partial = True
        article.parse_errors.append("live_posts_unavailable")
        self.on_error(failure)
        yield article

    def on_error(self, failure) -> None:
        stats = self.crawler.stats
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            stats.inc_value(f"spider/http_{status}")
            level = logging.INFO if status in (404, 410) else logging.WARNING
            logger.log(level, "HTTP %s for %s", status, request.url)
        elif failure.check(TxTimeoutError):
            stats.inc_value("spider/timeout")
            logger.warning("timeout fetching %s", request.url)
        else:
            stats.inc_value(f"spider/error/{failure.type.__name__}")
            logger.warning("failed to fetch %s: %s", request.url, failure.getErrorMessage())
