"""The site's URL shapes: article ids, article URLs, links not to follow."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

# /{YYYY}/{MM}/{DD}/{slug}-a{ID}; the date and slug are not checked by the server
ARTICLE_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)-a(\d+)/?$")
# the date at the start of an article's path (also slug-only links)
URL_DATE = re.compile(r"^/(\d{4})/(\d{1,2})/(\d{1,2})/")
# slug-only links of inline related blocks: dated with the render date, no id
SLUG_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/?$")
# the 2016-2018 site, redirected by their trailing numeric id
LEGACY_PATH = re.compile(r"^/(?:articles|news|photogalleries)/[a-z0-9-]*?-(\d+)/?$")
# PDFs, infinite-scroll fragments, previews, search, AMP (string tests: cheaper than a regex)
SKIP_PREFIXES = ("/all/", "/preview/", "/search")
SKIP_SUFFIXES = ("/pdf", "/amp")


def article_id_from_url(url: str) -> int | None:
    """The numeric id of an article URL (also legacy ones); ``None`` for slug-only URLs."""
    path = urlsplit(url).path
    m = ARTICLE_PATH.match(path)
    if m:
        return int(m.group(5))
    m = LEGACY_PATH.match(path)
    return int(m.group(1)) if m else None


def is_article_url(url: str) -> bool:
    """Whether ``url`` has the article shape ``/{YYYY}/{MM}/{DD}/{slug}-a{ID}``."""
    return bool(ARTICLE_PATH.match(urlsplit(url).path))


def canonical_article_url(url: str) -> str | None:
    """The canonical form of an article URL that carries its id (``-a{ID}``): scheme,
    host and path only, no trailing slash, query or fragment. ``None`` for slug-only and
    legacy URLs, whose canonical form only the server's redirect tells."""
    parts = urlsplit(url)
    m = ARTICLE_PATH.match(parts.path)
    if not m or not parts.scheme or not parts.netloc:
        return None
    year, month, day, slug, article_id = m.groups()
    return f"{parts.scheme}://{parts.netloc}/{year}/{month}/{day}/{slug}-a{article_id}"


def is_slug_only_url(url: str) -> bool:
    """Whether ``url`` is a dated slug without an id (inline related blocks)."""
    path = urlsplit(url).path
    return bool(SLUG_PATH.match(path)) and not ARTICLE_PATH.match(path)


def url_slug(url: str) -> str:
    """The last segment of a URL's path: a slug-only link's slug, the key its redirect
    is resolved by (and an article URL's ``{slug}-a{ID}``)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def is_skipped_url(url: str) -> bool:
    """Links never to follow: PDFs, infinite-scroll fragments, previews, search, AMP,
    tracking-tagged URLs."""
    parts = urlsplit(url)
    return is_skipped_path(parts.path) or "utm_" in parts.query


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` and made safe (spaces, non-ASCII escaped);
    ``None`` for an href no URL parser accepts (``http://[x``): a broken link is dropped,
    it does not take the page down with it."""
    href = href.strip()
    if href.startswith(("http://", "https://")) and href.isascii() and " " not in href:
        return _checked(href)
    try:
        return safe_url_string(urljoin(base, href))
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # the same "Read more" and related links recur on every page
def _checked(href: str) -> str | None:
    """An absolute, already-safe href if a URL parser accepts it, else ``None``."""
    try:
        urlsplit(href)  # the one check the common, already-safe case needs
    except ValueError:
        return None
    return href


def is_skipped_path(path: str) -> bool:
    """Paths that are never article pages: PDFs, ``/all/{id}`` fragments, previews,
    search, AMP."""
    return path.startswith(SKIP_PREFIXES) or path.rstrip("/").endswith(SKIP_SUFFIXES)


def url_date(url: str) -> date | None:
    """The date at the start of an article URL's path: the publication date in Moscow
    (the render date in slug-only related links). ``None`` without a valid one."""
    m = URL_DATE.match(urlsplit(url).path)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
