"""Responses from replica pages, and the outputs of callbacks driven by hand."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from newsscraper.replica import RenderedSite

BASE = "http://127.0.0.1:18000"
STATIC = "http://127.0.0.1:18001"


def response_for(site: RenderedSite, url: str, request: Request | None = None) -> Response:
    """The replica's answer to ``url`` as Scrapy would hand it to a callback."""
    origin = "static" if url.startswith(STATIC) else "www"
    base = STATIC if origin == "static" else BASE
    page = site.get(url[len(base):] or "/", origin)
    request = request or Request(url)
    headers = dict(page.headers)
    kind = headers.get("Content-Type", "")
    cls: type[Response] = HtmlResponse
    if "xml" in kind:
        cls = XmlResponse
    elif "json" in kind or "text/plain" in kind:
        cls = TextResponse
    elif page.status in (301, 302) or not page.body:
        cls = Response
    return cls(url=url, status=page.status, headers=headers, body=page.body, request=request)


async def drain(result) -> list[Any]:
    """Everything a callback yields, sync or async."""
    if result is None:
        return []
    if hasattr(result, "__aiter__"):
        return [x async for x in result]
    return list(result)


def requests_of(outputs: list[Any]) -> list[Request]:
    return [o for o in outputs if isinstance(o, Request)]


def big_sitemap(urls: int, base: str = BASE) -> bytes:
    """A monthly sitemap listing ``urls`` articles (distinct ids, days of August 2025)."""
    rows = "".join(f"<url><loc>{base}/2025/08/{1 + i % 28:02d}/story-{i}-a{i + 1}</loc>"
                   f"<lastmod>2025-08-{1 + i % 28:02d}T10:00:00+03:00</lastmod></url>\n"
                   for i in range(urls))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n').encode()
