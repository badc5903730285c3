"""Incremental decisions against the real store: what an earlier run stored is not fetched
again, unless recent or in a month whose sitemap moved; state survives only for months
read whole."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from scrapy import Request
from scrapy.http import XmlResponse

from newsscraper.crawl.months import MonthState, plan_month
from newsscraper.items import to_jsonable
from newsscraper.replica import truth_records
from newsscraper.sites.moscowtimes import article_id_from_url, parse_listing_page
from newsscraper.storage.mongo import ArticleStore
from tests.spiders.helpers import BASE, STATIC, drain, response_for

INDEX = f"{STATIC}/sitemap/sitemap.xml"
NEWS_SITEMAPS = ("news", "opinion", "meanwhile", "city", "business", "climate", "diaspora",
                 "ukraine_war", "lecture_series")


@pytest.fixture
def store_settings(mongo_uri: str, mongo_db_name: str) -> dict:
    return {"STORE_ENABLED": True, "MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db_name}


@pytest.fixture
def truth(model) -> dict[int, dict]:
    return {t["article_id"]: t for t in truth_records(model, BASE, STATIC)}


async def store(settings: dict, records: list[dict]) -> None:
    s = ArticleStore(settings["MONGO_URI"], settings["MONGO_DATABASE"])
    try:
        await s.articles.write([dict(r, content_hash=f"h{r['article_id']}") for r in records])
    finally:
        await s.close()


async def started(make_spider, settings: dict, **arguments):
    spider = make_spider(settings=settings, **arguments)
    await drain(spider.start())  # opens the store; the seed requests are not needed here
    return spider


async def finished(spider, reason: str = "finished") -> None:
    await spider.on_closed(spider, reason)  # saves the months read whole, lets the store go


async def test_stored_articles_are_skipped_recent_ones_fetched_again(
        make_spider, store_settings, truth, site):
    page = response_for(site, f"{BASE}/news")
    urls = parse_listing_page(page.body, page.url).urls
    ids = [article_id_from_url(u) for u in urls]
    old, recent = ids[5:], ids[3:5]
    fresh = dict(truth[recent[0]], published_at=to_jsonable(
        datetime.now(timezone.utc) - timedelta(hours=5)))
    await store(store_settings, [truth[i] for i in old] + [fresh, truth[recent[1]]])

    spider = await started(make_spider, store_settings)
    out = await drain(spider.article_requests(urls, "listing", f"{BASE}/news"))
    assert [article_id_from_url(r.url) for r in out] == [*ids[:3], recent[0]]
    stats = spider.crawler.stats
    assert stats.get_value("spider/skipped_known") == len(old) + 1
    assert stats.get_value("spider/refreshed") == 1
    assert spider.ledger.skipped_known == set(old) | {recent[1]}
    # asked once more (another listing, a feed): not asked of the store again
    lookups = stats.get_value("spider/store_lookups")
    assert await drain(spider.article_requests(urls, "rss", "f")) == []
    assert stats.get_value("spider/store_lookups") == lookups
    # a month whose sitemap moved brings them back
    again = await drain(spider.article_requests(urls, "sitemap", "m", refresh=True))
    assert {article_id_from_url(r.url) for r in again} == set(old) | {recent[1]}
    await finished(spider)

    full = await started(make_spider, store_settings, mode="full")
    assert len(await drain(full.article_requests(urls, "listing", "x"))) == len(urls)
    await finished(full)


async def test_a_listing_caught_up_stops_and_its_news_sitemap_is_not_read(
        make_spider, store_settings, truth, site):
    page = response_for(site, f"{BASE}/news", Request(f"{BASE}/news",
                                                      meta={"first_page": "news"}))
    ids = [article_id_from_url(u) for u in parse_listing_page(page.body, page.url).urls]
    await store(store_settings, [truth[i] for i in ids])
    spider = await started(make_spider, store_settings)
    assert await drain(spider.parse_listing(page, "news")) == []
    assert spider.crawler.stats.get_value("spider/listing_caught_up") == 1
    for section in spider.ledger.listing_sections - {"news"}:  # the others: not caught up
        assert await spider.ledger.first_page(section, caught_up=False) is None
    out = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/newsmap.xml"),
                                           news=True))
    assert "news.xml" not in {r.url.rsplit("/", 1)[-1] for r in out} and len(out) == 8
    assert spider.crawler.stats.get_value("spider/news_sitemap_caught_up") == 1
    await finished(spider)


async def test_a_news_sitemap_read_before_its_first_listing_page_waits_for_no_one(
        make_spider, store_settings, truth, site):
    spider = await started(make_spider, store_settings)
    out = await drain(spider.parse_sitemap(response_for(site, f"{STATIC}/sitemap/newsmap.xml"),
                                           news=True))
    # sections with a listing seed: their first page decides; the rest are read now
    held = {f"{STATIC}/sitemap/{n}.xml" for n in NEWS_SITEMAPS} - {r.url for r in out}
    assert f"{STATIC}/sitemap/news.xml" in held and len(out) < len(NEWS_SITEMAPS)
    page = response_for(site, f"{BASE}/news", Request(f"{BASE}/news",
                                                      meta={"first_page": "news"}))
    later = await drain(spider.parse_listing(page, "news"))  # nothing stored: behind
    assert [r.url for r in later if r.callback == spider.parse_sitemap] == \
        [f"{STATIC}/sitemap/news.xml"]
    await finished(spider)


async def test_a_listing_with_new_articles_pages_on(make_spider, store_settings, truth, site):
    page = response_for(site, f"{BASE}/news")
    ids = [article_id_from_url(u) for u in parse_listing_page(page.body, page.url).urls]
    await store(store_settings, [truth[i] for i in ids[2:]])
    spider = await started(make_spider, store_settings)
    out = await drain(spider.parse_listing(page, "news"))
    assert [article_id_from_url(r.url) for r in out[:-1]] == ids[:2]
    assert out[-1].url == f"{BASE}/news/19"  # new ones here: the next page may hold more
    await finished(spider)


async def test_months_unchanged_skipped_moved_read_rechecked(make_spider, store_settings,
                                                             site):
    first = await started(make_spider, store_settings)
    out = await drain(first.parse_sitemap(response_for(site, INDEX)))
    assert all(r.cb_kwargs["refresh"] is False for r in out)  # nothing remembered yet
    assert first.crawler.stats.get_value("spider/months/read") == len(out)
    # the run reads every month to the end, except one that lost an article to an error
    months = [r.cb_kwargs["month"] for r in out]
    for month in months:
        await first.ledger.month_read(month)
    await first.ledger.month_lost(months[1])
    await finished(first)
    assert first.crawler.stats.get_value("spider/months_complete") == len(months) - 1

    s = ArticleStore(store_settings["MONGO_URI"], store_settings["MONGO_DATABASE"])
    state = await s.state.get(months)
    assert set(state) == set(months) - {months[1]}
    stamp = state[months[0]]["seen"]
    assert state[months[0]]["full"] == stamp and state[months[0]]["full_at"]
    # as if month 2 had been read whole a week before its lastmod, month 3 an hour before
    lastmod = {m: state[m]["seen"] for m in state}
    hour_before = (datetime.fromisoformat(lastmod[months[3]]) - timedelta(hours=1)).isoformat()
    await s.state.set({
        months[2]: {"seen": "2000-01-01T00:00:00+00:00", "full": "2000-01-01T00:00:00+00:00",
                    "full_at": ""},
        months[3]: {"seen": hour_before, "full": hour_before,
                    "full_at": datetime.now(timezone.utc).isoformat()}})
    await s.close()

    second = await started(make_spider, store_settings)
    out = await drain(second.parse_sitemap(response_for(site, INDEX)))
    assert {r.cb_kwargs["month"]: r.cb_kwargs["refresh"] for r in out} == \
        {months[1]: False, months[2]: True, months[3]: False}
    stats = second.crawler.stats
    assert [stats.get_value(f"spider/months/{p}") for p in ("skip", "read", "full", "new")] \
        == [len(months) - 3, 1, 1, 1]
    for month in months:
        await second.ledger.month_read(month)
    await finished(second)
    s = ArticleStore(store_settings["MONGO_URI"], store_settings["MONGO_DATABASE"])
    state = await s.state.get(months)
    # month 3 was read for its new articles: seen moves, the last full read stays
    assert state[months[3]]["seen"] == lastmod[months[3]]
    assert state[months[3]]["full"] == hour_before
    assert state[months[2]]["full"] == state[months[2]]["seen"] != "2000-01-01T00:00:00+00:00"
    await s.close()

    third = await started(make_spider, store_settings)
    out = await drain(third.parse_sitemap(response_for(site, INDEX)))
    assert out == []  # nothing moved since; month 3's recheck is not due yet
    await finished(third, "shutdown")


def test_plan_month():
    now = datetime(2025, 11, 9, 12, tzinfo=timezone.utc)
    day = timedelta(hours=24)

    def state(seen, full, full_at=""):
        return MonthState(seen, full, full_at)

    t0, t1, t2 = "2025-11-01T10:00:00+03:00", "2025-11-01T10:30:00+03:00", \
        "2025-11-02T11:00:00+03:00"
    assert plan_month(t1, None, now, day) == "read"
    assert plan_month("", state(t0, t0), now, day) == "read"  # no lastmod: new ones only
    assert plan_month(t0, state(t0, t0), now, day) == "skip"
    assert plan_month(t1, state(t0, t0), now, day) == "new"  # moved half an hour
    assert plan_month(t1, state(t1, t0), now, day) == "skip"  # and read already
    assert plan_month(t2, state(t1, t0), now, day) == "full"  # moved a day past the full read
    # by our clock: a day after the last full read, an unread move is read whole
    recent = (now - timedelta(hours=2)).isoformat()
    stale = (now - timedelta(hours=25)).isoformat()
    assert plan_month(t1, state(t1, t0, recent), now, day) == "skip"
    assert plan_month(t1, state(t1, t0, stale), now, day) == "full"
    assert plan_month(t2, state(t1, t0), now, day, trust=False) == "new"
    assert plan_month(t1, state(t0, "not a date"), now, day) == "full"
    assert MonthState.load("2025-11-01T10:00:00+03:00") == state(t0, t0)
    assert MonthState.load({"seen": t1}) is None and MonthState.load(None) is None
    assert MonthState.after("new", t2, state(t1, t0, "x"), "now") == state(t2, t0, "x")
    assert MonthState.after("full", t2, state(t1, t0, "x"), "now") == state(t2, t2, "now")


async def test_one_lastmod_on_every_moved_month_is_a_build_time(make_spider, store_settings):
    def index(stamp: str) -> XmlResponse:
        body = "".join(f"<sitemap><loc>{STATIC}/sitemap/2025-{m}.xml</loc>"
                       f"<lastmod>{stamp if m > 8 else f'2025-0{m}-28T10:00:00+03:00'}</lastmod>"
                       f"</sitemap>" for m in (7, 8, 9, 10, 11))
        return XmlResponse(INDEX, body=(
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>').encode())

    first = await started(make_spider, store_settings)
    out = await drain(first.parse_sitemap(index("2025-11-01T10:00:00+03:00")))
    for r in out:
        await first.ledger.month_read(r.cb_kwargs["month"])
    await finished(first)
    second = await started(make_spider, store_settings)
    out = await drain(second.parse_sitemap(index("2025-11-02T04:00:00+03:00")))
    # three months moved, all to the same second: the index was rebuilt, not edited
    assert [r.cb_kwargs for r in out] == [
        {"month": f"sitemap:/sitemap/2025-{m}.xml", "refresh": False} for m in (11, 10, 9)]
    await finished(second)


async def test_a_store_that_cannot_answer_means_fetching(make_spider):
    spider = await started(make_spider, {"STORE_ENABLED": True,
                                         "MONGO_URI": "mongodb://127.0.0.1:9/",
                                         "MONGO_TIMEOUT_MS": 200})
    urls = [f"{BASE}/2025/08/01/some-article-a{i}" for i in (1, 2, 3)]
    out = await drain(spider.article_requests(urls, "listing", "x"))
    assert len(out) == 3
    assert spider.crawler.stats.get_value("spider/store_lookup_errors") == 1
    await finished(spider)


async def test_a_month_whose_read_article_never_reached_the_store_is_read_again(
        make_spider, store_settings, truth):
    ids = sorted(truth)[:2]
    spider = await started(make_spider, store_settings)
    ledger = spider.ledger
    await ledger.state.put("month_plans", "m", '["read", "2025-08-31T00:00:00+00:00", null]')
    assert len(await ledger.select({i: (truth[i]["url"], None) for i in ids}, month="m")) == 2
    await ledger.month_read("m")
    for aid in ids:
        assert await ledger.parsed(aid, aid)
    # one of them was read by a worker that died before its batch was written
    await store(store_settings, [truth[ids[0]]])
    assert await ledger.complete_months() == {}
    await store(store_settings, [truth[ids[1]]])
    assert set(await ledger.complete_months()) == {"m"}
    await finished(spider)
