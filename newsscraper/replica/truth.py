"""Ground truth: for every live article of a replica, the record a perfect extractor returns.

``truth_records(model, base_url)`` gives one ``to_jsonable(Article(...))`` per article
served with status 200 in the model's epoch, in publication order. Provenance fields
(``discovered_via``, ``discovered_from``) are None, ``partial`` is False, hashes and
duplicate markers are None: those are the crawl's and the pipelines' business.

Choices a parser must match (the field docstrings in ``newsscraper.items`` say the rest):

- ``url``: the canonical URL on ``base_url``; ``article_id`` its ``-a{ID}``.
- ``type``: ``opinion`` for a default-template article in the Opinion section, otherwise
  the template type (``default``, ``live``, ``gallery``, ``video``, ``podcast``). A
  "News Analysis" header label (class ``label--opinion``!) does not make an opinion.
- ``section``: the label of the JSON-LD breadcrumb's position 2 ("News", "Meanwhile in
  Russia", "Features", "Arts & Life", ...), except the template's typo
  ``section.ecture_series``, which reads "TMT Lecture Series". Never ``article:section``.
- ``title``: the headline with entities decoded (not ``<title>``, which sometimes carries
  " - The Moscow Times"). ``subtitle``: the ``h2``, None when empty.
- ``lead``: the ``div.article__intro`` text, None when absent; for live blogs the
  ``div.live-intro`` summary.
- ``authors``: every byline name in order ("By A, B and C"); [] without a byline. Live
  blogs have their byline inside an HTML comment: the names there count. Galleries use
  ``a.article__author__name``. "The Moscow Times" only where the byline itself names it
  (a85152); meta and JSON-LD name it for every authorless article, which does not count.
- ``published_at_raw`` / ``modified_at_raw``: the ``article:published_time`` /
  ``article:modified_time`` strings (``+03:00``); ``published_at`` / ``modified_at`` the
  same instants (UTC ``Z`` in JSON). Not the byline time, which shows the modification
  time after "Updated:" when an article was edited more than 10 minutes after publication.
- ``tags``: the "Read more about:" link texts, in order.
- ``body``: the visible text of the html, header and quote blocks, in order, each ``p``,
  ``h2``/``h3``, ``li`` and ``blockquote`` a paragraph of its own, joined by a blank line;
  whitespace inside a paragraph (the CMS's line breaks and tabs) collapsed to one space;
  entities decoded; curly quotes, dashes and Cyrillic as published. A quote block's
  ``<cite>`` is not body text. Never: related-article blocks, image captions, embeds
  (tweets), link promos, newsletter boxes, asides, ad banners, the opinion disclaimer
  and author bios, the donation banner, the sidebar. Galleries: the html blocks of both
  ``.article__content`` divs; slide captions are not body text.
- ``related``: the inline related-article blocks, ``{url, title, position}``: the href
  exactly as rendered (slug only, dated with the replica's render date, no ``-aID``, so
  it changes between epochs although the article did not), the title as shown, and the
  number of body paragraphs before the block.
- ``read_more``: the canonical URLs of the "Read more" cluster below the article, in
  order (articles removed in the epoch drop out of it).
- ``image``: the featured figure ``{url (article_1360 preset), caption, credits}``; caption
  and credits None when the figure has no figcaption. None when there is no featured
  figure: always for videos (the video header replaces it) and galleries (a gallery
  header, not a featured figure).
- ``language``: "en".
- ``live_posts`` (live blogs): every post of ``/live/{id}/0`` in time order, ``{post_id,
  published_at, body (its html blocks' paragraphs, joined by a blank line), related
  ([{url, title, position: None}] from its article blocks), images ([{url (article_960
  preset), caption, credits}] from its image blocks), links ([{url, title, description}]
  from its link blocks)}``.

a85152, the real article, has the text of the golden copy (``data/a85152.json``). Its
paragraph boundaries were read as a reader reads that copy: a blank line ends a
paragraph, a wrapped line continues it (joined with a space), and a line that starts with
whitespace right after a line break (" \\"And I said publicly...") starts a new one, as an
indented first line does. So four paragraphs, the related block, four paragraphs;
"Mocow's" is kept as published.
"""

from __future__ import annotations

from datetime import timezone

from newsscraper.items import Article, Image, LinkBlock, LivePost, RelatedLink, to_jsonable
from newsscraper.replica.links import Links
from newsscraper.replica.markup import iso
from newsscraper.replica.model import SECTIONS, ArticleSpec, SiteModel
from newsscraper.sites.moscowtimes.site import REAL_STATIC, REAL_WWW
from newsscraper.sites.moscowtimes.site import section_label as site_section_label


def section_label(key: str) -> str:
    return site_section_label(SECTIONS[key][1])


def body_paragraphs(spec: ArticleSpec) -> list[str]:
    out: list[str] = []
    for b in spec.blocks:
        if b.kind == "html":
            out.extend(text for _tag, text in b.paragraphs)
        elif b.kind in ("header", "quote"):
            out.append(b.text)
    return out


def article_truth(spec: ArticleSpec, m: SiteModel, links: Links) -> Article:
    related, seen = [], 0
    for b in spec.blocks:
        if b.kind == "article" and b.related_id is not None:
            target = m.by_id[b.related_id]
            related.append(RelatedLink(url=links.slug_url(target), title=target.title,
                                       position=seen))
        elif b.kind == "html":
            seen += len(b.paragraphs)
        elif b.kind in ("header", "quote"):
            seen += 1
    image = None
    if spec.image and spec.type not in ("video", "gallery"):
        image = Image(url=links.img("article_1360", spec.image.file),
                      caption=spec.image.caption,
                      credits=spec.image.credits if spec.image.caption else None)
    posts = []
    for p in spec.live_posts:
        post_related = []
        if p.related_id is not None:
            linked = m.by_id[p.related_id]
            post_related.append(RelatedLink(url=links.slug_url(linked), title=linked.title))
        images = [Image(url=links.img("article_960", p.image.file), caption=p.image.caption,
                        credits=p.image.credits)] if p.image else []
        promos = [LinkBlock(url="https://example.org/report", title="The full report",
                            description="Read the report")] if p.post_id % 5 == 0 else []
        posts.append(LivePost(post_id=p.post_id, published_at=p.time,
                              body="\n\n".join(p.paragraphs), related=post_related,
                              images=images, links=promos))
    return Article(
        article_id=spec.id, url=links.url(spec), title=spec.title,
        subtitle=spec.subtitle or None, lead=spec.intro or None,
        authors=[a.name for a in spec.authors],
        published_at=spec.published.astimezone(timezone.utc), published_at_raw=iso(spec.published),
        modified_at=spec.modified.astimezone(timezone.utc), modified_at_raw=iso(spec.modified),
        section=section_label(spec.section), tags=[t.title for t in spec.tags],
        type="opinion" if spec.is_opinion else spec.type,
        body="\n\n".join(body_paragraphs(spec)), related=related,
        read_more=[links.url(m.by_id[i]) for i in spec.read_more if not m.by_id[i].removed],
        image=image, live_posts=posts,
    )


def truth_records(model: SiteModel, base_url: str = REAL_WWW,
                  static_url: str = REAL_STATIC) -> list[dict]:
    """One JSON-ready record per live article of ``model``, in publication order, for a
    replica served at ``base_url`` (and ``static_url`` for image URLs)."""
    links = Links.of(model.now, base_url, static_url)
    specs = sorted(model.live_articles, key=lambda a: (a.published, a.id))
    return [to_jsonable(article_truth(s, model, links)) for s in specs]
