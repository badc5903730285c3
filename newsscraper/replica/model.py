"""The content model of the replica: what the site's CMS holds (articles with their
blocks, authors, tags, dates), and the site's sections. :mod:`~newsscraper.replica.generate`
fills it deterministically; the renderers and the truth read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property

from newsscraper.sites.moscowtimes.site import LECTURE_TYPO

MSK = timezone(timedelta(hours=3))

# section key -> (listing path, breadcrumb label, breadcrumb path, rss feed or None)
SECTIONS: dict[str, tuple[str, str, str, str | None]] = {
    "news": ("news", "News", "news", "news"),
    "opinion": ("opinion", "Opinion", "opinion", "opinion"),
    "business": ("business", "Business", "business", None),  # no /rss/business on the site
    "meanwhile": ("meanwhile", "Meanwhile in Russia", "meanwhile", "meanwhile"),
    "city": ("arts-and-life", "Arts & Life", "arts-and-life", "arts-and-life"),
    "climate": ("climate", "Climate", "climate", None),
    "diaspora": ("diaspora", "The New Diaspora", "diaspora", None),
    "indepth": ("features", "Features", "in-depth", "in-depth"),
    "ukraine_war": ("ukraine-war", "Ukraine War", "ukraine-war", None),
    # the template's own typo: the breadcrumb reads "section.ecture_series"
    "lecture_series": ("lectures", LECTURE_TYPO, "lecture-series", None),
}

@dataclass
class Author:
    name: str
    slug: str


@dataclass
class Tag:
    title: str
    slug: str


@dataclass
class ImageSpec:
    file: str
    caption: str | None
    credits: str | None


@dataclass
class Block:
    """One body block; ``kind`` is the site's block type (html, header, quote, ...)."""

    kind: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # html: (tag, text)
    text: str = ""  # header / quote / aside / embed / link title
    cite: str = ""
    related_id: int | None = None  # article blocks
    image: ImageSpec | None = None
    images: list[ImageSpec] = field(default_factory=list)
    url: str = ""  # link blocks


@dataclass
class LivePostSpec:
    post_id: int
    time: datetime
    paragraphs: list[str]
    related_id: int | None = None
    image: ImageSpec | None = None
    embed: bool = False


@dataclass
class ArticleSpec:
    id: int
    slug: str
    title: str
    section: str
    type: str
    published: datetime
    created: datetime
    modified: datetime
    authors: list[Author]
    tags: list[Tag]
    subtitle: str = ""
    intro: str = ""
    image: ImageSpec | None = None
    blocks: list[Block] = field(default_factory=list)
    live_posts: list[LivePostSpec] = field(default_factory=list)
    video_id: str = ""
    read_more: list[int] = field(default_factory=list)
    analysis: bool = False  # a "News Analysis" label in the header (still type default)
    removed: int = 0  # 404 or 410 when removed in this epoch

    @cached_property
    def path(self) -> str:
        d = self.published.astimezone(MSK)
        return f"/{d:%Y/%m/%d}/{self.slug}-a{self.id}"

    @property
    def is_opinion(self) -> bool:
        return self.section == "opinion" and self.type == "default"


@dataclass
class SiteModel:
    """Everything the replica serves, for one epoch of one seed."""

    seed: int
    epoch: int
    now: datetime
    """The render date and time ("today" when the pages were cached), Moscow time."""
    articles: list[ArticleSpec]
    """Every article the CMS knows, including ones removed in this epoch."""
    changes: dict[str, list[int]] = field(default_factory=dict)
    """Epoch 2 only: ``new``, ``edited`` (= ``edited_title`` + ``edited_body``),
    ``removed`` (404) and its ``gone`` subset (410) article ids, each sorted."""

    def __post_init__(self) -> None:
        self.by_id = {a.id: a for a in self.articles}
        self.by_slug = {a.slug: a for a in self.articles}

    def add(self, a: ArticleSpec) -> None:
        """Add an article published after the model was made (:mod:`.publish`)."""
        self.articles.append(a)
        self.by_id[a.id] = a
        self.by_slug[a.slug] = a

    @property
    def live_articles(self) -> list[ArticleSpec]:
        """The articles served with status 200 in this epoch."""
        return [a for a in self.articles if not a.removed]
