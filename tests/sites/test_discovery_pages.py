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
from newsscraper.sites.moscowtimes.sitemaps import MAX_SITEMAP_URLS
from tests.spiders.helpers import big_sitemap

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
    fragment = (DATA / "news_more_fragment_GET_news_19.html").read_bytes()
    urls = parse_listing(fragment, WWW + "/news/19")
    assert urls == [WWW + "/2024/05/15/example-news-item-a85100",
                    WWW + "/2024/05/15/example-opinion-item-a85099"]
    author = model.by_id[85152].authors[0]
    page = parse_listing(site.get(f"/author/{author.slug}").body, WWW)
    assert WWW + model.by_id[85152].path in page


def test_rss_feed_sample_and_entities():
    entries = parse_rss((DATA / "rss_news.xml").read_bytes(), WWW + "/rss/news")
    assert entries[0].title == \
        "Putin Says 'No Plans' to Take Kharkiv, Blames Ukraine for New Offensive"
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


def test_sitemap_index_sample():
    index = parse_sitemap((DATA / "sitemap_index_static.xml").read_bytes(), "x")
    assert index.kind == "index"
    assert [(e.year_month, e.lastmod) for e in index.entries] == [
        ((2024, 5), datetime.fromisoformat("2024-05-17T19:00:03+03:00")),
        ((2024, 4), datetime.fromisoformat("2024-05-01T00:10:02+03:00"))]


def test_index_order_is_by_month_not_by_file_order():
    locs = ["2025-9", "2025-2", "2025-11", "2025-10", "2025-1", "2024-12", "1999-3"]
    body = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9">' + "".join(
                f"<sitemap><loc>https://static.themoscowtimes.com/sitemap/{n}.xml</loc></sitemap>"
                for n in locs) + "</sitemapindex>")
    months = [e.year_month for e in parse_sitemap(body.encode(), "x").entries]
    assert months == [(2025, 11), (2025, 10), (2025, 9), (2025, 2), (2025, 1), (2024, 12),
                      (1999, 3)]


def test_news_sitemap_sample_after_its_index():
    raw = (DATA / "newsmap_and_news_section.xml").read_bytes()
    index_part, news_part = raw.split(b"<?xml", 2)[1:]
    index = parse_sitemap(b"<?xml" + index_part, "x")
    assert index.kind == "index"
    assert [e.loc.rsplit("/", 1)[1] for e in index.entries] == ["news.xml", "opinion.xml"]
    news = parse_sitemap(b"<?xml" + news_part, "x")
    [entry] = news.entries
    assert article_id_from_url(entry.loc) == 85152
    assert entry.title == "Putin Says 'No Plans' to Take Kharkiv, Blames Ukraine for New Offensive"
    assert entry.published_at == datetime.fromisoformat("2024-05-17T17:40:00+03:00")


def test_news_sitemap_keeps_ampersands_and_every_entry():
    items = [("Oil & Gas Giant Fined", 1), ("AT&T Leaves", 2), ("Plain &amp; Escaped", 3)]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
            'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(
                f"<url><loc>{WWW}/2025/10/0{n}/x-a{n}</loc><news:news><news:title>{t}</news:title>"
                f"<news:keywords>Oil & Gas</news:keywords></news:news></url>" for t, n in items)
            + "</urlset>")
    entries = parse_sitemap(body.encode(), "x").entries
    assert [(e.title, article_id_from_url(e.loc)) for e in entries] == [
        ("Oil & Gas Giant Fined", 1), ("AT&T Leaves", 2), ("Plain & Escaped", 3)]


def test_rss_all_feed(site, model):
    entries = parse_rss(site.get("/rss/all").body, WWW + "/rss/all")
    expected = [a for a in sorted(model.live_articles, key=lambda a: a.published, reverse=True)
                if a.type not in ("podcast", "live")][:50]
    assert [e.url for e in entries] == [WWW + a.path for a in expected]
    for entry, spec in zip(entries, expected, strict=True):
        # opinion titles carry an "Author: " prefix in this feed only
        prefix = f"{spec.authors[0].name}: " if spec.is_opinion and spec.authors else ""
        assert entry.title == prefix + spec.title
        assert entry.published_at == spec.published


def test_section_feeds_list_their_section(site, model):
    for feed, key in (("news", "news"), ("opinion", "opinion"), ("in-depth", "indepth"),
                      ("arts-and-life", "city"), ("city", "city")):
        entries = parse_rss(site.get(f"/rss/{feed}").body, f"{WWW}/rss/{feed}")
        assert [e.url for e in entries] == [WWW + a.path for a in newest(model, key)[:50]], feed


def test_yandex_feed_declared_encoding_wins_over_utf8_guess(site):
    body = site.get("/rss/yandex-news").body
    assert body.decode("windows-1251") and not _is_utf8(body)
    titles = [e.title for e in parse_rss(body, WWW + "/rss/yandex-news")]
    assert titles == [e.title for e in parse_rss(body.decode("windows-1251"), "x")]


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_tag_page_and_its_view_more_fragments(model, site):
    tag = max((t for a in model.live_articles for t in a.tags), key=lambda t: sum(
        t in a.tags for a in model.live_articles))
    items = [WWW + a.path for a in sorted(model.live_articles, key=lambda a: a.published,
                                          reverse=True) if tag in a.tags]
    page = parse_listing_page(site.get(f"/tag/{tag.slug}").body, f"{WWW}/tag/{tag.slug}")
    assert page.urls == items[:20]
    # the button uses the tag title, steps 18 while the server returns 20: overlaps
    assert page.more_template == f"{WWW}/tag/{tag.title}/{{{{offset}}}}"
    seen = list(page.urls)
    offset = page.more_start
    while True:
        path = page.more_template.replace("{{offset}}", str(offset)).removeprefix(WWW)
        urls = parse_listing(site.get(path).body, WWW + path)
        if not urls:
            break
        seen += [u for u in urls if u not in seen]
        offset += page.more_step
    assert seen == items


def test_author_page_lists_every_article_of_the_author(model, site):
    author = model.live_articles[0].authors[0] if model.live_articles[0].authors else next(
        a.authors[0] for a in model.live_articles if a.authors)
    items = [WWW + a.path for a in sorted(model.live_articles, key=lambda a: a.published,
                                          reverse=True) if author in a.authors][:100]
    page = parse_listing_page(site.get(f"/author/{author.slug}").body, WWW)
    assert page.urls == items and page.more_template is None


@pytest.mark.parametrize(("path", "kind"), [
    ("/videos", "video"), ("/galleries", "gallery"), ("/podcasts", "podcast"),
    ("/opinion", "opinion"), ("/ukraine-war", "ukraine_war"), ("/", None)])
def test_other_listings_leave_the_sidebar_out(model, site, path, kind):
    live = sorted(model.live_articles, key=lambda a: a.published, reverse=True)
    items = [a for a in live if kind is None or kind in (a.type, a.section)]
    assert parse_listing(site.get(path).body, WWW + path) == [WWW + a.path for a in items[:19]]


def test_relative_links_resolve_against_the_document_url():
    rss = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item>'
           b"<title>T</title><link>/2024/05/17/x-a1</link></item></channel></rss>")
    assert [e.url for e in parse_rss(rss, WWW + "/rss/news")] == [WWW + "/2024/05/17/x-a1"]
    sm = (b'<?xml version="1.0" encoding="UTF-8"?><sitemapindex><sitemap><loc>2024-5.xml</loc>'
          b"</sitemap></sitemapindex>")
    [entry] = parse_sitemap(sm, "https://static.themoscowtimes.com/sitemap/sitemap.xml").entries
    assert entry.loc == "https://static.themoscowtimes.com/sitemap/2024-5.xml"
    assert entry.year_month == (2024, 5)


@pytest.mark.parametrize(("listed", "read", "truncated"), [
    (MAX_SITEMAP_URLS + 1, MAX_SITEMAP_URLS, True), (MAX_SITEMAP_URLS, MAX_SITEMAP_URLS, False)])
def test_a_sitemap_is_read_to_the_sitemaps_org_limit(listed, read, truncated):
    sitemap = parse_sitemap(big_sitemap(listed, WWW), "x")
    assert (len(sitemap.entries), sitemap.truncated) == (read, truncated)
    assert sitemap.entries[-1].loc.endswith(f"-a{read}")
