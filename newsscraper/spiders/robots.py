"""robots.txt obeyed by every request, including those sent while it was being fetched."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares import robotstxt
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from newsscraper.crawl.unreachable import kind_of


class _UnreachableInOneLine(logging.Filter):
    """Scrapy logs a robots.txt it could not download with the traceback; when the site
    was not reached (a timeout, DNS, a refused connection) the error's one line says it
    all, as the spider's own failures do. Any other error keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and kind_of(type(error)) is not None:
            record.exc_info = None
        return True


_ONE_LINE = _UnreachableInOneLine()


class EveryRequestRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's ``RobotsTxtMiddleware``, except for the requests that wait for an
    origin's robots.txt: Scrapy (2.13 to at least 2.19) has them all await the one
    Deferred of that origin through ``asFuture()``, which hands the parser to the first
    and ``None`` ("no robots.txt, allow everything") to the others, so a crawl's first
    requests to a site went out whatever its robots.txt said (8 of 52 against one that
    forbids everything). Each waiter here gets a Deferred of its own.

    A robots.txt the site did not answer for is logged in one line
    (:class:`_UnreachableInOneLine`)."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        robotstxt.logger.addFilter(_ONE_LINE)  # once: a filter added again is ignored

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        own: Deferred[RobotParser | None] = Deferred()

        def hand_on(parser: RobotParser | None) -> RobotParser | None:
            own.callback(parser)
            return parser  # to the next waiter

        pending.addCallback(hand_on)
        return await maybe_deferred_to_future(own)
