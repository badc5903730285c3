"""Where the spider goes from seeds, robots.txt, sitemaps, feeds and listings (full mode
or no store: nothing is known yet)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import XmlResponse

from newsscraper.signals import month_listed
from newsscraper.sites.moscowtimes import article_id_from_url
from newsscraper.sites.moscowtimes.sitemaps import MAX_SITEMAP_URLS
from newsscraper.spiders.discovery import read_sitemap
from tests.spiders.helpers import BASE, STATIC, big_sitemap, drain, requests_of, response_for


def paths(requests) -> list[str]:
    return [urlsplit(r.url).path for r in requests]


async def test_start_requests_every_seed_once(make_spider):
    spider = make_spider()
    out = await drain(spider.start())
    got = paths(out)
    assert got[0] == "/robots.txt" and "/sitemap/newsmap.xml" in got
    assert {"/rss/news", "/rss/opinion", "/rss/podcasts", "/news", "/lectures"} <= set(got)
    assert len(got) == len(set(got)) == len(spider.starts)
    listing = next(r for r in out if r.url == f"{BASE}/news")
    assert listing.callback == spider.parse_listing and listing.meta["first_page"] == "news"
    assert all(r.errback == spider.on_error for r in out)


async def test_sections_limit_listings_feeds_and_news_sitemaps(make_spider, site):
    spider = make_spider(sections="news,arts-and-life")
    got = paths(await drain(spider.start()))
    assert sorted(got) == ["/arts-and-life", "/news", "/rss/news", "/sitemap/newsmap.xml"]
    out = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/newsmap.xml"),
                                           news=True))
    assert paths(out) == ["/sitemap/news.xml", "/sitemap/city.xml"]  # city = arts-and-life


async def test_robots_leads_to_the_sitemap_index(make_spider, site):
    spider = make_spider()
    out = await drain(spider.parse_robots(response_for(site, f"{BASE}/robots.txt")))
    assert [r.url for r in out] == [f"{STATIC}/sitemap/sitemap.xml"]


async def test_monthly_sitemaps_newest_first_inside_the_window(make_spider, site):
    index = f"{STATIC}/sitemap/sitemap.xml"
    out = await drain(make_spider().parse_sitemap(response_for(site, index)))
    got = paths(out)
    # the index lists 2025-9 before 2025-11 (reversed alphabetical); we go newest first
    assert got == ["/sitemap/2025-11.xml", "/sitemap/2025-10.xml", "/sitemap/2025-9.xml",
                   "/sitemap/2025-8.xml", "/sitemap/2025-7.xml", "/sitemap/2024-5.xml"]
    assert out[0].cb_kwargs == {"month": "sitemap:/sitemap/2025-11.xml", "refresh": False}
    out = await drain(make_spider(since="2025-08-15", until="2025-10-01")
                      .parse_sitemap(response_for(site, index)))
    assert paths(out) == ["/sitemap/2025-10.xml", "/sitemap/2025-9.xml", "/sitemap/2025-8.xml"]


async def test_a_monthly_sitemap_gives_its_articles_inside_the_window(make_spider, site):
    url = f"{STATIC}/sitemap/2025-8.xml"
    spider = make_spider(since="2025-08-10", until="2025-08-20")
    out = await drain(spider.parse_sitemap(response_for(site, url), month="m"))
    days = {date(*map(int, urlsplit(r.url).path.split("/")[1:4])) for r in out}
    assert out and all(date(2025, 8, 10) <= d <= date(2025, 8, 20) for d in days)
    assert all(r.callback == spider.parse_article and r.cb_kwargs["via"] == "sitemap"
               and r.cb_kwargs["source"] == url for r in out)
    assert spider.crawler.stats.get_value("spider/outside_window") > 0
    # a wider window must read this month again
    assert "m" in await spider.ledger.state.members("months_incomplete")


async def test_news_sitemaps_and_feeds(make_spider, site, model):
    spider = make_spider()
    out = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/newsmap.xml"),
                                           news=True))
    assert len(out) == 9 and all(r.cb_kwargs == {"news": True} for r in out)
    news = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/news.xml"),
                                            news=True))
    assert news and all(r.cb_kwargs["via"] == "sitemap" for r in news)
    feed = await drain(spider.parse_feed(response_for(site, f"{BASE}/rss/opinion")))
    assert feed and all(r.cb_kwargs["via"] == "rss" for r in feed)
    assert all(model.by_id[article_id_from_url(r.url)].section == "opinion" for r in feed)


async def test_listing_pages_through_view_more_until_an_empty_fragment(make_spider, site):
    spider = make_spider()
    first = await drain(spider.parse_listing(response_for(
        site, f"{BASE}/news", Request(f"{BASE}/news", meta={"first_page": "news"})), "news"))
    articles = [r for r in first if r.callback == spider.parse_article]
    more = [r for r in first if r.callback == spider.parse_listing]
    assert len(articles) == 19 and all(r.cb_kwargs["via"] == "listing" for r in articles)
    assert [r.url for r in more] == [f"{BASE}/news/19"]
    seen = {article_id_from_url(r.url) for r in articles}
    offset, pages = 19, 1
    request = more[0]
    while request is not None:
        out = await drain(spider.parse_listing(response_for(site, request.url, request),
                                               **request.cb_kwargs))
        pages += 1
        seen |= {article_id_from_url(r.url) for r in out if r.callback == spider.parse_article}
        nxt = [r for r in out if r.callback == spider.parse_listing]
        if nxt:
            offset += 18
            assert nxt[0].url == f"{BASE}/news/{offset}"
        request = nxt[0] if nxt else None
    assert spider.crawler.stats.get_value("spider/listing_end") == 1
    assert len(seen) == spider.crawler.stats.get_value("spider/scheduled/listing")
    assert pages > 2


async def test_listing_stops_when_an_offset_is_ignored(make_spider, site):
    spider = make_spider()
    page = response_for(site, f"{BASE}/news/19")
    kwargs = {"section": "news", "offset": 19, "template": f"{BASE}/news/{{{{offset}}}}"}
    nxt = requests_of(await drain(spider.parse_listing(page, **kwargs)))[-1]
    assert nxt.url == f"{BASE}/news/37"
    again = await drain(spider.parse_listing(page.replace(url=f"{BASE}/news/37"),
                                             **nxt.cb_kwargs))
    assert again == []  # the same cards: no progress, no further page
    assert spider.crawler.stats.get_value("spider/listing_no_progress") == 1


async def test_listing_before_since_stops_but_newer_than_until_goes_on(make_spider, site):
    kwargs = {"section": "news"}
    late = make_spider(since="2030-01-01")
    out = await drain(late.parse_listing(response_for(site, f"{BASE}/news"), **kwargs))
    assert out == [] and late.crawler.stats.get_value("spider/listing_before_since") == 1
    early = make_spider(until="2020-01-01")  # every card is newer: page on to older ones
    out = await drain(early.parse_listing(response_for(site, f"{BASE}/news"), **kwargs))
    assert [r.callback for r in out] == [early.parse_listing]


async def test_max_articles_stops_scheduling_and_paging(make_spider, site):
    spider = make_spider(max_articles="5")
    out = await drain(spider.parse_listing(response_for(site, f"{BASE}/news"), "news"))
    assert len(out) == 5 and all(r.callback == spider.parse_article for r in out)
    assert spider.crawler.stats.get_value("spider/over_max_articles") == 1
    index = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/sitemap.xml")))
    assert index == []


async def test_links_never_followed(make_spider):
    spider = make_spider()
    urls = [f"{BASE}/2024/05/17/putin-says-a85152/pdf",
            f"{BASE}/all/85152",
            f"{BASE}/preview/85152",
            f"{BASE}/search/?q=putin",
            f"{BASE}/2024/05/17/putin-says-a85152?utm_source=tg",
            "https://evil.example/2024/05/17/putin-says-a85152",
            f"{BASE}/author/some-one",
            f"{BASE}/2024/05/17/putin-says-a85152",
            f"{BASE}/2024/05/17/putin-says-it-again-a85152"]  # same id: one request
    out = await drain(spider.article_requests(urls, "listing", f"{BASE}/news"))
    assert [r.url for r in out] == [f"{BASE}/2024/05/17/putin-says-a85152"]
    stats = spider.crawler.stats
    assert stats.get_value("spider/skipped_url") == 5
    assert stats.get_value("spider/offsite") == 1
    assert stats.get_value("spider/not_article_url") == 1
    assert await drain(spider.article_requests(urls[-1:], "rss", "x")) == []  # seen this run


async def test_slug_only_links_ask_for_their_redirect_once(make_spider):
    spider = make_spider()
    slug = f"{BASE}/2025/11/02/ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze"
    out = await drain(spider.article_requests([slug, slug.replace("11/02", "11/09")], "related",
                                              "src", depth=1))
    assert len(out) == 1
    r = out[0]
    assert r.callback == spider.resolve_slug and r.meta["dont_redirect"]
    assert 301 in r.meta["handle_httpstatus_list"]
    assert r.cb_kwargs == {"via": "related", "source": "src", "depth": 1}


@pytest.mark.parametrize("loc", [
    "http://127.0.0.1:18000/2024/05/17/a-a1", "/2024/05/17/a-a1", "2024-5.xml",
    "http://127.0.0.1:18000/x/../2024/05/17/a-a1", "http://127.0.0.1:18000/a b",
])
def test_sitemap_locs_are_absolute_as_urljoin_makes_them(loc):
    from scrapy.http import TextResponse

    from newsscraper.spiders.discovery import absolute

    sitemap = TextResponse("http://127.0.0.1:18000/sitemap/2024-5.xml", body=b"")
    assert absolute(sitemap, loc) == sitemap.urljoin(loc)


async def test_a_sitemap_of_200000_urls_is_read_to_the_sitemaps_org_limit(make_spider, caplog):
    url = f"{STATIC}/sitemap/2025-8.xml"
    spider = make_spider(mode="full")
    listed: list[str] = []
    spider.crawler.signals.connect(lambda month, urls: listed.append(month), month_listed)
    body = big_sitemap(200_000)
    out = await drain(spider.parse_sitemap(XmlResponse(url, body=body), month="m"))
    assert len(out) == MAX_SITEMAP_URLS == 50_000
    assert out[-1].url.endswith(f"-a{MAX_SITEMAP_URLS}")  # the first ones, in order
    stats = spider.crawler.stats
    assert stats.get_value("sitemap/truncated") == 1
    assert stats.get_value("spider/scheduled/sitemap") == MAX_SITEMAP_URLS
    [warning] = [r for r in caplog.records if "sitemaps.org" in r.getMessage()]
    assert warning.levelname == "WARNING" and url in warning.getMessage()
    # a file cut short is not read whole: read again next run, and no removals from it
    assert "m" not in await spider.ledger.state.members("months_read")
    assert listed == []


def test_a_sitemap_at_the_limit_is_read_whole(make_spider):
    stats = make_spider().crawler.stats
    response = XmlResponse(f"{STATIC}/sitemap/2025-8.xml", body=big_sitemap(MAX_SITEMAP_URLS))
    kind, entries, truncated = read_sitemap(response, stats)
    assert (kind, len(entries), truncated) == ("urlset", MAX_SITEMAP_URLS, False)
    assert stats.get_value("sitemap/truncated") is None
