"""Typed items: the contract between page parsers, pipelines, MongoDB and consumers.

Field names are part of the public contract (the `parse` command, the replica's truth
records, the stored documents). Renaming one is a breaking change for consumers.

Datetimes are timezone-aware; in JSON they are UTC with a ``Z`` suffix
(see :func:`to_jsonable`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SITE = "moscowtimes"  # the publisher key of items and stored ids (the site module reads it here)

ARTICLE_TYPES = ("default", "opinion", "live", "gallery", "video", "podcast")
DISCOVERY_CHANNELS = ("listing", "rss", "sitemap", "related", "seed")



def document_id(site: str, article_id: object) -> str:
    """The stored ``_id`` of an article: ``<site>:<article_id>`` (``moscowtimes:85152``)."""
    return f"{site}:{article_id}"

@dataclass
class Image:
    """A photo: the featured image above the article body, or an image of a live post."""

    url: str
    """Absolute image URL as published (the ``article_1360`` preset on the real site)."""
    caption: str | None = None
    """Caption text, exactly as published; ``None`` when the page shows none."""
    credits: str | None = None
    """Photographer / agency credit line; ``None`` when the page shows none."""


@dataclass
class RelatedLink:
    """An inline related-article block inside the body ("Related article: ...")."""

    url: str
    """The href as rendered. On the real site it is slug-only and dated with the
    render date (no ``-aID``): follow it and de-duplicate after the redirect."""
    title: str
    """The linked article's headline as shown in the block."""
    position: int | None = None
    """How many body paragraphs precede the block: where "Related article:" stands when
    the article is laid out as text. ``None`` where unknown (live posts)."""
    article_id: int | None = None
    """The linked article's id, read from ``url`` (``-a{ID}``, also legacy URLs); joins to
    ``Article.article_id``. ``None`` for slug-only URLs until a crawl resolves them."""
    canonical_url: str | None = None
    """The linked article's canonical URL when ``url`` carries its id (``None`` for
    slug-only URLs: only the server's redirect tells it)."""


@dataclass
class LinkBlock:
    """A link block (``div.article__link`` on pages, ``{"type": "link"}`` in live posts): a
    promoted link, internal or external, with the title and description shown."""

    url: str
    """The link's target, absolute, as published."""
    title: str
    """The link's title as shown."""
    description: str | None = None
    """The line shown under the title; ``None`` when the block has none."""


@dataclass
class LivePost:
    """One post of a live blog, served as JSON from ``/live/{article_id}/{from}``."""

    post_id: int
    """The post's numeric id in the site's CMS."""
    published_at: datetime
    """When the post was published, timezone-aware."""
    body: str
    """Visible paragraphs of the post's html blocks, joined by a blank line."""
    related: list[RelatedLink] = field(default_factory=list)
    """Related-article blocks inside the post, in order."""
    images: list[Image] = field(default_factory=list)
    """Image blocks of the post, in order: photo URL, caption and credits as published
    (each ``None`` when the post shows none)."""
    links: list[LinkBlock] = field(default_factory=list)
    """Link blocks of the post, in order (embeds are not kept)."""


@dataclass
class Source:
    """Where the page a revision was read from is kept: a response record of the
    crawl's WARC files (``newsscraper show ID --raw`` prints it)."""

    warc_file: str
    """The WARC file's name, under ``WARC_DIR`` (``NEWSSCRAPER_DATA_DIR/warc``)."""
    offset: int
    """Byte offset of the response record (a gzip member of its own) in that file."""
    fetched_at: datetime
    """When the response was received (the record's ``WARC-Date``), timezone-aware."""


@dataclass
class Article:
    """One Moscow Times article, as a reader sees it.

    Produced by :mod:`newsscraper.sites.moscowtimes` page parsers, filled in with crawl
    provenance by the spider, normalised by the pipelines and stored in MongoDB under
    ``_id = "moscowtimes:<article_id>"``.
    """

    article_id: int
    """Numeric id from the canonical URL's ``-a{ID}`` suffix: the de-duplication key."""
    url: str
    """Canonical article URL (``link[rel=canonical]``)."""
    title: str
    """Headline exactly as published (entities decoded)."""
    site: str = SITE
    """Publisher key; always ``"moscowtimes"`` here."""
    subtitle: str | None = None
    """The dek under the headline (``h2``); ``None`` when the page's ``h2`` is empty."""
    lead: str | None = None
    """The intro paragraph (``div.article__intro`` / live-blog summary intro), or ``None``."""
    authors: list[str] = field(default_factory=list)
    """Author names in byline order. The organisation "The Moscow Times" is not a person
    and is only listed when the byline itself names it."""
    published_at: datetime | None = None
    """Publication time, timezone-aware (UTC after cleaning)."""
    published_at_raw: str | None = None
    """The publication time exactly as the page states it (``article:published_time``)."""
    modified_at: datetime | None = None
    """Last modification time, timezone-aware (UTC after cleaning)."""
    modified_at_raw: str | None = None
    """The modification time exactly as the page states it (``article:modified_time``)."""
    section: str | None = None
    """Reader-facing section label from the breadcrumb ("News", "Opinion", "Business",
    "Ukraine War", ...), never the buggy ``article:section`` meta."""
    tags: list[str] = field(default_factory=list)
    """Tags as displayed under "Read more about:", in display order, without duplicates."""
    type: str = "default"
    """One of ``default``, ``opinion``, ``live``, ``gallery``, ``video``, ``podcast``."""
    body: str = ""
    """Visible paragraphs in order (html, header and quote blocks), joined by a blank line.
    Never related-article blocks, captions, embeds, promos, banners or donation text."""
    related: list[RelatedLink] = field(default_factory=list)
    """Inline related-article blocks, in body order."""
    read_more: list[str] = field(default_factory=list)
    """Article URLs of the "Read more" cluster below the article, in order."""
    image: Image | None = None
    """The featured image, or ``None`` (video pages never show one)."""
    language: str = "en"
    """ISO 639-1 language of the text."""
    live_posts: list[LivePost] = field(default_factory=list)
    """Live blogs only: their posts in ascending time order (empty until fetched)."""
    partial: bool = False
    """True when the page could only be partly understood; see ``parse_errors``."""
    parse_errors: list[str] = field(default_factory=list)
    """Short machine-readable reasons for a partial parse (``"no_json_ld"``, ...)."""
    discovered_via: str | None = None
    """How the crawl found the article: ``listing``, ``rss``, ``sitemap``, ``related`` or
    ``seed``. Set by the spider, not by page parsers."""
    discovered_from: str | None = None
    """The URL of the page (listing, feed, sitemap or article) that linked to it."""
    content_hash: str | None = None
    """SHA-256 of the reader-visible content (set by the de-duplication pipeline); a
    change means a new revision. Excludes render artefacts such as the render-dated
    slug URLs of related links, and crawl provenance."""
    body_hash: str | None = None
    """SHA-256 of the normalised body alone, to find the same text under another id."""
    duplicate_of: str | None = None
    """``_id`` of a stored article with exactly the same body, when there is one."""
    near_duplicate_of: str | None = None
    """``_id`` of an article whose body is nearly the same (MinHash), when there is one."""
    source: Source | None = None
    """Where the fetched page is kept (WARC file, offset, fetch time); ``None`` when the
    crawl kept no WARC records (``WARC_ENABLED`` off). Crawl provenance: not content."""


def to_jsonable(value: Any) -> Any:
    """Turn items (dataclasses), datetimes and containers into plain JSON values.

    Datetimes become ISO 8601 in UTC with a ``Z`` suffix, the form consumers and the
    replica's truth records use.
    """
    return _plain(value, _iso_z)


def to_document(value: Any) -> Any:
    """Like :func:`to_jsonable`, but datetimes stay datetimes (in UTC): the form MongoDB
    stores (BSON dates), without a round trip through strings."""
    return _plain(value, _utc)


def _iso_z(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be serialised")
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored")
    return value.astimezone(timezone.utc)


_LEAVES = (str, int, float, bool, type(None))


def _plain(value: Any, moment: Callable[[datetime], Any]) -> Any:
    """The one walk behind :func:`to_jsonable` and :func:`to_document`: dataclasses
    become dicts (fields in order), tuples lists, datetimes ``moment(value)``."""
    kind = type(value)
    if kind in _LEAVES:  # most of an article: its texts, first
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, moment) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, moment) for k, v in value.items()}
    if isinstance(value, datetime):
        return moment(value)
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name), moment) for name in names}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names, in order; ``None`` for any other type."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind)) \
            if dataclasses.is_dataclass(kind) else None
    return _FIELD_NAMES[kind]
