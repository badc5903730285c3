"""Body blocks (``article/block/*.php``): one function per block type, each returning
what goes inside the block's ``div.article__block``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from newsscraper.replica.markup import esc, inline
from newsscraper.replica.model import Block
from newsscraper.replica.templating import fill

if TYPE_CHECKING:
    from newsscraper.replica.base import RendererBase


def html(r: RendererBase, b: Block) -> str:
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
        parts.append(f"<{tag}>{inline(r.www, text)}</{tag}>")
    if list_open:
        parts.append("</ul>")
    return "\n".join(parts)


def header(_r: RendererBase, b: Block) -> str:
    return f"<h2>{esc(b.text)}</h2>"


def quote(_r: RendererBase, b: Block) -> str:
    cite = f"\n\t\t\t\t\t\t\t\t<cite>– {esc(b.cite)}</cite>" if b.cite else ""
    return f'<blockquote class="article__quote">{esc(b.text)}</blockquote>{cite}'


def aside(_r: RendererBase, b: Block) -> str:
    return f'<div class="article__aside"><p>{esc(b.text)}</p></div>'


def image(r: RendererBase, b: Block) -> str:
    if not b.image:
        return ""
    im = b.image
    return fill("block_image", src=r.img("1360", im.file), caption=esc(im.caption or ""),
                credits=esc(im.credits or ""))


def images(r: RendererBase, b: Block) -> str:
    slides = "".join(
        fill("block_images_slide", src=r.img("1360", im.file), caption=esc(im.caption or ""),
             credits=esc(im.credits or ""))
        for im in b.images)
    return fill("block_images", slides=slides)


def embed(_r: RendererBase, b: Block) -> str:
    return fill("block_embed", text=esc(b.text))


def link(_r: RendererBase, b: Block) -> str:
    return fill("block_link", url=b.url, title=esc(b.text))


def newsletter(_r: RendererBase, _b: Block) -> str:
    return fill("block_newsletter")


def article(r: RendererBase, b: Block) -> str:
    """An inline related article: linked by slug and render date, no ``-aID``."""
    if b.related_id is None:
        return ""
    target = r.m.by_id[b.related_id]
    return fill("block_article", label_kind="opinion" if target.is_opinion else "default",
                label="opinion" if target.is_opinion else "news", url=r.slug_url(target),
                title=esc(target.title))


RENDER: dict[str, Callable[[RendererBase, Block], str]] = {
    "html": html, "header": header, "quote": quote, "aside": aside, "image": image,
    "images": images, "embed": embed, "link": link, "newsletter": newsletter, "article": article,
}


def block(r: RendererBase, b: Block, index: int, banners: bool = True,
          position: str = "column") -> str:
    """The block in its ``div.article__block``; the ad banner goes inside the second
    block (index 1) of pages that show banners."""
    render = RENDER.get(b.kind)
    return fill("block", cls=f"article__block article__block--{b.kind} article__block--{position} ",
                inner=render(r, b) if render else "",
                banner=fill("banner") if index == 1 and banners else "")
