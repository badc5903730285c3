"""What every page renderer shares: the model, the origins, URLs, and the text the
description, RSS and teasers take from an article."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from newsscraper.replica.markup import first_sentence
from newsscraper.replica.model import MSK, ArticleSpec, SiteModel
from newsscraper.replica.site import REAL_STATIC, REAL_WWW

if TYPE_CHECKING:
    from newsscraper.replica.site import RenderedSite


class RendererBase:
    """The model and the pair of origins pages are rendered for."""

    def __init__(
        self, model: SiteModel, base_url: str = REAL_WWW, static_url: str = REAL_STATIC
    ) -> None:
        self.m = model
        self.www = base_url.rstrip("/")
        self.static = static_url.rstrip("/")
        self.live = sorted(model.live_articles, key=lambda a: (a.published, a.id), reverse=True)
        self._sidebar: str | None = None
        self._cards: dict[int, str] = {}
        self.site: RenderedSite

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

    def first_text(self, a: ArticleSpec) -> str:
        return next((b.paragraphs[0][1] for b in a.blocks if b.kind == "html" and b.paragraphs), "")

    def prefix(self, a: ArticleSpec) -> str:
        return {"video": "Video | ", "gallery": "Gallery | ", "podcast": "Podcast | "}.get(
            a.type, "Opinion | " if a.is_opinion else ""
        )

    def description(self, a: ArticleSpec) -> str:
        """meta description: the first sentence of the first html block, with a prefix."""
        return self.prefix(a) + first_sentence(self.first_text(a))
