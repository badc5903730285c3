"""The replica: faithful markup, redirects, pagination end, truth, epochs, faults."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.request

import pytest
from parsel import Selector

from newsscraper.replica import ReplicaServer, generate_site, render_site, truth_records


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def fetch(url: str, follow: bool = True):
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read(), r.url
    except urllib.error.HTTPError as e:
        with e:  # an HTTPError holds the response's socket until closed
            return e.code, dict(e.headers), e.read(), url


def test_every_page_type_has_the_documented_markup(replica_model):
    site = render_site(replica_model)
    seen = set()
    for spec in replica_model.live_articles:
        sel = Selector(text=site.get(spec.path).body.decode())
        art = sel.css("article.article")
        assert art, spec.id
        assert sel.css('link[rel="canonical"]::attr(href)').get() == site.base_url + spec.path
        assert sel.css('meta[property="article:published_time"]')
        assert sel.css('meta[property="article:section"]::attr(content)').get() in ("news", "ukraine_war")
        assert len(sel.css('script[type="application/ld+json"]')) == 4
        if spec.type == "live":
            assert sel.css("div.live-posts[data-url]") and not sel.css("div.gtm-type")
            assert not sel.css("time.byline__datetime")  # the byline is in a comment
        elif spec.type == "gallery":
            assert len(art.css(".article__content")) == 2 and sel.css(".article__gallery__item")
        else:
            assert art.css("header.article__header h1 > a") and sel.css("div.contribute-banner")
            assert sel.css(f'div.gtm-type[data-type="{spec.type}"]')
            if spec.type == "video":
                assert sel.css("figure.videoheader") and not art.css("figure.article__featured-image")
        if len(spec.blocks) > 1 and spec.type != "gallery":
            second = art.css(".article__content > .article__block")[1]
            assert second.css('section[y-name="banner"]')
        if spec.is_opinion:
            assert art.css(".byline--opinion") and art.css(".article__disclaimer")
        if spec.modified - spec.published > __import__("datetime").timedelta(minutes=10) \
                and spec.type not in ("live", "gallery"):
            assert "Updated:" in "".join(art.css(".byline__details__column ::text").getall())
        seen.add(spec.type)
        seen.update(b.kind for b in spec.blocks)
    assert {"default", "live", "gallery", "video", "podcast", "html", "header", "quote", "image",
            "images", "embed", "link", "newsletter", "aside", "article"} <= seen


def test_redirects_as_the_real_server(replica):
    a = replica.model.by_id[85152]
    target = replica.base_url + a.path
    for path in ("/2020/01/01/" + a.slug,                     # slug-only, any date
                 "/2021/02/03/wrong-slug-a85152",             # right id, wrong slug and date
                 "/articles/" + a.slug + "-85152"):           # the 2016-2018 site
        status, headers, _, _ = fetch(replica.base_url + path, follow=False)
        assert status == 301 and headers["Location"] == target, path
    status, headers, body, _ = fetch(target + "/pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    status, _, body, _ = fetch(replica.base_url + "/all/85152")
    assert status == 200 and b"<head" not in body and b"data-article-url" in body
    assert fetch(replica.base_url + "/2020/01/01/no-such-story", follow=False)[0] == 404


def test_view_more_end_and_feeds(replica):
    status, _, body, _ = fetch(replica.base_url + "/news/100000")
    assert status == 200 and body == b""
    status, headers, body, _ = fetch(replica.base_url + "/rss/news")
    assert status == 200 and body.count(b"<item>") == min(50, sum(
        1 for a in replica.model.live_articles if a.section == "news"))
    assert b"\t\t\t\t\t\t" in body and b"+0300</pubDate>" in body
    status, _, body, _ = fetch(replica.static_url + "/sitemap/sitemap.xml")
    assert status == 200 and b"<sitemapindex" in body


def test_truth_covers_every_live_article(replica_model):
    records = truth_records(replica_model)
    assert sorted(r["article_id"] for r in records) == sorted(a.id for a in replica_model.live_articles)
    assert all(r["body"] and r["title"] and r["published_at"].endswith("Z") for r in records)


def test_deterministic():
    a, b = generate_site(60, 9), generate_site(60, 9)
    ra, rb = render_site(a), render_site(b)
    assert ra.pages.keys() == rb.pages.keys()
    assert all(ra.pages[k].body == rb.pages[k].body for k in ra.pages)
    assert render_site(generate_site(60, 10)).get("/news").body != ra.get("/news").body


def test_epoch2_edits_adds_and_removes():
    one, two = generate_site(200, 4, 1), generate_site(200, 4, 2)
    ch = two.changes
    assert ch["new"] and ch["edited"] and ch["removed"]
    assert set(ch["new"]).isdisjoint(one.by_id)
    t1 = {t["article_id"]: t for t in truth_records(one)}
    t2 = {t["article_id"]: t for t in truth_records(two)}
    for aid in ch["edited"]:
        assert t1[aid]["modified_at"] != t2[aid]["modified_at"]
        assert (t1[aid]["title"], t1[aid]["body"]) != (t2[aid]["title"], t2[aid]["body"])
    assert set(ch["removed"]).isdisjoint(t2)
    site = render_site(two)
    statuses = {site.get(two.by_id[i].path).status for i in ch["removed"]}
    assert statuses == {404, 410}


def test_flaky_profile_fails_then_recovers():
    with ReplicaServer(generate_site(40, 2), faults="flaky") as srv:
        failing = next(p for p in srv.site.pages if srv.faults.action("www", p) is not None
                       and srv.faults.attempts.pop(p, None) is not None)
        first = fetch(srv.base_url + failing)
        assert first[0] == 503 and first[1]["Retry-After"] == "1"
        assert fetch(srv.base_url + failing)[0] == 500
        assert fetch(srv.base_url + failing)[0] == 200


def test_hostile_profile_traps():
    with ReplicaServer(generate_site(40, 2), faults="hostile") as srv:
        base = srv.base_url + "/2025/11/01/"
        assert b"stalled-story-a1" in fetch(srv.base_url + "/news")[2]
        status, headers, _, _ = fetch(base + "offsite-story-a7", follow=False)
        assert status == 301 and headers["Location"].startswith("http://localhost:")
        assert fetch(base + "loop-story-a5", follow=False)[1]["Location"].endswith("loop-story-b-a6")
        assert len(fetch(base + "huge-story-a4")[2]) > 5_000_000
        assert b"<head>" not in fetch(base + "malformed-story-a3")[2]
        assert b"article-excerpt-default" in fetch(base + "not-an-article-a8")[2]
        with pytest.raises(http.client.IncompleteRead):
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
            conn.request("GET", "/2025/11/01/truncated-story-a2")
            conn.getresponse().read()
        conn.close()
        t = time.monotonic()
        with pytest.raises((TimeoutError, socket.timeout)):
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=1)
            c.request("GET", "/2025/11/01/stalled-story-a1")
            c.getresponse()
        c.close()
        assert time.monotonic() - t < 5
