"""The Moscow Times: what the site is (:mod:`.site`, :mod:`.urls`) and what its pages say
(pure page parsers: no I/O, no Scrapy engine)."""

from newsscraper.sites.moscowtimes.article import (
    ParsedArticle,
    live_posts_url,
    parse_article,
    parse_article_page,
)
from newsscraper.sites.moscowtimes.errors import NotAnArticle, ParseError
from newsscraper.sites.moscowtimes.feeds import FeedEntry, parse_rss
from newsscraper.sites.moscowtimes.layouts import GalleryPage, LivePage, PodcastPage, VideoPage
from newsscraper.sites.moscowtimes.listing import Listing, parse_listing, parse_listing_page
from newsscraper.sites.moscowtimes.live import parse_live_posts
from newsscraper.sites.moscowtimes.page import ArticlePage, related_link
from newsscraper.sites.moscowtimes.site import (
    LECTURE_LABEL,
    MOSCOW,
    ORGANISATION,
    PROMO_PREFIXES,
    REAL_STATIC,
    REAL_WWW,
    SECTION_ALIASES,
    SECTION_PATHS,
    SITE,
    document_id,
    parse_iso,
    section_label,
    section_path,
)
from newsscraper.sites.moscowtimes.sitemaps import (
    Sitemap,
    SitemapEntry,
    parse_robots_sitemaps,
    parse_sitemap,
)
from newsscraper.sites.moscowtimes.urls import (
    article_id_from_url,
    canonical_article_url,
    is_article_url,
    is_skipped_url,
    is_slug_only_url,
    url_date,
    url_slug,
)

__all__ = [
    "LECTURE_LABEL", "MOSCOW", "ORGANISATION", "PROMO_PREFIXES", "REAL_STATIC", "REAL_WWW",
    "SECTION_ALIASES", "SECTION_PATHS", "SITE", "ArticlePage", "FeedEntry", "GalleryPage",
    "Listing", "LivePage", "NotAnArticle", "ParseError", "ParsedArticle", "PodcastPage",
    "Sitemap", "SitemapEntry", "VideoPage", "article_id_from_url", "canonical_article_url",
    "document_id", "is_article_url", "is_skipped_url", "is_slug_only_url", "live_posts_url",
    "parse_article", "parse_article_page", "parse_iso", "parse_listing", "parse_listing_page",
    "parse_live_posts", "parse_robots_sitemaps", "parse_rss", "parse_sitemap", "related_link",
    "section_label", "section_path", "url_date", "url_slug",
]
