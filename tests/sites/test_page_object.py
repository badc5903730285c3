"""The page object's registries: fields read without side effects and the item built
from them (``fields.py``, ``page.py``), layouts selected by the markers they declare
(``markers.py``, ``layouts.py``)."""

from __future__ import annotations

import re

import pytest

from newsscraper.items import Article, to_jsonable
from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import GalleryPage, LivePage, PodcastPage, VideoPage, layouts
from newsscraper.sites.moscowtimes.article import read_article_page
from newsscraper.sites.moscowtimes.fields import field
from newsscraper.sites.moscowtimes.layouts import LAYOUTS, layout_of, register_layout
from newsscraper.sites.moscowtimes.markers import Markers
from newsscraper.sites.moscowtimes.page import WANTED, ArticlePage
from newsscraper.sites.moscowtimes.query import ClassIndex, parse_html
from tests.sites.test_article import A85152, DATA

# what the site's templates give an article; the page reads them all, nothing else
PAGE_FIELDS = {
    "article_id", "url", "title", "subtitle", "lead", "authors", "published_at",
    "published_at_raw", "modified_at", "modified_at_raw", "section", "tags", "type", "body",
    "related", "read_more", "image", "language"}


def golden_without_dates() -> str:
    # the fallback path of the publication time, the one that used to note as it read
    html = (DATA / "article_a85152_golden.html").read_text(encoding="utf-8")
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    return re.sub(r'<script type="application/ld\+json".*?</script>', "", html, flags=re.S)


@pytest.fixture(scope="module")
def pages() -> list[tuple[str | bytes, str]]:
    model = generate_site(60, seed=5)
    site = render_site(model)
    one_of_each = {a.type: a for a in model.live_articles}
    return [(golden_without_dates(), A85152)] + [
        (site.get(a.path).body, site.base_url + a.path) for a in one_of_each.values()]


def state(page: ArticlePage) -> dict[str, tuple[int, int | None]]:
    """What the page holds: each attribute's object, and its size when it can grow."""
    return {k: (id(v), len(v) if isinstance(v, (list, dict, set)) else None)
            for k, v in vars(page).items()}


def test_the_page_reads_every_field_of_the_templates_and_only_those():
    assert set(ArticlePage.FIELDS) == PAGE_FIELDS
    assert set(Article.__dataclass_fields__) >= PAGE_FIELDS
    for page in (LivePage, GalleryPage, VideoPage, PodcastPage):
        assert page.FIELDS == ArticlePage.FIELDS


def test_reading_a_field_twice_gives_the_same_value_and_leaves_the_page_as_it_was(pages):
    for html, url in pages:
        fresh = read_article_page(html, url)[0].article()
        for name in ArticlePage.FIELDS:
            page = read_article_page(html, url)[0]
            once = getattr(page, name)
            before = state(page)
            assert getattr(page, name) == once, (url, name)
            assert state(page) == before, (url, name)
            assert to_jsonable(page.article()) == to_jsonable(fresh), (url, name)
    assert "no_published_meta" in read_article_page(*pages[0])[0].article().parse_errors


def test_the_item_is_built_from_the_registered_fields(pages):
    class Shouted(ArticlePage):
        @field
        def title(self) -> str:
            return super().title.upper()

    html, url = pages[0]
    page = read_article_page(html, url)[0]
    shouted = Shouted(page.root, page.art, url).article()
    assert shouted.title == page.article().title.upper() != page.article().title


def test_a_field_overridden_without_the_decorator_is_refused():
    with pytest.raises(TypeError, match="title overrides a field"):
        class Plain(ArticlePage):
            def title(self) -> str:  # type: ignore[override]
                return "x"


# -- layouts ------------------------------------------------------------------------------

def layout(data_type: str = "", article_class: str = "article", inner: str = "",
           outside: str = "") -> type[ArticlePage]:
    gtm = f'<div class="gtm-type" data-type="{data_type}"></div>' if data_type else ""
    root = parse_html(f'<html><head></head><body><article class="wrapper">{gtm}'
                      f'<article class="{article_class}">{inner}</article></article>'
                      f'{outside}</body></html>', A85152)
    art = next(a for a in root.iter("article") if "article" in a.get("class").split())
    return layout_of(root, art, ClassIndex(art, WANTED))


LIVE = '<div class="live-posts" data-url="/live/1/{{from}}"></div>'
GALLERY_HEADER = '<div class="galleryheader"></div>'
VIDEO_HEADER = '<figure class="videoheader"></figure>'


@pytest.mark.parametrize(("page", "expected"), [
    ({}, ArticlePage),
    ({"data_type": "gallery"}, GalleryPage),
    ({"data_type": "video"}, VideoPage),
    ({"data_type": "podcast"}, PodcastPage),
    ({"data_type": "default"}, ArticlePage),
    ({"data_type": "live"}, ArticlePage),  # a live blog is known by its posts only
    ({"inner": LIVE}, LivePage),
    ({"inner": LIVE, "data_type": "video"}, LivePage),  # the posts outrank the data type
    # pages stating a data type are not selected by the older pages' markers
    ({"data_type": "default", "outside": GALLERY_HEADER}, ArticlePage),
    ({"data_type": "podcast", "outside": VIDEO_HEADER}, PodcastPage),
    ({"outside": GALLERY_HEADER}, GalleryPage),
    ({"article_class": "article article--gallery"}, GalleryPage),
    ({"outside": VIDEO_HEADER}, VideoPage),
    ({"outside": VIDEO_HEADER + GALLERY_HEADER}, GalleryPage),
])
def test_each_layout_is_selected_by_the_markers_it_declares(page, expected):
    assert layout(**page) is expected


def test_element_markers_are_ones_the_walk_finds():
    for known in LAYOUTS:
        marker = known.MARKERS.element if known.MARKERS else None
        assert marker is None or marker in ArticlePage.WALKED, known


def test_a_registered_layout_is_asked_first(monkeypatch):
    monkeypatch.setattr(layouts, "LAYOUTS", list(layouts.LAYOUTS))

    @register_layout
    class Slideshow(GalleryPage):
        MARKERS = Markers(data_type="slideshow", header="div.galleryheader")

    assert layout(data_type="slideshow") is Slideshow
    assert layout(outside=GALLERY_HEADER) is Slideshow  # before the gallery it extends
    assert layout(data_type="gallery") is GalleryPage
