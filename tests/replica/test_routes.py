"""The server's routes: redirects, the "View more" end condition, live JSON, the HTTP layer."""

from __future__ import annotations

import json
import re
import socket

from parsel import Selector

from newsscraper.replica import generate_site, render_site
from newsscraper.replica.index_pages import LISTING_STEP, TAG_PER_CALL
from tests.replica.conftest import fetch

WWW = "https://www.themoscowtimes.com"


def newest(model, pred=lambda a: True):
    return [a for a in sorted(model.live_articles, key=lambda a: (a.published, a.id), reverse=True)
            if pred(a)]


def card_urls(body: bytes) -> list[str]:
    return Selector(text=body.decode() or "<html/>").css(
        ".article-excerpt-lead__link::attr(href), .article-excerpt-default::attr(data-url)"
    ).getall()


def test_redirects_like_the_real_server(model, site):
    a = model.by_id[85152]
    canonical = WWW + a.path
    for path in (f"/2025/11/02/{a.slug}",                 # slug only, the render date
                 f"/2020/01/01/{a.slug}",                 # slug only, any date
                 "/2021/02/03/wrong-slug-a85152",          # right id, wrong slug and date
                 f"/2024/05/17/{a.slug}-a85152/",          # trailing slash
                 f"/articles/{a.slug}-85152",             # the 2016-2018 site
                 "/news/some-old-title-85152"):
        page = site.get(path)
        if path.endswith("/"):
            assert page.status == 200
            continue
        assert (page.status, page.headers["Location"]) == (301, canonical), path
    assert site.get(a.path + "?utm_source=x").body == site.get(a.path).body
    pdf = site.get(a.path + "/pdf")
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    fragment = site.get("/all/85152")
    assert fragment.status == 200 and b"<head>" not in fragment.body
    assert b'data-article-url="' + canonical.encode() in fragment.body
    for path in ("/2020/01/01/no-such-story", "/2020/01/01/no-such-story-a1234567",
                 "/articles/x-1234567", "/all/1234567", "/no/such/page", "/sitemap.xml"):
        assert site.get(path).status == 404, path


def test_a85152_related_link_resolves_to_its_article(model, site):
    page = Selector(text=site.get(model.by_id[85152].path).body.decode())
    href = page.css("a.related-article__inner::attr(href)").get()
    moved = site.get(href.removeprefix(WWW))
    assert moved.status == 301
    target = Selector(text=site.get(moved.headers["Location"].removeprefix(WWW)).body.decode())
    assert target.css("article.article h1 a::text").get() == (
        "Ukrainian Drone Attacks on Russia Kill 2, Set Oil Refinery Ablaze")
    # every related link of the corpus resolves the same way
    for spec in model.live_articles:
        for b in spec.blocks:
            if b.kind == "article":
                hop = site.get(f"/2025/11/02/{model.by_id[b.related_id].slug}")
                assert hop.headers["Location"] == WWW + model.by_id[b.related_id].path


def test_view_more_fragments_until_empty(model, site):
    for section, pred in (("news", lambda a: a.section == "news"),
                          ("opinion", lambda a: a.section == "opinion"),
                          ("arts-and-life", lambda a: a.section == "city"),
                          ("features", lambda a: a.section == "indepth"),
                          ("in-depth", lambda a: a.section == "indepth")):
        items = [WWW + a.path for a in newest(model, pred)]
        assert card_urls(site.get(f"/{section}").body) == items[:19]
        got, offset = [], 19
        while True:
            body = site.get(f"/{section}/{offset}").body
            if not body:  # the stop condition: an empty body past the end
                break
            urls = card_urls(body)
            assert len(urls) == min(LISTING_STEP, len(items) - offset)
            got += urls
            offset += LISTING_STEP
        assert got == items[19:], section
        assert card_urls(site.get(f"/{section}/0").body) == items[:18]  # any SQL offset works
        assert site.get(f"/{section}/{len(items) + 500}").body == b""


def test_tag_pages_overlap_and_use_the_title():
    model = generate_site(600, seed=11)
    site = render_site(model)
    counts: dict = {}
    for a in model.live_articles:
        for t in a.tags:
            counts[t.title] = counts.get(t.title, 0) + 1
    title = max(counts, key=counts.get)
    slug = next(t.slug for a in model.live_articles for t in a.tags if t.title == title)
    items = [WWW + a.path for a in newest(model, lambda a: title in [t.title for t in a.tags])]
    assert len(items) > 40
    full = site.get(f"/tag/{slug}").body
    assert site.get(f"/tag/{title}").body == full == site.get(f"/tag/{title}/0").body
    assert site.get(f"/tag/{title.replace(' ', '%20')}").body == full
    assert card_urls(full) == items[:TAG_PER_CALL]
    more = Selector(text=full.decode()).css("[y-use=More]")
    start, step = int(more.attrib["data-start"]), int(more.attrib["data-step"])
    assert (start, step) == (TAG_PER_CALL, LISTING_STEP)
    seen, offset, pages = list(card_urls(full)), start, []
    while body := site.get(f"/tag/{title}/{offset}").body:
        urls = card_urls(body)
        assert urls == items[offset:offset + TAG_PER_CALL]  # 20 per call
        pages.append(urls)
        seen += [u for u in urls if u not in seen]
        offset += step
    assert seen == items
    assert len(pages) > 1 and set(pages[0]) & set(pages[1])  # consecutive calls overlap
    assert site.get("/tag/No%20such%20tag").status == 404


def test_media_listings(model, site):
    for path, kind in (("videos", "video"), ("galleries", "gallery"), ("podcasts", "podcast")):
        items = [WWW + a.path for a in newest(model, lambda a, k=kind: a.type == k)]
        full = site.get(f"/{path}").body
        assert card_urls(full) == items[:19]
        assert site.get(f"/{path}/0").body == full  # offset 0: the full page
        assert card_urls(site.get(f"/{path}/1").body) == items[1:1 + TAG_PER_CALL]


def test_live_posts_json(model, site):
    spec = next(a for a in model.live_articles if len(a.live_posts) >= 3)
    posts = json.loads(site.get(f"/live/{spec.id}/0").body)
    assert [p["id"] for p in posts] == [p.post_id for p in spec.live_posts]
    assert [p["time"] for p in posts] == sorted(p["time"] for p in posts)
    assert all(p["body"][0]["type"] == "html" for p in posts)
    since = int(spec.live_posts[1].time.timestamp())
    later = json.loads(site.get(f"/live/{spec.id}/{since}").body)
    assert [p["id"] for p in later] == [p.post_id for p in spec.live_posts[2:]]
    assert json.loads(site.get(f"/live/{spec.id}/9999999999").body) == []
    assert site.get("/live/1/0").status == 404
    assert b"\\/" in site.get(f"/live/{spec.id}/0").body  # json_encode escapes slashes


def test_robots_and_static_origin(site):
    robots = site.get("/robots.txt").body.decode()
    assert robots.splitlines()[:5] == ["User-agent: *", "Disallow: /preview/",
                                       "Disallow: /search/", "Disallow: *?utm", "Disallow: *&utm"]
    assert "User-agent: Yandex" in robots and "Disallow: */amp$" in robots
    assert robots.rstrip().endswith("Sitemap: https://static.themoscowtimes.com/sitemap/sitemap.xml")
    assert site.get("/sitemap/sitemap.xml").status == 404  # not on www
    assert site.get("/sitemap/sitemap.xml", "static").status == 200
    assert site.get("/image/article_1360/ab/x.jpg", "static").status == 200
    assert site.get("/news", "static").status == 404


def test_server_speaks_http_with_keep_alive(replica):
    a = replica.model.by_id[85152]
    status, headers, body = fetch(replica.base_url + "/2020/01/01/" + a.slug)
    assert status == 301 and headers["Location"] == replica.base_url + a.path
    status, headers, body = fetch(replica.base_url + a.path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=UTF-8"
    assert int(headers["Content-Length"]) == len(body)
    assert f'<base href="{replica.base_url}/" />'.encode() in body
    assert f'href="{replica.static_url}/css/main.css'.encode() in body
    status, headers, body = fetch(replica.base_url + a.path, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    status, _, body = fetch(replica.static_url + "/sitemap/sitemap.xml")
    assert status == 200 and replica.static_url.encode() + b"/sitemap/" in body
    assert fetch(replica.base_url + "/robots.txt")[2].endswith(
        f"Sitemap: {replica.static_url}/sitemap/sitemap.xml\n".encode())
    # three requests on one connection, the last one asking to close
    with socket.create_connection(("127.0.0.1", replica.port), timeout=5) as sock:
        for close in (False, False, True):
            extra = "Connection: close\r\n" if close else ""
            sock.sendall(f"GET /news HTTP/1.1\r\nHost: x\r\n{extra}\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 3


def test_pages_link_only_to_their_own_origins(model):
    """Rendered for a local replica, no link leads back to the real site."""
    site = render_site(model, "http://127.0.0.1:1", "http://127.0.0.1:2")
    for path, page in [*site.pages.items(), *site.static_pages.items()]:
        for url in re.findall(rb'(?:href|src)="([^"]+)"|<loc>([^<]+)<|<link>([^<]+)<', page.body):
            url = b"".join(url)
            assert b"themoscowtimes.com" not in url, (path, url)
    article = site.get(model.by_id[85152].path).body
    assert b'<base href="http://127.0.0.1:1/" />' in article
    assert b'"url":"http:\\/\\/127.0.0.1:1\\/2024\\/05\\/17\\/putin-says' in article
