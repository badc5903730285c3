"""What a Moscow Times article page says: pure parsing, no I/O.

Structured data first (``<meta>``, JSON-LD), then the selectors of the page's template,
scoped to ``article.article``. The selector set is versioned: when the site redesigns,
add a new class beside :class:`SelectorsV2024` with its date range and golden test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html
from parsel import Selector
from w3lib.url import safe_url_string

from newsscraper.items import Article, Image, LivePost, RelatedLink
from newsscraper.sites.moscowtimes.text import collapse, decode_html, text_of
from newsscraper.sites.moscowtimes.urls import article_id_from_url, is_article_url

LECTURE_TYPO = "section.ecture_series"
LECTURE_LABEL = "TMT Lecture Series"
ORGANISATION = "The Moscow Times"


class ParseError(ValueError):
    """The page could not be parsed; the message says why, for a log line."""


class NotAnArticle(ParseError):
    """The page is not an article page (listing, fragment, PDF, error page...)."""


class SelectorsV2024:
    """Selectors of the templates published in June 2024 (in use 2019 to date)."""

    ARTICLE = "article.article"
    TITLE = "header.article__header h1"
    SUBTITLE = "header.article__header h2"
    INTRO = "div.article__intro"
    LIVE_INTRO = "div.live-intro"
    LIVE_POSTS = "div.live-posts"
    AUTHORS = ".byline__author a.byline__author__name"
    ARCHIVE_AUTHORS = ".byline__author span.byline__author__name"
    GALLERY_AUTHORS = "a.article__author__name"
    # scoped: related-article blocks in the body carry .label--opinion too
    OPINION_MARKERS = ".article__byline.byline--opinion, header.article__header .label--opinion"
    CONTENT = ".article__content"
    BLOCK = "div.article__block"
    RELATED_LINK = "aside.article__related-article a.related-article__inner"
    RELATED_TITLE = "h3.related-article__title"
    TAGS = ".article__tags a.tag"
    FEATURED = "figure.article__featured-image"
    FEATURED_CAPTION = ".article__featured-image__caption"
    FEATURED_CREDITS = ".article__featured-image__credits"
    READ_MORE = "section.cluster .article-excerpt-default a.article-excerpt-default__link"
    VIDEO_HEADER = "figure.videoheader"
    GALLERY_HEADER = "div.galleryheader"
    GTM_TYPE = "div.gtm-type::attr(data-type)"
    CANONICAL = 'link[rel="canonical"]::attr(href)'
    OG_URL = 'meta[property="og:url"]::attr(content)'
    OG_TITLE = 'meta[property="og:title"]::attr(content)'
    PUBLISHED = 'meta[property="article:published_time"]::attr(content)'
    MODIFIED = 'meta[property="article:modified_time"]::attr(content)'
    BYLINE_TIME = "time.byline__datetime::attr(datetime)"
    JSON_LD = 'script[type="application/ld+json"]::text'
    # elements of an html block that are paragraphs of their own
    PARAGRAPHS_XPATH = (
        ".//*[self::p or self::h2 or self::h3 or self::h4 or self::li or self::blockquote]"
        "[not(ancestor::*[self::p or self::li or self::blockquote or self::section or "
        "self::aside or self::figure or self::script or self::style][ancestor::div"
        "[contains(concat(' ', normalize-space(@class), ' '), ' article__block ')]])]"
    )
    # what the server injects into block 2, and other non-text furniture
    NOISE = "section, [y-name=banner], script, style, iframe, aside, figure, form"


S = SelectorsV2024

# the safety net for donation / newsletter appeals that slip into a body
PROMO_PREFIXES = (
    "A Message from The Moscow Times", "Dear readers", "Support The Moscow Times",
    "… we have a small favor to ask", "... we have a small favor to ask",
    "Sign up for our free weekly newsletter", "Our weekly newsletter contains",
)
_AUTHOR_SPLIT = re.compile(r"\s*,\s*|\s+and\s+")
_COMMENT_BYLINE = re.compile(r'class="byline__author"[^>]*>\s*(?:By\s+)?(.*?)</div>', re.S)
_URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")


@dataclass
class _Head:
    """Everything read once from ``<head>``: meta tags and the JSON-LD blocks."""

    news: dict[str, Any] = field(default_factory=dict)
    breadcrumb: list[dict[str, Any]] = field(default_factory=list)
    invalid_json_ld: int = 0


def _read_json_ld(sel: Selector) -> _Head:
    head = _Head()
    for raw in sel.css(S.JSON_LD).getall():
        try:
            data = json.loads(raw)
        except ValueError:
            head.invalid_json_ld += 1  # the site's WebSite block has a trailing comma
            continue
        if not isinstance(data, dict):
            continue
        kind = data.get("@type")
        if kind in ("NewsArticle", "Article", "ReportageNewsArticle") and not head.news:
            head.news = data
        elif kind == "BreadcrumbList":
            head.breadcrumb = [i for i in data.get("itemListElement", []) if isinstance(i, dict)]
    return head


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else None


def parse_article(html: str | bytes, url: str) -> Article:
    """Parse an article page fetched from ``url`` (the URL after redirects).

    Raises :class:`NotAnArticle` for pages that are not articles, :class:`ParseError`
    for pages that cannot be read at all; a page missing some fields gives an Article
    with ``partial=True`` and the reasons in ``parse_errors``.
    """
    errors: list[str] = []
    if isinstance(html, bytes):
        text, encoding_ok = decode_html(html)
        if not encoding_ok:
            errors.append("bad_encoding")
    else:
        text = html
    if not text or not text.strip():
        raise ParseError("empty page")
    try:
        sel = Selector(text=text, base_url=url)
    except Exception as exc:  # lxml refuses some byte soups outright
        raise ParseError(f"unparseable HTML: {exc}") from exc
    head = _read_json_ld(sel)
    art = sel.css(S.ARTICLE)
    canonical = sel.css(S.CANONICAL).get() or sel.css(S.OG_URL).get()
    if not art:
        raise NotAnArticle("no article.article element")
    art = art[0]
    page_url = canonical.strip() if canonical and is_article_url(canonical.strip()) else url
    article_id = article_id_from_url(page_url)
    if article_id is None:
        raise NotAnArticle(f"no article id in {page_url}")
    if not head.news:
        errors.append("no_json_ld" if not head.invalid_json_ld else "invalid_json_ld")

    title = text_of(art.css(S.TITLE)) or collapse(sel.css(S.OG_TITLE).get() or "") or \
        collapse(str(head.news.get("headline") or ""))
    if not title:
        errors.append("no_title")

    published_raw = sel.css(S.PUBLISHED).get() or head.news.get("datePublished")
    published = _parse_time(published_raw)
    if published is None:
        published_raw, published = _fallback_published(sel, page_url)
        errors.append("no_published_meta")
    modified_raw = sel.css(S.MODIFIED).get() or head.news.get("dateModified")

    section = _section(head, art)
    if section is None:
        errors.append("no_section")
    kind = _type(sel, art, section)
    body, related = _body_and_related(art, page_url)
    if not body:
        errors.append("empty_body")

    article = Article(
        article_id=article_id,
        url=page_url,
        title=title,
        subtitle=text_of(art.css(S.SUBTITLE)) or None,
        lead=text_of(art.css(S.LIVE_INTRO if kind == "live" else S.INTRO)) or None,
        authors=_authors(art, kind),
        published_at=published,
        published_at_raw=published_raw,
        modified_at=_parse_time(modified_raw),
        modified_at_raw=modified_raw,
        section=section,
        tags=_dedupe([collapse(t) for t in (text_of(a) for a in art.css(S.TAGS)) if t]),
        type=kind,
        body="\n\n".join(body),
        related=related,
        read_more=_read_more(sel, page_url),
        image=None if kind in ("video", "gallery") else _image(art, page_url),
    )
    if errors:
        article.partial = bool({"no_title", "no_published_meta", "empty_body", "no_section"}
                               & set(errors)) or "bad_encoding" in errors
        article.parse_errors = errors
    return article


def _fallback_published(sel: Selector, url: str) -> tuple[str | None, datetime | None]:
    byline = sel.css(S.ARTICLE).css(S.BYLINE_TIME).get()
    updated = "Updated:" in " ".join(sel.css(".byline__details__column ::text").getall())
    if byline and not updated and (dt := _parse_time(byline)):
        return byline, dt
    return None, None


def _section(head: _Head, art: Selector) -> str | None:
    for item in head.breadcrumb:
        if item.get("position") == 2 and item.get("name"):
            name = collapse(str(item["name"]))
            return LECTURE_LABEL if name == LECTURE_TYPO else name
    if art.css(S.OPINION_MARKERS):
        return "Opinion"
    return None


def _type(sel: Selector, art: Selector, section: str | None) -> str:
    if sel.css(S.LIVE_POSTS):
        return "live"
    data_type = (sel.css(S.GTM_TYPE).get() or "").strip()
    if data_type in ("gallery", "video", "podcast", "live"):
        return data_type
    if sel.css(S.GALLERY_HEADER) or "article--gallery" in (art.attrib.get("class") or ""):
        return "gallery"
    if sel.css(S.VIDEO_HEADER):
        return "video"
    if section == "Opinion" or art.css(S.OPINION_MARKERS):
        return "opinion"
    return "default"


def _authors(art: Selector, kind: str) -> list[str]:
    names = [text_of(a) for a in art.css(S.AUTHORS)] or \
        [text_of(a) for a in art.css(S.ARCHIVE_AUTHORS)] or \
        [text_of(a) for a in art.css(S.GALLERY_AUTHORS)]
    if not names and kind == "live":
        # live blogs keep their byline inside an HTML comment
        for comment in art.xpath(".//comment()").getall():
            m = _COMMENT_BYLINE.search(comment)
            if m:
                inner = lxml_html.fromstring(f"<div>{m.group(1)}</div>").text_content()
                names = [n for n in _AUTHOR_SPLIT.split(collapse(inner)) if n]
                break
    return _dedupe([n for n in names if n])


def _body_and_related(art: Selector, base: str) -> tuple[list[str], list[RelatedLink]]:
    """Body paragraphs, and the inline related blocks with their place among them."""
    out: list[str] = []
    related: list[RelatedLink] = []
    for content in art.css(S.CONTENT):
        for block in content.css(S.BLOCK):
            classes = block.attrib.get("class", "")
            if "article__block--article" in classes:
                for link in _related(block, base):
                    link.position = len(out)
                    related.append(link)
            elif "article__block--html" in classes:
                for el in block.xpath(S.PARAGRAPHS_XPATH):
                    _add_paragraph(out, el)
            elif "article__block--header" in classes:
                for el in block.css("h2, h3"):
                    _add_paragraph(out, el)
            elif "article__block--quote" in classes:
                for el in block.css("blockquote"):
                    _add_paragraph(out, el)
    return out, related


def _add_paragraph(out: list[str], el: Selector) -> None:
    text = text_of(el)
    if text and not text.startswith(PROMO_PREFIXES):
        out.append(text)


def _related(block: Selector, base: str) -> list[RelatedLink]:
    out = []
    for a in block.css(S.RELATED_LINK):
        href = a.attrib.get("href")
        if not href:
            continue
        title = text_of(a.css(S.RELATED_TITLE)) or collapse(a.attrib.get("title", ""))
        out.append(RelatedLink(url=safe_url_string(urljoin(base, href.strip())), title=title))
    return out


def _read_more(sel: Selector, base: str) -> list[str]:
    # the cluster follows the inner article.article, outside it
    hrefs = sel.xpath("//section[contains(@class,'cluster')][not(ancestor::article"
                      "[contains(concat(' ', @class, ' '), ' article ')])]").css(
        ".article-excerpt-default a.article-excerpt-default__link::attr(href)").getall()
    return _dedupe([safe_url_string(urljoin(base, h.strip())) for h in hrefs])


def _image(art: Selector, base: str) -> Image | None:
    fig = art.css(S.FEATURED)
    if not fig:
        return None
    src = fig.css("img::attr(src)").get()
    if not src:
        return None
    caption = text_of(fig.css(S.FEATURED_CAPTION)) or None
    credits = text_of(fig.css(S.FEATURED_CREDITS)) or None
    return Image(url=safe_url_string(urljoin(base, src.strip())), caption=caption,
                 credits=credits if caption or credits else None)


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def live_posts_url(html: str | bytes, url: str) -> str | None:
    """The ``/live/{id}/0`` URL that serves every post of a live blog, or ``None``."""
    if isinstance(html, bytes):
        html = decode_html(html)[0]
    template = Selector(text=html).css(f"{S.LIVE_POSTS}::attr(data-url)").get()
    if not template:
        return None
    return urljoin(url, template.replace("{{from}}", "0"))


def parse_live_posts(body: str | bytes) -> list[LivePost]:
    """Posts of a live blog from the ``/live/{id}/{from}`` JSON, in ascending time."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ParseError(f"live posts are not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ParseError("live posts JSON is not a list")
    posts = []
    for raw in data:
        if not isinstance(raw, dict):
            continue
        published = _parse_time(raw.get("time"))
        if published is None or "id" not in raw:
            continue
        paragraphs: list[str] = []
        related: list[RelatedLink] = []
        for block in raw.get("body") or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "html" and block.get("body"):
                frag = Selector(text=f"<div class='article__block'>{block['body']}</div>")
                for el in frag.xpath("//div" + S.PARAGRAPHS_XPATH[1:]):
                    _add_paragraph(paragraphs, el)
            elif block.get("type") == "article" and isinstance(block.get("article"), dict):
                link = block["article"]
                if link.get("url"):
                    related.append(RelatedLink(url=link["url"], title=collapse(link.get("title") or "")))
        posts.append(LivePost(post_id=int(raw["id"]), published_at=published,
                              body="\n\n".join(paragraphs), related=related))
    posts.sort(key=lambda p: p.published_at)
    return posts


def url_date(url: str) -> str | None:
    m = _URL_DATE.search(url)
    return "-".join(m.groups()) if m else None
