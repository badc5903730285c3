"""Seeds, classified: what each start URL is, on which origin, for which section."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsscraper.seeds import Seed
from newsscraper.sites.moscowtimes import article_id_from_url, is_slug_only_url
from newsscraper.sites.moscowtimes import section_path as section_name
from newsscraper.sites.moscowtimes.site import REAL_STATIC, REAL_WWW


def news_section(url: str) -> str:
    """The section of a news sitemap (``.../city.xml`` -> ``arts-and-life``)."""
    return section_name(urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".xml"))


@dataclass(frozen=True)
class Start:
    """A seed, classified: what it is and which section it belongs to."""

    kind: str  # robots | sitemap | newsmap | feed | listing | article
    url: str
    section: str | None = None


class Origins:
    """The crawl's two origins, and real-site URLs moved onto them (a replica)."""

    def __init__(self, base_url: str, static_url: str) -> None:
        self.base_url, self.static_url = base_url, static_url

    def rewrite(self, url: str) -> str:
        for real, mine in ((REAL_WWW, self.base_url), (REAL_STATIC, self.static_url)):
            if real != mine and (url == real or url.startswith(real + "/")):
                return mine + url[len(real):]
        return url

    def classify(self, seeds: Iterable[Seed]) -> list[Start]:
        """What each seed is, by its path on the site (after rewriting the origin)."""
        starts = []
        for seed in seeds:
            url = self.rewrite(seed.url)
            path = urlsplit(url).path
            stem = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
            if path.endswith("/robots.txt"):
                starts.append(Start("robots", url))
            elif path.startswith("/sitemap/"):
                starts.append(Start("newsmap" if stem == "newsmap" else "sitemap", url))
            elif path.startswith("/rss/"):
                starts.append(Start("feed", url, section_name(path.split("/")[2])))
            elif article_id_from_url(url) is not None or is_slug_only_url(url):
                starts.append(Start("article", url))
            else:
                starts.append(Start("listing", url, path.strip("/") or "home"))
        return starts
