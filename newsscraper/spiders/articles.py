"""Article pages: read them (a live blog with its posts), follow their related links."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsscraper.crawl.parsers import ParserFailure, ParserPool
from newsscraper.items import Article
from newsscraper.signals import slug_resolved
from newsscraper.sites.moscowtimes import (
    NotAnArticle,
    ParsedArticle,
    ParseError,
    parse_article_page,
    parse_live_posts,
)
from newsscraper.spiders.failures import count_failure

logger = logging.getLogger(__name__)
REDIRECTS = (301, 302, 303, 307, 308)


class ArticleCallbacks:
    """The spider's article callbacks (a part of
    :class:`~newsscraper.spiders.moscowtimes.MoscowTimesSpider`)."""

    crawler: Any
    ledger: Any
    parsers = ParserPool(0)  # from_crawler gives the spider its own (PARSER_WORKERS)
    args: Any
    article_requests: Any

    def report_slug(self, url: str, target: str) -> None:
        """A slug-only link's redirect named its article: the RelatedIds extension fills
        ``related[].article_id`` of the articles stored with it."""
        self.crawler.signals.send_catch_log(slug_resolved, url=url, target=target)

    async def resolve_slug(self, response: Response, via: str, source: str | None, depth: int):
        if response.status in REDIRECTS:
            location = response.headers.get("Location")
            if not location:
                self.crawler.stats.inc_value("spider/slug_unresolved")
                logger.warning("redirect without Location for %s", response.url)
                return
            target = response.urljoin(location.decode("latin-1"))
            self.crawler.stats.inc_value("spider/slug_resolved")
            self.report_slug(response.url, target)
            async for r in self.article_requests([target], via, source, depth):
                yield r
            return
        # answered with the page itself: read it as the article
        async for r in self.parse_article(response, via, source, depth):
            yield r

    async def parse_article(self, response: Response, via: str, source: str | None, depth: int):
        stats = self.crawler.stats
        parsed = await read_article(self.parsers, response, stats)
        if parsed is None:
            await self.ledger.done(response.meta.get("article_id"))
            return
        article = parsed.article
        if not await self.ledger.parsed(article.article_id, response.meta.get("article_id")):
            stats.inc_value("spider/duplicate_canonical")
            return  # two URLs, one canonical article (ids are known after the response)
        article.discovered_via = via
        article.discovered_from = source
        if article.type == "live":  # before anything is followed: its posts link on too
            await self.read_live_posts(article, parsed.live_posts_url)
        links = [r.url for r in article.related]
        links += [r.url for post in article.live_posts for r in post.related]
        stats.inc_value("spider/related_links", len(links))
        stats.inc_value("spider/read_more_links", len(article.read_more))
        async for r in self.follow(links + list(article.read_more), article.url, depth):
            yield r
        stats.inc_value(f"spider/articles/{article.type}")
        yield article

    async def follow(self, urls: list[str], source: str, depth: int):
        """Related and "Read more" links, while within ``related_depth`` hops."""
        if depth >= self.args.related_depth or not urls:
            return
        async for r in self.article_requests(urls, "related", source, depth + 1):
            yield r

    async def read_live_posts(self, article: Article, posts_url: str | None) -> None:
        """A live blog's posts (``/live/{id}/0``: all of them in one answer), fetched
        inside the article's own callback, so the article leaves whole and nothing
        half-built waits in a request. No URL, a fetch that failed after its retries or
        an unreadable answer leave the article ``partial``, with the reason."""
        if not posts_url:
            article.partial = True
            article.parse_errors.append("no_live_posts_url")
            return
        request = scrapy.Request(posts_url, dont_filter=True)
        try:
            response = await self.fetch(request)
        except Exception as exc:  # timeouts, refused, offsite: each counted by its kind
            self.live_posts_unavailable(article, request, exc)
            return
        if response.status >= 400:
            self.live_posts_unavailable(
                article, request, HttpError(response, f"HTTP {response.status}"))
            return
        try:
            article.live_posts = parse_live_posts(response.body, response.url)
        except ParseError as exc:
            article.partial = True
            article.parse_errors.append("live_posts_unreadable")
            logger.warning("live posts of %s unreadable: %s", article.url, exc)

    def live_posts_unavailable(self, article: Article, request: scrapy.Request,
                               error: Exception) -> None:
        article.partial = True
        article.parse_errors.append("live_posts_unavailable")
        failure = Failure(error)
        failure.request = request  # type: ignore[attr-defined]
        count_failure(failure, self.crawler.stats)

    async def fetch(self, request: scrapy.Request) -> Response:
        """``request`` downloaded now, through the downloader middlewares (robots,
        offsite, retries, redirects) but not the scheduler: a part of the page being
        read, not a page of its own."""
        return await self.crawler.engine.download_async(request)


async def read_article(parsers: ParserPool, response: Response,
                       stats) -> ParsedArticle | None:
    """The article on the page (read by ``parsers``), with its live-posts URL; None
    (counted, logged) when there is none to read."""
    try:
        parsed = await parsers.run(parse_article_page, response.body, response.url)
    except NotAnArticle as exc:
        stats.inc_value("spider/not_article")
        logger.warning("not an article at %s: %s", response.url, exc)
        return None
    except ParseError as exc:
        stats.inc_value("spider/parse_error")
        logger.error("cannot parse %s: %s", response.url, exc)
        return None
    except ParserFailure as exc:  # a bug, crash or hang in the parser process
        stats.inc_value("spider/parser_bug")
        logger.error("parser failed on %s; please report with the saved page: %s",
                     response.url, exc)
        return None
    except Exception:  # a parser bug: this page is lost, the crawl goes on
        stats.inc_value("spider/parser_bug")
        logger.exception("parser failed on %s; please report with the saved page",
                         response.url)
        return None
    article = parsed.article
    if article.partial:
        stats.inc_value("spider/partial")
        logger.warning("partial article %s: %s", response.url, ", ".join(article.parse_errors))
    return parsed
