"""What a Moscow Times article page says: pure parsing, no I/O.

Structured data first (``<meta>``, JSON-LD), then the selectors of the page's template,
scoped to ``article.article``. The selector set is versioned: when the site redesigns,
add a new class beside :class:`SelectorsV2024` with its date range and golden test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from newsscraper.items import Article, Image, LinkBlock, LivePost, RelatedLink
from newsscraper.sites.moscowtimes.text import collapse, decode_html
from newsscraper.sites.moscowtimes.urls import (
    absolute_url,
    article_id_from_url,
    canonical_article_url,
    is_article_url,
    is_skipped_path,
)

try:  # naive times on the site (gallery bylines, URL dates) are Moscow local time
    MOSCOW: timezone | ZoneInfo = ZoneInfo("Europe/Moscow")
except ZoneInfoNotFoundError:  # no tz database: +03:00 has held since October 2014
    MOSCOW = timezone(timedelta(hours=3))

LECTURE_TYPO = "section.ecture_series"
LECTURE_LABEL = "TMT Lecture Series"


class ParseError(ValueError):
    """The page could not be parsed; the message says why, for a log line."""


class NotAnArticle(ParseError):
    """The page is not an article page (listing, fragment, PDF, error page...)."""


class SelectorsV2024:
    """Selectors of the templates published in June 2024 (in use 2019 to date).

    ``tag.class`` selectors in :attr:`WALKED` are found in one walk over
    ``article.article`` (see :class:`_Walk`); the others are CSS (or XPath) compiled to
    an lxml XPath once (see :func:`_q`). Attributes are read from the matched element.
    """

    HEADER = "header.article__header"  # holds h1 (title), h2 (dek) and the labels
    HEADER_LABEL = "span.label--opinion"  # in the header: "opinion" or "News Analysis"
    INTRO = "div.article__intro"
    LIVE_INTRO = "div.live-intro"
    LIVE_POSTS = "div.live-posts"
    BYLINE = "div.article__byline"
    # related-article blocks in the body carry .label--opinion too: the byline modifier
    # and the header label are the opinion markers
    OPINION_BYLINE = "div.byline--opinion"
    BYLINE_AUTHOR = "byline__author"  # the class of the author names' container
    AUTHOR_LINK = "a.byline__author__name"
    ARCHIVE_AUTHOR = "span.byline__author__name"
    GALLERY_AUTHOR = "a.article__author__name"
    BYLINE_TIME = "time.byline__datetime"
    CONTENT = "div.article__content"  # galleries have two
    TAGS_BOX = "div.article__tags"
    TAG_LINK = "tag"  # the class of the tag links in the box
    FEATURED = "figure.article__featured-image"
    WALKED = (HEADER, HEADER_LABEL, INTRO, LIVE_INTRO, LIVE_POSTS, BYLINE, OPINION_BYLINE,
              AUTHOR_LINK, ARCHIVE_AUTHOR, GALLERY_AUTHOR, BYLINE_TIME, CONTENT, TAGS_BOX,
              FEATURED)

    AUTHOR_NAME = ".byline__author__name"  # inside the live blog's commented-out byline
    BLOCK = "article__block"  # the class of the body's blocks (div), wrappers allowed
    RELATED_LINK = "aside.article__related-article a.related-article__inner"
    RELATED_TITLE = "h3.related-article__title"
    HEADER_BLOCK_TEXT = "h2, h3"
    QUOTE_BLOCK_TEXT = "blockquote"
    FEATURED_IMG = "img"
    FEATURED_CAPTION = ".article__featured-image__caption"
    FEATURED_CREDITS = ".article__featured-image__credits"
    CLUSTERS = "following::section"
    READ_MORE_LINK = ".//a[contains(@class, 'article-excerpt-default__link')]"
    VIDEO_HEADER = "figure.videoheader"
    GALLERY_HEADER = "div.galleryheader"
    # div.gtm-type[data-type] is a child of the outer <article> wrapper
    DATA_TYPE = "ancestor::article/div[@data-type][contains(@class, 'gtm-type')]"
    # head: link rel=canonical, meta og:url / og:title / article:published_time /
    # article:modified_time and the JSON-LD blocks are read in one pass (see _read_head)
    JSON_LD = 'script[type="application/ld+json"]'


S = SelectorsV2024
_CSS = HTMLTranslator()
# visible text in document order; a <br> (matched as an element) is a line break on
# screen, so a space once whitespace is collapsed
_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)] | .//br")
_STRING = etree.XPath("string()")
_COMMENTS = etree.XPath(".//comment()")


@cache
def _q(selector: str) -> etree.XPath:
    """A compiled query for a CSS selector (or an XPath starting with / or .)."""
    is_xpath = selector.startswith(("/", "./", ".//", "ancestor::", "following::"))
    path = selector if is_xpath else _CSS.css_to_xpath(selector)
    return etree.XPath(path)


class _Walk:
    """The ``tag.class`` elements of :attr:`SelectorsV2024.WALKED` inside one element,
    in document order, found in a single pass: cheaper than one XPath query each."""

    __slots__ = ("found",)

    def __init__(self, root) -> None:
        found: dict[str, list] = {}
        for el in root.iter(*_WANTED):
            classes = el.get("class")
            if classes:
                wanted = _WANTED[el.tag]
                for token in classes.split():
                    if token in wanted:
                        found.setdefault(f"{el.tag}.{token}", []).append(el)
        self.found = found

    def all(self, selector: str) -> list:
        return self.found.get(selector, [])

    def first(self, selector: str):
        found = self.found.get(selector)
        return found[0] if found else None


_WANTED: dict[str, frozenset[str]] = {}
for _selector in S.WALKED:
    _tag, _token = _selector.split(".")
    _WANTED[_tag] = _WANTED.get(_tag, frozenset()) | {_token}


def _has_class(el, token: str) -> bool:
    return token in (el.get("class") or "").split()


def _inside(el, token: str, levels: int = 3) -> bool:
    """Whether one of ``el``'s nearest ancestors has the class ``token``."""
    for _ in range(levels):
        el = el.getparent()
        if el is None:
            return False
        if _has_class(el, token):
            return True
    return False


def _all(node, selector: str) -> list:
    return _q(selector)(node)


def _first(node, selector: str):
    found = _q(selector)(node)
    return found[0] if found else None


def _attr(node, selector: str, name: str) -> str | None:
    el = _first(node, selector)
    return el.get(name) if el is not None else None


def _text(el) -> str:
    """Visible text of an element, whitespace collapsed (script and style left out)."""
    if el is None:
        return ""
    if not len(el):  # no child elements: the common paragraph
        return collapse(el.text or "")
    if next(el.iter("script", "style", "br"), None) is None:
        return collapse(_STRING(el))
    return collapse("".join(t if isinstance(t, str) else " " for t in _TEXT(el)))


# the safety net for donation / newsletter appeals that slip into a body
PROMO_PREFIXES = (
    "A Message from The Moscow Times", "Dear readers", "Support The Moscow Times",
    "… we have a small favor to ask", "... we have a small favor to ask",
    "Sign up for our free weekly newsletter", "Our weekly newsletter contains",
)
_AUTHOR_SPLIT = re.compile(r"\s*,\s*|\s+and\s+")
_COMMENT_BYLINE = re.compile(r'class="byline__author"[^>]*>\s*(?:By\s+)?(.*?)</div>', re.S)
_URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")  # matched at the path's start
_PARTIAL = frozenset({"no_title", "no_published_meta", "empty_body", "no_section", "bad_encoding",
                      "truncated", "missing_header", "missing_byline", "missing_authors",
                      "missing_content", "missing_body_blocks", "missing_tags"})
ORGANISATION = "The Moscow Times"  # meta and JSON-LD name it when no person wrote the piece


@dataclass
class _Head:
    """Everything read once from ``<head>``: meta tags, links and the JSON-LD blocks."""

    meta: dict[str, str] = field(default_factory=dict)  # property or name -> content
    canonical: str | None = None
    news: dict[str, Any] = field(default_factory=dict)
    breadcrumb: list[dict[str, Any]] = field(default_factory=list)
    invalid_json_ld: int = 0


def _read_head(root) -> _Head:
    """One pass over ``<head>`` (and any JSON-LD elsewhere): meta first, then JSON-LD."""
    head = _Head()
    container = root.find("head")
    scripts = []
    for el in (container if container is not None else ()):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name")
            if key and key not in head.meta:
                head.meta[key] = el.get("content") or ""
        elif tag == "link" and el.get("rel") == "canonical" and head.canonical is None:
            head.canonical = el.get("href")
        elif tag == "script" and el.get("type") == "application/ld+json":
            scripts.append(el)
    if container is None:
        scripts = _all(root, S.JSON_LD)
    for script in scripts:
        text = script.text or ""
        if "Article" not in text and "BreadcrumbList" not in text:
            continue  # the organisation and WebSite blocks (the latter invalid JSON anyway)
        try:
            data = json.loads(text)
        except ValueError:
            head.invalid_json_ld += 1
            continue
        for item in _json_ld_items(data):
            kind = item.get("@type")
            if kind in ("NewsArticle", "Article", "ReportageNewsArticle") and not head.news:
                head.news = item
            elif kind == "BreadcrumbList" and not head.breadcrumb:
                elements = item.get("itemListElement")
                head.breadcrumb = [i for i in _as_list(elements) if isinstance(i, dict)]
    return head


def _json_ld_items(data: Any) -> list[dict]:
    """The objects of a JSON-LD block: one object, a list of them, or an ``@graph``."""
    items = data if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            out.extend(i for i in _as_list(item.get("@graph")) if isinstance(i, dict))
    return out


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # gallery bylines hold the raw DB value, "YYYY-MM-DD HH:MM:SS" in Moscow time
    return dt if dt.tzinfo else dt.replace(tzinfo=MOSCOW)


# plain elements: quicker than lxml.html's. huge_tree lifts libxml2's 256-level depth
# limit (past it the rest of the page is silently dropped) to 2048 levels and its
# 10 MB text-node limit; MAX_PAGE_CHARS bounds the memory a hostile page can take.
_PARSER = etree.HTMLParser(collect_ids=False, huge_tree=True)
_UTF8_PARSER = etree.HTMLParser(encoding="utf-8", collect_ids=False, huge_tree=True)
MAX_PAGE_CHARS = 16 * 1024 * 1024  # DOWNLOAD_MAXSIZE; real article pages are ~100 kB


def _parse_tree(text: str, url: str):
    if len(text) > MAX_PAGE_CHARS:
        raise ParseError(f"page too large: {len(text):,} characters (limit {MAX_PAGE_CHARS:,})")
    try:
        try:
            root = etree.fromstring(text, _PARSER, base_url=url)
        except ValueError:  # a str with an XML declaration naming an encoding (XHTML)
            root = etree.fromstring(text.encode("utf-8"), _UTF8_PARSER, base_url=url)
    except (etree.ParserError, ValueError) as exc:  # lxml refuses some byte soups outright
        raise NotAnArticle(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise NotAnArticle("no HTML document")
    return root


def parse_article(html: str | bytes, url: str) -> Article:
    """Parse an article page fetched from ``url`` (the URL after redirects).

    Raises :class:`NotAnArticle` for pages that are not articles, :class:`ParseError`
    for pages that cannot be read at all; a page missing some fields gives an Article
    with ``partial=True`` and the reasons in ``parse_errors``.
    """
    errors: list[str] = []
    if is_skipped_path(urlsplit(url).path):  # /all/{id} fragments, /pdf, previews
        raise NotAnArticle(f"not an article page: {url}")
    if len(html) > MAX_PAGE_CHARS:  # before decoding: the bound is on memory
        raise ParseError(f"page too large: {len(html):,} (limit {MAX_PAGE_CHARS:,})")
    if isinstance(html, bytes):
        text, encoding_ok = decode_html(html)
        if not encoding_ok:
            errors.append("bad_encoding")
    else:
        text = html
    if not text or text.isspace():
        raise ParseError("empty page")
    root = _parse_tree(text, url)
    # a lazy walk stops at the main article.article, near the top of the body
    art = next((a for a in root.iter("article") if "article" in (a.get("class") or "").split()),
               None)
    if art is None:
        raise NotAnArticle("no article.article element")
    if root.find("head") is None:
        raise NotAnArticle("no <head>: an infinite-scroll fragment (/all/{id}), not a page")
    head = _read_head(root)
    declared = [absolute_url(url, c) for c in (head.canonical, head.meta.get("og:url")) if c]
    page_url = next((u for u in declared if u and is_article_url(u)), url)
    article_id = article_id_from_url(page_url)
    if article_id is None:
        raise NotAnArticle(f"no article id in {page_url}")
    if not head.news:
        errors.append("no_json_ld" if not head.invalid_json_ld else "invalid_json_ld")

    walk = _Walk(art)
    header = walk.first(S.HEADER)
    h1 = header.find(".//h1") if header is not None else None
    h2 = header.find(".//h2") if header is not None else None
    title = _text(h1) or collapse(head.meta.get("og:title") or "") \
        or collapse(str(head.news.get("headline") or ""))
    if not title:
        errors.append("no_title")

    published_raw, published = _first_time(
        head.meta.get("article:published_time"), head.news.get("datePublished"))
    modified_raw, modified = _first_time(
        head.meta.get("article:modified_time"), head.news.get("dateModified"))
    if published is None or modified is None:
        # the byline shows the publication time, or "Updated:" and the modification time
        byline_raw, byline_updated = _byline_time(walk)
        if modified is None and byline_updated:
            modified_raw, modified = _first_time(byline_raw)
    if published is None:
        errors.append("no_published_meta")
        # the URL date (Moscow) is the last resort, at the start of that day
        published_raw, published = _first_time(None if byline_updated else byline_raw)
        if published is None and (day := url_date(page_url)):
            published_raw = day
            published = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=MOSCOW)

    section = _section(head, walk, header)
    if section is None:
        errors.append("no_section")
    kind = _type(root, art, walk, header, section)
    body, related = _body_and_related(walk, page_url)
    if not body:
        errors.append("empty_body")
    if "</html>" not in text[-2048:].lower():
        errors.append("truncated")  # the connection closed early: later fields are missing

    article = Article(
        article_id=article_id,
        url=page_url,
        title=title,
        subtitle=_text(h2) or None,
        lead=_text(walk.first(S.LIVE_INTRO if kind == "live" else S.INTRO)) or None,
        authors=_authors(art, walk, kind, head.news),
        published_at=published,
        published_at_raw=published_raw,
        modified_at=modified,
        modified_at_raw=modified_raw,
        section=section,
        tags=_tags(walk),
        type=kind,
        body="\n\n".join(body),
        related=related,
        read_more=_read_more(art, page_url),
        image=None if kind in ("video", "gallery") else _image(walk, page_url),
        language=_language(root),
    )
    errors += _missing_blocks(walk, head, article)
    if errors:
        article.partial = bool(_PARTIAL & set(errors))
        article.parse_errors = errors
    return article


def _missing_blocks(walk: _Walk, head: _Head, article: Article) -> list[str]:
    """Blocks every layout of the site has, found missing (renamed by a redesign, or cut
    off by a broken page): checked against what the head states where it states it, so
    a drifted page is flagged instead of passing with an empty or shortened field."""
    missing = []
    if walk.first(S.HEADER) is None:
        missing.append("missing_header")  # the title has fallbacks, the dek has none
    contents = walk.all(S.CONTENT)
    if not contents:
        missing.append("missing_content")
    elif not any(_blocks(c) for c in contents):
        missing.append("missing_body_blocks")
    if article.type != "live" and walk.first(S.BYLINE) is None:
        missing.append("missing_byline")  # JSON-LD names the first author only
    stated = _stated_authors(head)
    if stated and not set(stated) <= set(article.authors):
        missing.append("missing_authors")
    if not article.tags and _stated_tags(head):
        missing.append("missing_tags")
    return missing


def _stated_authors(head: _Head) -> list[str]:
    """The people the head names as authors (the first one only, on this site)."""
    people = [collapse(str(p.get("name") or "")) for p in _as_list(head.news.get("author"))
              if isinstance(p, dict) and p.get("@type") == "Person"]
    meta = collapse(head.meta.get("article:author") or "")
    if not people and meta and meta != ORGANISATION:
        people = [meta]
    return [p for p in people if p]


def _stated_tags(head: _Head) -> list[str]:
    """The tags ``article:tag`` / keywords meta / JSON-LD ``keywords`` state."""
    for raw in (head.meta.get("article:tag"), head.meta.get("keywords"),
                head.news.get("keywords")):
        if isinstance(raw, str) and (tags := [t for t in map(collapse, raw.split(",")) if t]):
            return tags
    return []


def _byline_time(walk: _Walk) -> tuple[str | None, bool]:
    """The byline's ``time[datetime]`` and whether it is the "Updated:" time."""
    el = walk.first(S.BYLINE_TIME)
    if el is None:
        return None, False
    # "Updated:" is a text node beside the time (in .byline__details__column)
    return el.get("datetime"), "Updated:" in _text(el.getparent())


def _first_time(*candidates: Any) -> tuple[str | None, datetime | None]:
    """The first candidate that parses, as (raw string, aware datetime)."""
    for raw in candidates:
        if isinstance(raw, str) and (dt := _parse_time(raw)):
            return raw, dt
    return None, None


def _section(head: _Head, walk: _Walk, header) -> str | None:
    for item in head.breadcrumb:
        if item.get("position") == 2 and item.get("name"):
            name = collapse(str(item["name"]))
            return LECTURE_LABEL if name == LECTURE_TYPO else name
    return "Opinion" if _opinion_marked(walk, header) else None


def _opinion_marked(walk: _Walk, header) -> bool:
    if walk.first(S.OPINION_BYLINE) is not None:
        return True
    # the header's label, not those of related-article blocks in the body
    return header is not None and any(
        _text(label).lower() == "opinion" for label in walk.all(S.HEADER_LABEL)
        if any(parent is header for parent in label.iterancestors("header")))


def _type(root, art, walk: _Walk, header, section: str | None) -> str:
    # cheapest evidence first: live blogs carry div.live-posts inside the article, every
    # other template a div[data-type]; the class markers are fallbacks for older pages
    if walk.first(S.LIVE_POSTS) is not None:
        return "live"
    data_type = (_attr(art, S.DATA_TYPE, "data-type") or "").strip()
    if data_type in ("gallery", "video", "podcast"):
        return data_type
    if not data_type:
        if "article--gallery" in (art.get("class") or "") or _all(root, S.GALLERY_HEADER):
            return "gallery"
        if _all(root, S.VIDEO_HEADER):
            return "video"
    # the breadcrumb decides; the opinion markers only stand in when it is missing
    opinion = section == "Opinion" if section is not None else _opinion_marked(walk, header)
    return "opinion" if opinion else "default"


def _authors(art, walk: _Walk, kind: str, news: dict[str, Any]) -> list[str]:
    names = [_text(a) for a in walk.all(S.AUTHOR_LINK) if _inside(a, S.BYLINE_AUTHOR)] or \
        [_text(a) for a in walk.all(S.ARCHIVE_AUTHOR) if _inside(a, S.BYLINE_AUTHOR)] or \
        [_text(a) for a in walk.all(S.GALLERY_AUTHOR)]
    if not names and kind == "live":
        names = _comment_byline(art)
    if not names and walk.first(S.BYLINE) is None and walk.first(S.BYLINE_TIME) is None:
        # no byline at all (a markup change?): JSON-LD names the first author only, and
        # the organisation stands in when there is none: it is not a person
        names = [str(p.get("name") or "") for p in _as_list(news.get("author"))
                 if isinstance(p, dict) and p.get("@type") == "Person"]
    return _dedupe([n for n in map(collapse, names) if n])


def _comment_byline(art) -> list[str]:
    """Live blogs keep their byline inside an HTML comment: read it as markup."""
    for comment in _COMMENTS(art):
        m = _COMMENT_BYLINE.search(comment.text or "")
        if not m:
            continue
        inner = etree.fromstring(f"<div>{m.group(1)}</div>", _PARSER)
        links = _all(inner, S.AUTHOR_NAME)
        if links:
            return [_text(a) for a in links]
        return [n for n in _AUTHOR_SPLIT.split(_text(inner)) if n]
    return []


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


_PARAGRAPH_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")
_CONTAINERS = frozenset(("p", "li", "blockquote"))
_NOISE = frozenset(("section", "aside", "figure", "script", "style"))


def _html_block_paragraphs(block) -> list:
    """The p/h2-h4/li/blockquote of an html block that are paragraphs of their own: not
    inside another such element, nor inside banners, asides, figures or scripts."""
    out = []
    for el in block.iter(*_PARAGRAPH_TAGS):
        parent = el.getparent()
        while parent is not None and parent is not block:
            if parent.tag in _CONTAINERS or parent.tag in _NOISE:
                break
            parent = parent.getparent()
        else:
            out.append(el)
    return out


def _body_and_related(walk: _Walk, base: str) -> tuple[list[str], list[RelatedLink]]:
    """Body paragraphs, and the inline related blocks with their place among them."""
    out: list[str] = []
    related: list[RelatedLink] = []
    for content in walk.all(S.CONTENT):
        for block in _blocks(content):
            classes = block.get("class", "")
            if "article__block--article" in classes:
                for link in _related(block, base):
                    link.position = len(out)
                    related.append(link)
            elif "article__block--html" in classes:
                for el in _html_block_paragraphs(block):
                    _add_paragraph(out, el)
            elif "article__block--header" in classes:
                for el in _all(block, S.HEADER_BLOCK_TEXT):
                    _add_paragraph(out, el)
            elif "article__block--quote" in classes:
                for el in _all(block, S.QUOTE_BLOCK_TEXT):
                    _add_paragraph(out, el)
    return out, related


def _blocks(content) -> list:
    """The body blocks of a content container in order: its ``div.article__block``
    descendants (a wrapper div in between is no redesign), not blocks inside blocks."""
    out: list = []
    for el in content.iter("div"):
        if _has_class(el, S.BLOCK) and not (out and _within(el, out[-1], content)):
            out.append(el)
    return out


def _within(el, ancestor, stop) -> bool:
    for parent in el.iterancestors():
        if parent is ancestor:
            return True
        if parent is stop:
            return False
    return False


def _add_paragraph(out: list[str], el) -> None:
    text = _text(el)
    if text and not text.startswith(PROMO_PREFIXES):
        out.append(text)


def _related(block, base: str) -> list[RelatedLink]:
    out = []
    for a in _all(block, S.RELATED_LINK):
        href = absolute_url(base, a.get("href") or "")
        if not href:
            continue
        title = _text(_first(a, S.RELATED_TITLE)) or collapse(a.get("title", ""))
        out.append(related_link(href, title))
    return out


def related_link(url: str, title: str) -> RelatedLink:
    """A related-article link as rendered, with the target's id and canonical URL when
    the URL carries them (slug-only URLs, the site's usual related links, do not)."""
    return RelatedLink(url=url, title=title, article_id=article_id_from_url(url),
                       canonical_url=canonical_article_url(url))


def _read_more(art, base: str) -> list[str]:
    # the cluster of "Read more" cards follows the inner article.article, outside it
    clusters = [c for c in _q(S.CLUSTERS)(art) if "cluster" in (c.get("class") or "").split()]
    hrefs = [a.get("href") for cluster in clusters for a in _q(S.READ_MORE_LINK)(cluster)]
    return _dedupe([u for u in (absolute_url(base, h) for h in hrefs if h) if u])


def _tags(walk: _Walk) -> list[str]:
    links = [a for box in walk.all(S.TAGS_BOX) for a in box.iter("a") if _has_class(a, S.TAG_LINK)]
    return _dedupe([t for t in map(_text, links) if t])


def _image(walk: _Walk, base: str) -> Image | None:
    fig = walk.first(S.FEATURED)
    if fig is None:
        return None
    src = absolute_url(base, _attr(fig, S.FEATURED_IMG, "src") or "")
    if not src:
        return None
    caption = _text(_first(fig, S.FEATURED_CAPTION)) or None
    credits = _text(_first(fig, S.FEATURED_CREDITS)) or None
    return Image(url=src, caption=caption,
                 credits=credits if caption or credits else None)


def _language(root) -> str:
    """``<html lang>`` as ISO 639-1 ("en"; the Russian edition says "ru"), else "en"."""
    code = (root.get("lang") or "").strip()[:2].lower()
    return code if len(code) == 2 and code.isalpha() and code.isascii() else "en"


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def live_posts_url(html: str | bytes, url: str) -> str | None:
    """The ``/live/{id}/0`` URL that serves every post of a live blog, or ``None``."""
    if isinstance(html, bytes):
        html = decode_html(html)[0]
    try:
        template = _attr(_parse_tree(html, url), S.LIVE_POSTS, "data-url")
    except ParseError:
        return None
    if not template:
        return None
    return absolute_url(url, template.replace("{{from}}", "0"))


def _post_paragraphs(html: str) -> list[str]:
    try:
        root = etree.fromstring(f"<div id='post'>{html}</div>", _PARSER)
    except (etree.ParserError, ValueError):
        return []
    block = root.find(".//div[@id='post']") if root is not None else None
    out: list[str] = []
    for el in _html_block_paragraphs(block) if block is not None else ():
        _add_paragraph(out, el)
    return out


def parse_live_posts(body: str | bytes, url: str = "") -> list[LivePost]:
    """Posts of a live blog from the ``/live/{id}/{from}`` JSON, in ascending time.

    Posts without a readable id or time are left out. A post keeps the text of its html
    blocks, its related articles, its images (URL, caption, credits) and its link blocks;
    embeds (tweets, iframes) are not kept. Relative URLs resolve against ``url``."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError) as exc:
        raise ParseError(f"live posts are not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ParseError("live posts JSON is not a list")
    posts = [post for raw in data if (post := _live_post(raw, url)) is not None]
    posts.sort(key=lambda p: p.published_at)
    return posts


def _live_post(raw: Any, base: str) -> LivePost | None:
    """One post of the live JSON, or ``None`` when it has no readable id or time."""
    if not isinstance(raw, dict):
        return None
    published = _parse_time(raw.get("time"))
    try:
        post_id = int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None
    if published is None:
        return None
    post = LivePost(post_id=post_id, published_at=published, body="")
    paragraphs: list[str] = []
    blocks = raw.get("body")
    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "html" and isinstance(block.get("body"), str):
            paragraphs += _post_paragraphs(block["body"])
        elif kind == "article" and (link := _post_related(block.get("article"), base)):
            post.related.append(link)
        elif kind == "image" and (image := _post_image(block.get("image"), base)):
            post.images.append(image)
        elif kind == "link" and (promo := _post_link(block, base)):
            post.links.append(promo)
    post.body = "\n\n".join(paragraphs)
    return post


def _json_text(value: Any) -> str | None:
    """A JSON string value, whitespace collapsed; ``None`` for anything else or blank."""
    return collapse(value) or None if isinstance(value, str) else None


def _post_related(data: Any, base: str) -> RelatedLink | None:
    if not isinstance(data, dict) or not (href := _json_text(data.get("url"))):
        return None
    url = absolute_url(base, href) if base else href
    return related_link(url, _json_text(data.get("title")) or "") if url else None


def _post_image(data: Any, base: str) -> Image | None:
    if not isinstance(data, dict) or not (src := _json_text(data.get("src"))):
        return None
    url = absolute_url(base, src) if base else src
    if not url:
        return None
    return Image(url=url, caption=_json_text(data.get("caption")),
                 credits=_json_text(data.get("credits")))


def _post_link(block: dict, base: str) -> LinkBlock | None:
    data = block.get("link")
    if not isinstance(data, dict) or not (href := _json_text(data.get("url"))):
        return None
    url = absolute_url(base, href) if base else href
    if not url:
        return None
    return LinkBlock(url=url, title=_json_text(data.get("title")) or "",
                     description=_json_text(block.get("description")))


def url_date(url: str) -> str | None:
    """The ``YYYY-MM-DD`` date in an article URL's path (Moscow publication date)."""
    m = _URL_DATE.match(urlsplit(url).path)
    return "-".join(m.groups()) if m else None
