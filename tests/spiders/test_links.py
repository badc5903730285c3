"""Links triaged once: what each kind of link found on a page is, on the crawl's
origins, and the same answer from the remembered triage."""

from __future__ import annotations

from datetime import date

import pytest

from newsscraper.spiders.links import Link, LinkTriage
from newsscraper.spiders.offsite import origins
from newsscraper.spiders.starts import Origins

BASE, STATIC = "http://127.0.0.1:18000", "http://127.0.0.1:18001"
REAL = "https://www.themoscowtimes.com"
ARTICLE = "/2024/05/17/putin-says-no-plans-to-take-kharkiv-a85152"


def triage(cache_size: int = 16) -> LinkTriage:
    return LinkTriage(Origins(BASE, STATIC), origins([BASE, STATIC]), cache_size)


@pytest.mark.parametrize(("raw", "expected"), [
    (BASE + ARTICLE, Link(BASE + ARTICLE, "article", 85152, date(2024, 5, 17))),
    # real-site links on a replica's pages are moved onto the replica
    (REAL + ARTICLE, Link(BASE + ARTICLE, "article", 85152, date(2024, 5, 17))),
    (BASE + "/news/russia-recalls-envoy-12345", Link(BASE + "/news/russia-recalls-envoy-12345",
                                                     "article", 12345, None)),
    (BASE + "/2024/06/03/some-inline-related-slug", Link(
        BASE + "/2024/06/03/some-inline-related-slug", "slug",
        day=None, slug="some-inline-related-slug")),
    (BASE + ARTICLE + "/pdf", Link(BASE + ARTICLE + "/pdf", "skipped_url")),
    (BASE + ARTICLE + "?utm_source=tg", Link(BASE + ARTICLE + "?utm_source=tg", "skipped_url")),
    ("http://127.0.0.1:27017" + ARTICLE, Link("http://127.0.0.1:27017" + ARTICLE, "offsite")),
    ("https://example.org" + ARTICLE, Link("https://example.org" + ARTICLE, "offsite")),
    (BASE + "/opinion", Link(BASE + "/opinion", "not_article_url")),
])
def test_each_kind_of_link(raw, expected):
    links = triage()
    assert links.triage(raw) == expected
    assert links.of(raw) == expected  # remembered: the same answer, twice
    assert links.of(raw) is links.of(raw)


def test_the_remembered_links_are_bounded():
    links = triage(cache_size=4)
    for n in range(10):
        assert links.of(f"{BASE}/2024/05/17/a-{n}-a{n}").article_id == n
    info = links.of.cache_info()
    assert (info.currsize, info.misses) == (4, 10)
