"""Article pages that lack what the usual path reads: each fallback of the extraction
order (site notes §10), fragments and other non-articles, input forms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsscraper.items import to_jsonable
from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import NotAnArticle, parse_article

DATA = Path(__file__).resolve().parents[1] / "data"
A85152 = ("https://www.themoscowtimes.com/2024/05/17/"
          "putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-offensive-a85152")
MSK = timezone(timedelta(hours=3))


@pytest.fixture(scope="module")
def golden() -> str:
    return (DATA / "article_a85152_golden.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model():
    return generate_site()


@pytest.fixture(scope="module")
def site(model):
    return render_site(model)


def page_of(site, spec) -> str:
    return site.get(spec.path).body.decode()


def without(html: str, *patterns: str) -> str:
    for pattern in patterns:
        html, n = re.subn(pattern, "", html, flags=re.S)
        assert n, pattern  # the page really had it
    return html


NO_DATES = (r'<meta property="article:published_time"[^>]*>',
            r'<script type="application/ld\+json".*?</script>')


# -- text ----------------------------------------------------------------------------------

def test_line_breaks_are_spaces_in_body_and_lead(golden):
    html = golden.replace("into Ukraine on May 10, unleashing",
                          "into Ukraine on May 10,<br>unleashing")
    html = html.replace('<div class="article__content-container">',
                        '<div class="article__intro">Line one<br/>line two</div>'
                        '<div class="article__content-container">', 1)
    a = parse_article(html, A85152)
    assert "on May 10, unleashing artillery" in a.body
    assert a.lead == "Line one line two"


def test_str_and_bytes_give_the_same_article(golden):
    as_str = to_jsonable(parse_article(golden, A85152))
    assert as_str == to_jsonable(parse_article(golden.encode(), A85152))
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + golden
    assert to_jsonable(parse_article(xhtml, A85152)) == as_str


def test_page_really_in_windows_1251_is_not_flagged(golden):
    html = golden.replace("Mikhail Metzel / AFP", "Михаил Метцель / AFP")
    html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    a = parse_article(html.encode("windows-1251"), A85152)
    assert a.image is not None and a.image.credits == "Михаил Метцель / AFP"
    assert "bad_encoding" not in a.parse_errors and not a.partial


# -- url -----------------------------------------------------------------------------------

def test_url_falls_back_to_og_url_then_to_the_response_url(golden):
    no_canonical = without(golden, r'<link rel="canonical"[^>]*>')
    assert parse_article(no_canonical, "https://www.themoscowtimes.com/x").url == A85152
    bare = without(no_canonical, r'<meta property="og:url"[^>]*>')
    moved = "https://www.themoscowtimes.com/2024/05/17/moved-a85152"
    a = parse_article(bare, moved)
    assert (a.url, a.article_id) == (moved, 85152)
    relative = golden.replace(f'<link rel="canonical" href="{A85152}">',
                              '<link rel="canonical" href="/2024/05/17/putin-a85152">')
    assert parse_article(relative, A85152).url == \
        "https://www.themoscowtimes.com/2024/05/17/putin-a85152"


# -- dates ---------------------------------------------------------------------------------

def test_published_from_json_ld_when_the_meta_is_missing(golden):
    a = parse_article(without(golden, NO_DATES[0]), A85152)
    assert a.published_at_raw == "2024-05-17T17:40:00+03:00"
    assert not a.partial


def test_updated_byline_is_never_the_publication_time(golden):
    # a85152's byline reads "Updated: 18:02"; without meta and JSON-LD only the URL's
    # date is left, and the byline time is the modification time
    a = parse_article(without(golden, *NO_DATES, r'<meta property="article:modified_time"[^>]*>'),
                      A85152)
    assert a.published_at_raw == "2024-05-17"
    assert a.published_at == datetime(2024, 5, 17, tzinfo=MSK)
    assert a.modified_at_raw == "2024-05-17T18:02:11+03:00"
    assert a.partial and "no_published_meta" in a.parse_errors


def test_plain_byline_time_is_the_publication_time(model, site):
    spec = next(s for s in model.live_articles
                if s.type == "default" and s.modified - s.published <= timedelta(minutes=10))
    a = parse_article(without(page_of(site, spec), *NO_DATES), site.base_url + spec.path)
    assert a.published_at == spec.published
    assert a.published_at_raw == spec.published.isoformat()
    assert "no_published_meta" in a.parse_errors


def test_gallery_byline_time_is_moscow_local_time(model, site):
    spec = next(s for s in model.live_articles if s.type == "gallery")
    a = parse_article(without(page_of(site, spec), *NO_DATES), site.base_url + spec.path)
    assert a.published_at_raw == spec.published.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S")
    assert a.published_at == spec.published
    assert a.published_at.utcoffset() is not None


# -- authors -------------------------------------------------------------------------------

def test_missing_byline_falls_back_to_the_first_person_in_json_ld(model, site):
    spec = next(s for s in model.live_articles if s.type == "default" and len(s.authors) > 1)
    byline = r'<div class="article__byline.*?<div class="byline__social">'
    html = without(page_of(site, spec), byline)
    assert parse_article(html, site.base_url + spec.path).authors == [spec.authors[0].name]


def test_organisation_is_never_an_author(model, site):
    spec = next(s for s in model.live_articles if s.type == "default" and not s.authors)
    html = page_of(site, spec)
    assert '"name":"The Moscow Times"' in html and "article__byline" in html
    assert parse_article(html, site.base_url + spec.path).authors == []
    html = without(html, r'<div class="article__byline.*?<div class="byline__social">')
    assert parse_article(html, site.base_url + spec.path).authors == []


def test_live_blog_commented_byline_with_author_links(model, site):
    spec = next(s for s in model.live_articles if s.type == "live")
    byline = ('<!-- <div class="byline__author">By <a href="/author/a" '
              'class="byline__author__name">Smith, Jr.</a> and <a href="/author/b" '
              'class="byline__author__name">Anna Rogova</a></div><time class="byline__datetime" '
              'datetime="2024-01-01T10:00:00+03:00"></time> -->')
    html = re.sub(r'<!--(?:(?!-->).)*?byline__author.*?-->', byline, page_of(site, spec),
                  flags=re.S)
    assert parse_article(html, site.base_url + spec.path).authors == ["Smith, Jr.", "Anna Rogova"]


# -- not articles --------------------------------------------------------------------------

def test_infinite_scroll_fragment_with_full_markup_is_not_an_article(model, site):
    # /all/{id} serves the article's markup without <html>/<head> (template item_raw)
    spec = next(s for s in model.live_articles if s.type == "default")
    html = page_of(site, spec)
    fragment = html[html.index('<div class="container article-container"'):html.index("</body>")]
    with pytest.raises(NotAnArticle):
        parse_article(fragment, site.base_url + spec.path)
    with pytest.raises(NotAnArticle):  # a full page served at a fragment URL
        parse_article(html, f"{site.base_url}/all/{spec.id}")


def test_pdf_version_is_not_an_article(model, site):
    spec = model.live_articles[0]
    pdf = site.get(spec.path + "/pdf")
    assert pdf.body.startswith(b"%PDF")
    with pytest.raises(NotAnArticle):
        parse_article(pdf.body, site.base_url + spec.path + "/pdf")
    with pytest.raises(NotAnArticle):  # the same bytes at the article's own URL
        parse_article(pdf.body, site.base_url + spec.path)


@pytest.mark.parametrize("path", ["/news", "/tag/{tag}", "/author/{author}", "/", "/videos"])
def test_listing_pages_at_an_article_url_are_not_articles(model, site, path):
    spec = next(s for s in model.live_articles if s.tags and s.authors)
    page = site.get(path.format(tag=spec.tags[0].slug, author=spec.authors[0].slug))
    assert page.status == 200
    with pytest.raises(NotAnArticle):
        parse_article(page.body, site.base_url + spec.path)


def test_error_page_is_not_an_article(site, model):
    spec = model.live_articles[0]
    with pytest.raises(NotAnArticle):
        parse_article(site.get("/no/such/page").body, site.base_url + spec.path)


# -- type and section ----------------------------------------------------------------------

BREADCRUMB = (r'<script type="application/ld\+json" data-json-ld-for-pagemetadata>'
              r'\s*\{[^<]*BreadcrumbList.*?</script>')


def test_news_analysis_label_is_not_opinion(golden):
    # the header label shares .label--opinion for "News Analysis" (site notes §3)
    html = golden.replace("<h1>", '<span class="label article__label label--opinion">'
                                  "News Analysis</span>\n<h1>", 1)
    a = parse_article(html, A85152)
    assert (a.type, a.section) == ("default", "News")
    a = parse_article(without(html, BREADCRUMB), A85152)
    assert a.type == "default" and a.section is None and "no_section" in a.parse_errors


def test_opinion_markers_stand_in_for_a_missing_breadcrumb(model, site):
    spec = next(s for s in model.live_articles if s.section == "opinion" and s.type == "default")
    html = without(page_of(site, spec), BREADCRUMB)
    a = parse_article(html, site.base_url + spec.path)
    assert (a.type, a.section) == ("opinion", "Opinion")
    only_label = html.replace("byline--opinion", "")
    assert parse_article(only_label, site.base_url + spec.path).type == "opinion"


def test_opinion_section_video_keeps_its_template_type(model, site):
    spec = next(s for s in model.live_articles if s.type == "video")
    html = re.sub(r'("position":2,"name":)"[^"]*"', r'\1"Opinion"', page_of(site, spec))
    a = parse_article(html, site.base_url + spec.path)
    assert (a.type, a.section) == ("video", "Opinion")


@pytest.mark.parametrize(("tag", "language"), [
    ('<html lang="en">', "en"), ('<html lang="ru-RU">', "ru"), ("<html>", "en"),
    ('<html lang="">', "en"), ('<html lang="1x">', "en")])
def test_language_from_the_html_element(golden, tag, language):
    html = golden.replace('<html lang="en">', tag, 1)
    assert parse_article(html, A85152).language == language


def test_noise_inside_html_blocks_stays_out_of_the_body(golden):
    clean = parse_article(golden, A85152).body
    noise = ('<section y-name="banner"><div y-use="Banner"><p>Advertisement</p></div></section>'
             "<aside><p>Boxed aside text</p></aside>"
             "<figure><img src='x.jpg'><figcaption><p>Inline caption</p></figcaption></figure>"
             "<script>document.write('<p>scripted</p>')</script><style>p {}</style>"
             '<div class="box"><p>A Message from The Moscow Times: Dear readers, please give.</p>'
             "<p>… we have a small favor to ask.</p></div>")
    html = golden.replace("biggest battlefield advance in 18 months.</p>",
                          "biggest battlefield advance in 18 months.</p>" + noise, 1)
    assert html != golden
    assert parse_article(html, A85152).body == clean


def test_nested_paragraph_elements_are_one_paragraph(golden):
    html = golden.replace(
        "biggest battlefield advance in 18 months.</p>",
        "biggest battlefield advance in 18 months.</p><ul><li><p>First</p> point</li>"
        "<li>Second</li></ul><blockquote><p>Quoted</p></blockquote><h3>Sub</h3>", 1)
    paragraphs = parse_article(html, A85152).body.split("\n\n")
    i = next(k for k, p in enumerate(paragraphs) if p.endswith("18 months."))
    assert paragraphs[i + 1:i + 5] == ["First point", "Second", "Quoted", "Sub"]
