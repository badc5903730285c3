"""Epoch 2: the same site a week later, with exactly the changes ``model.changes`` lists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from newsscraper.replica import generate_site, render_site, truth_records

WWW = "https://www.themoscowtimes.com"


@pytest.fixture(scope="module")
def epochs():
    return generate_site(300, seed=4, epoch=1), generate_site(300, seed=4, epoch=2)


def test_changes_are_listed_and_consistent(epochs):
    one, two = epochs
    ch = two.changes
    assert one.changes == {}
    assert set(ch) == {"new", "edited", "edited_title", "edited_body", "removed", "gone"}
    assert all(ch[k] == sorted(ch[k]) for k in ch)
    assert ch["new"] and ch["edited_title"] and ch["edited_body"] and ch["gone"]
    assert sorted(ch["edited_title"] + ch["edited_body"]) == ch["edited"]
    assert set(ch["gone"]) < set(ch["removed"])
    assert set(ch["new"]).isdisjoint(one.by_id)
    assert min(ch["new"]) > max(one.by_id)
    assert set(ch["edited"]).isdisjoint(ch["removed"])
    assert {85152, 85139}.isdisjoint(ch["edited"] + ch["removed"])
    for aid in ch["new"]:
        assert one.now < two.by_id[aid].published < two.now
    assert two.now - one.now == timedelta(days=7)
    assert generate_site(300, seed=4, epoch=2).changes == ch  # deterministic


def test_truth_differs_exactly_where_listed(epochs):
    one, two = epochs
    ch = two.changes
    t1 = {t["article_id"]: t for t in truth_records(one)}
    t2 = {t["article_id"]: t for t in truth_records(two)}
    assert set(t2) == (set(t1) - set(ch["removed"])) | set(ch["new"])
    for aid in ch["edited"]:
        assert t1[aid]["modified_at"] < t2[aid]["modified_at"]
        changed_title = t1[aid]["title"] != t2[aid]["title"]
        changed_body = t1[aid]["body"] != t2[aid]["body"]
        assert changed_title == (aid in ch["edited_title"])
        assert changed_body == (aid in ch["edited_body"])
    edited_titles = {t1[i]["title"] for i in ch["edited_title"]}
    for aid in set(t1) - set(ch["removed"]) - set(ch["edited"]):
        a, b = dict(t1[aid]), dict(t2[aid])
        # the render date moved on: related links carry 2025/11/09 instead of 2025/11/02
        for x, y in zip(a.pop("related"), b.pop("related"), strict=True):
            assert x["url"].replace("/2025/11/02/", "/2025/11/09/") == y["url"]
            assert x["title"] == y["title"] or x["title"] in edited_titles
        # "Read more" drops removed articles
        assert [u for u in a.pop("read_more") if int(u.rsplit("-a", 1)[1]) not in ch["removed"]
                ] == b.pop("read_more")
        for x, y in zip(a["live_posts"], b["live_posts"], strict=True):
            for lx, ly in zip(x.pop("related"), y.pop("related"), strict=True):
                assert lx["url"].replace("/2025/11/02/", "/2025/11/09/") == ly["url"]
        assert a == b, aid


def test_removed_articles_answer_404_or_410(epochs):
    _one, two = epochs
    site = render_site(two)
    for aid in two.changes["removed"]:
        spec = two.by_id[aid]
        status = 410 if aid in two.changes["gone"] else 404
        assert site.get(spec.path).status == status
        assert site.get(f"/2020/01/01/{spec.slug}").headers["Location"] == WWW + spec.path
        assert site.get(f"/all/{aid}").status == 404
        assert (WWW + spec.path).encode() not in site.get("/rss/all").body
    listed = b"".join(p.body for k, p in site.static_pages.items() if k.startswith("/sitemap/"))
    assert not any((WWW + two.by_id[i].path).encode() in listed for i in two.changes["removed"])


def test_epoch2_pages_show_the_changes(epochs):
    one, two = epochs
    s1, s2 = render_site(one), render_site(two)
    for aid in two.changes["new"]:
        assert s1.get(two.by_id[aid].path).status == 404
        assert s2.get(two.by_id[aid].path).status == 200
    newest = max(two.changes["new"], key=lambda i: two.by_id[i].published)
    assert (WWW + two.by_id[newest].path).encode() in s2.get(
        "/" + {"city": "arts-and-life", "indepth": "features", "ukraine_war": "ukraine-war",
               "lecture_series": "lectures"}.get(two.by_id[newest].section,
                                                  two.by_id[newest].section)).body
    for aid in two.changes["edited"]:
        body = s2.get(two.by_id[aid].path).body.decode()
        assert "Updated:" in body or two.by_id[aid].type in ("live", "gallery")
    # the sitemap index's lastmod moves for the months with edits
    i1 = s1.get("/sitemap/sitemap.xml", "static").body.decode()
    i2 = s2.get("/sitemap/sitemap.xml", "static").body.decode()
    lastmods = re.compile(r"/sitemap/([\d-]+)\.xml</loc>\s*<lastmod>([^<]+)<")
    m1, m2 = dict(lastmods.findall(i1)), dict(lastmods.findall(i2))
    assert any(m2[k] > v for k, v in m1.items() if k in m2)
    # related links are dated with the new render date
    a = s2.get(two.by_id[85152].path).body
    assert b"/2025/11/09/ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze" in a


def test_epoch_must_exist():
    with pytest.raises(ValueError):
        generate_site(50, 1, epoch=3)
    with pytest.raises(ValueError):
        generate_site(5, 1)
