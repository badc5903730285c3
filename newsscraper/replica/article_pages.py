"""Article pages of every type (default, opinion, video, podcast, live blog, gallery),
their blocks, the live-blog JSON and the infinite-scroll fragment."""

from __future__ import annotations

from datetime import datetime, timedelta

from newsscraper.replica.article_head import article_head
from newsscraper.replica.blocks import Blocks
from newsscraper.replica.cards import Cards
from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, inline, iso, month_text
from newsscraper.replica.model import MSK, ArticleSpec, SiteModel
from newsscraper.replica.shell import Shell
from newsscraper.replica.templating import fill

# since about July 2024 a donation box follows articles; its real markup is unknown
MESSAGE_SINCE = datetime(2024, 7, 1, tzinfo=MSK)


class ArticlePages:
    """An article's page, in the template of its type, its live-blog posts and its
    infinite-scroll fragment. ``model`` names the articles that pages link to."""

    def __init__(self, model: SiteModel, links: Links, shell: Shell, cards: Cards) -> None:
        self.model = model
        self.links = links
        self.shell = shell
        self.cards = cards
        self.blocks = Blocks(links, model.by_id)

    def page(self, a: ArticleSpec, next_id: int) -> str:
        """The article's page; ``next_id`` is the older article infinite scroll loads."""
        if a.type == "live":
            return self.live_page(a)
        if a.type == "gallery":
            return self.gallery_page(a, next_id)
        section = "ukraine_war" if a.section == "ukraine_war" else "news"
        return article_head(self.links, a) + fill(
            "article_page",
            site_header=self.shell.site_header,
            id=a.id,
            section=section,
            type=a.type,
            container=self.article_container(a, next_id, sidebar=True),
            read_more=self.read_more(a),
            next_id=next_id,
            www=self.links.www,
        )

    def byline(self, a: ArticleSpec) -> str:
        """item.php's byline: portraits of columnists and podcast hosts, the names ("By "
        except for podcasts), and the publication time, or "Updated:" and the edit time."""
        joined = self.author_links(a, "byline__author__name",
                                   "" if a.type == "podcast" else "By ")
        author_div = (f'<div class="byline__author">\n\t\t\t\t\t\t\t\t\t\t\t{joined}'
                      f"\t\t\t\t\t\t\t\t\t\t</div>\n" if joined else "")
        images = "".join(
            fill("byline_author_image", www=self.links.www, slug=au.slug,
                 src=self.links.img("320", f"00/{au.slug}.jpg"))
            for au in a.authors if a.is_opinion or a.type == "podcast")
        updated = a.modified - a.published > timedelta(minutes=10)
        shown = a.modified if updated else a.published
        upd = "\n\t\t\t\t\t\t\t\t\t\tUpdated:" if updated else ""
        opinion = "byline--opinion" if a.is_opinion else ""
        return fill(
            "byline",
            opinion=opinion,
            images=images,
            author_div=author_div,
            upd=upd,
            shown=iso(shown),
            shown_text=month_text(shown.astimezone(MSK)),
            social=self.social(a),
        )

    def social(self, a: ArticleSpec) -> str:
        return fill("social", url=self.links.url(a))

    def tags_html(self, a: ArticleSpec) -> str:
        if not a.tags:
            return ""
        links = "\n, ".join(
            f"""<a
	href="{self.links.www}/tag/{t.slug}"
	class="tag article__tags__tag"
	title="{esc(t.title)}"
>
	{esc(t.title)}</a>"""
            for t in a.tags
        )
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
        cap = (
            fill("featured_caption", caption=esc(im.caption), credits=esc(im.credits or ""))
            if im.caption
            else ""
        )
        return f"""
					<figure class="article__featured-image featured-image">
						<img src="{self.links.img("article_1360", im.file)}" />{cap}
					</figure>
"""

    def read_more(self, a: ArticleSpec) -> str:
        by_id = self.model.by_id
        items = [by_id[i] for i in a.read_more if not by_id[i].removed]
        card = self.cards.card
        cards = "".join(
            f'\n\t\t\t\t<div class="col-3 col-6-sm">\n\t\t\t\t\t{card(t)}\n\t\t\t\t</div>'
            for t in items
        )
        return fill("read_more", cards=cards)

    def main_article(self, a: ArticleSpec) -> str:
        """``article.article`` of the default template (news, opinion, video, podcast)."""
        blocks = "".join(self.blocks.block(b, i) for i, b in enumerate(a.blocks))
        label = ""
        if a.is_opinion:
            label = '<span class="label article__label label--opinion">opinion</span>'
        elif a.analysis:
            label = '<span class="label article__label label--opinion">News Analysis</span>'
        intro = f'\n\t\t\t\t\t<div class="article__intro">{esc(a.intro)}</div>\n' if a.intro else ""
        podcast = fill("podcast_embed", id=a.id) if a.type == "podcast" else ""
        disclaimer = ""
        if a.is_opinion:
            disclaimer = fill("opinion_disclaimer", bios=self.author_excerpts(a, "\t" * 6))
        section_cls = "ukraine_war" if a.section == "ukraine_war" else "news"  # the buggy helper
        return fill(
            "main_article",
            section_cls=section_cls,
            label=label,
            url=self.links.url(a),
            title=esc(a.title),
            subtitle=esc(a.subtitle),
            byline=self.byline(a),
            intro=intro,
            podcast=podcast,
            featured=self.featured(a),
            blocks=blocks,
            disclaimer=disclaimer,
            tags=self.tags_html(a),
            contribute=fill("contribute", www=self.links.www),
            message=fill("message", www=self.links.www) if a.published >= MESSAGE_SINCE else "",
        )

    def article_container(self, a: ArticleSpec, next_id: int, sidebar: bool) -> str:
        video = fill("video_header", video_id=a.video_id) if a.type == "video" else ""
        return fill(
            "article_container",
            id=a.id,
            next_id=next_id,
            url=self.links.url(a),
            title=esc(a.title),
            video=video,
            article=self.main_article(a),
            sidebar=self.shell.sidebar() if sidebar else "",
        )

    def author_excerpts(self, a: ArticleSpec, indent: str) -> str:
        """Each author's excerpts (``author/excerpt/default`` for narrow screens, ``small``
        beside the text on wide ones), as opinion pieces and live blogs show them."""
        return "".join(
            fill("author_excerpts", indent=indent, url=f"{self.links.www}/author/{au.slug}",
                 name=esc(au.name), image=self.links.img("320", f"00/{au.slug}.jpg"),
                 bio=esc(f"{au.name} is a columnist for The Moscow Times."),
                 section=a.section)
            for au in a.authors)

    def author_links(self, a: ArticleSpec, cls: str, by: str = "By ") -> str:
        """"By A, B and C" as the templates join the author links ("" without authors)."""
        www = self.links.www
        names = [f'<a href="{www}/author/{au.slug}" class="{cls}" title="{esc(au.name)}">'
                 f"{esc(au.name)}</a>" for au in a.authors]
        if not names:
            return ""
        return by + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1
                     else names[0])

    def live_page(self, a: ArticleSpec) -> str:
        # live.php comments out the byline's contents: authors only in meta, JSON-LD and
        # the comment
        images = "".join(fill("byline_author_image", www=self.links.www, slug=au.slug,
                              src=self.links.img("320", f"00/{au.slug}.jpg")) for au in a.authors)
        byline = fill("live_byline", images=images.strip(),
                      authors=self.author_links(a, "byline__author__name"),
                      date_text=month_text(a.published.astimezone(MSK)), social=self.social(a))
        blocks = "".join(self.blocks.block(b, i) for i, b in enumerate(a.blocks))
        return article_head(self.links, a) + fill(
            "live_page", site_header=self.shell.site_header, id=a.id, url=self.links.url(a),
            title=esc(a.title), subtitle=esc(a.subtitle), intro=esc(a.intro), byline=byline,
            featured=self.featured(a), blocks=blocks, www=self.links.www,
            excerpts=self.author_excerpts(a, "\t" * 6), tags=self.tags_html(a),
            sidebar=self.shell.sidebar(), read_more=self.read_more(a))

    def gallery_page(self, a: ArticleSpec, next_id: int) -> str:
        """gallery.php: header, byline, intro and the full-width gallery block in the first
        ``div.article__content``, the body blocks in the second."""
        # image blocks run full width in a gallery
        body = "".join(self.blocks.block(b, i, False,
                                         "full" if b.kind in ("image", "images") else "column")
                       for i, b in enumerate(a.blocks))
        im = a.image
        header = (fill("gallery_header", src=self.links.img("1920", im.file),
                       caption=esc(im.caption or "")) if im else "")
        intro = (f'\t\t\t\t\t<div class="article__intro">\n\t\t\t\t\t\t{esc(a.intro)}'
                 f"\t\t\t\t\t</div>\n" if a.intro else "")
        return article_head(self.links, a) + fill(
            "gallery_page", site_header=self.shell.site_header, id=a.id, header=header,
            next_id=next_id, url=self.links.url(a), title=esc(a.title), subtitle=esc(a.subtitle),
            byline=self.gallery_byline(a), intro=intro, gallery=self.gallery_block(a),
            blocks=body, tags=self.tags_html(a), social=self.social(a),
            read_more=self.read_more(a))

    def gallery_byline(self, a: ArticleSpec) -> str:
        published = a.published.astimezone(MSK)
        # the raw DB value (Moscow time, no zone), and PHP's date('M d, Y - h:i a ')
        return fill("gallery_byline", images="",
                    authors=self.author_links(a, "article__author__name"),
                    raw=published.strftime("%Y-%m-%d %H:%M:%S"),
                    date_text=published.strftime("%b %d, %Y - %I:%M %p ").replace(
                        " AM ", " am ").replace(" PM ", " pm "),
                    social=self.social(a))

    def gallery_block(self, a: ArticleSpec) -> str:
        place = esc(a.tags[0].title) if a.tags else "Moscow"
        slides = "".join(
            fill("gallery_slide", url=self.links.url(a), title=esc(a.title),
                 slide_title=f"{k + 1}/4",
                 caption=f"Scene {k + 1} of the day in {place}.", credits="Photographer / TASS",
                 src=self.links.img("1360", f"{a.id % 256:02x}/slide-{a.id}-{k}.jpg"))
            for k in range(4))
        return fill("gallery_block", slides=slides)

    def live_posts(self, a: ArticleSpec) -> list[tuple[float, dict]]:
        posts = []
        for p in a.live_posts:
            body: list[dict] = [
                {
                    "type": "html",
                    "body": "".join(f"<p>{inline(self.links.www, t)}</p>" for t in p.paragraphs),
                }
            ]
            if p.related_id is not None:
                t = self.model.by_id[p.related_id]
                body.append(
                    {"type": "article",
                     "article": {"title": t.title, "url": self.links.slug_url(t)}}
                )
            if p.image:
                body.append(
                    {
                        "type": "image",
                        "image": {
                            "src": self.links.img("article_960", p.image.file),
                            "caption": p.image.caption,
                            "credits": p.image.credits,
                        },
                    }
                )
            if p.embed:
                body.append(
                    {"type": "embed", "embed": '<blockquote class="twitter-tweet">…</blockquote>'}
                )
            if p.post_id % 5 == 0:
                body.append(
                    {
                        "type": "link",
                        "link": {"url": "https://example.org/report", "title": "The full report"},
                        "description": "Read the report",
                    }
                )
            posts.append((p.time.timestamp(), {"id": p.post_id, "time": iso(p.time), "body": body}))
        return posts

    def all_fragment(self, a: ArticleSpec, next_id: int) -> str:
        """``/all/{id}`` (template item_raw): the article container only, no ``<head>``."""
        if a.type in ("live", "gallery"):
            return fill(
                "all_fragment", id=a.id, next_id=next_id, url=self.links.url(a), title=esc(a.title)
            )
        return self.article_container(a, next_id, sidebar=False)
