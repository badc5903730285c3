"""The article page object: what an article page of the site's templates says.

:class:`ArticlePage` reads the tree, the head and the JSON-LD once, and has one
:func:`~.fields.field` per :class:`~newsscraper.items.Article` field, with its selectors
as class attributes; :meth:`ArticlePage.article` builds the item from them. Page layouts
that differ (live blog, gallery, video, podcast) are subclasses in :mod:`.layouts`,
selected by the markers they declare; a redesign gets a new class beside the old one,
with its markers and golden test.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import ClassVar

from newsscraper.items import Article, Image, RelatedLink
from newsscraper.sites.moscowtimes.fields import FieldPage, cached_field, cached_property, field
from newsscraper.sites.moscowtimes.head import Head, as_list, read_head
from newsscraper.sites.moscowtimes.markers import Markers, PageMarkers
from newsscraper.sites.moscowtimes.query import (
    ClassIndex,
    first,
    has_class,
    inside,
    select,
    text_of,
)
from newsscraper.sites.moscowtimes.site import MOSCOW, PROMO_PREFIXES, parse_iso, section_label
from newsscraper.sites.moscowtimes.text import collapse
from newsscraper.sites.moscowtimes.urls import (
    absolute_url,
    article_id_from_url,
    canonical_article_url,
    is_article_url,
    url_date,
)

# reasons that make a parse partial; the others (no_json_ld...) are notes
PARTIAL = frozenset({
    "no_title", "no_published_meta", "empty_body", "no_section", "bad_encoding", "truncated",
    "missing_header", "missing_byline", "missing_authors", "missing_content",
    "missing_body_blocks", "missing_tags",
})
_PARAGRAPH_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")
_CONTAINERS = frozenset(("p", "li", "blockquote"))
_NOISE = frozenset(("section", "aside", "figure", "script", "style"))


class ArticlePage(FieldPage):
    """An article page of the templates published in June 2024 (the site renders its
    whole archive in them): the default layout, opinion pieces included. Pure: no I/O.

    Selectors are scoped to ``article.article``; the ``tag.class`` ones listed in
    :attr:`WALKED` are found in one walk over it (:class:`ClassIndex`), the others are
    CSS or XPath compiled once (:func:`~.query.compiled`).
    """

    layout = "default"
    MARKERS: ClassVar[Markers | None] = None  # what selects the layout; the default: none
    has_byline = True  # whether the layout shows its byline in the DOM
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

    BLOCK = "./div[contains(concat(' ', @class, ' '), ' article__block ')]"
    # a wrapper div between the blocks and their container is no redesign
    WRAPPED_BLOCK = ".//div[contains(concat(' ', @class, ' '), ' article__block ')]"
    RELATED_LINK = "aside.article__related-article a.related-article__inner"
    RELATED_TITLE = "h3.related-article__title"
    HEADER_BLOCK_TEXT = "h2, h3"
    QUOTE_BLOCK_TEXT = "blockquote"
    FEATURED_IMG = "img"  # the first one in the featured figure
    FEATURED_CAPTION = "article__featured-image__caption"  # class tokens in the figure
    FEATURED_CREDITS = "article__featured-image__credits"
    CLUSTERS = "following::section"
    READ_MORE_LINK = "article-excerpt-default__link"  # in the class of the cards' links

    def __init__(self, root, art, url: str, index: ClassIndex | None = None,
                 head: Head | None = None) -> None:
        self.root, self.art, self.response_url = root, art, url
        self.index = index if index is not None else ClassIndex(art, WANTED)
        self.head = head if head is not None else read_head(root)

    @classmethod
    def layout_for(cls, page: PageMarkers) -> type[ArticlePage] | None:
        """This class when ``page`` shows its :attr:`MARKERS`, else ``None``; a layout
        whose markers a :class:`Markers` cannot state overrides this."""
        return cls if cls.MARKERS is not None and cls.MARKERS.found_on(page) else None

    # --- identity -------------------------------------------------------------------
    @cached_field
    def url(self) -> str:
        """The canonical URL (``link[rel=canonical]``, ``og:url``), else the response's."""
        declared = (absolute_url(self.response_url, c)
                    for c in (self.head.canonical, self.head.meta.get("og:url")) if c)
        return next((u for u in declared if u and is_article_url(u)), self.response_url)

    @cached_field
    def article_id(self) -> int:
        """The ``-a{ID}`` of the canonical URL (0 without one: not an article page)."""
        return article_id_from_url(self.url) or 0

    # --- header ---------------------------------------------------------------------
    @cached_property
    def header(self):
        """``header.article__header``, or ``None``."""
        return self.index.first(self.HEADER)

    def _heading(self, tag: str):
        return self.header.find(f".//{tag}") if self.header is not None else None

    @field
    def title(self) -> str:
        """The ``h1`` (its text sits in an ``<a>``), else ``og:title``, else JSON-LD."""
        return text_of(self._heading("h1")) or collapse(self.head.meta.get("og:title") or "") \
            or collapse(str(self.head.news.get("headline") or ""))

    @field
    def subtitle(self) -> str | None:
        """The dek: the header's ``h2``, ``None`` when empty."""
        return text_of(self._heading("h2")) or None

    @field
    def lead(self) -> str | None:
        """``div.article__intro``."""
        return text_of(self.index.first(self.INTRO)) or None

    # --- byline ---------------------------------------------------------------------
    @field
    def authors(self) -> list[str]:
        """Every name of the byline; JSON-LD's first author only when there is no byline
        at all (the organisation is not a person)."""
        names = self.byline_names()
        if not names and self.index.first(self.BYLINE) is None \
                and self.index.first(self.BYLINE_TIME) is None:
            names = [str(p.get("name") or "") for p in as_list(self.head.news.get("author"))
                     if isinstance(p, dict) and p.get("@type") == "Person"]
        return list(dict.fromkeys(n for n in map(collapse, names) if n))

    def byline_names(self) -> list[str]:
        """The byline's author names (archive pages write them in a ``span``)."""
        i = self.index
        return [text_of(a) for a in i.all(self.AUTHOR_LINK) if inside(a, self.BYLINE_AUTHOR)] \
            or [text_of(a) for a in i.all(self.ARCHIVE_AUTHOR) if inside(a, self.BYLINE_AUTHOR)] \
            or [text_of(a) for a in i.all(self.GALLERY_AUTHOR)]

    @cached_property
    def byline_time(self) -> tuple[str | None, bool]:
        """The byline's ``time[datetime]`` and whether it is the "Updated:" time."""
        el = self.index.first(self.BYLINE_TIME)
        if el is None:
            return None, False
        # "Updated:" is a text node beside the time (in .byline__details__column)
        return el.get("datetime"), "Updated:" in text_of(el.getparent())

    # --- dates ----------------------------------------------------------------------
    # the halves of (raw, parsed) times, each a field of the item
    published_at_raw = field(lambda page: page.published[0])
    published_at = field(lambda page: page.published[1])
    modified_at_raw = field(lambda page: page.modified[0])
    modified_at = field(lambda page: page.modified[1])

    @cached_property
    def stated_published(self) -> tuple[str | None, datetime | None]:
        """``article:published_time``, else JSON-LD ``datePublished``."""
        return first_time(self.head.meta.get("article:published_time"),
                          self.head.news.get("datePublished"))

    @cached_property
    def published(self) -> tuple[str | None, datetime | None]:
        """The stated time; else the byline time unless it is the "Updated:" one, else
        the start of the URL's day."""
        if self.stated_published[1] is not None:
            return self.stated_published
        raw, updated = self.byline_time
        found = first_time(None if updated else raw)
        if found[1] is None and (day := url_date(self.url)):
            return day.isoformat(), datetime.combine(day, time(), MOSCOW)
        return found

    @cached_property
    def modified(self) -> tuple[str | None, datetime | None]:
        """``article:modified_time``, JSON-LD ``dateModified``, the "Updated:" time."""
        found = first_time(self.head.meta.get("article:modified_time"),
                           self.head.news.get("dateModified"))
        if found[1] is None and self.byline_time[1]:
            return first_time(self.byline_time[0])
        return found

    # --- classification -------------------------------------------------------------
    @cached_field
    def section(self) -> str | None:
        """The breadcrumb's second item, else "Opinion" by the opinion markers."""
        for item in self.head.breadcrumb:
            if item.get("position") == 2 and item.get("name"):
                return section_label(collapse(str(item["name"])))
        return "Opinion" if self.opinion_marked() else None

    def opinion_marked(self) -> bool:
        """The byline's opinion modifier, or the header's (not a related block's) label."""
        if self.index.first(self.OPINION_BYLINE) is not None:
            return True
        header = self.header
        return header is not None and any(
            text_of(label).lower() == "opinion" for label in self.index.all(self.HEADER_LABEL)
            if any(parent is header for parent in label.iterancestors("header")))

    @field
    def type(self) -> str:
        """``opinion`` or ``default``: the breadcrumb decides, the markers stand in."""
        section = self.section
        opinion = section == "Opinion" if section is not None else self.opinion_marked()
        return "opinion" if opinion else "default"

    @field
    def tags(self) -> list[str]:
        """The "Read more about:" tag links, in order, without repeats."""
        links = [a for box in self.index.all(self.TAGS_BOX) for a in box.iter("a")
                 if has_class(a, self.TAG_LINK)]
        return list(dict.fromkeys(t for t in map(text_of, links) if t))

    # --- body -----------------------------------------------------------------------
    @field
    def body(self) -> str:
        """The body's paragraphs, joined by a blank line."""
        return "\n\n".join(self.body_and_related[0])

    @field
    def related(self) -> list[RelatedLink]:
        """The inline related blocks' links, with their place among the paragraphs."""
        return [related_link(href, title, position)
                for position, href, title in self.body_and_related[1]]

    @cached_property
    def body_and_related(self) -> tuple[list[str], list[tuple[int, str, str]]]:
        """Body paragraphs, and the inline related links (position, URL, title): one walk
        over the blocks for both."""
        out: list[str] = []
        related: list[tuple[int, str, str]] = []
        for _content, blocks in self.content_blocks:
            for block in blocks:
                classes = block.get("class", "")
                if "article__block--article" in classes:
                    related += ((len(out), *link) for link in self.related_links(block))
                elif "article__block--html" in classes:
                    for el in block_paragraphs(block):
                        add_paragraph(out, el)
                elif "article__block--header" in classes:
                    for el in select(block, self.HEADER_BLOCK_TEXT):
                        add_paragraph(out, el)
                elif "article__block--quote" in classes:
                    for el in select(block, self.QUOTE_BLOCK_TEXT):
                        add_paragraph(out, el)
        return out, related

    @cached_property
    def content_blocks(self) -> list[tuple[object, list]]:
        """Each content container with its body blocks in order (not blocks in blocks)."""
        out = []
        for content in self.index.all(self.CONTENT):
            blocks = select(content, self.BLOCK)
            if not blocks:
                for el in select(content, self.WRAPPED_BLOCK):
                    if not (blocks and _within(el, blocks[-1], content)):
                        blocks.append(el)
            out.append((content, blocks))
        return out

    def related_links(self, block) -> list[tuple[str, str]]:
        """The related-article links (URL, title) of an ``article`` block."""
        out = []
        for a in select(block, self.RELATED_LINK):
            href = absolute_url(self.url, a.get("href") or "")
            if href:
                title = text_of(first(a, self.RELATED_TITLE)) or collapse(a.get("title", ""))
                out.append((href, title))
        return out

    @field
    def read_more(self) -> list[str]:
        """The "Read more" cluster's article URLs (the cluster follows the article)."""
        clusters = [c for c in select(self.art, self.CLUSTERS) if has_class(c, "cluster")]
        hrefs = [a.get("href") for c in clusters for a in c.iter("a")
                 if self.READ_MORE_LINK in (a.get("class") or "")]
        urls = (absolute_url(self.url, h) for h in hrefs if h)
        return list(dict.fromkeys(u for u in urls if u))

    @field
    def image(self) -> Image | None:
        """The featured figure's image, caption and credits."""
        fig = self.index.first(self.FEATURED)
        img = next(fig.iter(self.FEATURED_IMG), None) if fig is not None else None
        src = absolute_url(self.url, img.get("src") or "") if img is not None else None
        if not src:
            return None
        # a figure holds a few elements: one walk instead of two queries
        parts: dict[str, object] = {}
        for el in fig.iter("*"):
            for token in (el.get("class") or "").split():
                if token in (self.FEATURED_CAPTION, self.FEATURED_CREDITS):
                    parts.setdefault(token, el)
        caption = text_of(parts.get(self.FEATURED_CAPTION)) or None
        credits = text_of(parts.get(self.FEATURED_CREDITS)) or None
        return Image(url=src, caption=caption, credits=credits if caption or credits else None)

    @field
    def language(self) -> str:
        """``<html lang>`` as ISO 639-1 ("en"; the Russian edition says "ru"), else "en"."""
        code = (self.root.get("lang") or "").strip()[:2].lower()
        return code if len(code) == 2 and code.isalpha() and code.isascii() else "en"

    def live_posts_url(self) -> str | None:
        """The ``/live/{id}/0`` URL serving every post; only live blogs have one."""
        return None

    # --- the whole article ----------------------------------------------------------
    def article(self) -> Article:
        """Every field read, and ``partial`` / ``parse_errors`` saying what was missing."""
        article = Article(**self.fields())
        article.parse_errors = self.parse_errors(article)
        article.partial = bool(PARTIAL.intersection(article.parse_errors))
        return article

    def parse_errors(self, article: Article) -> list[str]:
        """What the page lacked, told by the fields' values (``article``) and the head."""
        errors = [] if self.head.news else \
            ["no_json_ld" if not self.head.invalid_json_ld else "invalid_json_ld"]
        errors += ["no_title"] * (not article.title)
        errors += ["no_published_meta"] * (self.stated_published[1] is None)
        errors += ["no_section"] * (article.section is None) + ["empty_body"] * (not article.body)
        return errors + self.missing_blocks(article)

    def missing_blocks(self, article: Article) -> list[str]:
        """Blocks every layout of the site has, found missing (renamed by a redesign, or
        cut off by a broken page): checked against what the head states where it states
        it, so a drifted page is flagged instead of passing with an empty field."""
        missing = []
        if self.header is None:
            missing.append("missing_header")  # the title has fallbacks, the dek has none
        if not self.content_blocks:
            missing.append("missing_content")
        elif not any(blocks for _content, blocks in self.content_blocks):
            missing.append("missing_body_blocks")
        if self.has_byline and self.index.first(self.BYLINE) is None:
            missing.append("missing_byline")  # JSON-LD names the first author only
        stated = self.head.stated_authors()
        if stated and not set(stated) <= set(article.authors):
            missing.append("missing_authors")
        if not article.tags and self.head.stated_tags():
            missing.append("missing_tags")
        return missing


WANTED = ClassIndex.wanted(ArticlePage.WALKED)


def first_time(*candidates: object) -> tuple[str | None, datetime | None]:
    """The first candidate that parses, as (raw string, aware datetime); naive times on
    the site's pages are Moscow time."""
    for raw in candidates:
        if isinstance(raw, str) and (dt := parse_iso(raw, MOSCOW)):
            return raw, dt
    return None, None


def related_link(url: str, title: str, position: int | None = None) -> RelatedLink:
    """A related-article link as rendered, with the target's id and canonical URL when
    the URL carries them (slug-only URLs, the site's usual related links, do not)."""
    return RelatedLink(url=url, title=title, article_id=article_id_from_url(url),
                       canonical_url=canonical_article_url(url), position=position)


def block_paragraphs(block) -> list:
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


def add_paragraph(out: list[str], el) -> None:
    """Append ``el``'s text to ``out`` unless it is blank or a donation appeal."""
    text = text_of(el)
    if text and not text.startswith(PROMO_PREFIXES):
        out.append(text)


def _within(el, ancestor, stop) -> bool:
    for parent in el.iterancestors():
        if parent is ancestor:
            return True
        if parent is stop:
            return False
    return False
