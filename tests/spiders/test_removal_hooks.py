"""The spider's hooks for consumers, reported as signals: a 404/410 of an article and a
monthly sitemap read (RemovedArticles acts on them), a slug redirect (RelatedIds)."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsscraper.replica.model import MSK
from newsscraper.signals import article_gone, month_listed, slug_resolved
from tests.spiders.helpers import BASE, STATIC, drain, response_for

ARTICLE = f"{BASE}/2025/11/01/some-story-a77"


def received(spider, signal) -> list[dict]:
    got: list[dict] = []
    spider.crawler.signals.connect(lambda **kw: got.append(kw), signal, weak=False)
    return got


def failure(status: int, request: Request) -> Failure:
    f = Failure(HttpError(Response(request.url, status=status, request=request)))
    f.request = request  # type: ignore[attr-defined]
    return f


async def test_404_and_410_of_an_article_are_reported_gone(make_spider):
    spider = make_spider()
    got = received(spider, article_gone)
    article = Request(ARTICLE, meta={"article_id": 77})
    for status in (404, 410, 503):
        await drain(spider.on_error(failure(status, article)))
    await drain(spider.on_error(failure(404, Request(f"{BASE}/news/40"))))  # not an article
    assert [(g["article_id"], g["status"]) for g in got] == [(77, 404), (77, 410)]


async def test_a_month_sitemap_read_reports_every_url_it_lists(make_spider, site, model):
    spider = make_spider()
    got = received(spider, month_listed)
    url = f"{STATIC}/sitemap/2025-10.xml"
    await drain(spider.parse_sitemap(response_for(site, url),
                                     month="sitemap:/sitemap/2025-10.xml"))
    [report] = got
    assert report["month"] == "sitemap:/sitemap/2025-10.xml"
    ids = {int(u.rsplit("-a", 1)[1]) for u in report["urls"]}
    local = [(a.id, a.published.astimezone(MSK)) for a in model.live_articles]
    assert ids == {i for i, d in local if (d.year, d.month) == (2025, 10)}
    assert len(ids) == len(report["urls"]) > 0

    await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/news.xml"),
                                     news=True))
    assert len(got) == 1  # a news sitemap is not a month


async def test_a_slug_redirect_is_reported_with_its_target(make_spider, site):
    """The third hook, for the RelatedIds extension: the article a slug-only link names."""
    spider = make_spider()
    got = received(spider, slug_resolved)
    slug = f"{BASE}/2025/11/02/ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze"
    request = Request(slug, meta={"dont_redirect": True})
    await drain(spider.resolve_slug(response_for(site, slug, request), "related", "src", 1))
    [report] = got
    assert report["url"] == slug
    assert report["target"].startswith(f"{BASE}/") and report["target"].endswith("-a85139")
