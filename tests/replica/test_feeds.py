"""RSS feeds, the Yandex feed, sitemaps and news sitemaps, quirks included."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from lxml import etree

from newsscraper.replica.markup import iso

WWW = "https://www.themoscowtimes.com"
STATIC = "https://static.themoscowtimes.com"


def items(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("./channel/item")


def newest(model, pred):
    return [a for a in sorted(model.live_articles, key=lambda a: (a.published, a.id), reverse=True)
            if pred(a)]


@pytest.mark.parametrize(("feed", "pred"), [
    ("news", lambda a: a.section == "news"),
    ("opinion", lambda a: a.section == "opinion"),
    ("city", lambda a: a.section == "city"),
    ("arts-and-life", lambda a: a.section == "city"),
    ("meanwhile", lambda a: a.section == "meanwhile"),
    ("in-depth", lambda a: a.section == "indepth"),
    ("podcasts", lambda a: a.type == "podcast"),
])
def test_section_feeds(model, site, feed, pred):
    page = site.get(f"/rss/{feed}")
    assert page.status == 200 and page.headers["Content-Type"].startswith("application/rss+xml")
    got = items(page.body)
    want = newest(model, pred)[:50]
    assert [i.findtext("link") for i in got] == [WWW + a.path for a in want]
    for item, spec in zip(got, want, strict=True):
        assert item.findtext("title") == spec.title
        assert item.findtext("guid") == item.findtext("link")
        assert parsedate_to_datetime(item.findtext("pubDate")) == spec.published
        assert item.findtext("pubDate").endswith("+0300")
        assert item.find("author") is None and item.find("enclosure") is None
        # padded with newlines and tabs, as the template leaves it
        assert item.findtext("description").startswith("\n\t\t\t")
        assert item.findtext("description").endswith("\t\t\t")


def test_feed_quirks(model, site):
    assert len(items(site.get("/rss/news").body)) == 50
    assert site.get("/rss/business").status == 404  # not in the route's regex
    assert site.get("/rss/city").body == site.get("/rss/arts-and-life").body
    news = site.get("/rss/news").body.decode()
    assert "&#039;" in news and "&amp;" in news
    assert re.search(r"<description>\n\t+(Video|Gallery|Podcast) \| ", news)
    feeds = b"".join(site.get(f"/rss/{f}").body for f in (
        "news", "opinion", "city", "meanwhile", "in-depth")).decode()
    lives = [a for a in model.live_articles if a.type == "live" and f"{WWW}{a.path}<" in feeds]
    assert lives
    for live in lives:  # live-blog bullets first, escaped twice inside CDATA
        item = feeds.split(f"<link>{WWW}{live.path}</link>")[1].split("</description>")[0]
        assert item.count("<![CDATA[") == min(2, len(live.live_posts))


def test_rss_all_has_full_bodies(model, site):
    page = site.get("/rss/all")
    got = items(page.body)
    want = newest(model, lambda a: a.type not in ("podcast", "live"))[:50]
    assert [i.findtext("link") for i in got] == [WWW + a.path for a in want]
    assert b"<![CDATA[<p>" in page.body
    for item, spec in zip(got, want, strict=True):
        assert item.findtext("author") == "general@themoscowtimes.com"
        assert item.find("enclosure").get("length") == "1"
        if spec.is_opinion:
            assert item.findtext("title") == f"{spec.authors[0].name}: {spec.title}"
            assert item.findtext("category") == "Article - Opinion"
        if spec.type == "gallery":
            assert item.findtext("category") == "\u0420hotos - Galleries"  # a Cyrillic Р
        if spec.type == "video":
            assert item.find("enclosure").get("url").startswith("https://www.youtube.com/")
        first = next(t for b in spec.blocks if b.kind == "html" for _tag, t in b.paragraphs)
        text = html.unescape(re.sub(r"<[^>]+>", "", item.findtext("description")))
        assert " ".join(first.split()) in " ".join(text.split())


def test_yandex_feed_in_windows_1251(model, site):
    page = site.get("/rss/yandex-news")
    assert page.body.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    assert page.headers["Content-Type"].endswith("charset=windows-1251")
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    text = page.body.decode("cp1251")
    assert "“" in text and "yandex:full-text" in text
    yandex, full = items(page.body), items(site.get("/rss/all").body)
    assert [(i.findtext("link"), i.findtext("title")) for i in yandex] == [
        (i.findtext("link"), i.findtext("title")) for i in full]


def test_sitemap_index_and_monthly_files(model, site):
    index = site.get("/sitemap/sitemap.xml", "static").body.decode()
    names = re.findall(rf"<loc>{STATIC}/sitemap/(\d{{4}}-\d{{1,2}})\.xml</loc>", index)
    # reversed case-insensitive alphabetical listing: 2025-9 ... 2025-2, 2025-11, 2025-10
    assert names == sorted(names, key=str.lower, reverse=True)
    assert names.index("2025-9") < names.index("2025-11") < names.index("2025-10")
    assert "2024-5" in names and "/2025-07.xml" not in index  # not zero-padded
    assert len(names) >= 5
    lastmods = re.findall(r"<lastmod>([^<]+)</lastmod>", index)
    assert len(lastmods) == len(names) and all(m.endswith("+03:00") for m in lastmods)
    listed = []
    for name in names:
        body = site.get(f"/sitemap/{name}.xml", "static").body
        root = etree.fromstring(body)
        assert b"xmlns:image=" in body and b"<lastmod>" not in body
        listed += [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert sorted(listed) == sorted(WWW + a.path for a in model.live_articles)


def test_news_sitemaps_break_xml_with_raw_ampersands(model, site):
    index = site.get("/sitemap/newsmap.xml", "static").body.decode()
    keys = re.findall(rf"<loc>{STATIC}/sitemap/(\w+)\.xml</loc>", index)
    assert keys == ["news", "opinion", "meanwhile", "city", "business", "climate", "diaspora",
                    "ukraine_war", "lecture_series"]
    fresh = {a.id for a in model.live_articles if model.now - a.published <= timedelta(days=30)}
    seen, broken = set(), 0
    for key in keys:
        body = site.get(f"/sitemap/{key}.xml", "static").body
        try:
            etree.fromstring(body)
        except etree.XMLSyntaxError:
            broken += 1
        root = etree.fromstring(body, etree.XMLParser(recover=True))
        for url in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}url"):
            loc = url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
            aid = int(loc.rsplit("-a", 1)[1])
            assert aid in fresh
            date = url.findtext(".//{http://www.google.com/schemas/sitemap-news/0.9}publication_date")
            assert date == iso(model.by_id[aid].published)
            seen.add(aid)
    assert broken >= 1  # some title carries a raw "&"
    in_news_sections = {a.id for a in model.live_articles if a.id in fresh and a.section in keys}
    assert seen == in_news_sections and len(seen) >= 10
