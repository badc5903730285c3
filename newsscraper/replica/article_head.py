"""The ``<head>`` of an article page (``seo/article.php``): meta tags and JSON-LD, with the
site's quirks (``article:section`` is "news" for every section but the Ukraine war; the
organisation stands in for a missing author)."""

from __future__ import annotations

from newsscraper.replica.links import Links
from newsscraper.replica.markup import description as meta_description
from newsscraper.replica.markup import esc, iso, jenc
from newsscraper.replica.model import SECTIONS, ArticleSpec
from newsscraper.replica.templating import fill
from newsscraper.sites.moscowtimes.site import ORGANISATION


def section_meta(a: ArticleSpec) -> str:
    """The template's buggy section helper: "news" unless the Ukraine war."""
    return "ukraine_war" if a.section == "ukraine_war" else "news"


def author_ld(links: Links, a: ArticleSpec) -> dict:
    if not a.authors or a.authors[0].name == ORGANISATION:
        return {"@type": "Organization", "name": ORGANISATION}
    au = a.authors[0]
    return {"@type": "Person", "name": au.name, "description": None,
            "image": links.img("320", f"00/{au.slug}.jpg"), "url": f"{links.www}/author/{au.slug}"}


def news_article_ld(links: Links, a: ArticleSpec, url: str, description: str, thumb: str,
                    og_image: str) -> dict:
    author = author_ld(links, a)
    ld: dict = {
        "@context": "http://schema.org/", "@type": "NewsArticle",
        "dateCreated": iso(a.created), "datePublished": iso(a.published),
        "dateModified": iso(a.modified), "name": a.title, "headline": a.title,
        "description": description, "keywords": ",".join(t.title for t in a.tags),
        "articleSection": section_meta(a), "isAccessibleForFree": True,
        "mainEntityOfPage": url, "url": url, "thumbnailUrl": thumb,
        "image": {"@type": "ImageObject", "url": og_image, "width": 1200, "height": 630},
        "publisher": {"@type": "Organization", "name": ORGANISATION,
                      "logo": {"@type": "ImageObject", "url": f"{links.static}/img/logo.png",
                               "width": 50, "height": 50}},
        "inLanguage": {"@type": "Language", "name": "English", "alternateName": "English"},
        "author": author,
    }
    if author["@type"] == "Person":
        ld["creator"] = a.authors[0].name
    return ld


def breadcrumbs_ld(links: Links, a: ArticleSpec, url: str) -> dict:
    _path, label, bc_path, _rss = SECTIONS[a.section]
    return {"@context": "http://schema.org/", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": ORGANISATION, "item": links.www + "/"},
        {"@type": "ListItem", "position": 2, "name": label, "item": f"{links.www}/{bc_path}"},
        {"@type": "ListItem", "position": 3, "name": a.title, "item": url},
    ]}


def article_head(links: Links, a: ArticleSpec) -> str:
    """From ``<!DOCTYPE html>`` to ``</head>``."""
    first = ORGANISATION if not a.authors else a.authors[0].name
    description = meta_description(a)
    og_image = links.og_image(a)
    url = links.url(a)
    thumb = links.img("320", a.image.file) if a.image else og_image
    title = esc(a.title)
    # some articles carry the configurable " - The Moscow Times" suffix in <title>
    title_tag = title + (" - The Moscow Times" if a.id % 7 == 0 else "")
    return fill(
        "article_head", www=links.www, static=links.static,
        card="summary_large_image" if a.image else "summary", title_tag=title_tag,
        url=url, keywords=esc(",".join(t.title for t in a.tags)), description=esc(description),
        thumb=thumb, author=esc(first), title=title, og_image=og_image,
        modified=iso(a.modified), published=iso(a.published), section_meta=section_meta(a),
        news_article_ld=jenc(news_article_ld(links, a, url, description, thumb, og_image)),
        breadcrumbs_ld=jenc(breadcrumbs_ld(links, a, url)))
