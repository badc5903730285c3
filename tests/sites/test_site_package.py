"""The site package is the one home of site knowledge, kept readable (issue 11)."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import newsscraper.sites.moscowtimes as mt
from newsscraper.cleaning import PROMO_PREFIXES, clean_body, split_authors

SITES = Path(mt.__file__).resolve().parent


def definitions():
    for path in sorted(SITES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield path.name, node


def test_no_function_over_60_lines_in_sites():
    long = [(f, n.name, n.end_lineno - n.lineno + 1) for f, n in definitions()
            if not isinstance(n, ast.ClassDef) and n.end_lineno - n.lineno + 1 > 60]
    assert long == []


def test_every_public_class_and_function_in_sites_has_a_docstring():
    bare = [(f, n.name) for f, n in definitions()
            if not n.name.startswith("_") and ast.get_docstring(n) is None]
    assert bare == []


@pytest.mark.parametrize(("url", "day"), [
    ("https://www.themoscowtimes.com/2024/05/17/x-a85152", date(2024, 5, 17)),
    ("https://www.themoscowtimes.com/2025/11/02/slug-only", date(2025, 11, 2)),
    ("https://www.themoscowtimes.com/2024/02/30/x-a1", None),  # no such day
    ("https://www.themoscowtimes.com/news/2024/05/17", None),
    ("https://www.themoscowtimes.com/2024/05/17", None),
])
def test_url_date(url, day):
    assert mt.url_date(url) == day


@pytest.mark.parametrize(("raw", "naive", "expected"), [
    ("2024-05-17T17:40:00+03:00", None, datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    ("2024-05-17T14:40:00Z", None, datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    ("2024-05-17 17:40:00", None, None),  # gallery bylines: no zone given
    ("2024-05-17 17:40:00", timezone(timedelta(hours=3)),
     datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    (" ", None, None), ("yesterday", None, None), (None, None, None), (17, None, None),
])
def test_parse_iso(raw, naive, expected):
    got = mt.parse_iso(raw, naive)
    assert got == expected and (got is None or got.tzinfo is not None)


def test_site_knowledge_is_written_once():
    # cleaning uses the site's appeals and byline separators: they cannot drift apart
    assert PROMO_PREFIXES is mt.PROMO_PREFIXES
    assert clean_body("Text.\n\nDear readers we need you") == "Text."
    assert split_authors("Anna Petrova & Ivan Ivanov") == ["Anna Petrova", "Ivan Ivanov"]
    assert mt.section_label("section.ecture_series") == mt.LECTURE_LABEL
    assert mt.section_path("city") == "arts-and-life" and mt.section_path("news") == "news"
    assert mt.document_id(85152) == "moscowtimes:85152"


def test_layouts_are_picked_by_page_markers():
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes.article import read_article_page

    model = generate_site(60, seed=5)
    site = render_site(model)
    seen = {}
    for spec in model.live_articles:
        page, _text, _ok = read_article_page(site.get(spec.path).body, site.base_url + spec.path)
        seen[spec.type] = type(page)
    assert seen == {"default": mt.ArticlePage, "live": mt.LivePage, "gallery": mt.GalleryPage,
                    "video": mt.VideoPage, "podcast": mt.PodcastPage}


def test_live_blog_is_parsed_once_with_its_posts_url(tmp_path):
    from newsscraper.replica import generate_site, render_site

    model = generate_site(60, seed=5)
    site = render_site(model)
    live = next(a for a in model.live_articles if a.type == "live")
    other = next(a for a in model.live_articles if a.type == "default")
    parsed = mt.parse_article_page(site.get(live.path).body, site.base_url + live.path)
    assert parsed.article.type == "live"
    assert parsed.live_posts_url == f"{site.base_url}/live/{live.id}/0"
    assert mt.parse_article_page(site.get(other.path).body,
                                 site.base_url + other.path).live_posts_url is None


def test_a_page_reads_the_same_from_its_utf8_bytes_and_from_its_text():
    # the site's UTF-8 pages go to libxml2 as bytes (quicker); nothing they say may change
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes.text import html_source

    model = generate_site(60, seed=5)
    site = render_site(model)
    types = set()
    for spec in model.live_articles:
        body, url = site.get(spec.path).body, site.base_url + spec.path
        assert html_source(body) == (body, True)  # the bytes path is the one taken
        from_bytes = mt.parse_article_page(body, url)
        from_text = mt.parse_article_page(body.decode("utf-8"), url)
        assert from_bytes == from_text
        types.add(from_bytes.article.type)
    assert types == {"default", "opinion", "live", "gallery", "video", "podcast"}
    listing = site.get("/news").body
    cards = mt.parse_listing_page(listing, site.base_url + "/news")
    assert cards.urls and cards == mt.parse_listing_page(listing.decode("utf-8"),
                                                         site.base_url + "/news")
