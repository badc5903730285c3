"""Listings, "View more" fragments, feeds, sitemaps and robots.txt."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import (
    article_id_from_url,
    is_skipped_url,
    is_slug_only_url,
    parse_listing,
    parse_listing_page,
    parse_robots_sitemaps,
    parse_rss,
    parse_sitemap,
)

DATA = Path(__file__).resolve().parents[1] / "data"
WWW = "https://www.themoscowtimes.com"


@pytest.fixture(scope="module")
def model():
    return generate_site(200, seed=5)


@pytest.fixture(scope="module")
def site(model):
    return render_site(model)


def newest(model, section):
    return [a for a in sorted(model.live_articles, key=lambda a: a.published, reverse=True)
            if a.section == section]


def test_section_page_lists_its_cluster_only(model, site):
    listing = parse_listing_page(site.get("/news").body, WWW + "/news")
    expected = [WWW + a.path for a in newest(model, "news")[:19]]
    assert listing.urls == expected  # the sidebar's "Just in" links are left out
    assert listing.more_template == WWW + "/news/{{offset}}"
    assert (listing.more_start, listing.more_step) == (19, 18)


def test_view_more_fragments_until_empty(model, site):
    items = newest(model, "news")
    got, offset = [], 19
    while True:
        urls = parse_listing(site.get(f"/news/{offset}").body, f"{WWW}/news/{offset}")
        if not urls:
            break
        got += urls
        offset += 18
    assert got == [WWW + a.path for a in items[19:]]
    assert site.get(f"/news/{offset + 1000}").body == b""


def test_sample_fragment_and_author_page(site, model):
    urls = parse_listing((DATA / "news_more_fragment_GET_news_19.html").read_bytes(), WWW + "/news/19")
    assert urls == [WWW + "/2024/05/15/example-news-item-a85100",
                    WWW + "/2024/05/15/example-opinion-item-a85099"]
    author = model.by_id[85152].authors[0]
    page = parse_listing(site.get(f"/author/{author.slug}").body, WWW)
    assert WWW + model.by_id[85152].path in page


def test_rss_feed_sample_and_entities():
    entries = parse_rss((DATA / "rss_news.xml").read_bytes(), WWW + "/rss/news")
    assert entries[0].title == "Putin Says 'No Plans' to Take Kharkiv, Blames Ukraine for New Offensive"
    assert entries[0].published_at == datetime.fromisoformat("2024-05-17T17:40:00+03:00")
    assert [e.url for e in entries][1].endswith("-a85120")


def test_yandex_feed_in_windows_1251(site):
    body = site.get("/rss/yandex-news").body
    assert b'encoding="windows-1251"' in body[:80]
    yandex = parse_rss(body, WWW + "/rss/yandex-news")
    full = parse_rss(site.get("/rss/all").body, WWW + "/rss/all")
    assert [(e.url, e.title) for e in yandex] == [(e.url, e.title) for e in full]
    assert len(yandex) == 50
    assert any(not e.title.isascii() for e in yandex)  # Cyrillic survived the round trip


def test_no_business_feed(site):
    assert site.get("/rss/business").status == 404


def test_sitemap_index_sorted_by_month(site):
    index = parse_sitemap(site.static_pages["/sitemap/sitemap.xml"].body, "x")
    assert index.kind == "index"
    months = [e.year_month for e in index.entries]
    assert months == sorted(months, reverse=True) and (2024, 5) in months
    raw_order = [e.loc for e in index.entries]
    assert "2025-9.xml" in site.static_pages["/sitemap/sitemap.xml"].body.decode().split(
        "<loc>")[1]  # the file itself is not in date order: 2025-9 before 2025-11
    assert raw_order[0].endswith("/2025-11.xml")


def test_news_sitemap_with_raw_ampersands(site, model):
    raw = b"".join(p.body for k, p in site.static_pages.items() if k in (
        "/sitemap/news.xml", "/sitemap/business.xml", "/sitemap/ukraine_war.xml"))
    assert b" & " in raw  # really unescaped, as the site writes it
    for key in ("news", "opinion", "business", "ukraine_war"):
        sm = parse_sitemap(site.static_pages[f"/sitemap/{key}.xml"].body, "x")
        for e in sm.entries:
            spec = model.by_id[article_id_from_url(e.loc)]
            assert e.title == spec.title and e.published_at is not None


def test_month_sitemap_sample():
    sm = parse_sitemap((DATA / "sitemap_month_2024-5.xml").read_bytes(), "x")
    assert sm.kind == "urlset" and article_id_from_url(sm.entries[0].loc) == 85152


def test_robots(site):
    assert parse_robots_sitemaps(site.get("/robots.txt").body.decode()) == [
        site.static_url + "/sitemap/sitemap.xml"]


@pytest.mark.parametrize(("url", "aid", "slug_only", "skip"), [
    (WWW + "/2024/05/17/putin-says-a85152", 85152, False, False),
    (WWW + "/2024/05/17/putin-says-a85152/", 85152, False, False),
    (WWW + "/2025/11/02/ukrainian-drone-attacks", None, True, False),
    (WWW + "/articles/old-story-56901", 56901, False, False),
    (WWW + "/2024/05/17/putin-says-a85152/pdf", None, False, True),
    (WWW + "/all/85151", None, False, True),
    (WWW + "/news?utm_source=x", None, False, True),
    (WWW + "/search/?q=x", None, False, True),
])
def test_url_rules(url, aid, slug_only, skip):
    assert article_id_from_url(url) == aid
    assert is_slug_only_url(url) is slug_only
    assert is_skipped_url(url) is skip
