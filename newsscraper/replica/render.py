"""Render a :class:`SiteModel` into the pages the real site serves, in its real markup.

The markup follows the site's published templates (June 2024) as the team's notes on
the site document them, line for line where a sample page exists (the article page,
the "View more" fragment, the RSS feed, the sitemaps, the live-blog JSON): article pages
of every type, section listings and their "View more" fragments, tag and author pages,
RSS feeds, sitemaps on the static origin, robots.txt, live-blog JSON, and the server's
redirects. Every page is rendered once, up front, into bytes; only the few routes that
take a free parameter (an offset, a timestamp, a wrong slug) are answered on the fly
from pre-rendered pieces.

Routes of the www origin (``RenderedSite.get``):

- ``/{Y}/{m}/{d}/{slug}-a{id}``: the article (404 or 410 when removed in this epoch);
  any other date or slug with a known id -> 301 to the canonical URL;
  ``/{Y}/{m}/{d}/{slug}`` (no id, e.g. the render-dated related links) -> 301 by slug;
  ``.../pdf`` -> a PDF; ``/(articles|news|photogalleries)/{slug}-{id}`` -> 301;
  ``/all/{id}`` -> the infinite-scroll fragment (no ``<head>``).
- ``/{section}``, ``/videos``, ``/galleries``, ``/podcasts``: listing pages (lead card
  + 18, "View more" from 19 in steps of 18); ``/tag/{slug or title}``: the same with 20
  cards (canonical and "View more" on the title). ``/{section}/{offset}`` -> 18 cards
  from the SQL offset, an empty body past the end; ``/tag/{title}/{offset}`` and
  ``/{videos,galleries,podcasts}/{offset}`` -> 20 cards (so pages overlap), the full page
  for offset 0.
- ``/author/{slug}``: up to 100 cards, no canonical, no og tags.
- ``/live/{id}/{from}``: the live blog's posts after the Unix time ``from`` (0: all).
- ``/rss/{news,opinion,city,arts-and-life,meanwhile,podcasts,in-depth,all,yandex-news}``.
- ``/robots.txt``, ``/``, ``/favicon.ico``. Static origin: ``/sitemap/sitemap.xml`` (index),
  ``/sitemap/{Y}-{M}.xml``, ``/sitemap/newsmap.xml`` + its section files; the look of the
  site from ``data/``: ``/css/main.css`` (the replica's own stylesheet), the logos under
  ``/img/`` and the favicon; ``/image/...``: one of a few small grey-toned PNG "photos",
  the same one for a given URL.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from newsscraper.replica.generate import MSK, ORGANISATION, SECTIONS, ArticleSpec, Block, SiteModel

if TYPE_CHECKING:
    from newsscraper.replica.faults import FaultInjector

REAL_WWW = "https://www.themoscowtimes.com"
REAL_STATIC = "https://static.themoscowtimes.com"
LISTING_FIRST = 19  # lead card + 18 on a full listing page
LISTING_STEP = 18  # cards per section "View more" fragment, and the button's step
TAG_PER_CALL = 20  # cards per tag / type fragment (the button still steps 18: overlap)
AUTHOR_CARDS = 100
RSS_ITEMS = 50
NEWS_SITEMAP_DAYS = 30
NEWS_SITEMAP_ITEMS = 100
MEDIA_LISTINGS = {"videos": "video", "galleries": "gallery", "podcasts": "podcast"}
NEWS_SITEMAP_KEYS = ("news", "opinion", "meanwhile", "city", "business", "climate", "diaspora",
                     "ukraine_war", "lecture_series")

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
JSON = "application/json"


@dataclass
class Page:
    """One response. ``delay`` and ``truncate`` are set by fault profiles only."""

    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    """Seconds the server waits before answering."""
    truncate: bool = False
    """Declare the full ``Content-Length``, send half the body, close the connection."""


def esc(s: str) -> str:
    """PHP htmlspecialchars(ENT_QUOTES): what the templates run every value through."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#039;"))


def month_text(d: datetime) -> str:
    """PHP 'M. j, Y' with the site's replacements (May. -> May, Jun. -> June ...)."""
    s = f"{d:%b}. {d.day}, {d.year}"
    for short, full in (("Mar.", "March"), ("Apr.", "April"), ("May.", "May"),
                        ("Jun.", "June"), ("Jul.", "July")):
        s = s.replace(short, full)
    return s


def iso(d: datetime) -> str:
    """PHP date('c') in the server's Europe/Moscow time zone."""
    return d.astimezone(MSK).isoformat()


def jenc(value) -> str:
    """PHP json_encode: slashes and non-ASCII escaped."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def first_sentence(text: str) -> str:
    """The site's description splitter: a period after a digit ("since 1991.") does not
    end a sentence for it, so such descriptions run on to the next sentence."""
    m = re.search(r"(?<![0-9])\.\s", text)
    return text[: m.start() + 1] if m else text


def _h(status: int, body: bytes, ctype: str = HTML) -> Page:
    return Page(status, {"Content-Type": ctype}, body)


NOT_FOUND = _h(404, b"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Page not found - The Moscow Times</title>
</head>
<body class="error">
<div class="container"><h1>404</h1><p>The page you are looking for does not exist.</p></div>
</body>
</html>
""")
GONE = _h(410, NOT_FOUND.body.replace(b"<h1>404</h1>", b"<h1>410</h1>").replace(
    b"does not exist.", b"has been removed."))
PDF = _h(200, b"%PDF-1.4\n% replica: the article as a PDF\n%%EOF\n", "application/pdf")
PHOTOS = 6  # data/photo{0..5}.png: small grey-toned "photos", one picked per image URL


@cache
def asset(name: str) -> bytes:
    """A file of ``data/``, read once per process."""
    return resources.files("newsscraper.replica").joinpath(f"data/{name}").read_bytes()


@cache
def static_assets() -> dict[str, Page]:
    """The stylesheet, logos and favicon the pages link to, on the static origin."""
    return {
        "/css/main.css": _h(200, asset("style.css"), "text/css; charset=UTF-8"),
        "/img/logo_tmt_30_yo.svg": _h(200, asset("logo.svg"), "image/svg+xml"),
        "/img/logo.png": _h(200, asset("logo.png"), "image/png"),  # JSON-LD publisher, 50x50
        "/img/logo_1280.png": _h(200, asset("logo_1280.png"), "image/png"),  # JSON-LD org
        "/img/icons/favicon.ico": _h(200, asset("favicon.ico"), "image/x-icon"),
    }


@cache
def photo(k: int) -> Page:
    return _h(200, asset(f"photo{k}.png"), "image/png")


@dataclass
class RenderedSite:
    """All pages of one rendering of a model for one pair of origins."""

    base_url: str
    static_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    """www origin, by exact path."""
    static_pages: dict[str, Page] = field(default_factory=dict)
    """static origin, by exact path."""
    canonical_by_id: dict[int, str] = field(default_factory=dict)  # id -> canonical path
    path_by_slug: dict[str, str] = field(default_factory=dict)  # slug -> canonical path
    removed: dict[int, int] = field(default_factory=dict)  # id -> 404 | 410
    fragments: dict[str, list[str]] = field(default_factory=dict)  # listing path -> cards
    tag_paths: dict[str, str] = field(default_factory=dict)  # slug or title -> listing path
    live_posts: dict[int, list[tuple[float, dict]]] = field(default_factory=dict)
    next_ids: dict[int, int] = field(default_factory=dict)  # id -> next older id
    faults: FaultInjector | None = None
    renderer: Renderer | None = field(default=None, repr=False)

    def get(self, path: str, origin: str = "www") -> Page:
        """The response for ``path`` (with its query string) on the ``www`` or ``static``
        origin, after the fault profile, if any, had its say. Unknown paths: a 404 page."""
        page = self.route(path, origin)
        if self.faults is not None:
            page = self.faults.apply(origin, path, page)
        return page

    def route(self, path: str, origin: str = "www") -> Page:
        """The fault-free response for ``path``."""
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if len(bare) > 1:
            bare = bare.rstrip("/")
        if origin == "static":
            page = self.static_pages.get(bare)
            if page is None and bare.startswith("/image/"):
                return photo(zlib.crc32(bare.encode()) % PHOTOS)  # the same one per URL
            return page or NOT_FOUND
        page = self.pages.get(bare)
        return page if page is not None else self._dynamic(bare)

    def _redirect(self, path: str) -> Page:
        return Page(301, {"Location": self.base_url + path, "Content-Type": HTML}, b"")

    def _dynamic(self, bare: str) -> Page:
        m = re.fullmatch(r"/\d{4}/\d{2}/\d{2}/([a-z0-9-]+?)(?:-a(\d+))?(/pdf)?", bare)
        if m:
            slug, aid, pdf = m.groups()
            if aid:
                if int(aid) in self.removed:
                    return GONE if self.removed[int(aid)] == 410 else NOT_FOUND
                target = self.canonical_by_id.get(int(aid))
            else:
                target = self.path_by_slug.get(slug)
            if target is None:
                return NOT_FOUND
            if pdf:
                return PDF
            return self._redirect(target) if bare != target else NOT_FOUND
        m = re.fullmatch(r"/(?:articles|news|photogalleries)/[a-z0-9-]+-(\d+)", bare)
        if m and int(m.group(1)) in self.canonical_by_id:
            return self._redirect(self.canonical_by_id[int(m.group(1))])
        m = re.fullmatch(r"/all/(\d+)", bare)
        if m and int(m.group(1)) in self.next_ids and self.renderer is not None:
            # rendered on first request: crawlers skip these, and they double the memory
            aid = int(m.group(1))
            page = self.pages[bare] = _h(200, self.renderer.all_fragment(
                self.renderer.m.by_id[aid], self.next_ids[aid]).encode())
            return page
        m = re.fullmatch(r"/live/(\d+)/(\d+)", bare)
        if m:
            posts = self.live_posts.get(int(m.group(1)))
            if posts is None:
                return NOT_FOUND
            since = int(m.group(2))
            return _h(200, jenc([p for t, p in posts if t > since]).encode(), JSON)
        m = re.fullmatch(r"(/[a-z-]+|/tag/[^/]+)/(\d+)", bare)
        if m:
            listing = m.group(1)
            if listing.startswith("/tag/"):
                listing = self.tag_paths.get(unquote_plus(listing[5:]), "")
            cards = self.fragments.get(listing)
            if cards is None:
                return NOT_FOUND
            offset = int(m.group(2))
            if listing.startswith(("/tag/", "/videos", "/galleries", "/podcasts")):
                if offset == 0:  # these show the full page for offset 0
                    return self.pages[listing]
                per_call = TAG_PER_CALL
            else:
                per_call = LISTING_STEP
            return _h(200, "".join(cards[offset:offset + per_call]).encode())
        m = re.fullmatch(r"/tag/([^/]+)", bare)
        if m and unquote_plus(m.group(1)) in self.tag_paths:
            return self.pages[self.tag_paths[unquote_plus(m.group(1))]]
        return NOT_FOUND


class Renderer:
    """Turns the model into pages for one pair of origins."""

    def __init__(self, model: SiteModel, base_url: str = REAL_WWW,
                 static_url: str = REAL_STATIC) -> None:
        self.m = model
        self.www = base_url.rstrip("/")
        self.static = static_url.rstrip("/")
        self.live = sorted(model.live_articles, key=lambda a: (a.published, a.id), reverse=True)
        self._sidebar: str | None = None
        self._cards: dict[int, str] = {}

    # -- urls ------------------------------------------------------------------------
    def url(self, a: ArticleSpec) -> str:
        return self.www + a.path

    def slug_url(self, a: ArticleSpec) -> str:
        """What ``route('article', ['slug'=>...])`` prints: the render date, no -aID."""
        return f"{self.www}/{self.m.now.astimezone(MSK):%Y/%m/%d}/{a.slug}"

    def img(self, preset: str, file: str) -> str:
        return f"{self.static}/image/{preset}/{file}"

    def og_image(self, a: ArticleSpec) -> str:
        digest = f"{zlib.crc32(a.slug.encode()):08x}" * 4
        return f"{self.static}/image/og/{digest[:2]}/{a.id}__{digest}.jpg"

    # -- the whole site ----------------------------------------------------------------
    def render(self) -> RenderedSite:
        self.site = RenderedSite(self.www, self.static, renderer=self)
        older = {a.id: b.id for a, b in zip(self.live, self.live[1:], strict=False)}
        for a in self.m.articles:
            self.add_page(a, older.get(a.id, a.id - 1))
        self.indexes()
        return self.site

    def add_page(self, a: ArticleSpec, next_id: int) -> None:
        """The article's own routes: its page, or its 404/410, and a live blog's posts."""
        site, p = self.site, self.site.pages
        site.canonical_by_id[a.id] = a.path
        site.path_by_slug[a.slug] = a.path
        if a.removed:
            site.removed[a.id] = a.removed
            return
        p[a.path] = _h(200, self.article_page(a, next_id).encode())
        site.next_ids[a.id] = next_id
        if a.type == "live":
            posts = site.live_posts[a.id] = self.live_posts(a)
            p[f"/live/{a.id}/0"] = _h(200, jenc([post for _t, post in posts]).encode(), JSON)

    def publish(self, a: ArticleSpec) -> None:
        """Add ``a``, newer than every article, to the model and the rendered site: its
        page, and every listing, feed and sitemap it appears in. Pages already rendered
        keep their sidebar, as pages in a cache do."""
        self.m.articles.append(a)
        self.m.by_id[a.id] = a
        self.m.by_slug[a.slug] = a
        next_id = self.live[0].id if self.live else a.id - 1
        self.live.insert(0, a)
        self._sidebar = None
        self.add_page(a, next_id)
        self.indexes()

    def indexes(self) -> None:
        """Every page that lists articles: listings, tag and author pages, feeds,
        sitemaps, robots.txt and the home page."""
        site, p = self.site, self.site.pages
        for key, (path, label, _bc, _rss) in SECTIONS.items():
            self.listing(p, path, label, [a for a in self.live if a.section == key])
        self.listing(p, "in-depth", "Features", [a for a in self.live if a.section == "indepth"])
        for path, kind in MEDIA_LISTINGS.items():
            self.listing(p, path, path.capitalize(), [a for a in self.live if a.type == kind])
        self.tags_and_authors(p)
        self.feeds(p)
        self.sitemaps(site.static_pages)
        p["/robots.txt"] = _h(200, ROBOTS.format(static=self.static).encode(), "text/plain")
        site.static_pages["/robots.txt"] = _h(200, b"User-agent: *\nDisallow:\n", "text/plain")
        site.static_pages.update(static_assets())
        p["/favicon.ico"] = site.static_pages["/img/icons/favicon.ico"]  # browsers ask for it
        home = (f'<section class="cluster cluster--home">\n<h2 class="cluster__label">Latest news'
                f'</h2>\n<div class="row-flex">\n{self.cards(self.live[:19])}</div>\n</section>')
        p["/"] = _h(200, self.shell("The Moscow Times - Independent News From Russia",
                                    self.www + "/", home, body_class="home").encode())

    # -- article pages -------------------------------------------------------------------
    def head(self, a: ArticleSpec) -> str:
        url = self.url(a)
        org_author = not a.authors or a.authors[0].name == ORGANISATION
        first = ORGANISATION if org_author else a.authors[0].name
        kw = ",".join(t.title for t in a.tags)
        desc = self.description(a)
        og_image = self.og_image(a)
        thumb = self.img("320", a.image.file) if a.image else og_image
        section_meta = "ukraine_war" if a.section == "ukraine_war" else "news"  # the site's bug
        if org_author:
            author_ld: dict = {"@type": "Organization", "name": ORGANISATION}
        else:
            au = a.authors[0]
            author_ld = {"@type": "Person", "name": au.name, "description": None,
                         "image": self.img("320", f"00/{au.slug}.jpg"),
                         "url": f"{self.www}/author/{au.slug}"}
        ld = {
            "@context": "http://schema.org/", "@type": "NewsArticle",
            "dateCreated": iso(a.created), "datePublished": iso(a.published),
            "dateModified": iso(a.modified), "name": a.title, "headline": a.title,
            "description": desc, "keywords": kw, "articleSection": section_meta,
            "isAccessibleForFree": True, "mainEntityOfPage": url, "url": url,
            "thumbnailUrl": thumb,
            "image": {"@type": "ImageObject", "url": og_image, "width": 1200, "height": 630},
            "publisher": {"@type": "Organization", "name": ORGANISATION,
                          "logo": {"@type": "ImageObject", "url": f"{self.static}/img/logo.png",
                                   "width": 50, "height": 50}},
            "inLanguage": {"@type": "Language", "name": "English", "alternateName": "English"},
            "author": author_ld,
        }
        if not org_author:
            ld["creator"] = a.authors[0].name
        _path, label, bc_path, _rss = SECTIONS[a.section]
        crumbs = {"@context": "http://schema.org/", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": ORGANISATION, "item": self.www + "/"},
            {"@type": "ListItem", "position": 2, "name": label, "item": f"{self.www}/{bc_path}"},
            {"@type": "ListItem", "position": 3, "name": a.title, "item": url},
        ]}
        t = esc(a.title)
        # some articles carry the configurable " - The Moscow Times" suffix in <title>
        title_tag = t + (" - The Moscow Times" if a.id % 7 == 0 else "")
        card = "summary_large_image" if a.image else "summary"
        return f"""<!DOCTYPE html>
<html lang="en">

<head>
  <meta name="googlebot" content="noarchive">

  <base href="{self.www}/" />
  <meta charset="utf-8">
  <meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="theme-color" content="#5882b5">
  <link rel="shortcut icon" href="{self.static}/img/icons/favicon.ico">
  <meta property="og:site_name" content="The Moscow Times" />
  <meta property="fb:admins" content="1190953093,691361317" />
  <meta property="fb:app_id" content="1446863628952411" />
  <meta name="twitter:site" content="@MoscowTimes">
  <meta name="twitter:creator" content="@MoscowTimes">
  <meta property="twitter:account_id" content="19527964">
  <meta name="twitter:card" content="{card}">

  <title>{title_tag}</title>

	<link rel="canonical" href="{url}">

	<meta name="keywords" content="{esc(kw)}">
	<meta name="news_keywords" content="{esc(kw)}">
	<meta name="description" content="{esc(desc)}">
	<meta name="thumbnail" content="{thumb}">
	<meta name="author" content="{esc(first)}">

	<meta property="og:url" content="{url}">
	<meta property="og:title" content="{t}">
	<meta property="og:description" content="{esc(desc)}">
	<meta property="og:image" content="{og_image}">
	<meta property="og:image:width" content="1200">
	<meta property="og:image:height" content="630">
	<meta property="article:author" content="{esc(first)}">
	<meta property="article:content_tier" content="free">
	<meta property="article:modified_time" content="{iso(a.modified)}">
	<meta property="article:published_time" content="{iso(a.published)}">
	<meta property="article:publisher" content="https://www.facebook.com/MoscowTimes">
	<meta property="article:section" content="{section_meta}">
	<meta property="article:tag" content="{esc(kw)}">
	<meta property="twitter:title" content="{t}">
	<meta property="twitter:description" content="{esc(desc)}">
	<meta property="twitter:image:src" content="{og_image}">

<script type="application/ld+json" data-json-ld-for-pagemetadata>
	{jenc(ld)}
</script>
<script type="application/ld+json" data-json-ld-for-pagemetadata>
	{jenc(crumbs)}
</script>

  <link type="text/css" href="{self.static}/css/main.css?v=5" rel="stylesheet" media="screen" />
{ORGANISATION_LD.replace("{static}", self.static)}
  <script type="application/ld+json">
  {{
    "@context": "https://schema.org",
    "@type": "WebSite",
    "url": "{self.www}/",
  }}
  </script>
</head>
"""

    def first_text(self, a: ArticleSpec) -> str:
        return next((b.paragraphs[0][1] for b in a.blocks if b.kind == "html" and b.paragraphs),
                    "")

    def prefix(self, a: ArticleSpec) -> str:
        return {"video": "Video | ", "gallery": "Gallery | ", "podcast": "Podcast | "}.get(
            a.type, "Opinion | " if a.is_opinion else "")

    def description(self, a: ArticleSpec) -> str:
        """meta description: the first sentence of the first html block, with a prefix."""
        return self.prefix(a) + first_sentence(self.first_text(a))

    def byline(self, a: ArticleSpec) -> str:
        names = [f'<a href="{self.www}/author/{au.slug}" class="byline__author__name" '
                 f'title="{esc(au.name)}">{esc(au.name)}</a>' for au in a.authors]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        by = "" if a.type == "podcast" else "By "
        author_div = (f'<div class="byline__author">\n\t\t\t\t\t\t\t\t\t\t\t{by}{joined}'
                      f'\t\t\t\t\t\t\t\t\t\t</div>\n') if names else ""
        images = "".join(
            f'\n\t\t\t\t\t\t\t\t\t<a href="{self.www}/author/{au.slug}" '
            f'class="byline__author__image-wrapper"><img class="byline__author__image" '
            f'src="{self.img("320", f"00/{au.slug}.jpg")}" /></a>'
            for au in a.authors if a.is_opinion)
        updated = a.modified - a.published > timedelta(minutes=10)
        shown = a.modified if updated else a.published
        upd = "\n\t\t\t\t\t\t\t\t\t\tUpdated:" if updated else ""
        opinion = "byline--opinion" if a.is_opinion else ""
        return f"""
					<div class="article__byline byline {opinion} ">
						<div class="row-flex">
							<div class="col">
								<div class="byline__details">
{images}
									<div class="byline__details__column">
										{author_div}{upd}
										<time class="byline__datetime timeago"
											datetime="{iso(shown)}" y-use="Timeago">
											{month_text(shown.astimezone(MSK))}										</time>
																			</div>
								</div>
							</div>

							<div class="col-auto">
								<div class="byline__social">
									{self.social(a)}
								</div>
							</div>
						</div>
					</div>
"""

    def social(self, a: ArticleSpec) -> str:
        return f"""<div class="social">
	<a href="https://www.facebook.com/sharer/sharer.php?u={self.url(a)}" class="social__icon social__icon--facebook" target="_blank" title="Share on Facebook"><i class="fa fa-brands fa-facebook"></i></a>
	<a href="{self.url(a)}/pdf" class="social__icon social__icon--pdf"><i class="fa fa-file-pdf-o" target="_blank" title="Download as PDF"></i></a>
</div>"""

    def block(self, b: Block, index: int, banners: bool = True) -> str:
        cls = f"article__block article__block--{b.kind} article__block--column "
        inner = ""
        if b.kind == "html":
            parts = []
            list_open = False
            for tag, text in b.paragraphs:
                if tag == "li" and not list_open:
                    parts.append("<ul>")
                    list_open = True
                if tag != "li" and list_open:
                    parts.append("</ul>")
                    list_open = False
                parts.append(f"<{tag}>{self.inline(text)}</{tag}>")
            if list_open:
                parts.append("</ul>")
            inner = "\n".join(parts)
        elif b.kind == "header":
            inner = f"<h2>{esc(b.text)}</h2>"
        elif b.kind == "quote":
            cite = f"\n\t\t\t\t\t\t\t\t<cite>– {esc(b.cite)}</cite>" if b.cite else ""
            inner = f'<blockquote class="article__quote">{esc(b.text)}</blockquote>{cite}'
        elif b.kind == "aside":
            inner = f'<div class="article__aside"><p>{esc(b.text)}</p></div>'
        elif b.kind == "image" and b.image:
            im = b.image
            inner = f"""	<figure class="article__image">
				<img src="{self.img('1360', im.file)}" alt="
					{esc(im.caption or '')}					 					{esc(im.credits or '')}				" />
			<figcaption>
					<span class="article__image__caption">{esc(im.caption or '')}</span>
					<span class="article__image__credits">{esc(im.credits or '')}</span>
			</figcaption>
	</figure>"""
        elif b.kind == "images":
            slides = "".join(f"""
			<div class="slider__slide">
				<figure>
					<img src="{self.img('1360', im.file)}" />
					<figcaption>
						<span class="article__images__caption">{esc(im.caption or '')}</span>
						<span class="article__images__credits">{esc(im.credits or '')}</span>
					</figcaption>
				</figure>
			</div>""" for im in b.images)
            inner = (f'	<div class="article__images">\n\t\t<div class="slider" y-use="Slider">'
                     f'{slides}\n\t\t</div>\n\t</div>')
        elif b.kind == "embed":
            inner = (f'<div class="article__embed" y-use="Embed"><blockquote class="twitter-tweet">'
                     f'<p lang="en" dir="ltr">{esc(b.text)}</p>&mdash; Someone (@someone) '
                     f'<a href="https://twitter.com/someone/status/1">May 17, 2024</a></blockquote>'
                     f'<script async src="https://platform.twitter.com/widgets.js" '
                     f'charset="utf-8"></script></div>')
        elif b.kind == "link":
            inner = (f'<div class="article__link">\n\t<a href="{b.url}" title="{esc(b.text)}" '
                     f'target="_blank">\n\t\t<div class="article__link__description">Read the '
                     f'report</div>\n\t\t<h3 class="article__link__title">{esc(b.text)}</h3>\n'
                     f'\t</a>\n</div>')
        elif b.kind == "newsletter":
            inner = ('<div class="article__newsletter">\n\t<h3>Sign up for our free weekly '
                     'newsletter</h3>\n\t<p>Our weekly newsletter contains a hand-picked selection'
                     ' of news, features, analysis and more from The Moscow Times.</p>\n\t<form '
                     'y-use="Newsletter"><input type="email" name="email" placeholder="Your email"'
                     ' /><button type="submit">Subscribe</button></form>\n</div>')
        elif b.kind == "article" and b.related_id is not None:
            target = self.m.by_id[b.related_id]
            label = "opinion" if target.is_opinion else "news"
            inner = f"""	<aside class="article__related-article">
		<span class="label related-article__label label--{'opinion' if target.is_opinion else 'default'}">{label}</span>
		<a data-id="in-article-block" class="related-article__inner" href="{self.slug_url(target)}" title="{esc(target.title)}">
			<h3 class="related-article__title">
				{esc(target.title)}			</h3>
			<span class="related-article__cta">Read more</span>
		</a>
	</aside>"""
        banner = BANNER if index == 1 and banners else ""
        return f"""							<div data-id="article-block-type"
								class="{cls}">
								{inner}
{banner}							</div>
"""

    def inline(self, text: str) -> str:
        """CMS paragraph HTML: the editors' habits, varied by a hash of the text. Raw
        apostrophes, ``&quot;``, the odd ``&ldquo;``/``&mdash;`` entity, inline links and
        emphasis, and line breaks with tabs inside a paragraph (a reader sees spaces)."""
        h = zlib.crc32(text.encode())
        out = esc(text).replace("&#039;", "'")
        if h % 3 == 0:
            out = out.replace("“", "&ldquo;", 1)
        if h % 5 == 0:
            out = out.replace("—", "&mdash;")
        words = out.split(" ")
        if len(words) > 6:
            k = 1 + h % (len(words) - 2)
            w = words[k]
            if "&" not in w and "<" not in w:
                if h % 7 == 0:
                    words[k] = f'<a href="/2024/05/10/some-other-story-a85050">{w}</a>'
                elif h % 7 == 1:
                    words[k] = f'<a href="{self.www}/tag/Kremlin" target="_blank">{w}</a>'
                elif h % 7 == 2:
                    words[k] = f"<strong>{w}</strong>"
                elif h % 7 == 3:
                    words[k] = f"<em>{w}</em>"
            if h % 11 == 0:
                words[len(words) // 2] += "\n\t\t\t\t\t\t\t\t"
        return " ".join(words).replace("\n\t\t\t\t\t\t\t\t ", "\n\t\t\t\t\t\t\t\t")

    def tags_html(self, a: ArticleSpec) -> str:
        if not a.tags:
            return ""
        links = "\n, ".join(f"""<a
	href="{self.www}/tag/{t.slug}"
	class="tag article__tags__tag"
	title="{esc(t.title)}"
>
	{esc(t.title)}</a>""" for t in a.tags)
        return f"""
						<div class="article__tags">
							Read more about:
							{links}
						</div>
"""

    def featured(self, a: ArticleSpec) -> str:
        if not a.image or a.type in ("video", "gallery"):
            return ""
        im = a.image
        cap = (f"""
						<figcaption class="">
							<span class="article__featured-image__caption featured-image__caption">
								{esc(im.caption)}							</span>
							<span class="article__featured-image__credits featured-image__credits">
								{esc(im.credits or '')}							</span>
						</figcaption>""" if im.caption else "")
        return f"""
					<figure class="article__featured-image featured-image">
						<img src="{self.img('article_1360', im.file)}" />{cap}
					</figure>
"""

    def read_more(self, a: ArticleSpec) -> str:
        items = [self.m.by_id[i] for i in a.read_more if not self.m.by_id[i].removed]
        cards = "".join(f'\n\t\t\t\t<div class="col-3 col-6-sm">\n\t\t\t\t\t{self.card(t)}\n'
                        f'\t\t\t\t</div>' for t in items)
        return f"""
	<div class="container">
		<section class="cluster">

			<div class="cluster__header">
				<h2 class="cluster__label header--style-3">
					Read more				</h2>
			</div>

			<div class="row-flex">{cards}
			</div>
		</section>
	</div>
"""

    def main_article(self, a: ArticleSpec) -> str:
        """``article.article`` of the default template (news, opinion, video, podcast)."""
        blocks = "".join(self.block(b, i) for i, b in enumerate(a.blocks))
        label = ""
        if a.is_opinion:
            label = '<span class="label article__label label--opinion">opinion</span>'
        elif a.analysis:
            label = '<span class="label article__label label--opinion">News Analysis</span>'
        intro = f'\n\t\t\t\t\t<div class="article__intro">{esc(a.intro)}</div>\n' if a.intro else ""
        podcast = ('\n\t\t\t\t\t<div class="mb-3"><iframe src="https://podcasts.example/embed/'
                   f'{a.id}" height="200" width="100%" frameborder="0"></iframe></div>\n'
                   if a.type == "podcast" else "")
        disclaimer = ""
        if a.is_opinion:
            bios = "".join(f"""
						<div class="hidden-sm-up">
							<div class="author-excerpt">
								<a href="{self.www}/author/{au.slug}" class="author-excerpt__name">{esc(au.name)}</a>
								<div class="author-excerpt__description">{esc(au.name)} is a columnist for The Moscow Times.</div>
							</div>
						</div>""" for au in a.authors)
            disclaimer = ('\n\t\t\t\t\t\t<div class="article__disclaimer">\n\t\t\t\t\t\t\tThe views '
                          'expressed in opinion pieces do not necessarily reflect the position of '
                          f'The Moscow Times.\n\t\t\t\t\t\t</div>\n{bios}\n')
        section_cls = "ukraine_war" if a.section == "ukraine_war" else "news"  # the buggy helper
        return f"""				<article class="article article--{section_cls}">
					<header class="article__header ">
						{label}
						<h1><a href="{self.url(a)}">{esc(a.title)}</a>
						</h1>
						<h2>{esc(a.subtitle)}</h2>
					</header>
{self.byline(a)}{intro}{podcast}{self.featured(a)}

					<div class="article__content-container">
						<div class="article__content" y-name="article-content">
{blocks}						</div>
{disclaimer}
						<div class="article__bottom">

						</div>
{self.tags_html(a)}
						<div class="hidden-md-up">
						</div>

{CONTRIBUTE.format(www=self.www)}{MESSAGE.format(www=self.www) if a.published >= MESSAGE_SINCE else ''}
						<div class="social"><!-- share icons --></div>
					</div>

				</article>"""

    def article_container(self, a: ArticleSpec, next_id: int, sidebar: bool) -> str:
        video = (f'\n\t\t<figure class="videoheader" data-video="{a.video_id}">\n\t\t\t<iframe '
                 f'src="https://www.youtube.com/embed/{a.video_id}" frameborder="0" '
                 f'allowfullscreen></iframe>\n\t\t</figure>\n' if a.type == "video" else "")
        return f"""	<div class="container article-container" id="article-id-{a.id}"
		data-page-id="{a.id}" data-next-id="{next_id}"
		data-article-url="{self.url(a)}"
		data-article-title="{esc(a.title)}">
{video}
		<div class="row-flex gutter-2">
			<div class="col">
{self.main_article(a)}
			</div>
{self.sidebar() if sidebar else ''}
		</div>
	</div>
"""

    def article_page(self, a: ArticleSpec, next_id: int) -> str:
        if a.type == "live":
            return self.live_page(a)
        if a.type == "gallery":
            return self.gallery_page(a, next_id)
        section = "ukraine_war" if a.section == "ukraine_war" else "news"
        return self.head(a) + f"""

<body class="article-item" y-use="Main">
{self.site_header()}

<article y-use="article.IsIntersecting">

	<!--[[[article:{a.id}]]]-->

	<div class="gtm-section gtm-type" data-section="{section}"
		data-type="{a.type}">
		<!-- Google Tag Manager places Streamads based on these classes -->
	</div>

{self.article_container(a, next_id, sidebar=True)}{self.read_more(a)}
</article>

<div class="container next-article-loader" id="load-next-article" y-use="article.InfiniteScroll"
	data-id="{next_id}" data-url="{self.www}/all/{{{{id}}}}">
	<svg><!-- spinner --></svg>
</div>
</body>
</html>
"""

    def site_header(self) -> str:
        links = "".join(f'\n\t\t\t<li class="menu__item"><a href="{self.www}/{path}">{esc(label)}'
                        f'</a></li>' for path, label in MENU)
        return f"""<div class="container">
	<header class="header" y-use="Header">
		<a href="{self.www}/" class="header__logo" title="The Moscow Times - Independent News From Russia"><img src="{self.static}/img/logo_tmt_30_yo.svg" alt="The Moscow Times" /></a>
		<nav class="menu">
			<ul class="menu__list">{links}
			</ul>
		</nav>
		<a href="{self.www}/contribute?utm_source=contribute&utm_medium=header" class="header__contribute">Support The Moscow Times!</a>
	</header>
</div>"""

    def sidebar(self) -> str:
        if self._sidebar is not None:
            return self._sidebar
        items = "".join(f"""
		<li class="listed-articles__item">
			<div class="article-excerpt-tiny">
	<a
		href="{self.url(s)}"
		title="{esc(s.title)}"
		data-track="just-in-link {esc(s.title)}"
	>
				<time class="article-excerpt-tiny__time  "
			datetime="{iso(s.published)}" y-use="Timeago">
			{month_text(s.published.astimezone(MSK))}		</time>
				<h5 class="article-excerpt-tiny__headline ">
			{esc(s.title)}		</h5>
	</a>
</div>		</li>""" for s in self.live[:5])
        self._sidebar = f"""
			<div class="col-auto hidden-sm-down">
				<aside class="sidebar">
					<div class="sidebar__sticky">
						<div class="tabs" y-use="Tabs" data-active="tabs__tab--active">
							<section class="sidebar__section">
								<div class="tabs__content" y-name="content justin">
									<ul class="listed-articles">{items}
	</ul>
								</div>
							</section>
						</div>
					</div>
				</aside>
			</div>"""
        return self._sidebar

    def live_page(self, a: ArticleSpec) -> str:
        names = [f'<a href="{self.www}/author/{au.slug}" class="byline__author__name">'
                 f'{esc(au.name)}</a>' for au in a.authors]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        # the live template comments the whole byline out: authors only in meta and JSON-LD
        byline = (f'<!-- <div class="byline__author">By {joined}</div><time class="byline__datetime" '
                  f'datetime="{iso(a.published)}">{month_text(a.published.astimezone(MSK))}</time> -->')
        blocks = "".join(self.block(b, i) for i, b in enumerate(a.blocks))
        return self.head(a) + f"""

<body class="article-item" y-use="Main">
{self.site_header()}

	<div class="container article-container" id="article-id-{a.id}" data-page-id="{a.id}"
		data-article-url="{self.url(a)}" data-article-title="{esc(a.title)}">
		<div class="row-flex gutter-2">
			<div class="col">
				<article class="article article--news">
					<header class="article__header ">
						<h1>{esc(a.title)}</h1>
						<h2>{esc(a.subtitle)}</h2>
					</header>
					<div class="live-intro">
						{esc(a.intro)}
					</div>
					{byline}
{self.featured(a)}
					<div class="article__content-container">
						<div class="article__content" y-name="article-content">
{blocks}						</div>
						<div class="live-posts" y-use="Live" data-url="{self.www}/live/{a.id}/{{{{from}}}}">
							<script type="text/html" y-name="post"><div class="live-post" id="live-post-{{{{id}}}}"><div class="live-post__time">{{{{time}}}}</div>{{{{body}}}}</div></script>
							<script type="text/html" y-name="article"><aside class="article__related-article"><a class="related-article__inner" href="{{{{url}}}}"><h3 class="related-article__title">{{{{title}}}}</h3></a></aside></script>
						</div>
{self.tags_html(a)}
					</div>
				</article>
			</div>
{self.sidebar()}
		</div>
	</div>
{self.read_more(a)}
</body>
</html>
"""

    def gallery_page(self, a: ArticleSpec, next_id: int) -> str:
        half = max(1, len(a.blocks) // 2)
        first = "".join(self.block(b, i, False) for i, b in enumerate(a.blocks[:half]))
        second = "".join(self.block(b, i + half, False) for i, b in enumerate(a.blocks[half:]))
        names = [f'<a href="{self.www}/author/{au.slug}" class="article__author__name">'
                 f'{esc(au.name)}</a>' for au in a.authors]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        authors = f'<div class="article__author">By {joined}</div>' if names else ""
        im = a.image
        header = (f"""
	<div class="galleryheader">
		<picture><img src="{self.img('1920', im.file)}" /></picture>
		<div class="galleryheader__caption">{esc(im.caption or '')}</div>
	</div>""" if im else "")
        slides = "".join(f"""
				<div class="article__gallery__item">
					<img src="{self.img('1360', f'{a.id % 256:02x}/slide-{a.id}-{k}.jpg')}" />
					<div class="gallery__item__aside__content">
						<div class="gallery__item__aside__content__title">{k + 1}/4</div>
						<div class="gallery__item__aside__content__caption">Scene {k + 1} of the day in {esc(a.tags[0].title) if a.tags else 'Moscow'}.</div>
						<div class="gallery__item__aside__content__credits">Photographer / TASS</div>
					</div>
				</div>""" for k in range(4))
        # the gallery template prints the raw DB value: Moscow time, no zone
        pub = a.published.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S")
        intro = f'\n\t\t\t<div class="article__intro">{esc(a.intro)}</div>' if a.intro else ""
        return self.head(a) + f"""

<body class="article-item gallery" y-use="Main">
{self.site_header()}

<article y-use="article.IsIntersecting">

	<!--[[[article:{a.id}]]]-->

	<div class="gtm-section gtm-type" data-section="news"
		data-type="gallery">
	</div>
{header}
	<div class="container article-container" id="article-id-{a.id}" data-page-id="{a.id}"
		data-next-id="{next_id}" data-article-url="{self.url(a)}"
		data-article-title="{esc(a.title)}">
		<article class="article article--gallery">
			<header class="article__header">
				<h1><a href="{self.url(a)}">{esc(a.title)}</a></h1>
				<h2>{esc(a.subtitle)}</h2>
			</header>
			<div class="article__byline">
				{authors}
				<time class="byline__datetime" datetime="{pub}">{month_text(a.published.astimezone(MSK))}</time>
			</div>{intro}
			<div class="article__content">
{first}			</div>
			<div class="article__gallery">{slides}
			</div>
			<div class="article__content">
{second}			</div>
{self.tags_html(a)}
		</article>
	</div>
{self.read_more(a)}
</article>
</body>
</html>
"""

    def live_posts(self, a: ArticleSpec) -> list[tuple[float, dict]]:
        posts = []
        for p in a.live_posts:
            body: list[dict] = [{"type": "html", "body": "".join(f"<p>{self.inline(t)}</p>"
                                                                 for t in p.paragraphs)}]
            if p.related_id is not None:
                t = self.m.by_id[p.related_id]
                body.append({"type": "article", "article": {"title": t.title,
                                                            "url": self.slug_url(t)}})
            if p.image:
                body.append({"type": "image", "image": {"src": self.img("article_960", p.image.file),
                                                        "caption": p.image.caption,
                                                        "credits": p.image.credits}})
            if p.embed:
                body.append({"type": "embed",
                             "embed": '<blockquote class="twitter-tweet">…</blockquote>'})
            if p.post_id % 5 == 0:
                body.append({"type": "link", "link": {"url": "https://example.org/report",
                                                      "title": "The full report"},
                             "description": "Read the report"})
            posts.append((p.time.timestamp(), {"id": p.post_id, "time": iso(p.time), "body": body}))
        return posts

    def all_fragment(self, a: ArticleSpec, next_id: int) -> str:
        """``/all/{id}`` (template item_raw): the article container only, no ``<head>``."""
        if a.type in ("live", "gallery"):
            return (f'<div class="container article-container" id="article-id-{a.id}" '
                    f'data-page-id="{a.id}" data-next-id="{next_id}" '
                    f'data-article-url="{self.url(a)}" data-article-title="{esc(a.title)}">'
                    f'<h1>{esc(a.title)}</h1></div>\n')
        return self.article_container(a, next_id, sidebar=False)

    # -- listings ------------------------------------------------------------------------
    def teaser(self, a: ArticleSpec) -> str:
        text = a.intro or self.first_text(a)
        return text if len(text) <= 150 else text[:147].rstrip() + "..."

    def card(self, a: ArticleSpec) -> str:
        card = self._cards.get(a.id)
        if card is None:
            card = self._cards[a.id] = self._card(a)
        return card

    def _card(self, a: ArticleSpec) -> str:
        if a.is_opinion:
            label = "opinion"
        elif a.type == "live":
            label = "Liveblog"
        elif a.analysis:
            label = "News Analysis"
        else:
            label = {"ukraine_war": "Ukraine War", "indepth": "Feature"}.get(a.section, a.section)
        lcls = " label--opinion article-excerpt-default__label--opinion" if a.is_opinion else ""
        author = (f'\n\t\t<span class="article-excerpt-default__author">{esc(a.authors[0].name)}'
                  f'</span>' if a.is_opinion and a.authors else "")
        live = ('<span class="live-label-wrap"><span class="pulsating-icon"></span>LIVE |</span> '
                if a.type == "live" else "")
        img = (f"""
					<div class=" article-excerpt-default__image-wrapper">
				<figure>
					<img src="{self.img('article_640', a.image.file)}" />
				</figure>
			</div>""" if a.image else "")
        return f"""<div
	class="article-excerpt-default article-excerpt-default--{a.section}"
	data-url="{self.url(a)}"
	data-title="{esc(a.title)}"
>
	<a href="{self.url(a)}" class="article-excerpt-default__link" title="{esc(a.title)}">{img}
		<div class="article-excerpt-default__content">
				<span class="label article-excerpt-default__label{lcls}">
		{label}	</span>{author}
			<h3 class="article-excerpt-default__headline">
				{live}{esc(a.title)}			</h3>
				<div class="article-excerpt-default__teaser">{esc(self.teaser(a))}</div>
				<div class="readtime">
					{2 + len(a.blocks)}&nbsp;Min read				</div>
		</div>
	</a>
</div>"""

    def cards(self, items: list[ArticleSpec], cls: str = "col-4 col-12-md col-4-sm") -> str:
        return "".join(f'\t<div class="{cls}">\n\t\t{self.card(a)}\t</div>\n' for a in items)

    def shell(self, title: str, canonical: str, content: str, body_class: str = "",
              og: bool = True) -> str:
        head = ""
        if canonical:
            head += f'\n\t<link rel="canonical" href="{canonical}">'
        if og and canonical:
            head += (f'\n\t<meta property="og:url" content="{canonical}">'
                     f'\n\t<meta property="og:title" content="{esc(title)}">')
        return f"""<!DOCTYPE html>
<html lang="en">

<head>
  <base href="{self.www}/" />
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta property="og:site_name" content="The Moscow Times" />
  <title>{esc(title)}</title>{head}
  <link type="text/css" href="{self.static}/css/main.css?v=5" rel="stylesheet" media="screen" />
</head>

<body class="{body_class}" y-use="Main">
{self.site_header()}
<div class="container">
	<div class="row-flex gutter-2">
		<div class="col">
{content}
		</div>
{self.sidebar()}
	</div>
</div>
</body>
</html>
"""

    def listing(self, p: dict[str, Page], path: str, label: str, items: list[ArticleSpec],
                canonical_key: str | None = None, more_key: str | None = None,
                first: int = LISTING_FIRST) -> None:
        """A full listing page at ``/{path}`` (a lead card, then default cards up to
        ``first``, and the "View more" button) and the cards its fragments are cut from."""
        lead = ""
        if items:
            a = items[0]
            lead = f"""<div class="article-excerpt-lead">
	<a href="{self.url(a)}" class="article-excerpt-lead__link" title="{esc(a.title)}">
		<h3 class="article-excerpt-lead__headline"><span class="wrap wrap1"><span class="wrap wrap2"><span>{esc(a.title)}</span></span></span></h3>
		<div class="article-excerpt-lead__teaser">{esc(self.teaser(a))}</div>
	</a>
</div>"""
        more_path = more_key or path
        more = (f'<div class="col-12" y-use="More" data-url="{self.www}/{more_path}/{{{{offset}}}}"'
                f' data-start="{first}" data-step="{LISTING_STEP}">\n\t<span class="button">'
                f'View more articles</span>\n</div>')
        h1 = "Latest articles" if path == "news" else label
        content = (f'<section class="cluster cluster--section-articles">\n'
                   f'<h1 class="cluster__label">{esc(h1)}</h1>\n{lead}\n<div class="row-flex">\n'
                   f'{self.cards(items[1:first])}{more}\n</div>\n</section>')
        canonical = f"{self.www}/{canonical_key or path}"
        p[f"/{path}"] = _h(200, self.shell(label, canonical, content,
                                           body_class="section").encode())
        self.site.fragments[f"/{path}"] = [self.cards([a]) for a in items]

    def tags_and_authors(self, p: dict[str, Page]) -> None:
        by_tag: dict[str, tuple[str, list[ArticleSpec]]] = {}
        by_author: dict[str, tuple[str, list[ArticleSpec]]] = {}
        for a in self.live:
            for t in a.tags:
                by_tag.setdefault(t.slug, (t.title, []))[1].append(a)
            for au in a.authors:
                by_author.setdefault(au.slug, (au.name, []))[1].append(a)
        for slug, (title, items) in by_tag.items():
            # canonical and "View more" use the tag's title, not its slug
            # (raw, as the template prints it: a client encodes the space)
            key = f"tag/{esc(title)}"
            self.listing(p, f"tag/{slug}", title, items, canonical_key=key, more_key=key,
                         first=TAG_PER_CALL)
            self.site.tag_paths[slug] = self.site.tag_paths[title] = f"/tag/{slug}"
        for slug, (name, items) in by_author.items():
            content = (f'<section class="cluster">\n<h2 class="cluster__label">Articles by '
                       f'{esc(name)}</h2>\n<div class="row-flex">\n'
                       f'{self.cards(items[:AUTHOR_CARDS], "col-4 col-6-sm")}</div>\n</section>')
            # author pages: no canonical, no og tags, the site's name as <title>
            p[f"/author/{slug}"] = _h(200, self.shell(ORGANISATION, "", content,
                                                      body_class="author").encode())

    # -- feeds ---------------------------------------------------------------------------
    def feeds(self, p: dict[str, Page]) -> None:
        lbd = format_datetime(self.m.now.astimezone(MSK))
        for key, (_path, _label, _bc, feed) in SECTIONS.items():
            if feed:
                items = [a for a in self.live if a.section == key][:RSS_ITEMS]
                p[f"/rss/{feed}"] = self.rss(feed, items, lbd)
        p["/rss/city"] = p["/rss/arts-and-life"]
        podcasts = [a for a in self.live if a.type == "podcast"][:RSS_ITEMS]
        p["/rss/podcasts"] = self.rss("podcasts", podcasts, lbd)
        # /rss/all carries no podcasts and no live blogs
        all_items = [a for a in self.live if a.type not in ("podcast", "live")][:RSS_ITEMS]
        p["/rss/all"] = self.rss("all", all_items, lbd, full=True)
        p["/rss/yandex-news"] = self.rss("yandex-news", all_items, lbd, full=True, yandex=True)

    def rss(self, feed: str, items: list[ArticleSpec], lbd: str, full: bool = False,
            yandex: bool = False) -> Page:
        tabs = "\t" * 12
        out = []
        for a in items:
            title = esc(a.title)
            if full and a.is_opinion and a.authors:
                title = esc(a.authors[0].name) + ": " + title
            if full:
                desc = "<![CDATA[" + self.rss_body(a) + "]]>"
            else:
                # live-blog bullets come first, HTML-escaped twice inside CDATA
                bullets = "".join(f"\n{tabs if k == 0 else chr(9) * 8}<![CDATA["
                                  f"{esc(esc(first_sentence(post.paragraphs[0])))}]]>"
                                  for k, post in enumerate(a.live_posts[-2:]))
                excerpt = self.prefix(a) + (a.intro or a.subtitle or first_sentence(
                    self.first_text(a)))
                desc = f"{bullets}\n{tabs}{esc(excerpt)}\t\t\t"
            extra = ""
            if full:
                cat = {"video": "Video - Videos", "gallery": "Рhotos - Galleries"}.get(
                    a.type, "Article - Opinion" if a.is_opinion else "Article - News")
                author = "general@themoscowtimes.com"
                if yandex:
                    author = a.authors[0].name if a.authors else ORGANISATION
                enclosure = (f"https://www.youtube.com/watch?v={a.video_id}" if a.type == "video"
                             else self.og_image(a))
                extra = (f"\n\t\t\t<author>{esc(author)}</author>"
                         f"\n\t\t\t<category>{cat}</category>"
                         f'\n\t\t\t<enclosure url="{enclosure}" type="image/jpeg" length="1"/>')
                if yandex:
                    extra += f"\n\t\t\t<yandex:full-text>{esc(self.plain_body(a))}</yandex:full-text>"
            out.append(f"""				<item>
			<title>{title}</title>
			<link>{self.url(a)}</link>
			<description>{desc}</description>
			<pubDate>{format_datetime(a.published.astimezone(MSK))}</pubDate>
			<guid>{self.url(a)}</guid>{extra}
		</item>
""")
        enc = "windows-1251" if yandex else "utf-8"
        ns = ' xmlns:yandex="http://news.yandex.ru"' if yandex else ""
        link = {"all": "", "yandex-news": "", "city": "arts-and-life"}.get(feed, feed)
        xml = f"""<?xml version="1.0" encoding="{enc}"?>
<rss xmlns:atom="http://www.w3.org/2005/Atom"{ns} version="2.0">
	<channel>
		<title>The Moscow Times - Independent News From Russia</title>
		<link>{self.www}/{link}</link>
		<description>The Moscow Times offers everything you need to know about Russia: Breaking news, top stories, business,
			analysis, opinion, multimedia</description>
		<atom:link rel="self" href="{self.www}/rss/{feed}"></atom:link>
		<language>en-us</language>
		<lastBuildDate>{lbd}</lastBuildDate>
		<ttl>600</ttl>
{''.join(out)}			</channel>
</rss>
"""
        ctype = f"application/rss+xml; charset={enc}"
        return _h(200, xml.encode(enc, errors="xmlcharrefreplace"), ctype)

    def rss_body(self, a: ArticleSpec) -> str:
        return "".join(f"<p>{self.inline(t)}</p>" for b in a.blocks if b.kind == "html"
                       for _tag, t in b.paragraphs)

    def plain_body(self, a: ArticleSpec) -> str:
        return "\n".join(t for b in a.blocks if b.kind == "html" for _tag, t in b.paragraphs)

    # -- sitemaps ------------------------------------------------------------------------
    def sitemaps(self, sp: dict[str, Page]) -> None:
        months: dict[tuple[int, int], list[ArticleSpec]] = {}
        for a in self.live:
            d = a.published.astimezone(MSK)
            months.setdefault((d.year, d.month), []).append(a)
        for (y, mo), items in months.items():
            urls = "".join(f"    <url>\n        <loc>{self.url(a)}</loc>\n    </url>\n"
                           for a in items)
            sp[f"/sitemap/{y}-{mo}.xml"] = _h(200, (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
                ' xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">\n'
                f"{urls}</urlset>\n").encode(), XML)
        # the generator reverses a case-insensitive alphabetical listing of the files:
        # 2025-9, 2025-8 ... 2025-2, 2025-11, 2025-10, 2025-1, 2024-9 ...
        names = sorted((f"{y}-{mo}" for (y, mo) in months), key=str.lower, reverse=True)
        entries = "".join(
            f"    <sitemap>\n        <loc>{self.static}/sitemap/{n}.xml</loc>\n"
            f"        <lastmod>{iso(max(a.modified for a in months[_ym(n)]))}</lastmod>\n"
            f"    </sitemap>\n" for n in names)
        sp["/sitemap/sitemap.xml"] = _h(200, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{entries}</sitemapindex>\n').encode(), XML)
        fresh = [a for a in self.live
                 if self.m.now - a.published <= timedelta(days=NEWS_SITEMAP_DAYS)]
        idx = "".join(f"    <sitemap>\n        <loc>{self.static}/sitemap/{k}.xml</loc>\n"
                      f"    </sitemap>\n" for k in NEWS_SITEMAP_KEYS)
        sp["/sitemap/newsmap.xml"] = _h(200, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{idx}</sitemapindex>\n').encode(), XML)
        for k in NEWS_SITEMAP_KEYS:
            items = [a for a in fresh if a.section == k][:NEWS_SITEMAP_ITEMS]
            # title and keywords are written without XML escaping, as the site does
            urls = "".join(f"""    <url>
        <loc>{self.url(a)}</loc>
        <news:news>
           <news:publication>
                <news:name>The Moscow Times</news:name>
                <news:language>en</news:language>
            </news:publication>
            <news:publication_date>{iso(a.published)}</news:publication_date>
            <news:title>{a.title}</news:title>
            <news:keywords>{','.join(t.title for t in a.tags)}</news:keywords>
        </news:news>
        <changefreq>hourly</changefreq>
   </url>
""" for a in items)
            sp[f"/sitemap/{k}.xml"] = _h(200, (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"\n{urls}</urlset>\n").encode(), XML)


def _ym(name: str) -> tuple[int, int]:
    y, m = name.split("-")
    return int(y), int(m)


MENU = [("news", "News"), ("opinion", "Opinion"), ("business", "Business"),
        ("ukraine-war", "Ukraine War"), ("climate", "Climate"), ("arts-and-life", "Arts & Life"),
        ("meanwhile", "Meanwhile"), ("diaspora", "The New Diaspora"), ("features", "Features"),
        ("lectures", "TMT Lecture Series"), ("videos", "Videos"), ("galleries", "Galleries"),
        ("podcasts", "Podcasts")]

ORGANISATION_LD = """  <script type="application/ld+json">
  {
    "@context": "http://schema.org",
    "@type": "NewsMediaOrganization",
    "address": {
      "@type": "PostalAddress",
      "addressCountry": "RU",
      "addressLocality": "Moscow",
      "postalCode": "",
      "streetAddress": ""
    },
    "name": "The Moscow Times",
    "email": "general@themoscowtimes.com",
    "telephone": "",
    "url": "https://themoscowtimes.com",
    "logo": "{static}/img/logo_1280.png"
  }
  </script>
"""

BANNER = """								<section y-name="banner">
	<div class="align-center" style="line-height: 0">
		<div style="margin: 0 auto;">
			<div y-use="Banner" data-pool="[{&quot;type&quot;:&quot;html&quot;,&quot;html&quot;:&quot;&lt;div&gt;ad&lt;\\/div&gt;&quot;,&quot;href&quot;:&quot;#&quot;,&quot;src&quot;:false}]" data-viewports="[&quot;sm&quot;,&quot;md&quot;,&quot;lg&quot;,&quot;xl&quot;]"></div>
		</div>
	</div>
</section>
"""

CONTRIBUTE = """						<div class="contribute-banner p-3 mb-3">
	<h4>… we have a small favor to ask.</h4>
	<p>As you may have heard, The Moscow Times, an independent news source for over 30 years, has been unjustly branded as a &quot;foreign agent&quot; by the Russian government. This blatant attempt to silence our voice is a direct assault on the integrity of journalism and the values we hold dear.</p>
	<p>We, the journalists of The Moscow Times, refuse to be silenced. Once a month or once a year, any amount helps.</p>
	<a class="contribute-banner__button" href="{www}/contribute?utm_source=contribute&utm_medium=internal-article">Continue</a>
</div>"""

# since about July 2024 a donation box follows articles; its real markup is unknown
MESSAGE_SINCE = datetime(2024, 7, 1, tzinfo=MSK)
MESSAGE = """
						<div class="article__message">
	<p><strong>A Message from The Moscow Times:</strong></p>
	<p>Dear readers,</p>
	<p>We are facing unprecedented challenges. Russia&#039;s Prosecutor General&#039;s Office has designated The Moscow Times as an &quot;undesirable&quot; organization, criminalizing our work and putting our staff at risk of prosecution.</p>
	<p>Support The Moscow Times! <a href="{www}/contribute?utm_source=contribute&utm_medium=article-message">Contribute today</a></p>
</div>"""

ROBOTS = """User-agent: *
Disallow: /preview/
Disallow: /search/
Disallow: *?utm
Disallow: *&utm

User-agent: Yandex
Disallow: /preview/
Disallow: /search/
Disallow: */amp/
Disallow: */amp$
Disallow: *?amp 
Disallow: *?utm
Disallow: *&utm

Sitemap: {static}/sitemap/sitemap.xml
"""


def render_site(model: SiteModel, base_url: str = REAL_WWW, static_url: str = REAL_STATIC,
                faults: str | None = None) -> RenderedSite:
    """Pre-render every page of ``model`` for the given origins; ``faults`` names a fault
    profile (see :mod:`newsscraper.replica.faults`) applied by :meth:`RenderedSite.get`."""
    site = Renderer(model, base_url, static_url).render()
    if faults:
        from newsscraper.replica.faults import FaultInjector

        site.faults = FaultInjector(faults, site)
    return site


__all__ = ["NOT_FOUND", "Page", "RenderedSite", "Renderer", "esc", "iso", "render_site"]
