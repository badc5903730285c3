"""``newsscraper parse FILE [--url URL]``: what the parsers read from a saved page.

Articles print as their Article JSON; listing pages, "View more" fragments, feeds,
sitemaps and robots.txt print the article (or sitemap) URLs found, in order. It is the
tool to reach for when the site changes its markup.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from newsscraper.commands.reader import one_line_errors
from newsscraper.outcome import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="print what the page parsers read from a saved page")
    p.add_argument("file", type=Path)
    p.add_argument("--url", default=None, type=_url,
                   help="the page's URL (default: its canonical link, else file://...)")
    one_line_errors(p)
    p.set_defaults(func=run)


def _url(text: str) -> str:
    import argparse
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a URL: {text!r} ({exc})") from None
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text


def detect(body: bytes, url: str | None = None) -> str:
    """What kind of page ``body`` is: by its content, and for HTML by ``url`` too (an
    article URL is read as an article even when its markup changed, so the parser
    says what is missing instead of the page passing for an empty listing).

    ``"unknown"`` for an empty file, binary data or text without markup when no
    ``url`` says what it is."""
    from newsscraper.sites.moscowtimes import article_id_from_url, is_slug_only_url

    head = body[:4000].lstrip().lower()
    if url is None and (not head or b"\x00" in head or b"<" not in head) \
            and not head.startswith((b"[", b"{", b"user-agent", b"sitemap:", b"disallow")):
        return "unknown"
    if head.startswith((b"user-agent", b"sitemap:", b"disallow")) or b"\nuser-agent:" in head:
        return "robots"
    if b"<rss" in head:
        return "rss"
    if b"<sitemapindex" in head or b"<urlset" in head:
        return "sitemap"
    if head.startswith(b"[") or head.startswith(b"{"):
        return "live"
    if b"article__header" in body or b'class="article ' in body:
        return "article"
    if url and (article_id_from_url(url) is not None or is_slug_only_url(url)):
        return "article"
    return "listing"


def run(args) -> int:
    from newsscraper.items import to_jsonable
    from newsscraper.sites.moscowtimes import (
        ParseError,
        parse_article,
        parse_listing,
        parse_live_posts,
        parse_robots_sitemaps,
        parse_rss,
        parse_sitemap,
    )

    try:
        body = args.file.read_bytes()
    except OSError as exc:
        print(f"newsscraper parse: {exc}", file=sys.stderr)
        return EXIT_USAGE
    url = args.url or args.file.resolve().as_uri()
    kind = detect(body, args.url)
    if kind == "unknown":
        what = "an empty file" if not body.strip() else "no page the parsers know"
        print(f"newsscraper parse: {args.file}: {what} (not HTML, a feed, a sitemap, robots.txt"
              " or live-post JSON); pass --url to say what it is", file=sys.stderr)
        return EXIT_USAGE
    try:
        if kind == "article":
            out: object = to_jsonable(parse_article(body, url))
        elif kind == "live":
            out = to_jsonable(parse_live_posts(body, args.url or ""))
        elif kind == "rss":
            out = [e.url for e in parse_rss(body, url)]
        elif kind == "sitemap":
            out = [e.loc for e in parse_sitemap(body, url).entries]
        elif kind == "robots":
            out = parse_robots_sitemaps(body.decode("utf-8", "replace"))
        else:
            out = parse_listing(body, url)
    except ParseError as exc:
        hint = " (no --url given: pass the page's URL)" if args.url is None else ""
        print(f"newsscraper parse: {args.file}: {exc}{hint}", file=sys.stderr)
        return EXIT_NOT_FOUND  # no article the parsers can read in the page
    try:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `newsscraper parse page.html | head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
