"""Render a :class:`SiteModel` into the pages the real site serves, in its real markup.

The markup follows the site's published templates (June 2024) as documented in
``docs/site-moscowtimes.md`` of the team's shared notes: article pages of every type,
listings and "View more" fragments, tag and author pages, RSS feeds, sitemaps on the
static origin, robots.txt, live-blog JSON, and the server's redirects. Every page is
rendered once, up front, into bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from urllib.parse import unquote

from newsscraper.replica.generate import MSK, SECTIONS, ArticleSpec, Block, SiteModel

REAL_WWW = "https://www.themoscowtimes.com"
REAL_STATIC = "https://static.themoscowtimes.com"
LISTING_FIRST = 19  # lead card + 18
LISTING_STEP = 18
TAG_STEP = 20
RSS_ITEMS = 50


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes


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
    return d.astimezone(MSK).isoformat()


def jenc(value) -> str:
    """PHP json_encode: slashes escaped, unicode escaped."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


HTML = "text/html; charset=UTF-8"


@dataclass
class RenderedSite:
    """All pages of one rendering, keyed by path with query string."""

    base_url: str
    static_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    static_pages: dict[str, Page] = field(default_factory=dict)
    redirects_by_slug: dict[str, str] = field(default_factory=dict)
    canonical_by_id: dict[int, str] = field(default_factory=dict)
    removed: dict[int, int] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)  # path -> rendered cards
    tag_listings: dict[str, list[str]] = field(default_factory=dict)  # tag title -> cards

    def get(self, path: str, origin: str = "www") -> Page:
        """The response for ``path`` (with query) on the www or static origin."""
        table = self.static_pages if origin == "static" else self.pages
        page = table.get(path)
        if page is not None:
            return page
        if origin == "static":
            return NOT_FOUND
        return self._dynamic(path)

    def _dynamic(self, path: str) -> Page:
        bare = path.split("?", 1)[0].rstrip("/")
        m = re.fullmatch(r"/\d{4}/\d{2}/\d{2}/([a-z0-9-]+?)(?:-a(\d+))?(/pdf)?", bare)
        if m:
            slug, aid, pdf = m.groups()
            if aid:
                status = self.removed.get(int(aid))
                if status:
                    return Page(status, {"Content-Type": HTML}, b"<html><body>Gone</body></html>")
                target = self.canonical_by_id.get(int(aid))
            else:
                target = self.redirects_by_slug.get(slug)
            if target is None:
                return NOT_FOUND
            if pdf:
                return Page(200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n% replica\n")
            if self.base_url + bare != target:
                return Page(301, {"Location": target}, b"")
            return NOT_FOUND
        m = re.fullmatch(r"/(?:articles|news|photogalleries)/[a-z0-9-]*?-(\d+)", bare)
        if m and int(m.group(1)) in self.canonical_by_id:
            return Page(301, {"Location": self.canonical_by_id[int(m.group(1))]}, b"")
        m = re.fullmatch(r"/live/(\d+)/(\d+)", bare)
        if m:
            return self.pages.get(f"/live/{m.group(1)}/0", NOT_FOUND) if m.group(2) == "0" \
                else self.pages.get(bare, Page(200, {"Content-Type": "application/json"}, b"[]"))
        m = re.fullmatch(r"/([a-z-]+)/(\d+)", bare)
        if m and m.group(1) in self.listings:
            # "View more": an SQL offset, 18 cards, an empty body past the end
            offset = int(m.group(2))
            cards = self.listings[m.group(1)][offset:offset + LISTING_STEP]
            return Page(200, {"Content-Type": HTML}, "".join(cards).encode())
        m = re.fullmatch(r"/tag/([^/]+)/(\d+)", bare)
        if m:
            title = unquote(m.group(1))
            if title not in self.tag_listings:
                return NOT_FOUND
            offset = int(m.group(2))
            cards = self.tag_listings[title][offset:offset + TAG_STEP]
            return Page(200, {"Content-Type": HTML}, "".join(cards).encode())
        return NOT_FOUND


NOT_FOUND = Page(404, {"Content-Type": HTML},
                 b"<!DOCTYPE html><html><head><title>Page not found</title></head>"
                 b"<body><h1>404</h1></body></html>")


class Renderer:
    """Turns the model into pages for one pair of origins."""

    def __init__(self, model: SiteModel, base_url: str, static_url: str) -> None:
        self.m = model
        self.www = base_url.rstrip("/")
        self.static = static_url.rstrip("/")
        self.live = sorted(model.live_articles, key=lambda a: a.published, reverse=True)

    # -- urls ------------------------------------------------------------------------
    def url(self, a: ArticleSpec) -> str:
        return self.www + a.path

    def slug_url(self, a: ArticleSpec) -> str:
        """What `route('article', ['slug'=>...])` prints: the render date, no -aID."""
        return f"{self.www}/{self.m.now:%Y/%m/%d}/{a.slug}"

    def img(self, preset: str, file: str) -> str:
        return f"{self.static}/image/{preset}/{file}"

    # -- the whole site ----------------------------------------------------------------
    def render(self) -> RenderedSite:
        site = self.site = RenderedSite(self.www, self.static)
        p = site.pages
        for a in self.m.articles:
            site.canonical_by_id[a.id] = self.url(a)
            site.redirects_by_slug[a.slug] = self.url(a)
            if a.removed:
                site.removed[a.id] = a.removed
                continue
            p[a.path] = Page(200, {"Content-Type": HTML}, self.article_page(a).encode())
            p[f"/all/{a.id}"] = Page(200, {"Content-Type": HTML}, self.all_fragment(a).encode())
            if a.type == "live":
                p[f"/live/{a.id}/0"] = Page(200, {"Content-Type": "application/json"},
                                            self.live_json(a).encode())
        for key, (path, label, _bc, _rss) in SECTIONS.items():
            items = [a for a in self.live if a.section == key]
            self.listing(p, path, label, items)
        self.listing(p, "in-depth", "Features", [a for a in self.live if a.section == "indepth"])
        for kind, path in (("video", "videos"), ("gallery", "galleries"), ("podcast", "podcasts")):
            self.listing(p, path, path.capitalize(), [a for a in self.live if a.type == kind])
        self.tags_and_authors(p)
        self.feeds(p)
        self.sitemaps(site.static_pages)
        robots = ROBOTS.format(static=self.static).encode()
        p["/robots.txt"] = Page(200, {"Content-Type": "text/plain"}, robots)
        site.static_pages["/robots.txt"] = Page(200, {"Content-Type": "text/plain"},
                                                b"User-agent: *\nDisallow:\n")
        p["/"] = Page(200, {"Content-Type": HTML}, self.shell(
            "The Moscow Times - Independent News From Russia", "", self.cards(self.live[:19]),
            body_class="home").encode())
        return site

    # -- article pages -------------------------------------------------------------------
    def head(self, a: ArticleSpec) -> str:
        url = self.url(a)
        first = a.authors[0].name if a.authors else "The Moscow Times"
        kw = ",".join(t.title for t in a.tags)
        desc = self.description(a)
        og_image = f"{self.static}/image/og/{a.id % 256:02x}/{a.id}__{a.id:032x}.jpg"
        section_meta = "ukraine_war" if a.section == "ukraine_war" else "news"  # the site's bug
        if a.authors:
            au = a.authors[0]
            author_ld = {"@type": "Person", "name": au.name, "description": None,
                         "image": None, "url": f"{self.www}/author/{au.slug}"}
        else:
            author_ld = {"@type": "Organization", "name": "The Moscow Times"}
        ld = {
            "@context": "http://schema.org/", "@type": "NewsArticle",
            "dateCreated": iso(a.created), "datePublished": iso(a.published),
            "dateModified": iso(a.modified), "name": a.title, "headline": a.title,
            "description": desc, "keywords": kw, "articleSection": section_meta,
            "isAccessibleForFree": True, "mainEntityOfPage": url, "url": url,
            "thumbnailUrl": self.img("320", a.image.file) if a.image else og_image,
            "image": {"@type": "ImageObject", "url": og_image, "width": 1200, "height": 630},
            "publisher": {"@type": "Organization", "name": "The Moscow Times",
                          "logo": {"@type": "ImageObject",
                                   "url": f"{self.static}/img/logo.png",
                                   "width": 50, "height": 50}},
            "inLanguage": {"@type": "Language", "name": "English", "alternateName": "English"},
            "author": author_ld,
        }
        if a.authors:
            ld["creator"] = a.authors[0].name
        _path, label, bc_path, _rss = SECTIONS[a.section]
        crumbs = {"@context": "http://schema.org/", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "The Moscow Times", "item": self.www + "/"},
            {"@type": "ListItem", "position": 2, "name": label, "item": f"{self.www}/{bc_path}"},
            {"@type": "ListItem", "position": 3, "name": a.title, "item": url},
        ]}
        t = esc(a.title)
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
  <meta name="twitter:site" content="@MoscowTimes">
  <meta name="twitter:card" content="summary_large_image">

  <title>{t}</title>

	<link rel="canonical" href="{url}">

	<meta name="keywords" content="{esc(kw)}">
	<meta name="news_keywords" content="{esc(kw)}">
	<meta name="description" content="{esc(desc)}">
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

<script type="application/ld+json" data-json-ld-for-pagemetadata>
	{jenc(ld)}
</script>
<script type="application/ld+json" data-json-ld-for-pagemetadata>
	{jenc(crumbs)}
</script>

  <link type="text/css" href="{self.static}/css/main.css?v=5" rel="stylesheet" media="screen" />
  <script type="application/ld+json">
  {{
    "@context": "http://schema.org",
    "@type": "NewsMediaOrganization",
    "name": "The Moscow Times",
    "email": "general@themoscowtimes.com",
    "url": "https://themoscowtimes.com",
    "logo": "{REAL_STATIC}/img/logo_1280.png"
  }}
  </script>
  <script type="application/ld+json">
  {{
    "@context": "https://schema.org",
    "@type": "WebSite",
    "url": "{self.www}/",
  }}
  </script>
</head>
"""

    def description(self, a: ArticleSpec) -> str:
        prefix = {"video": "Video | ", "gallery": "Gallery | ", "podcast": "Podcast | "}.get(
            a.type, "Opinion | " if a.is_opinion else "")
        first = next((b.paragraphs[0][1] for b in a.blocks if b.kind == "html" and b.paragraphs),
                     "")
        # the site splits on the first ". " and so breaks after "since 1991."
        return prefix + first.split(". ")[0].rstrip(".") + "."

    def byline(self, a: ArticleSpec) -> str:
        names = [f'<a href="{self.www}/author/{au.slug}" class="byline__author__name" '
                 f'title="{esc(au.name)}">{esc(au.name)}</a>' for au in a.authors]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] \
            if names else ""
        by = "" if a.type == "podcast" else "By "
        author_div = (f'<div class="byline__author">\n\t\t\t\t\t\t\t\t\t\t\t{by}{joined}'
                      f'\t\t\t\t\t\t\t\t\t\t</div>') if names else ""
        images = "".join(
            f'<a href="{self.www}/author/{au.slug}" class="byline__author__image-wrapper">'
            f'<img class="byline__author__image" src="{self.static}/image/320/00/{au.slug}.jpg" />'
            f'</a>' for au in a.authors if a.is_opinion)
        updated = a.modified - a.published > timedelta(minutes=10)
        shown = a.modified if updated else a.published
        upd = "\n\t\t\t\t\t\t\t\t\t\tUpdated:" if updated else ""
        opinion = " byline--opinion" if a.is_opinion else ""
        return f"""
					<div class="article__byline byline {opinion} ">
						<div class="row-flex">
							<div class="col">
								<div class="byline__details">
									{images}
									<div class="byline__details__column">
										{author_div}
{upd}
										<time class="byline__datetime timeago"
											datetime="{iso(shown)}" y-use="Timeago">
											{month_text(shown.astimezone(MSK))}										</time>
									</div>
								</div>
							</div>

							<div class="col-auto">
								<div class="byline__social">
									<div class="social">
	<a href="https://www.facebook.com/sharer/sharer.php?u={self.url(a)}" class="social__icon social__icon--facebook" target="_blank" title="Share on Facebook"><i class="fa fa-brands fa-facebook"></i></a>
	<a href="{self.url(a)}/pdf" class="social__icon social__icon--pdf"><i class="fa fa-file-pdf-o" target="_blank" title="Download as PDF"></i></a>
</div>
								</div>
							</div>
						</div>
					</div>
"""

    def block(self, a: ArticleSpec, b: Block, index: int, in_gallery: bool = False) -> str:
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
            cite = f"<cite>– {esc(b.cite)}</cite>" if b.cite else ""
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
            slides = "".join(
                f'<div class="slider__slide"><figure><img src="{self.img("1360", im.file)}" />'
                f'<figcaption><span class="article__images__caption">{esc(im.caption or "")}'
                f'</span><span class="article__images__credits">{esc(im.credits or "")}</span>'
                f'</figcaption></figure></div>' for im in b.images)
            inner = f'<div class="article__images"><div class="slider" y-use="Slider">{slides}</div></div>'
        elif b.kind == "embed":
            inner = (f'<div class="article__embed" y-use="Embed"><blockquote class="twitter-tweet">'
                     f'<p lang="en" dir="ltr">{esc(b.text)}</p>&mdash; Someone (@someone)'
                     f'</blockquote></div>')
        elif b.kind == "link":
            inner = (f'<div class="article__link"><a href="{b.url}" title="{esc(b.text)}">'
                     f'<div class="article__link__description">Read the report</div>'
                     f'<h3 class="article__link__title">{esc(b.text)}</h3></a></div>')
        elif b.kind == "newsletter":
            inner = ('<div class="article__newsletter"><h3>Sign up for our free weekly newsletter</h3>'
                     '<p>Our weekly newsletter contains a hand-picked selection of news.</p>'
                     '<form><input type="email" name="email" /></form></div>')
        elif b.kind == "article" and b.related_id is not None:
            target = self.m.by_id[b.related_id]
            label = "opinion" if target.is_opinion else "news"
            inner = f"""	<aside class="article__related-article">
		<span class="label related-article__label label--{'opinion' if label == 'opinion' else 'default'}">{label}</span>
		<a data-id="in-article-block" class="related-article__inner" href="{self.slug_url(target)}" title="{esc(target.title)}">
			<h3 class="related-article__title">
				{esc(target.title)}			</h3>
			<span class="related-article__cta">Read more</span>
		</a>
	</aside>"""
        banner = BANNER if index == 1 and not in_gallery else ""
        return f"""							<div data-id="article-block-type"
								class="{cls}">
								{inner}
{banner}							</div>
"""

    def inline(self, text: str) -> str:
        """CMS paragraph HTML: escaped text with the site's entity habits."""
        out = esc(text).replace("&#039;", "'")  # CMS html keeps raw apostrophes
        out = out.replace("“", "&ldquo;", 1) if "“" in out and len(out) % 3 == 0 else out
        return out

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
        cap = (f"""<figcaption class="">
							<span class="article__featured-image__caption featured-image__caption">
								{esc(im.caption)}							</span>
							<span class="article__featured-image__credits featured-image__credits">
								{esc(im.credits or '')}							</span>
						</figcaption>""" if im.caption else "")
        return f"""
					<figure class="article__featured-image featured-image">
						<img src="{self.img('article_1360', im.file)}" />
						{cap}
					</figure>
"""

    def read_more(self, a: ArticleSpec) -> str:
        items = [self.m.by_id[i] for i in a.read_more if not self.m.by_id[i].removed]
        cards = "".join(f'\n\t\t\t\t<div class="col-3 col-6-sm">{self.card(t)}</div>' for t in items)
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

    def article_page(self, a: ArticleSpec) -> str:
        if a.type == "live":
            return self.live_page(a)
        if a.type == "gallery":
            return self.gallery_page(a)
        blocks = "".join(self.block(a, b, i) for i, b in enumerate(a.blocks))
        label = ('<span class="label article__label label--opinion">opinion</span>'
                 if a.is_opinion else "")
        intro = f'\n\t\t\t\t\t<div class="article__intro">{esc(a.intro)}</div>\n' if a.intro else ""
        video = (f'\n\t\t<figure class="videoheader" data-video="{a.video_id}"><iframe '
                 f'src="https://www.youtube.com/embed/{a.video_id}"></iframe></figure>'
                 if a.type == "video" else "")
        podcast = ('\n\t\t\t\t\t<div class="mb-3"><audio controls src="https://audio.example/'
                   f'{a.id}.mp3"></audio></div>' if a.type == "podcast" else "")
        disclaimer = ""
        if a.is_opinion:
            bios = "".join(f'<div class="hidden-sm-up"><div class="author-excerpt">'
                           f'<h4>{esc(au.name)}</h4><p>{esc(au.name)} is a columnist.</p></div></div>'
                           for au in a.authors)
            disclaimer = ('\n\t\t\t\t\t\t<div class="article__disclaimer">The views expressed in '
                          'opinion pieces do not necessarily reflect the position of The Moscow '
                          f'Times.</div>{bios}')
        data_type = {"default": "default"}.get(a.type, a.type)
        return self.head(a) + f"""

<body class="article-item" y-use="Main">
<div class="container"><!-- header / menu / contribute bar --></div>

<article y-use="article.IsIntersecting">

	<!--[[[article:{a.id}]]]-->

	<div class="gtm-section gtm-type" data-section="{'ukraine_war' if a.section == 'ukraine_war' else 'news'}"
		data-type="{data_type}">
	</div>

	<div class="container article-container" id="article-id-{a.id}"
		data-page-id="{a.id}" data-next-id="{a.id - 1}"
		data-article-url="{self.url(a)}"
		data-article-title="{esc(a.title)}">
{video}
		<div class="row-flex gutter-2">
			<div class="col">
				<article class="article article--{a.section}">
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

						<div class="contribute-banner p-3 mb-3">
	<h4>… we have a small favor to ask.</h4>
	<p>As you may have heard, The Moscow Times, an independent news source for over 30 years, has been unjustly branded as a "foreign agent" by the Russian government.</p>
	<a class="contribute-banner__button" href="{self.www}/contribute?utm_source=contribute&amp;utm_medium=internal-article">Continue</a>
</div>
						<div class="social"><!-- share icons --></div>
					</div>

				</article>
			</div>
{self.sidebar()}
		</div>
	</div>
{self.read_more(a)}
</article>

<div class="container next-article-loader" id="load-next-article" y-use="article.InfiniteScroll"
	data-id="{a.id - 1}" data-url="{self.www}/all/{{{{id}}}}">
	<svg><!-- spinner --></svg>
</div>
</body>
</html>
"""

    def sidebar(self) -> str:
        items = "".join(f"""
		<li class="listed-articles__item">
			<div class="article-excerpt-tiny">
	<a href="{self.url(s)}" title="{esc(s.title)}">
		<time class="article-excerpt-tiny__time" datetime="{iso(s.published)}" y-use="Timeago">{month_text(s.published.astimezone(MSK))}</time>
		<h5 class="article-excerpt-tiny__headline">{esc(s.title)}</h5>
	</a>
</div>		</li>""" for s in self.live[:5])
        return f"""
			<div class="col-auto hidden-sm-down">
				<aside class="sidebar">
					<div class="sidebar__sticky">
						<section class="sidebar__section">
							<ul class="listed-articles">{items}
							</ul>
						</section>
					</div>
				</aside>
			</div>"""

    def live_page(self, a: ArticleSpec) -> str:
        names = ", ".join(au.name for au in a.authors)
        byline = (f'<!-- <div class="byline__author">By {esc(names)}</div>'
                  f'<time class="byline__datetime" datetime="{iso(a.published)}"></time> -->')
        blocks = "".join(self.block(a, b, i) for i, b in enumerate(a.blocks))
        return self.head(a) + f"""
<body class="article-item" y-use="Main">
<div class="container"><!-- header --></div>
	<div class="container article-container" id="article-id-{a.id}" data-page-id="{a.id}">
		<div class="row-flex gutter-2">
			<div class="col">
				<article class="article article--{a.section}">
					<header class="article__header ">
						<h1>{esc(a.title)}</h1>
						<h2>{esc(a.subtitle)}</h2>
						<div class="live-intro">{esc(a.intro)}</div>
					</header>
					{byline}
					{self.featured(a)}
					<div class="article__content-container">
						<div class="article__content" y-name="article-content">
{blocks}						</div>
						<div class="live-posts" y-use="Live" data-url="{self.www}/live/{a.id}/{{{{from}}}}">
							<script type="text/html" y-name="post"><div class="live-post">{{{{body}}}}</div></script>
						</div>
{self.tags_html(a)}
					</div>
				</article>
			</div>
		</div>
	</div>
{self.read_more(a)}
</body>
</html>
"""

    def gallery_page(self, a: ArticleSpec) -> str:
        half = max(1, len(a.blocks) // 2)
        first = "".join(self.block(a, b, i, True) for i, b in enumerate(a.blocks[:half]))
        second = "".join(self.block(a, b, i + half, True) for i, b in enumerate(a.blocks[half:]))
        authors = ", ".join(f'<a href="{self.www}/author/{au.slug}" class="article__author__name">'
                            f'{esc(au.name)}</a>' for au in a.authors)
        im = a.image
        header = (f'<div class="galleryheader"><picture><img src="{self.img("1920", im.file)}" />'
                  f'</picture><div class="galleryheader__caption">{esc(im.caption or "")}</div></div>'
                  if im else "")
        slides = "".join(f"""
			<div class="article__gallery__item">
				<img src="{self.img('1360', f'{a.id % 256:02x}/slide-{k}.jpg')}" />
				<div class="gallery__item__aside__content__title">Slide {k + 1}</div>
				<div class="gallery__item__aside__content__caption">Caption of slide {k + 1}</div>
				<div class="gallery__item__aside__content__credits">Photographer / TASS</div>
			</div>""" for k in range(3))
        pub = a.published.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S")
        return self.head(a) + f"""
<body class="article-item gallery" y-use="Main">
<article y-use="article.IsIntersecting">
	<div class="gtm-section gtm-type" data-section="news" data-type="gallery"></div>
	{header}
	<div class="container article-container" id="article-id-{a.id}" data-page-id="{a.id}" data-next-id="{a.id - 1}" data-article-url="{self.url(a)}">
		<article class="article article--gallery">
			<header class="article__header">
				<h1><a href="{self.url(a)}">{esc(a.title)}</a></h1>
				<h2>{esc(a.subtitle)}</h2>
			</header>
			<div class="article__byline">{authors}
				<time class="byline__datetime" datetime="{pub}">{month_text(a.published.astimezone(MSK))}</time>
			</div>
			{f'<div class="article__intro">{esc(a.intro)}</div>' if a.intro else ''}
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

    def live_json(self, a: ArticleSpec) -> str:
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
                body.append({"type": "embed", "embed": '<blockquote class="twitter-tweet">…</blockquote>'})
            posts.append({"id": p.post_id, "time": iso(p.time), "body": body})
        return jenc(posts)

    def all_fragment(self, a: ArticleSpec) -> str:
        return (f'<div class="container article-container" id="article-id-{a.id}" '
                f'data-page-id="{a.id}" data-article-url="{self.url(a)}" '
                f'data-article-title="{esc(a.title)}"><h1>{esc(a.title)}</h1></div>')

    # -- listings ------------------------------------------------------------------------
    def card(self, a: ArticleSpec) -> str:
        label = "opinion" if a.is_opinion else ("Liveblog" if a.type == "live" else "news")
        lcls = " label--opinion article-excerpt-default__label--opinion" if a.is_opinion else ""
        author = (f'\n\t\t<span class="article-excerpt-default__author">{esc(a.authors[0].name)}</span>'
                  if a.is_opinion and a.authors else "")
        live = ('<span class="live-label-wrap"><span class="pulsating-icon"></span>LIVE |</span> '
                if a.type == "live" else "")
        img = (f"""
					<div class=" article-excerpt-default__image-wrapper">
				<figure>
					<img src="{self.img('article_640', a.image.file)}" />
				</figure>
			</div>""" if a.image else "")
        teaser = self.description(a)[:147] + "..."
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
				<div class="article-excerpt-default__teaser">{esc(teaser)}</div>
				<div class="readtime">
					{len(a.blocks)}&nbsp;Min read				</div>
		</div>
	</a>
</div>"""

    def cards(self, items: list[ArticleSpec], cls: str = "col-4 col-12-md col-4-sm") -> str:
        return "".join(f'\t<div class="{cls}">\n\t\t{self.card(a)}\t</div>\n' for a in items)

    def shell(self, title: str, canonical: str, content: str, body_class: str = "") -> str:
        canon = f'\n\t<link rel="canonical" href="{canonical}">' if canonical else ""
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <base href="{self.www}/" />
  <meta charset="utf-8">
  <title>{esc(title)}</title>{canon}
</head>
<body class="{body_class}" y-use="Main">
<div class="container">
{content}
</div>
{self.sidebar()}
</body>
</html>
"""

    def listing(self, p: dict[str, Page], path: str, label: str, items: list[ArticleSpec]) -> None:
        lead = ""
        if items:
            a = items[0]
            lead = f"""<div class="article-excerpt-lead">
	<a href="{self.url(a)}" class="article-excerpt-lead__link" title="{esc(a.title)}">
		<h3 class="article-excerpt-lead__headline"><span class="wrap wrap1"><span class="wrap wrap2"><span>{esc(a.title)}</span></span></span></h3>
		<div class="article-excerpt-lead__teaser">{esc(self.description(a))}</div>
	</a>
</div>"""
        more = (f'<div class="col-12" y-use="More" data-url="{self.www}/{path}/{{{{offset}}}}" '
                f'data-start="{LISTING_FIRST}" data-step="{LISTING_STEP}">'
                f'<span class="button">View more articles</span></div>')
        h1 = "Latest articles" if path == "news" else label
        content = (f'<section class="cluster cluster--section-articles">\n'
                   f'<h1 class="cluster__label">{esc(h1)}</h1>\n{lead}\n<div class="row-flex">\n'
                   f'{self.cards(items[1:LISTING_FIRST])}</div>\n{more}\n</section>')
        p[f"/{path}"] = Page(200, {"Content-Type": HTML},
                             self.shell(label, f"{self.www}/{path}", content).encode())
        self.site.listings[path] = [self.cards([a]) for a in items]

    def tags_and_authors(self, p: dict[str, Page]) -> None:
        by_tag: dict[str, tuple[str, list[ArticleSpec]]] = {}
        by_author: dict[str, tuple[str, list[ArticleSpec]]] = {}
        for a in self.live:
            for t in a.tags:
                by_tag.setdefault(t.slug, (t.title, []))[1].append(a)
            for au in a.authors:
                by_author.setdefault(au.slug, (au.name, []))[1].append(a)
        for slug, (title, items) in by_tag.items():
            more = (f'<div class="col-12" y-use="More" data-url="{self.www}/tag/{esc(title)}/{{{{offset}}}}" '
                    f'data-start="{TAG_STEP}" data-step="{LISTING_STEP}"><span class="button">'
                    'View more articles</span></div>')
            content = (f'<section class="cluster cluster--section-articles"><h1 class="cluster__label">'
                       f'{esc(title)}</h1><div class="row-flex">\n{self.cards(items[:TAG_STEP])}'
                       f'</div>{more}</section>')
            page = Page(200, {"Content-Type": HTML},
                        self.shell(title, f"{self.www}/tag/{title}", content).encode())
            p[f"/tag/{slug}"] = page
            self.site.tag_listings[title] = [self.cards([a]) for a in items]
        for slug, (name, items) in by_author.items():
            content = (f'<section class="cluster"><h2 class="cluster__label">Articles by {esc(name)}'
                       f'</h2><div class="row-flex">\n{self.cards(items[:100], "col-4 col-6-sm")}'
                       '</div></section>')
            p[f"/author/{slug}"] = Page(200, {"Content-Type": HTML},
                                        self.shell("The Moscow Times", "", content).encode())

    # -- feeds ---------------------------------------------------------------------------
    def feeds(self, p: dict[str, Page]) -> None:
        lbd = format_datetime(self.m.now)
        for key, (_path, _label, _bc, feed) in SECTIONS.items():
            if feed:
                items = [a for a in self.live if a.section == key][:RSS_ITEMS]
                p[f"/rss/{feed}"] = self.rss(feed, items, lbd)
        p["/rss/city"] = p["/rss/arts-and-life"]
        p["/rss/podcasts"] = self.rss("podcasts", [a for a in self.live if a.type == "podcast"]
                                      [:RSS_ITEMS], lbd)
        all_items = [a for a in self.live if a.type not in ("podcast", "live")][:RSS_ITEMS]
        p["/rss/all"] = self.rss("all", all_items, lbd, full=True)
        p["/rss/yandex-news"] = self.rss("yandex-news", all_items, lbd, full=True, yandex=True)

    def rss(self, feed: str, items: list[ArticleSpec], lbd: str, full: bool = False,
            yandex: bool = False) -> Page:
        out = []
        for a in items:
            title = esc(a.title)
            if full and a.is_opinion and a.authors:
                title = esc(a.authors[0].name) + ": " + title
            bullets = ""
            if a.type == "live":
                bullets = "".join(f"\n\t\t\t\t\t\t\t\t\t\t\t\t<![CDATA[{esc(p.paragraphs[0][:60])}]]>"
                                  for p in a.live_posts[:2])
            excerpt = a.intro or a.subtitle or self.description(a)
            if full:
                desc = "<![CDATA[" + self.rss_body(a) + "]]>"
            else:
                desc = f"{bullets}\n\t\t\t\t\t\t\t\t\t\t\t\t{esc(excerpt)}\t\t\t"
            extra = ""
            if full:
                cat = {"video": "Video - Videos", "gallery": "Рhotos - Galleries"}.get(
                    a.type, "Article - Opinion" if a.is_opinion else "Article - News")
                extra = (f"\n\t\t\t<author>general@themoscowtimes.com</author>"
                         f"\n\t\t\t<category>{cat}</category>")
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
        xml = f"""<?xml version="1.0" encoding="{enc}"?>
<rss xmlns:atom="http://www.w3.org/2005/Atom"{ns} version="2.0">
	<channel>
		<title>The Moscow Times - Independent News From Russia</title>
		<link>{self.www}/{feed}</link>
		<description>The Moscow Times offers everything you need to know about Russia: Breaking news, top stories, business,
			analysis, opinion, multimedia</description>
		<atom:link rel="self" href="{self.www}/rss/{feed}"></atom:link>
		<language>en-us</language>
		<lastBuildDate>{lbd}</lastBuildDate>
		<ttl>600</ttl>
{''.join(out)}	</channel>
</rss>
"""
        ctype = f"application/rss+xml; charset={enc}"
        return Page(200, {"Content-Type": ctype}, xml.encode(enc, errors="xmlcharrefreplace"))

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
        xml_t = "application/xml; charset=UTF-8"
        for (y, mo), items in months.items():
            urls = "".join(f"    <url>\n        <loc>{self.url(a)}</loc>\n    </url>\n"
                           for a in items)
            sp[f"/sitemap/{y}-{mo}.xml"] = Page(200, {"Content-Type": xml_t}, (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
                ' xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">\n'
                f"{urls}</urlset>\n").encode())
        # the generator reverses a case-insensitive alphabetical listing of the files
        names = sorted((f"{y}-{mo}" for (y, mo) in months), key=str.lower, reverse=True)
        entries = "".join(
            f"    <sitemap>\n        <loc>{self.static}/sitemap/{n}.xml</loc>\n"
            f"        <lastmod>{iso(max(a.modified for a in months[tuple(map(int, n.split('-')))]))}"
            f"</lastmod>\n    </sitemap>\n" for n in names)
        sp["/sitemap/sitemap.xml"] = Page(200, {"Content-Type": xml_t}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{entries}</sitemapindex>\n').encode())
        news_keys = ["news", "opinion", "meanwhile", "city", "business", "climate", "diaspora",
                     "ukraine_war", "lecture_series"]
        fresh = [a for a in self.live if self.m.now - a.published <= timedelta(days=30)]
        idx = "".join(f"    <sitemap>\n        <loc>{self.static}/sitemap/{k}.xml</loc>\n"
                      f"    </sitemap>\n" for k in news_keys)
        sp["/sitemap/newsmap.xml"] = Page(200, {"Content-Type": xml_t}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{idx}</sitemapindex>\n').encode())
        for k in news_keys:
            items = [a for a in fresh if a.section == k][:100]
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
            sp[f"/sitemap/{k}.xml"] = Page(200, {"Content-Type": xml_t}, (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"\n{urls}</urlset>\n").encode())


BANNER = """								<section y-name="banner">
	<div class="align-center" style="line-height: 0">
		<div style="margin: 0 auto;">
			<div y-use="Banner" data-pool="[{&quot;type&quot;:&quot;html&quot;,&quot;html&quot;:&quot;&lt;div&gt;ad&lt;\\/div&gt;&quot;}]" data-viewports="[&quot;sm&quot;,&quot;md&quot;,&quot;lg&quot;,&quot;xl&quot;]"></div>
		</div>
	</div>
</section>
"""

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


def render_site(model: SiteModel, base_url: str = REAL_WWW,
                static_url: str = REAL_STATIC) -> RenderedSite:
    """Pre-render every page of ``model`` for the given origins."""
    return Renderer(model, base_url, static_url).render()
