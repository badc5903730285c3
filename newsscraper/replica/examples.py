"""Save one page of each kind from the replica, to look at next to the real site.

    python -m newsscraper.replica.examples DIR [--articles 300] [--seed 1] [--assets]

Writes ``DIR/{kind}.{html,xml,json,txt}``: the real article a85152, one article of each
type (default, opinion, live with its posts JSON, gallery, video, podcast), a section
listing and its "View more" fragment, a tag page, an author page, an RSS feed,
``/rss/all``, the Yandex feed (windows-1251), the sitemap index, a monthly sitemap, a
news sitemap and robots.txt. Nothing is committed: the files are for eyes only.
With ``--assets`` the HTML pages are rendered for a static origin in ``DIR/static/``
instead, and the stylesheet, logos, favicon and images they name are saved there, so
that they open styled in a browser without the replica's server.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from newsscraper.replica.generate import generate_site
from newsscraper.replica.model import SiteModel
from newsscraper.replica.website import RenderedSite, render_site
from newsscraper.sites.moscowtimes.site import REAL_WWW


def example_paths(model: SiteModel, site: RenderedSite) -> dict[str, tuple[str, str]]:
    """name -> (origin, path) of one page of each kind."""
    live = sorted(model.live_articles, key=lambda a: a.published, reverse=True)

    def first(pred) -> str:
        return next(a.path for a in live if pred(a))

    out: dict[str, tuple[str, str]] = {"article_a85152.html": ("www", model.by_id[85152].path)}
    for kind in ("default", "live", "gallery", "video", "podcast"):
        out[f"article_{kind}.html"] = ("www", first(
            lambda a, k=kind: a.type == k and not a.is_opinion))
    out["article_opinion.html"] = ("www", first(lambda a: a.is_opinion))
    live_id = next(a.id for a in live if a.type == "live")
    tag = next(a.tags[0] for a in live if a.tags)
    author = next(a.authors[0] for a in live if a.authors)
    month = next(p for p in site.static_pages if re.fullmatch(r"/sitemap/\d{4}-\d+\.xml", p))
    out.update({
        "live_posts.json": ("www", f"/live/{live_id}/0"),
        "listing_news.html": ("www", "/news"),
        "listing_news_fragment_19.html": ("www", "/news/19"),
        "listing_tag.html": ("www", f"/tag/{tag.slug}"),
        "listing_author.html": ("www", f"/author/{author.slug}"),
        "rss_news.xml": ("www", "/rss/news"),
        "rss_all.xml": ("www", "/rss/all"),
        "rss_yandex_news.xml": ("www", "/rss/yandex-news"),
        "robots.txt": ("www", "/robots.txt"),
        "sitemap_index.xml": ("static", "/sitemap/sitemap.xml"),
        "sitemap_month.xml": ("static", month),
        "newsmap.xml": ("static", "/sitemap/newsmap.xml"),
        "news_sitemap_news.xml": ("static", "/sitemap/news.xml"),
    })
    return out


def save_examples(directory: Path, model: SiteModel | None = None,
                  assets: bool = False) -> list[Path]:
    """Write one page of each kind (rendered for the real origins) into ``directory``;
    with ``assets``, the HTML pages link to copies of their static files beside them."""
    model = model or generate_site()
    site = render_site(model)
    directory.mkdir(parents=True, exist_ok=True)
    static = (directory / "static").resolve()
    html_site = render_site(model, REAL_WWW, static.as_uri()) if assets else site
    written = []
    for name, (origin, path) in example_paths(model, site).items():
        target = directory / name
        body = (html_site if name.endswith(".html") else site).get(path, origin).body
        target.write_bytes(body)
        written.append(target)
        if assets and name.endswith(".html"):
            for url in static_urls(body, static.as_uri()):
                file = static / url.split("?", 1)[0].lstrip("/")
                if not file.exists():
                    file.parent.mkdir(parents=True, exist_ok=True)
                    file.write_bytes(html_site.get(url, "static").body)
    return written


def static_urls(body: bytes, static_url: str) -> set[str]:
    """The paths on ``static_url`` a page names: in attributes and in JSON-LD."""
    text = body.decode().replace("\\/", "/")
    return set(re.findall(re.escape(static_url) + r'(/[^"\s<>]*)', text))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--assets", action="store_true",
                    help="also save the static files the pages use, and link the pages to them")
    args = ap.parse_args(argv)
    for path in save_examples(args.directory, generate_site(args.articles, args.seed),
                              assets=args.assets):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
