"""Spider arguments and settings: defaults, clear refusals, the replica profile, the
User-Agent and the domains a crawl may visit."""

from __future__ import annotations

from datetime import date

import pytest

from newsscraper.crawl.arguments import ArgumentError, CrawlArguments
from newsscraper.seeds import SeedError
from newsscraper.spiders.moscowtimes import MoscowTimesSpider
from tests.settings_helpers import get_crawler, project_settings


def test_defaults_are_the_real_site_incremental_depth_two():
    a = CrawlArguments.parse()
    assert (a.base_url, a.static_url) == ("https://www.themoscowtimes.com",
                                          "https://static.themoscowtimes.com")
    assert (a.mode, a.related_depth, a.max_articles, a.since, a.until, a.sections) == \
        ("incremental", 2, None, None, None, None)


def test_values_as_the_command_line_gives_them():
    a = CrawlArguments.parse(base_url="http://127.0.0.1:8000/", since="2025-01-01",
                             until="2025-06-30", max_articles="200", related_depth="0",
                             sections="news, opinion,", mode="full")
    assert a.base_url == "http://127.0.0.1:8000"
    assert (a.since, a.until) == (date(2025, 1, 1), date(2025, 6, 30))
    assert (a.max_articles, a.related_depth, a.mode) == (200, 0, "full")
    assert a.sections == {"news", "opinion"}
    assert a.as_record()["sections"] == "news,opinion"
    assert CrawlArguments.parse(since="31d", today=date(2025, 3, 31)).since == date(2025, 2, 28)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"since": "yesterday"}, "since must be YYYY-MM-DD or Nd"),
    ({"until": "2025-13-01"}, "until must be YYYY-MM-DD or Nd"),
    ({"since": "2025-06-01", "until": "2025-05-01"}, "since (2025-06-01) is after until"),
    ({"max_articles": "many"}, "max_articles must be a whole number"),
    ({"max_articles": "0"}, "max_articles must be at least 1"),
    ({"related_depth": "-1"}, "related_depth must be at least 0"),
    ({"related_depth": "1.5"}, "related_depth must be a whole number"),
    ({"mode": "fast"}, "mode must be one of incremental, full"),
    ({"base_url": "www.themoscowtimes.com"}, "base_url must be an http(s) origin"),
    ({"static_url": "ftp://static"}, "static_url must be an http(s) origin"),
    ({"sections": "news;opinion"}, "sections must be comma-separated listing names"),
    ({"sections": ","}, "sections must be comma-separated listing names"),
])
def test_bad_arguments_are_refused_by_name(arguments, message):
    with pytest.raises(ArgumentError) as err:
        CrawlArguments.parse(**arguments)
    assert message in str(err.value)


def test_the_spider_refuses_before_any_request(make_spider, tmp_path):
    with pytest.raises(ArgumentError, match="mode must be"):
        make_spider(mode="fast")
    with pytest.raises(ArgumentError, match=r"sections: no seed for sports; the seed file offers"):
        make_spider(sections="news,sports")
    bad = tmp_path / "seeds.txt"
    bad.write_text("https://www.themoscowtimes.com/news\nnews\n")
    with pytest.raises(SeedError, match=rf"{bad}:2: "):
        make_spider(seeds=str(bad))


def test_origins_from_settings_when_no_argument_names_them():
    crawler = get_crawler(MoscowTimesSpider, {"NEWSSCRAPER_BASE_URL": "http://127.0.0.1:9000",
                                              "NEWSSCRAPER_STATIC_URL": "http://127.0.0.1:9001"})
    spider = MoscowTimesSpider.from_crawler(crawler)
    assert (spider.base_url, spider.static_url) == ("http://127.0.0.1:9000",
                                                    "http://127.0.0.1:9001")
    spider = MoscowTimesSpider.from_crawler(crawler, base_url="http://127.0.0.1:7000")
    assert spider.base_url == "http://127.0.0.1:7000"


def test_seed_origins_are_rewritten_onto_the_replica(make_spider):
    spider = make_spider()
    assert spider.origins.rewrite("https://www.themoscowtimes.com/news") == "http://127.0.0.1:18000/news"
    assert spider.origins.rewrite("https://static.themoscowtimes.com/sitemap/sitemap.xml") == \
        "http://127.0.0.1:18001/sitemap/sitemap.xml"
    assert spider.origins.rewrite("https://www.themoscowtimes.com.evil.example/x") == \
        "https://www.themoscowtimes.com.evil.example/x"
    kinds = {(s.kind, s.section) for s in spider.starts}
    assert ("robots", None) in kinds and ("newsmap", None) in kinds
    assert ("feed", "news") in kinds and ("listing", "arts-and-life") in kinds
    assert all(s.url.startswith("http://127.0.0.1:1800") for s in spider.starts)


def test_user_agent_names_the_bot_and_the_contact():
    crawler = get_crawler(MoscowTimesSpider, {"NEWSSCRAPER_CONTACT": "ops@example.org"})
    assert crawler.settings["USER_AGENT"].startswith("newsscraper/")
    assert crawler.settings["USER_AGENT"].endswith("(news archive crawler; +ops@example.org)")
    crawler = get_crawler(MoscowTimesSpider, {"USER_AGENT": "mine/1.0"})
    assert crawler.settings["USER_AGENT"] == "mine/1.0"


def test_politeness_settings_and_the_replica_profile():
    from scrapy.settings import Settings

    project = project_settings()
    assert project.getbool("ROBOTSTXT_OBEY") and project.getbool("AUTOTHROTTLE_ENABLED")
    assert project.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert project.getfloat("DOWNLOAD_DELAY") > 0

    crawler = get_crawler(MoscowTimesSpider, {"NEWSSCRAPER_PROFILE": "replica",
                                              "AUTOTHROTTLE_ENABLED": True,
                                              "DOWNLOAD_DELAY": 0.5})
    assert not crawler.settings.getbool("AUTOTHROTTLE_ENABLED")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0
    # a value given on the command line still wins over the profile
    from scrapy.crawler import CrawlerRunner

    settings = Settings({"NEWSSCRAPER_PROFILE": "replica"})
    settings.set("CONCURRENT_REQUESTS", 3, priority="cmdline")
    crawler = CrawlerRunner(settings).create_crawler(MoscowTimesSpider)
    assert crawler.settings.getint("CONCURRENT_REQUESTS") == 3
    with pytest.raises(ArgumentError, match="NEWSSCRAPER_PROFILE must be one of replica"):
        get_crawler(MoscowTimesSpider, {"NEWSSCRAPER_PROFILE": "turbo"})


def test_the_remote_control_server_is_off_in_a_default_crawl():
    from scrapy.crawler import CrawlerRunner
    from scrapy.exceptions import NotConfigured
    from scrapy.extensions.remote_control import RemoteControl

    project = project_settings()
    crawler = CrawlerRunner(project).create_crawler(MoscowTimesSpider)
    assert crawler.settings.getbool("REMOTE_CONTROL_ENABLED") is False
    with pytest.raises(NotConfigured):
        RemoteControl.from_crawler(crawler)
    # and on when asked for
    project.set("REMOTE_CONTROL_ENABLED", True, priority="cmdline")
    crawler = CrawlerRunner(project).create_crawler(MoscowTimesSpider)
    assert crawler.settings.getbool("REMOTE_CONTROL_ENABLED") is True
