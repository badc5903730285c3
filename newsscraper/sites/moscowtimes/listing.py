"""Listing pages, "View more" fragments, tag and author pages: which articles they list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from newsscraper.sites.moscowtimes.query import PageError, first, parse_html, select
from newsscraper.sites.moscowtimes.text import html_source
from newsscraper.sites.moscowtimes.urls import absolute_url


class ListingSelectorsV2024:
    """Selectors of article/index.php, more.php, author/item.php (June 2024 templates,
    in use 2019 to date); a redesign gets a new class beside this one."""

    MAIN = "section.cluster--section-articles"
    AUTHOR_CLUSTER = "section.cluster"
    CARD_LINKS = ("a.article-excerpt-lead__link, "
                  ".article-excerpt-default a.article-excerpt-default__link")
    MORE = "div[y-use=More]"


@dataclass
class Listing:
    """Article URLs of a listing in page order, and its "View more" pagination if any."""

    urls: list[str]
    more_template: str | None = None  # e.g. https://.../news/{{offset}}
    more_start: int | None = None
    more_step: int | None = None


def parse_listing_page(html: str | bytes, url: str) -> Listing:
    """The cards of a listing page's main cluster (or of a whole "View more" fragment),
    and the page's "View more" button when it has one."""
    source = html_source(html)[0] if isinstance(html, bytes) else html
    if not source.strip():
        return Listing([])  # a "View more" fragment past the end
    try:
        page = parse_html(source, url)
    except PageError:
        return Listing([])
    # the main cluster, else an author page's; else (fragments, the home page) every
    # card: the sidebar's "Just in" / "Most read" items are other classes
    S = ListingSelectorsV2024
    root = first(page, S.MAIN)
    root = root if root is not None else first(page, S.AUTHOR_CLUSTER)
    root = root if root is not None else page
    hrefs = [a.get("href") for a in select(root, S.CARD_LINKS)]
    urls = [u for u in dict.fromkeys(absolute_url(url, h) for h in hrefs if h is not None) if u]
    more = first(root, S.MORE)
    if more is not None:
        m = more.attrib
        try:
            return Listing(urls, urljoin(url, m["data-url"]), int(m.get("data-start", 0)),
                           int(m.get("data-step", 18)))
        except (KeyError, ValueError):
            pass
    return Listing(urls)


def parse_listing(html: str | bytes, url: str) -> list[str]:
    """Article URLs of a section/tag/author page or a "View more" fragment, in order."""
    return parse_listing_page(html, url).urls
