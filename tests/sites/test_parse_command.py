"""``newsscraper parse FILE [--url URL]`` on saved pages of every kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsscraper.cli import main
from newsscraper.replica import generate_site, render_site

DATA = Path(__file__).resolve().parents[1] / "data"
WWW = "https://www.themoscowtimes.com"


@pytest.fixture(scope="module")
def model():
    return generate_site(120, seed=4)


@pytest.fixture(scope="module")
def site(model):
    return render_site(model)


def run(capsys, path: Path, *extra: str) -> tuple[int, object, str]:
    code = main(["parse", str(path), *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def newest(model):
    return sorted(model.live_articles, key=lambda a: a.published, reverse=True)


def test_article_prints_its_json(capsys):
    code, out, _ = run(capsys, DATA / "article_a85152_golden.html")
    assert code == 0
    assert out["article_id"] == 85152 and out["site"] == "moscowtimes"
    assert out["published_at"] == "2024-05-17T14:40:00Z"
    assert out["published_at_raw"] == "2024-05-17T17:40:00+03:00"
    assert out["related"][0]["url"] == (f"{WWW}/2025/11/02/"
                                        "ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze")
    assert "Mocow's" in out["body"]


def test_live_blog_page_and_its_posts(capsys, tmp_path, model, site):
    spec = next(a for a in model.live_articles if a.type == "live")
    page, posts = tmp_path / "live.html", tmp_path / "posts.json"
    page.write_bytes(site.get(spec.path).body)
    posts.write_bytes(site.get(f"/live/{spec.id}/0").body)
    code, out, _ = run(capsys, page, "--url", WWW + spec.path)
    assert code == 0 and out["type"] == "live" and out["article_id"] == spec.id
    code, out, _ = run(capsys, posts)
    assert code == 0 and [p["post_id"] for p in out] == sorted(
        (p.post_id for p in spec.live_posts),
        key=lambda i: next(p.time for p in spec.live_posts if p.post_id == i))


def test_listing_and_fragment_print_article_urls(capsys, tmp_path, model, site):
    news = [WWW + a.path for a in newest(model) if a.section == "news"]
    (tmp_path / "news.html").write_bytes(site.get("/news").body)
    (tmp_path / "more.html").write_bytes(site.get("/news/19").body)
    assert run(capsys, tmp_path / "news.html", "--url", WWW + "/news")[1] == news[:19]
    assert run(capsys, tmp_path / "more.html", "--url", WWW + "/news/19")[1] == news[19:37]


def test_feeds_print_article_urls(capsys, tmp_path, model, site):
    expected = [WWW + a.path for a in newest(model) if a.type not in ("podcast", "live")][:50]
    for feed in ("all", "yandex-news"):  # the Yandex feed is windows-1251
        path = tmp_path / f"{feed}.xml"
        path.write_bytes(site.get(f"/rss/{feed}").body)
        code, out, _ = run(capsys, path)
        assert code == 0 and out == expected, feed


def test_sitemaps_and_robots(capsys, tmp_path, model, site):
    index = tmp_path / "sitemap.xml"
    index.write_bytes(site.static_pages["/sitemap/sitemap.xml"].body)
    months = [loc.rsplit("/", 1)[1] for loc in run(capsys, index)[1]]
    parsed = [tuple(int(x) for x in m.removesuffix(".xml").split("-")) for m in months]
    assert parsed == sorted(parsed, reverse=True) and len(parsed) >= 2
    news = tmp_path / "news.xml"
    news.write_bytes(site.static_pages["/sitemap/news.xml"].body)
    ids = {int(u.rsplit("-a", 1)[1]) for u in run(capsys, news)[1]}
    assert ids and all(model.by_id[i].section == "news" for i in ids)
    robots = tmp_path / "robots.txt"
    robots.write_bytes(site.get("/robots.txt").body)
    assert run(capsys, robots)[1] == [site.static_url + "/sitemap/sitemap.xml"]


def test_not_an_article_and_missing_file(capsys, tmp_path, model, site):
    spec = model.live_articles[0]
    path = tmp_path / "page.html"
    path.write_bytes(site.get(spec.path).body.replace(b'<article class="article ', b"<div x=\""))
    code, out, err = run(capsys, path, "--url", WWW + spec.path)
    assert code == 1 and out is None and "not" in err.lower()
    code, out, err = run(capsys, tmp_path / "missing.html")
    assert code == 2 and out is None and err


def test_redesigned_article_page_is_read_as_an_article_by_its_url(capsys, tmp_path):
    path = tmp_path / "redesigned.html"
    path.write_text("<html><head><title>New look</title></head><body><main><h1>Story</h1>"
                    "<p>Text</p></main></body></html>")
    code, out, err = run(capsys, path, "--url", WWW + "/2024/05/17/story-a85152")
    assert code == 1 and out is None and "article" in err.lower()
    code, out, _ = run(capsys, path, "--url", WWW + "/news")
    assert code == 0 and out == []


@pytest.mark.parametrize(("name", "body"), [
    ("empty", b""),
    ("blank", b" \n\t\n"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00"),
    ("plain_text", b"just some words, no markup at all\n"),
])
def test_empty_or_binary_file_without_url_is_no_page_the_parsers_know(capsys, tmp_path,
                                                                       name, body):
    path = tmp_path / f"{name}.bin"
    path.write_bytes(body)
    code, out, err = run(capsys, path)
    assert code == 2 and out is None
    assert err.count("\n") == 1 and ("parsers know" in err or "empty file" in err)
    assert str(path) in err and "Traceback" not in err
