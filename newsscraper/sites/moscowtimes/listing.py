"""Listing pages, "View more" fragments, tag and author pages: which articles they list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from newsscraper.sites.moscowtimes.text import decode_html
from newsscraper.sites.moscowtimes.urls import absolute_url


class ListingSelectorsV2024:
    """Selectors of article/index.php, more.php, author/item.php (June 2024 templates,
    in use 2019 to date); a redesign gets a new class beside this one."""

    MAIN = "section.cluster--section-articles"
    AUTHOR_CLUSTER = "section.cluster"
    CARD_LINKS = ("a.article-excerpt-lead__link::attr(href), "
                  ".article-excerpt-default a.article-excerpt-default__link::attr(href)")
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
    if isinstance(html, bytes):
        html = decode_html(html)[0]
    if not html.strip():
        return Listing([])  # a "View more" fragment past the end
    sel = Selector(text=html, type="html")  # never sniffed as JSON or XML
    # the main cluster, else an author page's; else (fragments, the home page) every
    # card: the sidebar's "Just in" / "Most read" items are other classes
    scope = sel.css(ListingSelectorsV2024.MAIN) or sel.css(ListingSelectorsV2024.AUTHOR_CLUSTER)
    root = scope[0] if scope else sel
    hrefs = root.css(ListingSelectorsV2024.CARD_LINKS).getall()
    urls = [u for u in dict.fromkeys(absolute_url(url, h) for h in hrefs) if u]
    more = root.css(ListingSelectorsV2024.MORE)
    if more:
        m = more[0].attrib
        try:
            return Listing(urls, urljoin(url, m["data-url"]), int(m.get("data-start", 0)),
                           int(m.get("data-step", 18)))
        except (KeyError, ValueError):
            pass
    return Listing(urls)


def parse_listing(html: str | bytes, url: str) -> list[str]:
    """Article URLs of a section/tag/author page or a "View more" fragment, in order."""
    return parse_listing_page(html, url).urls
