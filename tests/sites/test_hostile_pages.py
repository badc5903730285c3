"""Hostile pages of issue 15: each test is named after the case it covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsscraper.sites.moscowtimes import ParseError, parse_article
from newsscraper.sites.moscowtimes.article import MAX_PAGE_CHARS

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "https://www.themoscowtimes.com/2024/05/17/putin-says-no-plans-to-take-kharkiv-a85152"


@pytest.fixture(scope="module")
def golden_html() -> str:
    return (DATA / "article_a85152_golden.html").read_text(encoding="utf-8")


def after_first_paragraph(html: str, insert: str) -> str:
    cut = html.index("</p>") + len("</p>")
    return html[:cut] + insert + html[cut:]


def test_p_with_300_nested_spans_is_read_whole(golden_html):
    # libxml2 stops at depth 256 by default: everything after the deep <p> was dropped
    deep = "<p>" + "<span>" * 300 + "Deep text." + "</span>" * 300 + "</p>"
    good = parse_article(golden_html, URL)
    article = parse_article(after_first_paragraph(golden_html, deep), URL)
    paragraphs = good.body.split("\n\n")
    assert article.body.split("\n\n") == [paragraphs[0], "Deep text.", *paragraphs[1:]]
    assert article.tags == good.tags == ["Vladimir Putin", "Kharkiv", "War in Ukraine"]
    assert [(r.url, r.title, r.position) for r in article.related] == [
        (r.url, r.title, r.position + 1) for r in good.related]  # one paragraph more before
    assert article.read_more == good.read_more and len(article.read_more) == 4
    assert not article.partial and article.parse_errors == []


def test_page_over_the_size_bound_is_refused_not_parsed(golden_html):
    padding = "<!-- " + "x" * (MAX_PAGE_CHARS + 1) + " -->"
    for page in (golden_html + padding, (golden_html + padding).encode()):
        with pytest.raises(ParseError, match="too large"):
            parse_article(page, URL)


def test_visible_amp_entity_text_stays_amp_through_parse_and_clean(golden_html):
    from newsscraper.pipelines.clean import CleanPipeline

    shown = "<p>Write &amp;amp; in HTML for &amp;.</p>"  # a reader sees "Write &amp; in..."
    article = parse_article(after_first_paragraph(golden_html, shown), URL)
    CleanPipeline().process_item(article)
    assert article.body.split("\n\n")[1] == "Write &amp; in HTML for &."


def test_control_characters_in_a_page_are_removed_not_spaced(golden_html):
    page = after_first_paragraph(golden_html, "<p>bell\x07inside unit\x1fsep a\x85b</p>")
    assert parse_article(page, URL).body.split("\n\n")[1] == "bellinside unitsep ab"


def test_live_posts_keep_images_and_link_blocks():
    from newsscraper.items import Image, LinkBlock
    from newsscraper.sites.moscowtimes import parse_live_posts

    posts = parse_live_posts((DATA / "live_posts_GET_live_85120_0.json").read_bytes())
    assert posts[1].images == [Image(
        url="https://static.themoscowtimes.com/image/article_960/aa/live.jpg",
        caption="Caption", credits="Credits")]
    assert posts[1].links == [LinkBlock(url="https://example.org", title="External",
                                        description="desc")]
    assert posts[0].images == [] and posts[0].links == []


def test_live_post_relative_image_resolves_against_the_json_url():
    from newsscraper.sites.moscowtimes import parse_live_posts

    body = (b'[{"id": 1, "time": "2024-05-17T09:05:00+03:00", "body": ['
            b'{"type": "image", "image": {"src": "/image/1360/ab/x.jpg", "caption": " ",'
            b' "credits": null}}, {"type": "image", "image": {"caption": "no src"}}]}]')
    post, = parse_live_posts(body, "https://www.themoscowtimes.com/live/7/0")
    assert [(i.url, i.caption, i.credits) for i in post.images] == [
        ("https://www.themoscowtimes.com/image/1360/ab/x.jpg", None, None)]


def test_nesting_past_the_parsers_depth_limit_is_flagged_not_silently_cut(golden_html):
    deep = "<p>" + "<span>" * 5000 + "Deep text." + "</span>" * 5000 + "</p>"
    article = parse_article(after_first_paragraph(golden_html, deep), URL)
    # libxml2 stops even with huge_tree (2048 levels): what follows is lost, and said so
    assert article.partial and "missing_tags" in article.parse_errors
