"""The blocks the site's own templates render on each page type (live.php, gallery.php,
item.php for opinion and podcast pieces, the sidebar), and that the parsers still read
those pages as the truth says."""

from __future__ import annotations

import re

from parsel import Selector

from newsscraper.replica import truth_records
from newsscraper.sites.moscowtimes import parse_article


def pages_of(model, site, kind: str) -> list[tuple[object, Selector]]:
    specs = [s for s in model.live_articles if (s.is_opinion if kind == "opinion" else
                                                s.type == kind and not s.is_opinion)]
    assert specs, kind
    return [(s, Selector(text=site.get(s.path).body.decode())) for s in specs]


def names(spec) -> list[str]:
    return [a.name for a in spec.authors]


def test_live_blogs_have_the_byline_bottom_and_author_excerpts(model, site):
    for spec, sel in pages_of(model, site, "live"):
        art = sel.css("article.article")
        byline = art.css("div.article__byline.byline.byline--style-2")
        assert len(byline) == 1 and byline.css(".byline__social .social__icon--pdf")
        # the byline's details are an HTML comment: no visible author link or time
        assert not art.css("a.byline__author__name, time.byline__datetime")
        comment = " ".join(byline.xpath(".//comment()").getall())
        found = re.findall(r'class="byline__author__name" title="[^"]*">([^<]*)<', comment)
        assert [n.replace("&#039;", "'") for n in found] == [
            n.replace("&#039;", "'") for n in names(spec)], spec.id
        assert comment.count('class="byline__author__image"') == len(spec.authors)
        assert len(art.css("div.article__bottom")) == 1
        assert art.css(".author-excerpt-default__name::text").getall() == names(spec)
        assert art.css(".author-excerpt-small__name::text").getall() == names(spec)
        # excerpts and bottom come after the posts, before the tags
        html = art.get()
        assert html.index("live-posts") < html.index("article__bottom")
        if spec.tags:
            assert html.index("article__bottom") < html.index("article__tags")


def test_galleries_have_the_byline_and_the_full_width_gallery_block(model, site):
    for spec, sel in pages_of(model, site, "gallery"):
        art = sel.css("article.article")
        first, second = art.css("div.article__content")
        assert first.css("header.article__header h1::text").get() == spec.title
        byline = first.css("div.article__byline.byline")
        assert byline.css(".byline__author a.article__author__name::text").getall() == names(spec)
        raw = byline.css("time.byline__datetime::attr(datetime)").get()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", raw)
        assert byline.css(".byline__social .social__icon--pdf")
        gallery = first.css("div.article__block.article__block--full.article__gallery")
        items = gallery.css("div.article__gallery__item")
        assert len(items) == 4
        assert all(i.css(".gallery__item__aside .gallery__item__aside__content__title")
                   for i in items)
        assert items[0].attrib["data-image-title"] == "1/4"
        # the body blocks are all in the second div, image blocks full width
        assert len(second.css("div.article__block")) == len(spec.blocks)
        for block, b in zip(second.css("div.article__block"), spec.blocks, strict=True):
            position = "full" if b.kind in ("image", "images") else "column"
            assert f"article__block--{position}" in block.attrib["class"], (spec.id, b.kind)


def test_opinion_pieces_have_author_excerpts_the_label_and_the_right_hand_block(model, site):
    for spec, sel in pages_of(model, site, "opinion"):
        art = sel.css("article.article")
        assert art.css("header.article__header span.label.article__label.label--opinion"
                       "::text").get().strip() == "opinion"
        assert art.css(".hidden-sm-up .author-excerpt-default__name::text").getall() == \
            names(spec)
        small = art.css(".hidden-xs .author-excerpt-small.author-excerpt-small--opinion")
        assert small.css(".author-excerpt-small__name::text").getall() == names(spec)
        assert all(small.css("img::attr(src)").getall())
        html = art.get()
        assert html.index("article__disclaimer") < html.index("author-excerpt-default") < \
            html.index("article__bottom")
        assert len(art.css("img.byline__author__image")) == len(spec.authors)
        side = sel.css("div.col-auto.hidden-sm-down aside.sidebar")
        assert side.css(".tabs__tab h3::text").getall() == ["Most read", "Just in"]
        assert len(side.css("ul.ranked-articles li.ranked-articles__item")) == 5
        assert len(side.css("ul.listed-articles li.listed-articles__item")) == 5


def test_the_most_read_tab_labels_opinion_pieces(model, site):
    sel = Selector(text=site.get("/news").body.decode())
    ranked = sel.css("ul.ranked-articles .article-excerpt-ranked")
    labels = ranked.css(".article-excerpt-ranked__label::text").getall()
    assert len(labels) == 5 and "opinion" in [x.strip() for x in labels]
    for r in ranked:
        spec = model.by_id[int(r.css("a::attr(href)").get().rsplit("-a", 1)[1])]
        label = r.css(".article-excerpt-ranked__label")
        assert ("label--opinion" in label.attrib["class"]) == (spec.is_opinion or spec.analysis)
        if spec.is_opinion and spec.authors:
            assert r.css(".article-excerpt-ranked__author::text").get().strip() == \
                spec.authors[0].name


def test_podcasts_show_the_author_image(model, site):
    with_authors = [(s, sel) for s, sel in pages_of(model, site, "podcast") if s.authors]
    assert with_authors
    for spec, sel in with_authors:
        images = sel.css("article.article .byline__details a.byline__author__image-wrapper "
                         "img.byline__author__image::attr(src)").getall()
        assert images == [f"https://static.themoscowtimes.com/image/320/00/{a.slug}.jpg"
                          for a in spec.authors]
        # podcast bylines have no "By "
        author = "".join(sel.css("article.article .byline__author ::text").getall())
        assert not author.strip().startswith("By")


def test_the_parsers_read_every_page_type_with_its_new_blocks_as_the_truth_says(model, site):
    truth = {t["article_id"]: t for t in truth_records(model)}
    for kind in ("live", "gallery", "opinion", "podcast", "video", "default"):
        for spec, _sel in pages_of(model, site, kind):
            art = parse_article(site.get(spec.path).body, site.base_url + spec.path)
            want = truth[spec.id]
            got = (art.title, art.authors, art.body, art.type, art.lead, art.tags)
            assert got == (want["title"], want["authors"], want["body"], want["type"],
                           want["lead"], want["tags"]), (kind, spec.id)
            assert not art.partial, (kind, spec.id, art.parse_errors)
