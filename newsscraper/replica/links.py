"""The URLs pages print, for one pair of origins: articles (canonical and by slug),
images and the og:image. The truth oracle reads the same URLs from here."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from newsscraper.replica.model import MSK, ArticleSpec
from newsscraper.sites.moscowtimes.site import REAL_STATIC, REAL_WWW


@dataclass(frozen=True)
class Links:
    """URLs on the www and static origins (no trailing slash); ``now`` is the render date
    the slug-only links are dated with."""

    www: str
    static: str
    now: datetime

    @classmethod
    def of(cls, now: datetime, base_url: str = REAL_WWW, static_url: str = REAL_STATIC) -> Links:
        return cls(base_url.rstrip("/"), static_url.rstrip("/"), now)

    def url(self, a: ArticleSpec) -> str:
        return self.www + a.path

    def slug_url(self, a: ArticleSpec) -> str:
        """What ``route('article', ['slug'=>...])`` prints: the render date, no -aID."""
        return f"{self.www}/{self.now.astimezone(MSK):%Y/%m/%d}/{a.slug}"

    def img(self, preset: str, file: str) -> str:
        return f"{self.static}/image/{preset}/{file}"

    def og_image(self, a: ArticleSpec) -> str:
        digest = f"{zlib.crc32(a.slug.encode()):08x}" * 4
        return f"{self.static}/image/og/{digest[:2]}/{a.id}__{digest}.jpg"
