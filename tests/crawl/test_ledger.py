"""The crawl ledger without a crawl: claims, the month bookkeeping, the shared store."""

from __future__ import annotations

from datetime import date

from newsscraper.crawl.arguments import CrawlArguments
from newsscraper.crawl.ledger import CrawlLedger
from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.spiders.moscowtimes import MoscowTimesSpider
from tests.settings_helpers import get_crawler

URL = "http://127.0.0.1:18000/2025/08/0{day}/story-a{aid}"


def ledger(**arguments) -> CrawlLedger:
    crawler = get_crawler(MoscowTimesSpider, {"STORE_ENABLED": False})
    crawler.stats.open_spider()
    return CrawlLedger(crawler, CrawlArguments.parse(**arguments))


def found(*ids: int) -> dict[int, tuple[str, date | None]]:
    return {aid: (URL.format(day=1, aid=aid), date(2025, 8, 1)) for aid in ids}


async def test_an_article_is_claimed_once_however_many_links_lead_to_it():
    book = ledger()
    assert [aid for aid, _ in await book.select(found(1, 2))] == [1, 2]
    assert [aid for aid, _ in await book.select(found(2, 3), month="m")] == [3]
    # the month owes both, the one claimed before included
    assert await book.state.members("need:m") == {"2", "3"}


async def test_a_month_is_whole_only_when_every_article_it_owed_was_read_or_is_gone():
    book = ledger()
    await book.state.put("month_plans", "m", '["read", "2025-08-31T00:00:00+00:00", null]')
    await book.select(found(1, 2), month="m")
    await book.month_read("m")
    assert await book.complete_months() == {}  # nothing fetched yet
    assert await book.parsed(1, requested=1)
    await book.done(2)  # a 404: gone, owed no more
    [(key, state)] = (await book.complete_months()).items()
    assert key == "m" and state["seen"] == state["full"] == "2025-08-31T00:00:00+00:00"
    await book.month_lost("m")  # e.g. an article outside the window
    assert await book.complete_months() == {}


async def test_the_budget_counts_claims():
    book = ledger(max_articles="2")
    assert len(await book.select(found(1, 2, 3), month="m")) == 2
    assert not await book.budget_left() and not await book.claim_slug("some-slug")
    assert "m" in await book.state.members("months_incomplete")


async def test_one_store_per_crawler_closed_by_the_last_user(mongo_uri, mongo_db_name):
    crawler = get_crawler(MoscowTimesSpider, {"MONGO_URI": mongo_uri,
                                              "MONGO_DATABASE": mongo_db_name})
    pipeline, recorder = acquire_store(crawler), acquire_store(crawler)
    assert pipeline is recorder
    await release_store(crawler)
    assert await recorder.articles.known_ids([1]) == {}  # still open for the other user
    await release_store(crawler)
    assert acquire_store(crawler) is not pipeline  # closed; a new one when asked again
    await release_store(crawler)
