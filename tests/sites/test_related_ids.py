"""Related graph by id (issue 14.4, parser half): each related entry keeps the URL as
rendered and adds the target's article_id and canonical URL when the URL carries them."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsscraper.sites.moscowtimes import parse_article, parse_live_posts
from newsscraper.sites.moscowtimes.urls import canonical_article_url

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "https://www.themoscowtimes.com/2024/05/17/x-a85152"
SLUG_ONLY = ("https://www.themoscowtimes.com/2025/11/02/"
             "ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze")


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.themoscowtimes.com/2024/05/16/story-a85101",
     "https://www.themoscowtimes.com/2024/05/16/story-a85101"),
    ("https://www.themoscowtimes.com/2024/05/16/story-a85101/?utm_source=x#top",
     "https://www.themoscowtimes.com/2024/05/16/story-a85101"),
    ("http://127.0.0.1:8080/2024/05/16/story-a85101", "http://127.0.0.1:8080/2024/05/16/story-a85101"),
    (SLUG_ONLY, None),  # slug-only: only the server's redirect knows the target
    ("https://www.themoscowtimes.com/articles/old-story-56901", None),  # legacy
    ("/2024/05/16/story-a85101", None),  # not absolute
])
def test_canonical_article_url(url, canonical):
    assert canonical_article_url(url) == canonical


def test_slug_only_related_link_keeps_rendered_url_without_a_guessed_id():
    link, = parse_article((DATA / "article_a85152_golden.html").read_bytes(), URL).related
    assert link.url == SLUG_ONLY and link.position == 4
    assert link.article_id is None and link.canonical_url is None


def test_related_link_with_an_id_adds_article_id_and_canonical_url():
    html = (DATA / "article_a85152_golden.html").read_text()
    rendered = "https://www.themoscowtimes.com/2025/11/02/some-story-a90001/?utm_source=tg"
    link, = parse_article(html.replace(SLUG_ONLY, rendered), URL).related
    assert link.url == rendered  # as rendered
    assert link.article_id == 90001
    assert link.canonical_url == "https://www.themoscowtimes.com/2025/11/02/some-story-a90001"


def test_live_post_related_link_adds_article_id():
    posts = parse_live_posts((DATA / "live_posts_GET_live_85120_0.json").read_bytes())
    link, = posts[0].related
    assert (link.url, link.article_id, link.canonical_url) == (
        "https://www.themoscowtimes.com/2024/05/16/related-story-a85101", 85101,
        "https://www.themoscowtimes.com/2024/05/16/related-story-a85101")
