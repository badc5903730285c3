"""The Moscow Times: pure page parsers (no I/O, no Scrapy engine)."""

from newsscraper.sites.moscowtimes.article import (
    NotAnArticle,
    ParseError,
    SelectorsV2024,
    live_posts_url,
    parse_article,
    parse_live_posts,
)
from newsscraper.sites.moscowtimes.feeds import FeedEntry, parse_rss
from newsscraper.sites.moscowtimes.listing import Listing, parse_listing, parse_listing_page
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
)

__all__ = [
    "FeedEntry", "Listing", "NotAnArticle", "ParseError", "SelectorsV2024", "Sitemap",
    "SitemapEntry", "article_id_from_url", "canonical_article_url", "is_article_url",
    "is_skipped_url",
    "is_slug_only_url", "live_posts_url", "parse_article", "parse_listing",
    "parse_listing_page", "parse_live_posts", "parse_robots_sitemaps", "parse_rss",
    "parse_sitemap",
]
