"""The ``redesign`` fault profile: a share of article pages in a layout no parser knows."""

from __future__ import annotations

import pytest

from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import parse_article
from newsscraper.sites.moscowtimes.article import ParseError
from tests.replica.conftest import fetch


def article_paths(site) -> list[str]:
    return [p for p in site.pages if p.count("/") == 4 and "-a" in p.rsplit("/", 1)[1]]


def read_completely(body: bytes, url: str) -> bool:
    """Whether the current parsers read ``body`` as a complete article."""
    try:
        art = parse_article(body, url)
    except ParseError:
        return False
    return bool(not art.partial and art.title and art.body)


def test_a_third_or_more_of_article_pages_change_layout_and_the_parsers_fail_on_them(model):
    clean = render_site(model)
    site = render_site(model, faults="redesign")
    paths = article_paths(clean)
    changed = [p for p in paths if site.get(p).body != clean.get(p).body]
    assert len(changed) / len(paths) >= 1 / 3
    for path in changed:
        new, old = site.get(path).body, clean.get(path).body
        assert b"application/ld+json" in old and b"application/ld+json" not in new, path
        assert b"article__content" in old and b"article__content" not in new, path
        assert b"story__" in new and b"</html>" in new[-50:], path
        assert read_completely(old, clean.base_url + path), path
        assert not read_completely(new, site.base_url + path), path
    # listings, feeds and sitemaps are untouched
    for path in ("/news", "/rss/news", "/"):
        assert site.get(path).body == clean.get(path).body


def test_the_byline_moves_below_the_content(model):
    site = render_site(model, faults="redesign")
    path = next(p for p in sorted(site.faults.redesigned)
                if model.by_id[int(p.rsplit("-a", 1)[1])].type == "default"
                and model.by_id[int(p.rsplit("-a", 1)[1])].authors)
    old, new = render_site(model).get(path).body, site.get(path).body
    assert old.index(b"article__byline") < old.index(b"article__content")
    assert new.index(b"story__content") < new.index(b"story__byline")
    assert b"credit__author__name" in new and b"byline__author__name" not in new


def test_redesigned_pages_are_chosen_from_the_seed():
    def chosen(seed: int) -> set[str]:
        return render_site(generate_site(60, seed), faults="redesign").faults.redesigned

    assert chosen(4) == chosen(4)
    a, b = chosen(4), chosen(5)
    assert a != b and len(a) >= 62 / 3 and len(b) >= 62 / 3


@pytest.mark.parametrize("profile", ["flaky", "hostile", "all"])
def test_other_profiles_keep_every_layout(model, profile):
    clean = render_site(model)
    site = render_site(model, faults=profile)
    assert not site.faults.redesigned
    path = article_paths(clean)[0]
    for _ in range(3):  # past any transient 5xx of the flaky profile
        page = site.get(path)
    assert page.body == clean.get(path).body


def test_redesign_over_http(replica_server):
    srv = replica_server(articles=40, seed=2, faults="redesign")
    path = sorted(srv.site.faults.redesigned)[0]
    status, _headers, body = fetch(srv.base_url + path)
    assert status == 200 and b"story__content" in body
    assert not read_completely(body, srv.base_url + path)
