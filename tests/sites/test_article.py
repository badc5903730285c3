"""Article extraction: the golden article, the whole replica corpus, hostile pages."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsscraper.items import to_jsonable
from newsscraper.replica import generate_site, render_site, truth_records
from newsscraper.sites.moscowtimes import (
    NotAnArticle,
    ParseError,
    live_posts_url,
    parse_article,
    parse_live_posts,
)

DATA = Path(__file__).resolve().parents[1] / "data"
A85152 = ("https://www.themoscowtimes.com/2024/05/17/"
          "putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-offensive-a85152")
RELATED = ("https://www.themoscowtimes.com/2025/11/02/"
           "ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze")


def golden_body() -> str:
    """The golden text without the "Related article:" line and the URL lines."""
    text = (DATA / "golden_a85152.txt").read_text(encoding="utf-8").split("Original url:")[0]
    text = "\n".join(line for line in text.splitlines()
                     if not line.startswith("Related article:"))
    return " ".join(text.split())


def test_golden_a85152_body_and_related():
    article = parse_article((DATA / "article_a85152_golden.html").read_bytes(), A85152)
    assert " ".join(article.body.split()) == golden_body()
    assert "Mocow's biggest battlefield advance" in article.body
    assert [(r.url, r.title) for r in article.related] == [
        (RELATED, "Ukrainian Drone Attacks on Russia Kill 2, Set Oil Refinery Ablaze")]
    # "Related article:" stands after the fourth paragraph in the reader's copy
    assert article.related[0].position == 4
    assert article.body.split("\n\n")[3].endswith("security zone,\" he said.")


def test_sample_page_traps():
    """The hand-made page in the site's real markup: every documented trap at once."""
    a = parse_article((DATA / "article_a85152_rendered.html").read_bytes(), A85152)
    assert a.article_id == 85152 and a.url == A85152
    assert a.title == "Putin Says 'No Plans' to Take Kharkiv, Blames Ukraine for New Offensive"
    assert a.section == "News"  # from the breadcrumb, not the buggy article:section meta
    # the byline says "Updated:" with the modified time; the meta keeps publication
    assert a.published_at_raw == "2024-05-17T17:40:00+03:00"
    assert to_jsonable(a.published_at) == "2024-05-17T14:40:00Z"
    assert a.modified_at_raw == "2024-05-17T18:02:11+03:00"
    assert a.subtitle is None and a.lead is None
    assert a.authors == ["The Moscow Times"]
    assert a.tags == ["Vladimir Putin", "Kharkiv", "War in Ukraine"]
    assert a.image is not None
    assert a.image.caption == "Vladimir Putin holds a press conference in Harbin."
    assert a.image.credits == "Mikhail Metzel / AFP"
    assert a.read_more == ["https://www.themoscowtimes.com/2024/05/16/related-one-a85140"]
    for leak in ("favor to ask", "Russia Claims Capture", "Inline photo caption", "ad", "Just In"):
        assert not re.search(rf"\b{re.escape(leak)}\b", a.body), leak
    assert a.body.split("\n\n")[-2:] == ["Editors' Note", "Placeholder paragraph five."]
    assert "invalid_json_ld" not in a.parse_errors and not a.partial


def test_live_posts_sample():
    posts = parse_live_posts((DATA / "live_posts_GET_live_85120_0.json").read_bytes())
    assert [p.post_id for p in posts] == [9001, 9002]
    assert posts[0].body == "First live post (placeholder)."
    assert posts[0].related[0].title == "Related Story"
    assert posts[1].body == ""  # image, embed and link blocks are not text


@pytest.mark.parametrize(("articles", "seed", "epoch"), [
    (None, None, 1),  # the default replica, as generate_site() builds it
    (None, None, 2),
    (300, 11, 1),
    (300, 11, 2),
    (1500, 7, 1),
])
def test_whole_replica_corpus_matches_truth(articles, seed, epoch):
    """Every article of the generated site, every field, with the live posts' JSON."""
    kwargs = {"articles": articles, "seed": seed} if articles else {}
    model = generate_site(**kwargs, epoch=epoch)
    site = render_site(model)
    truth = {t["article_id"]: t for t in truth_records(model)}
    kinds = set()
    for spec in model.live_articles:
        page = site.get(spec.path)
        article = parse_article(page.body, site.base_url + spec.path)
        if spec.type == "live":
            url = live_posts_url(page.body, site.base_url + spec.path)
            assert url == f"{site.base_url}/live/{spec.id}/0"
            article.live_posts = parse_live_posts(site.get(f"/live/{spec.id}/0").body)
        got = to_jsonable(article)
        want = truth.pop(spec.id)
        assert set(want) == set(got)  # every field of the item is compared
        assert got == want, spec.id
        kinds.add(got["type"])
    assert not truth
    assert kinds == {"default", "opinion", "live", "gallery", "video", "podcast"}


@pytest.fixture(scope="module")
def page() -> bytes:
    return (DATA / "article_a85152_golden.html").read_bytes()


def test_empty_page_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_article(b"", A85152)
    with pytest.raises(ParseError):
        parse_article(b"   \n", A85152)


def test_non_article_pages_are_refused(page):
    site = render_site(generate_site(20, 1))
    for path in ("/news", "/all/85152", "/author/the-moscow-times"):
        with pytest.raises(NotAnArticle):
            parse_article(site.get(path).body, A85152)
    with pytest.raises(NotAnArticle):
        parse_article(b"\x00\xff garbage", A85152)


def test_page_without_json_ld_is_marked(page):
    stripped = re.sub(rb'<script type="application/ld\+json".*?</script>', b"", page, flags=re.S)
    a = parse_article(stripped, A85152)
    assert "no_json_ld" in a.parse_errors
    assert a.section == "News" or a.section is None
    assert a.body and a.published_at is not None


def test_broken_json_ld_is_marked(page):
    broken = page.replace(b'"@type":"NewsArticle"', b'"@type":"NewsArticle",,', 1)
    a = parse_article(broken, A85152)
    assert "invalid_json_ld" in a.parse_errors


def test_missing_h1_falls_back_then_is_partial(page):
    no_h1 = re.sub(rb"<h1>.*?</h1>", b"", page, flags=re.S)
    assert parse_article(no_h1, A85152).title.startswith("Putin Says")  # og:title
    bare = re.sub(rb'<meta property="og:title"[^>]*>', b"", no_h1)
    bare = re.sub(rb'<script type="application/ld\+json".*?</script>', b"", bare, flags=re.S)
    a = parse_article(bare, A85152)
    assert a.partial and "no_title" in a.parse_errors


def test_huge_page(page):
    huge = page.replace(b"<body", b"<!--" + b"x" * 5_000_000 + b"--><body", 1)
    assert parse_article(huge, A85152).body == parse_article(page, A85152).body


def test_wrong_declared_encoding_is_flagged(page):
    cyrillic = page.replace(b"Mikhail Metzel / AFP", "Михаил Метцель / AFP".encode())
    lying = cyrillic.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1251">')
    a = parse_article(lying, A85152)
    assert a.image is not None and a.image.credits == "Михаил Метцель / AFP"
    assert a.partial and "bad_encoding" in a.parse_errors


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=30_000),
       span=st.integers(min_value=0, max_value=4000))
def test_mangled_pages_never_raise_anything_else(page, cut, span):
    mangled = page[:cut] + page[cut + span:]
    with contextlib.suppress(ParseError):
        parse_article(mangled, A85152)
