"""Whatever the bytes, a parser returns or raises ParseError: nothing else reaches the crawl."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import (
    ParseError,
    live_posts_url,
    parse_article,
    parse_listing_page,
    parse_live_posts,
    parse_robots_sitemaps,
    parse_rss,
    parse_sitemap,
)

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "https://www.themoscowtimes.com/2024/05/17/x-a85152"


def every_parser(body: bytes) -> None:
    for call in (
        lambda: parse_article(body, URL),
        lambda: parse_article(body.decode("utf-8", "replace"), URL),
        lambda: live_posts_url(body, URL),
        lambda: parse_live_posts(body),
        lambda: parse_listing_page(body, URL),
        lambda: parse_rss(body, URL),
        lambda: parse_sitemap(body, URL),
        lambda: parse_robots_sitemaps(body.decode("utf-8", "replace")),
    ):
        with contextlib.suppress(ParseError):
            call()


@pytest.fixture(scope="module")
def documents() -> list[bytes]:
    site = render_site(generate_site(40, seed=3))
    live = next(p for k, p in site.pages.items() if k.startswith("/live/"))
    return [
        (DATA / "article_a85152_golden.html").read_bytes(),
        site.get("/news").body, site.get("/news/19").body, live.body,
        site.get("/rss/all").body, site.get("/rss/yandex-news").body,
        site.static_pages["/sitemap/sitemap.xml"].body, site.static_pages["/sitemap/news.xml"].body,
    ]


@pytest.mark.parametrize("body", [
    b"", b" ", b"\x00", b"\xff\xfe\x00<", b"{}", b"[]", b"null", b"[1, {}, []]",
    b'[{"id": "x", "time": 5, "body": "text"}]', b'[{"id": 1, "time": "2024-01-01", "body": {}}]',
    b"<html>", b"<rss><item><link>", b'<?xml version="1.0" encoding="nonsense"?><urlset/>',
    b"<sitemapindex><sitemap><loc>x</loc><lastmod>not a date</lastmod></sitemap>",
    b"<rss><channel><item><link>u</link><pubDate>Fri, 99 Foo</pubDate></item></channel></rss>",
    "<html><head><meta charset=utf-8></head><body>Привет</body></html>".encode("utf-16"),
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)),
])
def test_known_nasty_bodies(body):
    every_parser(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes(body):
    every_parser(body)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(which=st.integers(0, 7), cut=st.integers(0, 40_000), span=st.integers(0, 5000),
       junk=st.binary(max_size=40))
def test_mangled_real_documents(documents, which, cut, span, junk):
    doc = documents[which]
    every_parser(doc[:cut] + junk + doc[cut + span:])


@pytest.fixture(scope="module")
def hostile():
    model = generate_site(30, seed=2)
    return model, render_site(model, faults="hostile")


def trap(site, name: str) -> tuple[bytes, str]:
    path = f"/2025/11/01/{name}"
    return site.get(path).body, site.base_url + path


def test_trap_malformed_page_is_a_clear_error(hostile):
    _model, site = hostile
    with pytest.raises(ParseError):  # no <head>, unclosed tags, bytes invalid in UTF-8
        parse_article(*trap(site, "malformed-story-a3"))


def test_trap_listing_at_an_article_url(hostile):
    _model, site = hostile
    with pytest.raises(ParseError):
        parse_article(*trap(site, "not-an-article-a8"))


def test_trap_huge_page_parses_like_the_page_it_pads(hostile):
    _model, site = hostile
    body, url = trap(site, "huge-story-a4")
    assert len(body) > 5_000_000
    a = parse_article(body, url)
    # the padded page keeps its own canonical link: the article is the real one
    original = parse_article(site.get(a.url.removeprefix(site.base_url)).body, a.url)
    assert a == original and not a.partial


def test_trap_truncated_page_is_partial_or_an_error(hostile):
    _model, site = hostile
    body, url = trap(site, "truncated-story-a2")
    half = body[: len(body) // 2]  # what arrives before the server closes the connection
    try:
        a = parse_article(half, url)
    except ParseError:
        return
    assert a.article_id and a.title  # whatever arrived is kept, and the item is marked
    assert a.partial and "truncated" in a.parse_errors


def test_unparseable_links_are_dropped_not_raised(documents):
    page = documents[0].decode()
    broken = page.replace('rel="canonical" href="', 'rel="canonical" href="http://[x', 1)
    assert broken != page
    article = parse_article(broken, URL)  # og:url, then the response URL, stand in
    assert article.article_id == 85152 and article.url.endswith("-a85152")
    # related, "Read more", image, feed and sitemap links: the broken one alone is dropped
    first_related = parse_article(page, URL).related[0].url
    article = parse_article(page.replace(first_related, "http://[x"), URL)
    assert "http://[x" not in [r.url for r in article.related]
    feed = (b"<rss><channel><item><link>http://[x</link></item>"
            b"<item><link>https://www.themoscowtimes.com/2024/05/17/y-a1</link></item>"
            b"</channel></rss>")
    assert [e.url for e in parse_rss(feed, URL)] == [
        "https://www.themoscowtimes.com/2024/05/17/y-a1"]
    sitemap = (b"<urlset><url><loc>http://[x</loc></url>"
               b"<url><loc>https://a.example/1</loc></url></urlset>")
    assert [e.loc for e in parse_sitemap(sitemap, URL).entries] == ["https://a.example/1"]
