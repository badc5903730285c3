"""Origins, not hosts: links and redirects to the same host on another port (a local
database, another service) are never fetched."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from newsscraper.spiders.offsite import OriginOffsiteMiddleware, origin
from tests.spiders.helpers import BASE, drain, requests_of, response_for

A85152 = (f"{BASE}/2024/05/17/"
          "putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-offensive-a85152")
OTHER = "http://127.0.0.1:27017"  # the same host, another port: a database, say


def followed(offsite: OriginOffsiteMiddleware, request: Request) -> bool:
    try:
        offsite.process_request(request)
    except IgnoreRequest:
        return False
    return True


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.themoscowtimes.com/news", "https://www.themoscowtimes.com:443"),
    ("https://www.themoscowtimes.com:443/news", "https://www.themoscowtimes.com:443"),
    ("HTTP://127.0.0.1:18000/x", "http://127.0.0.1:18000"),
    ("http://127.0.0.1/x", "http://127.0.0.1:80"),
    ("http://127.0.0.1:99999/x", None),
    ("javascript:void(0)", None),
    ("ftp://127.0.0.1/x", None),
])
def test_an_origin_is_scheme_host_and_port(url, expected):
    assert origin(url) == expected


@pytest.mark.parametrize("url", [
    "http://a.b?x=1", "http://a.b#f", "http://a.b:81?x", "http://u:p@a.b:8080/x",
    "http://[::1]:8080/x", "http://[::1/x", "http://a.b:8x/", "https://A.B/x/y?z#w",
    "http://a.b\t:80/x", " http://a.b/x", "mailto:x@a.b", "//a.b/x", "http:///x",
])
def test_an_origin_is_read_as_from_the_whole_url(url):
    # only scheme://authority is read (and its answer kept): the same answer as from
    # the whole URL
    from newsscraper.spiders.offsite import _origin

    assert origin(url) == _origin.__wrapped__(url)


def test_allowed_origins_real_site_and_replica(make_spider):
    real = make_spider(base_url=None, static_url=None)
    assert real.allowed_origins == {"https://www.themoscowtimes.com:443",
                                    "https://static.themoscowtimes.com:443"}
    offsite = OriginOffsiteMiddleware.from_crawler(real.crawler)
    assert followed(offsite, Request("https://static.themoscowtimes.com/sitemap/sitemap.xml"))
    for url in ("https://evil.example/themoscowtimes.com/2024/05/17/x-a1",
                "https://notthemoscowtimes.com/2024/05/17/x-a1",
                "http://www.themoscowtimes.com/2024/05/17/x-a1",  # not over TLS
                "https://www.themoscowtimes.com:8443/2024/05/17/x-a1"):
        assert not followed(offsite, Request(url)), url
    assert make_spider().allowed_origins == {"http://127.0.0.1:18000", "http://127.0.0.1:18001"}


async def test_read_more_links_to_another_local_port_are_not_fetched(make_spider, site):
    spider = make_spider()
    page = response_for(site, A85152)
    # the replica page, its links turned to the same host on another port
    moved = page.replace(body=page.body.replace(BASE.encode(), OTHER.encode()))
    out = await drain(spider.parse_article(moved.replace(url=A85152), "listing",
                                           f"{BASE}/news", 0))
    assert requests_of(out) == []
    links = len(out[0].read_more) + len(out[0].related)
    assert links and all(u.startswith(OTHER) for u in out[0].read_more)
    assert spider.crawler.stats.get_value("spider/offsite") == links
    # and should one be asked for anyway, the downloader middleware drops it
    offsite = OriginOffsiteMiddleware.from_crawler(spider.crawler)
    assert not followed(offsite, Request(out[0].read_more[0]))
    assert spider.crawler.stats.get_value("offsite/filtered") == 1
    assert followed(offsite, Request(A85152))


def test_a_redirect_to_another_port_is_dropped_even_unfiltered(make_spider):
    spider = make_spider()
    offsite = OriginOffsiteMiddleware.from_crawler(spider.crawler)
    # what RedirectMiddleware makes of a 301 to another port: the flags of the original
    source = Request(f"{BASE}/live/1/0", dont_filter=True)
    redirected = source.replace(url=f"{OTHER}/admin")
    assert not followed(offsite, redirected)
    assert followed(offsite, redirected.replace(meta={"allow_offsite": True}))
