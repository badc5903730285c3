"""What a Moscow Times article page says: the entry points over the page classes.

Structured data first (``<meta>``, JSON-LD), then the selectors of the page's layout
class (:mod:`.page`, :mod:`.layouts`), scoped to ``article.article``. When the site
redesigns, add a page class beside the old one with the markers that select it and its
golden test.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from newsscraper.items import Article
from newsscraper.sites.moscowtimes.errors import NotAnArticle, ParseError
from newsscraper.sites.moscowtimes.head import read_head
from newsscraper.sites.moscowtimes.layouts import layout_of, posts_url
from newsscraper.sites.moscowtimes.live import parse_live_posts
from newsscraper.sites.moscowtimes.page import WANTED, ArticlePage
from newsscraper.sites.moscowtimes.query import (
    MAX_PAGE_CHARS,
    ClassIndex,
    PageError,
    first,
    parse_html,
)
from newsscraper.sites.moscowtimes.text import ends_html, html_source
from newsscraper.sites.moscowtimes.urls import article_id_from_url, is_skipped_path

__all__ = ["MAX_PAGE_CHARS", "ArticlePage", "NotAnArticle", "ParseError", "ParsedArticle",
           "live_posts_url", "parse_article", "parse_article_page", "parse_live_posts",
           "read_article_page"]


class ParsedArticle(NamedTuple):
    """An article page read once: the article, and the live blog's posts URL (or None)."""

    article: Article
    live_posts_url: str | None


def parse_article(html: str | bytes, url: str) -> Article:
    """Parse an article page fetched from ``url`` (the URL after redirects).

    Raises :class:`NotAnArticle` for pages that are not articles, :class:`ParseError`
    for pages that cannot be read at all; a page missing some fields gives an Article
    with ``partial=True`` and the reasons in ``parse_errors``.
    """
    return parse_article_page(html, url).article


def parse_article_page(html: str | bytes, url: str) -> ParsedArticle:
    """:func:`parse_article`, and the live blog's ``/live/{id}/0`` URL from the same
    parse (``None`` for other pages)."""
    page, source, encoding_ok = read_article_page(html, url)
    article = page.article()
    if not encoding_ok:
        article.parse_errors.insert(0, "bad_encoding")
    if not ends_html(source):
        # the connection closed early: later fields are missing
        article.parse_errors.append("truncated")
    article.partial = article.partial or not encoding_ok or "truncated" in article.parse_errors
    return ParsedArticle(article, page.live_posts_url())


def read_article_page(html: str | bytes, url: str) -> tuple[ArticlePage, str | bytes, bool]:
    """The page object of an article page, what was parsed (its text, or its UTF-8
    bytes: :func:`~.text.html_source`) and whether the bytes were valid in their
    encoding. Raises :class:`NotAnArticle` / :class:`ParseError`."""
    if is_skipped_path(urlsplit(url).path):  # /all/{id} fragments, /pdf, previews
        raise NotAnArticle(f"not an article page: {url}")
    if len(html) > MAX_PAGE_CHARS:  # before decoding: the bound is on memory
        raise ParseError(f"page too large: {len(html):,} (limit {MAX_PAGE_CHARS:,})")
    source, encoding_ok = html_source(html) if isinstance(html, bytes) else (html, True)
    if not source or source.isspace():
        raise ParseError("empty page")
    try:
        root = parse_html(source, url)
    except PageError as exc:
        raise NotAnArticle(str(exc)) from exc
    # a lazy walk stops at the main article.article, near the top of the body
    art = next((a for a in root.iter("article") if "article" in (a.get("class") or "").split()),
               None)
    if art is None:
        raise NotAnArticle("no article.article element")
    if root.find("head") is None:
        raise NotAnArticle("no <head>: an infinite-scroll fragment (/all/{id}), not a page")
    index = ClassIndex(art, WANTED)
    page = layout_of(root, art, index)(root, art, url, index, read_head(root))
    if article_id_from_url(page.url) is None:
        raise NotAnArticle(f"no article id in {page.url}")
    return page, source, encoding_ok


def live_posts_url(html: str | bytes, url: str) -> str | None:
    """The ``/live/{id}/0`` URL that serves every post of a live blog, or ``None``.

    For a page not yet parsed; :func:`parse_article_page` gives it with the article."""
    source = html_source(html)[0] if isinstance(html, bytes) else html
    try:
        return posts_url(first(parse_html(source, url), ArticlePage.LIVE_POSTS), url)
    except PageError:
        return None
