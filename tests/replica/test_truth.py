"""Ground truth: one record per live article, each what the rendered page says."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path

from parsel import Selector

from newsscraper.items import Article
from newsscraper.replica import generate_site, truth_records

DATA = Path(__file__).resolve().parents[1] / "data"
WWW = "https://www.themoscowtimes.com"
STATIC = "https://static.themoscowtimes.com"


def collapse(text: str) -> str:
    return " ".join(text.split())


def reference_body(art: Selector) -> list[str]:
    """A deliberately plain extractor of the documented body: html/header/quote blocks."""
    out = []
    for block in art.css(".article__content > .article__block"):
        kind = block.attrib["class"].split()[1]
        if kind == "article__block--html":
            nodes = block.xpath("./p | ./h2 | ./h3 | ./h4 | ./ul/li | ./ol/li | ./blockquote")
        elif kind == "article__block--header":
            nodes = block.xpath("./h2")
        elif kind == "article__block--quote":
            nodes = block.xpath("./blockquote")
        else:
            continue
        out += [collapse("".join(n.xpath(".//text()").getall())) for n in nodes]
    return out


def test_truth_covers_every_live_article_once(model):
    records = truth_records(model)
    ids = [r["article_id"] for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == {a.id for a in model.live_articles}
    fields = [f.name for f in dataclasses.fields(Article)]
    for r in records:
        assert list(r) == fields
        assert r["url"] == WWW + model.by_id[r["article_id"]].path
        assert r["title"] and r["body"] and r["language"] == "en" and r["site"] == "moscowtimes"
        assert r["published_at"].endswith("Z") and r["modified_at"].endswith("Z")
        assert r["partial"] is False and r["parse_errors"] == []
        assert r["discovered_via"] is r["discovered_from"] is r["content_hash"] is None
    json.dumps(records)


def test_truth_is_what_the_pages_say(model, site):
    """Every record against the rendered page, read with the documented selectors."""
    for r in truth_records(model):
        spec = model.by_id[r["article_id"]]
        sel = Selector(text=site.get(spec.path).body.decode())
        art = sel.css("article.article")
        meta = {m.attrib.get("property") or m.attrib.get("name"): m.attrib.get("content")
                for m in sel.css("head meta")}
        assert r["published_at_raw"] == meta["article:published_time"]
        assert r["modified_at_raw"] == meta["article:modified_time"]
        assert datetime.fromisoformat(r["published_at_raw"]).astimezone(timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ") == r["published_at"]
        assert r["title"] == meta["og:title"] == collapse("".join(art.css("h1 ::text").getall()))
        assert r["subtitle"] == (collapse(art.css("header h2::text").get() or "") or None)
        intro = art.css("div.article__intro::text, div.live-intro::text").get()
        assert r["lead"] == (collapse(intro) if intro and intro.strip() else None)
        assert r["tags"] == [t.strip() for t in art.css(".article__tags a.tag::text").getall()]
        crumb = json.loads(sel.css("script[data-json-ld-for-pagemetadata]::text").getall()[1])
        label = crumb["itemListElement"][1]["name"]
        assert r["section"] == ("TMT Lecture Series" if label == "section.ecture_series" else label)
        assert r["body"].split("\n\n") == reference_body(art)
        related = [{"url": a.attrib["href"], "title": a.attrib["title"]} for a in art.css(
            ".article__content aside.article__related-article a.related-article__inner")]
        assert [{"url": x["url"], "title": x["title"]} for x in r["related"]] == related
        assert r["read_more"] == sel.css(
            "section.cluster .article-excerpt-default a.article-excerpt-default__link::attr(href)"
        ).getall()
        figure = art.css("figure.article__featured-image")
        if figure:
            caption = figure.css(".article__featured-image__caption::text").get()
            credits = figure.css(".article__featured-image__credits::text").get()
            assert r["image"] == {"url": figure.css("img::attr(src)").get(),
                                  "caption": collapse(caption) if caption else None,
                                  "credits": collapse(credits) if credits else None}
        else:
            assert r["image"] is None
        if spec.type == "live":
            posts = json.loads(site.get(f"/live/{spec.id}/0").body)
            assert [p["post_id"] for p in r["live_posts"]] == [p["id"] for p in posts]
            for got, post in zip(r["live_posts"], posts, strict=True):
                html = Selector(text=post["body"][0]["body"])
                assert got["body"].split("\n\n") == [
                    collapse("".join(p.xpath(".//text()").getall())) for p in html.css("p")]
                assert [x["url"] for x in got["related"]] == [
                    b["article"]["url"] for b in post["body"] if b["type"] == "article"]
        else:
            assert r["live_posts"] == []


def test_truth_field_choices(model):
    records = {r["article_id"]: r for r in truth_records(model)}
    specs = model.live_articles
    opinion = next(a for a in specs if a.is_opinion)
    assert records[opinion.id]["type"] == "opinion" and records[opinion.id]["section"] == "Opinion"
    analysis = [a for a in specs if a.analysis]
    assert analysis and all(records[a.id]["type"] == "default" for a in analysis)
    lecture = next(a for a in specs if a.section == "lecture_series")
    assert records[lecture.id]["section"] == "TMT Lecture Series"
    assert {records[a.id]["section"] for a in specs if a.section == "indepth"} == {"Features"}
    video = next(a for a in specs if a.type == "video" and a.image)
    assert records[video.id]["image"] is None
    multi = next(a for a in specs if len(a.authors) == 3)
    assert records[multi.id]["authors"] == [a.name for a in multi.authors]
    nobody = next(a for a in specs if not a.authors)
    assert records[nobody.id]["authors"] == []
    live = next(a for a in specs if a.type == "live")
    assert records[live.id]["lead"] == live.intro and records[live.id]["live_posts"]
    assert all(p["published_at"].endswith("Z") for p in records[live.id]["live_posts"])
    leaks = ("favor to ask", "Sign up for our free weekly newsletter", "Someone (@someone)",
             "in the city.", "Read the report", "The views expressed", "LIVE |", "Read more")
    for r in records.values():
        assert not any(leak in r["body"] for leak in leaks), r["article_id"]
        assert "  " not in r["body"] and "\t" not in r["body"]


def test_a85152_record(model):
    record = next(r for r in truth_records(model) if r["article_id"] == 85152)
    golden = (DATA / "golden_a85152.txt").read_text("utf-8").split("Original url:")[0]
    paragraphs = record["body"].split("\n\n")
    assert len(paragraphs) == 8
    assert collapse(golden) == collapse(" ".join(
        [*paragraphs[:4], "Related article: " + record["related"][0]["title"], *paragraphs[4:]]))
    assert paragraphs[3] == ('"And I said publicly that, if this continues, we will be forced to '
                             'create a security zone," he said.')
    assert {k: v for k, v in record.items() if k != "body"} == {
        "article_id": 85152,
        "url": WWW + "/2024/05/17/putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-"
                     "offensive-a85152",
        "title": "Putin Says 'No Plans' to Take Kharkiv, Blames Ukraine for New Offensive",
        "site": "moscowtimes", "subtitle": None, "lead": None, "authors": ["The Moscow Times"],
        "published_at": "2024-05-17T14:40:00Z", "published_at_raw": "2024-05-17T17:40:00+03:00",
        "modified_at": "2024-05-17T15:02:11Z", "modified_at_raw": "2024-05-17T18:02:11+03:00",
        "section": "News", "tags": ["Vladimir Putin", "Kharkiv", "War in Ukraine"],
        "type": "default",
        "related": [{"url": WWW + "/2025/11/02/ukrainian-drone-attacks-on-russia-kill-2-set-oil-"
                            "refinery-ablaze",
                     "title": "Ukrainian Drone Attacks on Russia Kill 2, Set Oil Refinery Ablaze",
                     "position": 4, "article_id": None, "canonical_url": None}],
        "read_more": record["read_more"],
        "image": {"url": STATIC + "/image/article_1360/ab/putin-harbin.jpg",
                  "caption": "Vladimir Putin holds a press conference in Harbin.",
                  "credits": "Mikhail Metzel / AFP"},
        "language": "en", "live_posts": [], "partial": False, "parse_errors": [],
        "discovered_via": None, "discovered_from": None, "content_hash": None,
        "body_hash": None, "duplicate_of": None, "near_duplicate_of": None,
        "source": None,
    }
    assert len(record["read_more"]) == 4


def test_truth_follows_the_origin():
    model = generate_site(30, seed=2)
    local = truth_records(model, "http://127.0.0.1:8000", "http://127.0.0.1:8001")
    real = truth_records(model)
    swap = json.dumps(real).replace(WWW, "http://127.0.0.1:8000").replace(
        STATIC, "http://127.0.0.1:8001")
    assert json.loads(swap) == local
