"""The crawl's side of the archive: a downloader middleware that hands every article
page (and live blog posts) to the run's WARC files, and a spider middleware that puts
where each is kept into the article read from it."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from newsscraper import __version__
from newsscraper.crawl.run_id import new_run_id
from newsscraper.items import Article
from newsscraper.storage.paths import data_dir
from newsscraper.warc.writer import SOFTWARE, Exchange, WarcArchive, WarcSeries

logger = logging.getLogger(__name__)

# the spider's callbacks for article pages: the page, or a slug-only link's redirect to it
ARTICLE_CALLBACKS = frozenset({"parse_article", "resolve_slug"})
LIVE_POSTS_PATH = re.compile(r"/live/\d+/\d+")
META_KEY = "warc_source"
PAGE_HEADER = "Newsscraper-Page"  # what the crawl fetched the page as (page_kind)
# what shapes a crawl, for each file's warcinfo record
SHAPING = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS",
           "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
           "DOWNLOAD_MAXSIZE", "NEWSSCRAPER_PROFILE", "WARC_ALL_RESPONSES")


def warc_dir(settings: Any) -> Path:
    """``WARC_DIR``, else ``<NEWSSCRAPER_DATA_DIR>/warc`` (``var/warc``), of a crawler's
    or a verb's settings (the project's defaults layered)."""
    configured = settings.get("WARC_DIR")
    return Path(configured) if configured else Path(data_dir(settings)) / "warc"


def is_live_posts(url: str) -> bool:
    path = url.split("://", 1)[-1].partition("/")[2]
    return LIVE_POSTS_PATH.fullmatch("/" + path.split("?", 1)[0]) is not None


class WarcRecorder:
    """Writes the request and response of every article page, slug-only redirect and
    live-posts answer into the run's WARC files (:class:`WarcSeries`), through a writer
    process (:class:`WarcArchive`, started with the first page, stopped when the spider
    closes); the response's meta gets a future of where its record starts
    (:class:`WarcProvenance` puts it into the article). Sits below the redirect and
    retry middlewares: it sees the final answers, decompressed.

    Settings: ``WARC_ENABLED`` (True), ``WARC_DIR`` (``NEWSSCRAPER_DATA_DIR/warc``),
    ``WARC_MAX_BYTES`` (1 GB: then a new file), ``WARC_ALL_RESPONSES`` (False: listing
    pages, feeds, sitemaps and robots.txt too).
    Stats: ``warc/records`` (responses kept), ``warc/bytes`` (their bodies),
    ``warc/failed`` (responses to keep that were not: a write failed, or there was no
    writer), ``warc/writer_died`` (the writer could not start or ended: the crawl went on
    without WARC files), ``warc/waits`` (pages that waited for a writer behind).
    """

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        self.crawler = crawler
        self.directory = warc_dir(s)
        self.max_bytes = s.getint("WARC_MAX_BYTES")
        self.everything = s.getbool("WARC_ALL_RESPONSES")
        self.archive: WarcArchive | None = None
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        kind = page_kind(request)
        if self.everything or kind != "other":
            archive, stats = self._archive(), self.crawler.stats
            kept = None
            if await archive.start():
                if waited := await archive.room():  # the disk is behind: wait, do not hoard
                    stats.inc_value("warc/waits", waited)
                kept = archive.submit(exchange(request, response, kind))
            if kept is None:
                stats.inc_value("warc/failed")
            else:
                request.meta[META_KEY] = kept
        return response

    def _archive(self) -> WarcArchive:
        if self.archive is None:
            s, stats = self.crawler.settings, self.crawler.stats
            run_id = stats.get_value("run/id") or s.get("NEWSSCRAPER_RUN_ID") or new_run_id()
            spider = self.crawler.spider
            info = {"software": f"{SOFTWARE}/{__version__}", "spider": spider.name,
                    "arguments": dict(getattr(spider, "arguments", {}) or {}),
                    **{name: s.get(name) for name in SHAPING}}
            self.archive = WarcArchive(WarcSeries(self.directory, str(run_id),
                                                  self.max_bytes, info), stats=stats)
        return self.archive

    async def spider_closed(self, spider, reason: str) -> None:
        if self.archive is not None:
            await self.archive.close()


def page_kind(request: Request) -> str:
    """``article`` (an article page, or a slug-only link's redirect to one),
    ``live_posts`` or ``other`` (listings, feeds, sitemaps, robots.txt)."""
    if getattr(request.callback, "__name__", None) in ARTICLE_CALLBACKS:
        return "article"
    return "live_posts" if is_live_posts(request.url) else "other"


def exchange(request: Request, response: Response, kind: str) -> Exchange:
    """What the writer process needs, read from Scrapy's objects on the event loop."""
    extra = {PAGE_HEADER: kind}
    via, source = request.cb_kwargs.get("via"), request.cb_kwargs.get("source")
    if via:
        extra["Newsscraper-Discovered-Via"] = str(via)
    if source:
        extra["Newsscraper-Discovered-From"] = str(source)
    return Exchange(
        url=response.url, method=request.method,
        request_headers=_pairs(request.headers), status=response.status,
        reason=_reason(response.status), protocol=response.protocol or "HTTP/1.1",
        response_headers=_pairs(response.headers), body=response.body,
        fetched_at=datetime.now(timezone.utc), extra=extra)


def _pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1"))
            for k, values in headers.items() for v in values]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class WarcProvenance:
    """Spider middleware: an article read from a page kept in the WARC files gets its
    ``source`` (file, offset, fetch time) from the page's record. Reads no settings;
    does nothing when the recorder is off."""

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            if isinstance(item, Article) and item.source is None:
                kept = response.meta.get(META_KEY)
                if kept is not None:
                    item.source = await kept
            yield item
