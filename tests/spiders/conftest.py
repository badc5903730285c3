"""The spider without a crawl: a crawler from ``get_crawler``, responses made from replica
pages, callbacks driven by hand. The store, where a test needs one, is the real server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from newsscraper.replica import RenderedSite, SiteModel, generate_site, render_site
from newsscraper.spiders.moscowtimes import MoscowTimesSpider
from tests.settings_helpers import get_crawler
from tests.spiders.helpers import BASE, STATIC


@pytest.fixture(scope="session")
def model() -> SiteModel:
    return generate_site(150, seed=11)


@pytest.fixture(scope="session")
def site(model: SiteModel) -> RenderedSite:
    return render_site(model, BASE, STATIC)


@pytest.fixture
def make_spider() -> Callable[..., MoscowTimesSpider]:
    """``make_spider(settings={...}, **arguments)``: a spider of a fresh crawler pointed at
    the replica's origins, the store off and pages parsed in the test's process unless
    the settings say otherwise (no crawl closes these spiders, which ends the workers)."""

    def make(settings: dict[str, Any] | None = None, **arguments: Any) -> MoscowTimesSpider:
        crawler = get_crawler(MoscowTimesSpider, {"STORE_ENABLED": False, "PARSER_WORKERS": 0,
                                                  **(settings or {})})
        arguments.setdefault("base_url", BASE)
        arguments.setdefault("static_url", STATIC)
        spider = MoscowTimesSpider.from_crawler(crawler, **arguments)
        crawler.spider = spider
        return spider

    return make
