"""Markup drift (issue 15.7): a page whose layout blocks are renamed, moved or gone is
read exactly, or says which block it misses (``partial`` and ``parse_errors``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from newsscraper.items import to_jsonable
from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import parse_article

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN_URL = "https://www.themoscowtimes.com/2024/05/17/x-a85152"
JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>.*?</script>', re.S)
META_DATES = re.compile(r'<meta property="article:(?:published|modified)_time"[^>]*>')


def wrap_children(html: str, css_class: str) -> str:
    """Every ``div.{css_class}``'s children moved into one wrapper div."""
    root = lxml.html.fromstring(html)
    for el in root.find_class(css_class):
        wrapper = lxml.html.Element("div", {"class": "wrapper"})
        wrapper.text, el.text = el.text, None
        wrapper.extend(list(el))
        el.append(wrapper)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


# mutation -> the parse error that names the block, when the field cannot be recovered
DRIFTS: dict[str, tuple[Callable[[str], str], str | None]] = {
    "tags_box_renamed": (lambda h: h.replace("article__tags", "article__labels"), "missing_tags"),
    "tag_links_renamed": (lambda h: h.replace('class="tag ', 'class="taglink ')
                          .replace("article__tags__tag", "t"), "missing_tags"),
    "author_names_renamed": (lambda h: h.replace("byline__author__name", "byline__writer"),
                             "missing_authors"),
    "byline_renamed": (lambda h: h.replace("byline", "credit"), None),
    "content_renamed": (lambda h: h.replace("article__content", "article__text"),
                        "missing_content"),
    "blocks_renamed": (lambda h: h.replace("article__block", "article__piece"),
                       "missing_body_blocks"),
    "header_renamed": (lambda h: h.replace("article__header", "article__top"),
                       "missing_header"),
    "json_ld_removed": (lambda h: JSON_LD.sub("", h), None),
    "meta_dates_removed": (lambda h: META_DATES.sub("", h), None),
    "json_ld_and_meta_dates_removed": (lambda h: META_DATES.sub("", JSON_LD.sub("", h)),
                                       "no_published_meta"),
    "content_wrapper_added": (lambda h: wrap_children(h, "article__content"), None),
    "article_wrapper_added": (lambda h: h.replace('<article class="article',
                                                  '<div class="w"><article class="article')
                              .replace("</article>", "</article></div>"), None),
}


def sample_pages() -> dict[str, tuple[str, str]]:
    """The golden page and one replica page of each layout."""
    model = generate_site(60, seed=5)
    site = render_site(model)
    pages = {"golden": ((DATA / "article_a85152_golden.html").read_text(), GOLDEN_URL)}
    for spec in model.live_articles:
        kind = "opinion" if spec.is_opinion else spec.type
        pages.setdefault(kind, (site.get(spec.path).body.decode(), site.base_url + spec.path))
    assert set(pages) == {"golden", "default", "opinion", "live", "gallery", "video", "podcast"}
    return pages


PAGES = sample_pages()


@pytest.mark.parametrize("drift", DRIFTS)
@pytest.mark.parametrize("page", PAGES)
def test_drifted_page_is_exact_or_flagged(page, drift):
    html, url = PAGES[page]
    mutate, named = DRIFTS[drift]
    drifted = mutate(html)
    if drifted == html:
        pytest.skip(f"the {page} page has no such block")
    good = to_jsonable(parse_article(html, url))
    article = parse_article(drifted, url)
    got = to_jsonable(article)
    changed = [f for f in good if f not in ("partial", "parse_errors") and got[f] != good[f]]
    assert not good["partial"]
    if changed:
        assert article.partial, f"{changed} changed silently"
        if named:
            assert named in article.parse_errors


def test_renamed_tags_class_is_flagged_not_an_empty_tags_list():
    html, url = PAGES["golden"]
    article = parse_article(html.replace("article__tags", "article__labels"), url)
    assert article.tags == [] and article.partial and "missing_tags" in article.parse_errors


def test_renamed_author_class_is_flagged_not_the_first_author_only():
    html, url = PAGES["opinion"]
    good = parse_article(html, url)
    article = parse_article(html.replace("byline__author__name", "byline__writer"), url)
    assert good.authors and article.authors != good.authors
    assert article.partial and "missing_authors" in article.parse_errors


def test_wrapper_inside_the_content_container_keeps_the_body_exact():
    for page in ("golden", "default", "gallery"):
        html, url = PAGES[page]
        good = parse_article(html, url)
        article = parse_article(wrap_children(html, "article__content"), url)
        assert (article.body, article.related) == (good.body, good.related) and good.body
        assert not article.partial


def test_every_replica_page_as_served_has_no_missing_block():
    model = generate_site(120, seed=7)
    site = render_site(model)
    for spec in model.live_articles:
        article = parse_article(site.get(spec.path).body, site.base_url + spec.path)
        assert not [e for e in article.parse_errors if e.startswith("missing_")], spec.path
