"""The reparse spider: the article pages kept in WARC files read again by the current
parsers, and stored through the same item pipelines, without a single request. What an
operator runs after a parser fix (``newsscraper reparse``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timezone
from pathlib import Path
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings

from newsscraper.crawl.arguments import ArgumentError
from newsscraper.crawl.parsers import ParserPool
from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.default_settings import layer_defaults
from newsscraper.items import Article
from newsscraper.sites.moscowtimes import article_id_from_url
from newsscraper.sites.moscowtimes.site import parse_iso
from newsscraper.spiders.articles import ArticleCallbacks, read_article
from newsscraper.warc.index import ArchiveIndex
from newsscraper.warc.middleware import warc_dir
from newsscraper.warc.reader import Entry, Page, read_page, warc_files

logger = logging.getLogger(__name__)

ONLY = ("all", "partial", "held", "dropped")
VIA, FROM = "Newsscraper-Discovered-Via", "Newsscraper-Discovered-From"


class ReparseSpider(ArticleCallbacks, scrapy.Spider):
    """Reads the latest kept copy of every article page under the WARC directory with
    the crawl's own article callbacks' parsers (:func:`read_article`, live posts from
    their kept answer) and yields the articles from ``start()`` to the item pipelines;
    the store makes a new revision only where the result differs. Slug-only links'
    kept redirects are reported as the crawl reports them.

    Arguments: ``warc`` (default ``WARC_DIR``), ``since`` (pages fetched since this
    date or time, UTC), ``only``: ``all`` (default), ``partial`` (articles stored
    partial), ``held`` (articles with a held revision), ``dropped`` (pages fetched whose
    article is not stored: dropped by validation, or not read at all).
    Stats: ``reparse/pages``, ``reparse/skipped``, ``reparse/redirects``.
    """

    name = "reparse"
    # one page at a time: a parser process would only add a pipe's round trip
    custom_settings = {"PARSER_WORKERS": 0, "WARC_ENABLED": False}  # noqa: RUF012

    def __init__(self, warc: str | None = None, since: str | None = None,
                 only: str = "all", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if only not in ONLY:
            raise ArgumentError(f"only must be one of {', '.join(ONLY)}; got {only!r}")
        self.since = parse_iso(since, timezone.utc) if since else None
        if since and self.since is None:
            raise ArgumentError(f"since: not a date: {since!r} (YYYY-MM-DD or ISO 8601)")
        self.only = only
        self.warc = warc
        self.directory = Path(warc or ".")
        self.index = ArchiveIndex()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        layer_defaults(settings)  # as MoscowTimesSpider: every crawler of it has them

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.directory = Path(spider.warc) if spider.warc else warc_dir(crawler.settings)
        # nothing to re-read is a run that would do nothing: refused (exit 2), not a run
        # that reads no page and says "finished"
        if not spider.directory.is_dir():
            raise ArgumentError(f"warc: no WARC directory at {spider.directory}")
        if not warc_files(spider.directory):
            raise ArgumentError(f"warc: no WARC files under {spider.directory}")
        spider.parsers = ParserPool.from_crawler(crawler)
        return spider

    @property
    def arguments(self) -> dict[str, str]:
        """The arguments as the run record shows them."""
        out = {"warc": str(self.directory), "only": self.only}
        if self.since is not None:
            out["since"] = self.since.isoformat()
        return out

    async def start(self) -> AsyncIterator[Any]:
        loop = asyncio.get_running_loop()
        self.index = await loop.run_in_executor(None, ArchiveIndex.build, self.directory,
                                                self.since)
        logger.info("%d article page(s) and %d live-post answer(s) in %d WARC file(s) under "
                    "%s", len(self.index.articles), len(self.index.live_posts),
                    self.index.files, self.directory)
        stats = self.crawler.stats
        for url, target in self.index.redirects.items():
            self.report_slug(url, target)
        stats.set_value("reparse/redirects", len(self.index.redirects))
        wanted = await self.selection()
        for entry in sorted(self.index.articles.values(), key=lambda e: e.source.fetched_at):
            aid = article_id_from_url(entry.url)
            if aid is not None and not wanted(aid):
                stats.inc_value("reparse/skipped")
                continue
            article = await self.article_of(await loop.run_in_executor(None, _read, entry))
            if article is None:
                continue
            if not wanted(article.article_id):
                stats.inc_value("reparse/skipped")
                continue
            stats.inc_value(f"spider/articles/{article.type}")
            yield article

    async def article_of(self, page: Page) -> Article | None:
        """What the current parsers read on a kept page, with its provenance."""
        self.crawler.stats.inc_value("reparse/pages")
        response = HtmlResponse(page.url, status=page.status, headers=page.headers,
                                body=page.body)
        parsed = await read_article(self.parsers, response, self.crawler.stats)
        if parsed is None:
            return None
        article = parsed.article
        article.source = page.source
        article.discovered_via = page.warc_headers.get(VIA)
        article.discovered_from = page.warc_headers.get(FROM)
        if article.type == "live":
            await self.read_live_posts(article, parsed.live_posts_url)
        return article

    async def fetch(self, request: scrapy.Request) -> Response:
        """A live blog's posts as kept; never the network."""
        entry = self.index.live_posts.get(request.url)
        if entry is None:
            raise IgnoreRequest("not in the WARC files")
        page = await asyncio.get_running_loop().run_in_executor(None, _read, entry)
        return Response(page.url, status=page.status, headers=page.headers, body=page.body,
                        request=request)

    async def selection(self) -> Callable[[int], bool]:
        """Which article ids ``only`` asks for, from the store."""
        if self.only == "all":
            return lambda _aid: True
        store = acquire_store(self.crawler)
        try:
            if self.only == "held":
                held = {_id_number(d["article"]) async for d in
                        store.db.versions.find({"held": True}, {"article": 1})}
                return held.__contains__
            query = {"partial": True} if self.only == "partial" else {}
            ids = {d["article_id"] async for d in store.db.articles.find(query, {"article_id": 1})}
        finally:
            await release_store(self.crawler)
        logger.info("%s: %d article(s) stored%s", self.only, len(ids),
                    " partial" if self.only == "partial" else "")
        return ids.__contains__ if self.only == "partial" else (lambda aid: aid not in ids)


def _read(entry: Entry) -> Page:
    return read_page(entry.path, entry.source.offset)


def _id_number(key: str) -> int:
    return int(key.rsplit(":", 1)[-1])

