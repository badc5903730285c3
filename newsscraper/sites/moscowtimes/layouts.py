"""The page layouts that differ from the default article template, and the switch that
picks one by the page's markers (as fundus and web-poet do)."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from newsscraper.sites.moscowtimes.page import ArticlePage
from newsscraper.sites.moscowtimes.query import HTML_PARSER, ClassIndex, attr, select, text_of
from newsscraper.sites.moscowtimes.site import AUTHOR_SEPARATORS
from newsscraper.sites.moscowtimes.urls import absolute_url

_COMMENTS = etree.XPath(".//comment()")


class LivePage(ArticlePage):
    """A live blog (template ``article/live.php``): the summary in ``div.live-intro``, the
    byline inside an HTML comment, the posts served as JSON from the URL in
    ``div.live-posts[data-url]``."""

    layout = "live"
    has_byline = False  # commented out by the template: authors come from the comment
    AUTHOR_NAME = ".byline__author__name"  # inside the commented-out byline
    COMMENT_BYLINE = re.compile(r'class="byline__author"[^>]*>\s*(?:By\s+)?(.*?)</div>', re.S)

    def type(self) -> str:
        """Always ``live``."""
        return "live"

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

    def type(self) -> str:
        """Always ``gallery``."""
        return "gallery"

    def image(self) -> None:
        """None: the gallery header is not a featured image."""
        return None


class VideoPage(ArticlePage):
    """A video article: a YouTube header (``figure.videoheader``) and no featured image,
    even when the article has one."""

    layout = "video"

    def type(self) -> str:
        """Always ``video``."""
        return "video"

    def image(self) -> None:
        """None: the video header replaces the featured figure."""
        return None


class PodcastPage(ArticlePage):
    """A podcast episode: an audio embed above the body, a byline without "By "."""

    layout = "podcast"

    def type(self) -> str:
        """Always ``podcast``."""
        return "podcast"


LAYOUTS: dict[str, type[ArticlePage]] = {
    "gallery": GalleryPage, "video": VideoPage, "podcast": PodcastPage}


# layouts added at run time, asked first (a fix tried on archived pages before it is
# released: ``newsscraper reparse``; tests)
PICKERS: list[Callable[..., type[ArticlePage] | None]] = []


def register_layout(pick: Callable[..., type[ArticlePage] | None]) -> None:
    """Ask ``pick(root, art, index)`` first for the page class of every article page;
    ``None`` leaves the page to the built-in layouts."""
    PICKERS.append(pick)


def layout_of(root, art, index: ClassIndex) -> type[ArticlePage]:
    """The page class of an article page, by its markers, cheapest first: live blogs
    carry ``div.live-posts``, the other templates a ``div.gtm-type[data-type]``; the
    header classes are fallbacks for older pages without it."""
    for pick in PICKERS:
        if (page := pick(root, art, index)) is not None:
            return page
    if index.first(ArticlePage.LIVE_POSTS) is not None:
        return LivePage
    data_type = (attr(art, ArticlePage.DATA_TYPE, "data-type") or "").strip()
    if data_type:
        return LAYOUTS.get(data_type, ArticlePage)
    if "article--gallery" in (art.get("class") or "") or select(root, ArticlePage.GALLERY_HEADER):
        return GalleryPage
    if select(root, ArticlePage.VIDEO_HEADER):
        return VideoPage
    return ArticlePage


def posts_url(live_posts, base: str) -> str | None:
    """The posts URL of a ``div.live-posts`` element (``{{from}}`` = 0), or ``None``."""
    template = live_posts.get("data-url") if live_posts is not None else None
    return absolute_url(base, template.replace("{{from}}", "0")) if template else None
