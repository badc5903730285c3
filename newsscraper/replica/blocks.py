"""Body blocks (``article/block/*.php``): one method per block type, each returning what
goes inside the block's ``div.article__block``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, inline
from newsscraper.replica.model import ArticleSpec, Block
from newsscraper.replica.templating import fill


class Blocks:
    """Renders blocks for one pair of origins; ``by_id`` (the model's articles) names the
    targets of related-article blocks."""

    def __init__(self, links: Links, by_id: Mapping[int, ArticleSpec]) -> None:
        self.links = links
        self.by_id = by_id
        self._render: dict[str, Callable[[Block], str]] = {
            "html": self.html, "header": self.header, "quote": self.quote, "aside": self.aside,
            "image": self.image, "images": self.images, "embed": self.embed, "link": self.link,
            "newsletter": self.newsletter, "article": self.article,
        }

    def block(self, b: Block, index: int, banners: bool = True, position: str = "column") -> str:
        """The block in its ``div.article__block``; the ad banner goes inside the second
        block (index 1) of pages that show banners."""
        render = self._render.get(b.kind)
        return fill("block",
                    cls=f"article__block article__block--{b.kind} article__block--{position} ",
                    inner=render(b) if render else "",
                    banner=fill("banner") if index == 1 and banners else "")

    def html(self, b: Block) -> str:
        """Raw CMS HTML: paragraphs, with runs of list items wrapped in one ``<ul>``."""
        parts = []
        list_open = False
        for tag, text in b.paragraphs:
            if tag == "li" and not list_open:
                parts.append("<ul>")
                list_open = True
            if tag != "li" and list_open:
                parts.append("</ul>")
                list_open = False
            parts.append(f"<{tag}>{inline(self.links.www, text)}</{tag}>")
        if list_open:
            parts.append("</ul>")
        return "\n".join(parts)

    def header(self, b: Block) -> str:
        return f"<h2>{esc(b.text)}</h2>"

    def quote(self, b: Block) -> str:
        cite = f"\n\t\t\t\t\t\t\t\t<cite>– {esc(b.cite)}</cite>" if b.cite else ""
        return f'<blockquote class="article__quote">{esc(b.text)}</blockquote>{cite}'

    def aside(self, b: Block) -> str:
        return f'<div class="article__aside"><p>{esc(b.text)}</p></div>'

    def image(self, b: Block) -> str:
        if not b.image:
            return ""
        im = b.image
        return fill("block_image", src=self.links.img("1360", im.file),
                    caption=esc(im.caption or ""), credits=esc(im.credits or ""))

    def images(self, b: Block) -> str:
        slides = "".join(
            fill("block_images_slide", src=self.links.img("1360", im.file),
                 caption=esc(im.caption or ""), credits=esc(im.credits or ""))
            for im in b.images)
        return fill("block_images", slides=slides)

    def embed(self, b: Block) -> str:
        return fill("block_embed", text=esc(b.text))

    def link(self, b: Block) -> str:
        return fill("block_link", url=b.url, title=esc(b.text))

    def newsletter(self, _b: Block) -> str:
        return fill("block_newsletter")

    def article(self, b: Block) -> str:
        """An inline related article: linked by slug and render date, no ``-aID``."""
        if b.related_id is None:
            return ""
        target = self.by_id[b.related_id]
        return fill("block_article", label_kind="opinion" if target.is_opinion else "default",
                    label="opinion" if target.is_opinion else "news",
                    url=self.links.slug_url(target), title=esc(target.title))
