"""The page layouts that differ from the default article template, each declaring the
markers that select it, and the registry that asks them in turn.

Layouts have no date range: the site renders every article, its archive's too, in the
templates of the day, so a page's markup says when it was fetched, not when the article
appeared, and only the markers tell layouts apart. A redesign is a new layout class with
its markers and golden test, beside the old one, which keeps reading the pages fetched
before it (archived records: ``newsscraper reparse``).
"""

from __future__ import annotations

import re

from lxml import etree

from newsscraper.sites.moscowtimes.fields import field
from newsscraper.sites.moscowtimes.markers import Markers, PageMarkers
from newsscraper.sites.moscowtimes.page import ArticlePage
from newsscraper.sites.moscowtimes.query import HTML_PARSER, ClassIndex, select, text_of
from newsscraper.sites.moscowtimes.site import AUTHOR_SEPARATORS
from newsscraper.sites.moscowtimes.urls import absolute_url

_COMMENTS = etree.XPath(".//comment()")


class LivePage(ArticlePage):
    """A live blog (template ``article/live.php``): the summary in ``div.live-intro``, the
    byline inside an HTML comment, the posts served as JSON from the URL in
    ``div.live-posts[data-url]``."""

    layout = "live"
    MARKERS = Markers(element=ArticlePage.LIVE_POSTS)
    has_byline = False  # commented out by the template: authors come from the comment
    AUTHOR_NAME = ".byline__author__name"  # inside the commented-out byline
    COMMENT_BYLINE = re.compile(r'class="byline__author"[^>]*>\s*(?:By\s+)?(.*?)</div>', re.S)

    @field
    def type(self) -> str:
        """Always ``live``."""
        return "live"

    @field
    def lead(self) -> str | None:
        """``div.live-intro``, the blog's summary."""
        return text_of(self.index.first(self.LIVE_INTRO)) or None

    def byline_names(self) -> list[str]:
        """The names of the byline the template comments out, read as markup."""
        names = super().byline_names()
        if names:
            return names
        for comment in _COMMENTS(self.art):
            m = self.COMMENT_BYLINE.search(comment.text or "")
            if not m:
                continue
            inner = etree.fromstring(f"<div>{m.group(1)}</div>", HTML_PARSER)
            links = select(inner, self.AUTHOR_NAME)
            if links:
                return [text_of(a) for a in links]
            return [n for n in AUTHOR_SEPARATORS.split(text_of(inner)) if n]
        return []

    def live_posts_url(self) -> str | None:
        """``div.live-posts[data-url]`` with ``{{from}}`` = 0: every post."""
        return posts_url(self.index.first(self.LIVE_POSTS), self.response_url)


class GalleryPage(ArticlePage):
    """A photo gallery (template ``article/gallery.php``): a gallery header instead of a
    featured image, authors as ``a.article__author__name``, two content containers."""

    layout = "gallery"
    MARKERS = Markers(data_type="gallery", article_class="article--gallery",
                      header="div.galleryheader")

    @field
    def type(self) -> str:
        """Always ``gallery``."""
        return "gallery"

    @field
    def image(self) -> None:
        """None: the gallery header is not a featured image."""
        return None


class VideoPage(ArticlePage):
    """A video article: a YouTube header (``figure.videoheader``) and no featured image,
    even when the article has one."""

    layout = "video"
    MARKERS = Markers(data_type="video", header="figure.videoheader")

    @field
    def type(self) -> str:
        """Always ``video``."""
        return "video"

    @field
    def image(self) -> None:
        """None: the video header replaces the featured figure."""
        return None


class PodcastPage(ArticlePage):
    """A podcast episode: an audio embed above the body, a byline without "By "."""

    layout = "podcast"
    MARKERS = Markers(data_type="podcast")

    @field
    def type(self) -> str:
        """Always ``podcast``."""
        return "podcast"


# asked in turn, the first whose markers the page shows is its layout; the default one
# (ArticlePage) has none
LAYOUTS: list[type[ArticlePage]] = [LivePage, GalleryPage, VideoPage, PodcastPage]


def register_layout(layout: type[ArticlePage]) -> type[ArticlePage]:
    """Ask ``layout`` before the others (a fix tried on archived pages before it is
    released: ``newsscraper reparse``; tests). Returns it: a class decorator."""
    LAYOUTS.insert(0, layout)
    return layout


def layout_of(root, art, index: ClassIndex) -> type[ArticlePage]:
    """The page class of an article page: the first layout of :data:`LAYOUTS` whose
    markers it shows, else :class:`ArticlePage`."""
    page = PageMarkers(root, art, index)
    for layout in LAYOUTS:
        if (found := layout.layout_for(page)) is not None:
            return found
    return ArticlePage


def posts_url(live_posts, base: str) -> str | None:
    """The posts URL of a ``div.live-posts`` element (``{{from}}`` = 0), or ``None``."""
    template = live_posts.get("data-url") if live_posts is not None else None
    return absolute_url(base, template.replace("{{from}}", "0")) if template else None
