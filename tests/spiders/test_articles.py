"""Article pages: provenance on the item, related links followed to a depth, slug links
resolved by their redirect, live posts attached, bad pages and errors counted."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from newsscraper.items import Article
from newsscraper.sites.moscowtimes import article_id_from_url
from tests.spiders.helpers import BASE, STATIC, drain, requests_of, response_for

A85152 = (f"{BASE}/2024/05/17/"
          "putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-offensive-a85152")
SLUG = f"{BASE}/2025/11/02/ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze"


def items_of(outputs) -> list[Article]:
    return [o for o in outputs if isinstance(o, Article)]


async def test_an_article_records_how_it_was_found_and_leads_on(make_spider, site):
    spider = make_spider()
    out = await drain(spider.parse_article(response_for(site, A85152), via="listing",
                                           source=f"{BASE}/news", depth=0))
    [item] = items_of(out)
    assert (item.article_id, item.discovered_via, item.discovered_from) == \
        (85152, "listing", f"{BASE}/news")
    follow = requests_of(out)
    # the inline related block (slug-only: resolve it) and the "Read more" cluster
    assert follow[0].url == SLUG and follow[0].callback == spider.resolve_slug
    assert [r.url for r in follow[1:]] == item.read_more
    assert all(r.cb_kwargs == {"via": "related", "source": item.url, "depth": 1} for r in follow)
    stats = spider.crawler.stats
    assert stats.get_value("spider/related_links") == 1
    assert stats.get_value("spider/articles/default") == 1


async def test_related_depth_bounds_the_following(make_spider, site):
    spider = make_spider(related_depth="1")
    out = await drain(spider.parse_article(response_for(site, A85152), "related", "x", depth=1))
    assert len(items_of(out)) == 1 and requests_of(out) == []
    none = make_spider(related_depth="0")
    out = await drain(none.parse_article(response_for(site, A85152), "seed", None, depth=0))
    assert requests_of(out) == []


async def test_slug_redirect_names_the_article_and_is_deduplicated(make_spider, site):
    spider = make_spider()
    request = Request(SLUG, meta={"dont_redirect": True})
    redirect = response_for(site, SLUG, request)
    assert redirect.status == 301
    out = await drain(spider.resolve_slug(redirect, "related", "src", 1))
    [article] = out
    assert article_id_from_url(article.url) == 85139
    assert article.callback == spider.parse_article and article.cb_kwargs["depth"] == 1
    assert spider.crawler.stats.get_value("spider/slug_resolved") == 1
    # the same article reached through its id URL: nothing more to fetch
    assert await drain(spider.article_requests([article.url], "listing", "x")) == []


async def test_a_slug_answered_with_the_page_itself_is_read_as_the_article(make_spider, site):
    spider = make_spider()
    page = response_for(site, A85152)
    answered = HtmlResponse(SLUG, body=page.body, headers=page.headers, request=Request(SLUG))
    out = await drain(spider.resolve_slug(answered, "related", "src", 1))
    assert [i.article_id for i in items_of(out)] == [85152]


async def test_a_redirect_without_location_is_counted(make_spider):
    spider = make_spider()
    out = await drain(spider.resolve_slug(Response(SLUG, status=301, request=Request(SLUG)),
                                          "related", "src", 1))
    assert out == [] and spider.crawler.stats.get_value("spider/slug_unresolved") == 1


async def test_the_same_canonical_article_is_yielded_once(make_spider, site):
    spider = make_spider()
    page = response_for(site, A85152)
    first = items_of(await drain(spider.parse_article(page, "listing", "a", 0)))
    again = items_of(await drain(spider.parse_article(page.replace(url=A85152 + "?x=1"),
                                                      "rss", "b", 0)))
    assert len(first) == 1 and again == []
    assert spider.crawler.stats.get_value("spider/duplicate_canonical") == 1


def live_blog(model):
    return next(a for a in model.articles if a.type == "live" and a.live_posts)


async def test_live_blog_is_yielded_with_its_posts_fetched_in_its_own_callback(
        make_spider, site, model):
    live = live_blog(model)
    spider = make_spider()
    fetched: list[Request] = []

    async def fetch(request):
        fetched.append(request)
        return response_for(site, request.url, request)

    spider.fetch = fetch  # the engine's download, here the replica's answer
    out = await drain(spider.parse_article(response_for(site, BASE + live.path), "rss", "f", 0))
    assert [r.url for r in fetched] == [f"{BASE}/live/{live.id}/0"]
    [item] = items_of(out)
    assert len(item.live_posts) == len(live.live_posts) and not item.partial
    assert item.discovered_via == "rss"
    # related links inside posts are followed like the body's (slug-only: resolved);
    # no request carries the article
    post_links = {r.url for p in item.live_posts for r in p.related}
    assert post_links
    assert post_links - {r.url for r in item.related} <= {r.url for r in requests_of(out)}
    assert not any(isinstance(v, Article) for r in requests_of(out) for v in r.cb_kwargs.values())


@pytest.mark.parametrize(("answer", "counted"), [
    (TimeoutError("took too long"), "spider/timeout"),
    (DNSLookupError("no such host"), "spider/dns_error"),
    (503, "spider/http_503"),
])
async def test_live_posts_that_cannot_be_fetched_leave_the_article_partial(
        make_spider, site, model, answer, counted):
    live = live_blog(model)
    spider = make_spider()

    async def fetch(request):
        if isinstance(answer, Exception):
            raise answer
        return Response(request.url, status=answer, request=request)

    spider.fetch = fetch
    out = await drain(spider.parse_article(response_for(site, BASE + live.path), "rss", "f", 0))
    [item] = items_of(out)
    assert item.partial and "live_posts_unavailable" in item.parse_errors
    assert item.live_posts == []
    assert spider.crawler.stats.get_value(counted) == 1


async def test_unreadable_live_posts_leave_the_article_partial(make_spider, site, model):
    live = live_blog(model)
    spider = make_spider()

    async def fetch(request):
        return TextResponse(request.url, body=b"<html>maintenance</html>", request=request)

    spider.fetch = fetch
    out = await drain(spider.parse_article(response_for(site, BASE + live.path), "rss", "f", 0))
    [item] = items_of(out)
    assert item.partial and "live_posts_unreadable" in item.parse_errors


@pytest.mark.parametrize("path", ["/all/85152", "/2024/05/17/putin-a85152/pdf", "/news"])
async def test_pages_that_are_not_articles_are_counted_not_raised(make_spider, site, path):
    spider = make_spider()
    page = response_for(site, BASE + path)
    if not isinstance(page, HtmlResponse):
        page = HtmlResponse(page.url, body=page.body, headers=page.headers, request=page.request)
    out = await drain(spider.parse_article(page, "listing", "x", 0))
    assert out == []
    stats = spider.crawler.stats
    assert (stats.get_value("spider/not_article") or 0) + \
        (stats.get_value("spider/parse_error") or 0) == 1


async def test_partial_articles_are_kept_and_counted(make_spider, site):
    spider = make_spider()
    page = response_for(site, A85152)
    cut = page.replace(body=page.body[: len(page.body) * 2 // 3])
    [item] = items_of(await drain(spider.parse_article(cut, "listing", "x", 0)))
    assert item.partial and "truncated" in item.parse_errors
    assert spider.crawler.stats.get_value("spider/partial") == 1


def failure_for(exc: Exception, request: Request) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]
    return failure


async def test_errors_are_counted_by_kind(make_spider):
    spider = make_spider()
    stats = spider.crawler.stats
    gone, busy = (Request(f"{BASE}/2024/05/17/x-a{i}", meta={"article_id": i}) for i in (1, 2))
    for status, request in ((404, gone), (410, gone), (503, busy)):
        response = Response(request.url, status=status, request=request)
        await drain(spider.on_error(failure_for(HttpError(response), request)))
    for exc in (TimeoutError(), DNSLookupError(), RuntimeError("boom")):
        await drain(spider.on_error(failure_for(exc, busy)))
    assert [stats.get_value(k) for k in ("spider/http_404", "spider/http_410", "spider/http_503",
                                         "spider/gone", "spider/timeout", "spider/dns_error",
                                         "spider/error/RuntimeError")] == [1, 1, 1, 2, 1, 1, 1]
    # a removed article is owed no more; the others are worth another try next run
    done = await spider.ledger.state.members("done")
    assert "1" in done and "2" not in done


async def test_a_failed_first_listing_page_does_not_hold_back_the_news_sitemaps(make_spider):
    spider = make_spider()
    ledger = spider.ledger
    ledger.store = object()  # incremental with a store: news sitemaps wait for first pages
    news = f"{STATIC}/sitemap/news.xml"
    assert not await ledger.news_sitemap("news", news)  # waits for the first page
    request = Request(f"{BASE}/news", meta={"first_page": "news"})
    out = await drain(spider.on_error(failure_for(
        HttpError(Response(request.url, status=500, request=request)), request)))
    assert [r.url for r in out] == [news] and out[0].callback == spider.parse_sitemap
    ledger.store = None


async def test_pages_are_read_in_a_parser_process_where_a_bug_costs_the_page_alone(
        make_spider, site, monkeypatch, caplog):
    from tests.crawl import parser_jobs

    spider = make_spider(settings={"PARSER_WORKERS": 1})
    try:
        out = await drain(spider.parse_article(response_for(site, A85152), "seed", None, 0))
        assert [i.article_id for i in items_of(out)] == [85152]
        assert spider.parsers.workers  # read by the worker, not in this process
        monkeypatch.setattr("newsscraper.spiders.articles.parse_article_page",
                            parser_jobs.broken_page)
        assert await drain(spider.parse_article(response_for(site, A85152), "seed", None,
                                                0)) == []
    finally:
        await spider.parsers.close()
    assert spider.crawler.stats.get_value("spider/parser_bug") == 1
    assert f"parser failed on {A85152}" in caplog.text and "KeyError" in caplog.text
