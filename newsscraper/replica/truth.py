"""Ground truth: for every live article of a replica, the record a perfect extractor returns.

Choices a parser must match (see also the Article docstrings in ``newsscraper.items``):

- ``type`` is ``opinion`` for a default-template article in the Opinion section, else
  the template type; ``section`` is the breadcrumb label, with the template's typo
  ``section.ecture_series`` read as "TMT Lecture Series".
- ``body``: html, header and quote blocks only; every ``p``/``h3``/``li``/``blockquote``
  of an html block is a paragraph of its own; paragraphs joined by a blank line.
- ``related`` keeps the href as rendered: slug-only and dated with the render date.
- ``read_more`` skips articles removed in this epoch (the cluster is rendered live).
- ``image`` is ``None`` for videos and galleries (no featured figure); its caption and
  credits are ``None`` when the figure has no caption.
- Live blogs: ``lead`` is the live intro, ``live_posts`` hold the JSON posts.
"""

from __future__ import annotations

from datetime import timezone

from newsscraper.items import Article, Image, LivePost, RelatedLink, to_jsonable
from newsscraper.replica.generate import SECTIONS, ArticleSpec, SiteModel
from newsscraper.replica.render import REAL_STATIC, REAL_WWW, Renderer, iso

LECTURE_LABEL = "TMT Lecture Series"


def section_label(key: str) -> str:
    label = SECTIONS[key][1]
    return LECTURE_LABEL if label == "section.ecture_series" else label


def body_paragraphs(spec: ArticleSpec) -> list[str]:
    out: list[str] = []
    for b in spec.blocks:
        if b.kind == "html":
            out.extend(text for _tag, text in b.paragraphs)
        elif b.kind in ("header", "quote"):
            out.append(b.text)
    return out


def article_truth(spec: ArticleSpec, r: Renderer) -> Article:
    m = r.m
    related, seen = [], 0
    for b in spec.blocks:
        if b.kind == "article" and b.related_id is not None:
            target = m.by_id[b.related_id]
            related.append(RelatedLink(url=r.slug_url(target), title=target.title, position=seen))
        elif b.kind == "html":
            seen += len(b.paragraphs)
        elif b.kind in ("header", "quote"):
            seen += 1
    image = None
    if spec.image and spec.type not in ("video", "gallery"):
        image = Image(url=r.img("article_1360", spec.image.file), caption=spec.image.caption,
                      credits=spec.image.credits if spec.image.caption else None)
    posts = [LivePost(
        post_id=p.post_id, published_at=p.time, body="\n\n".join(p.paragraphs),
        related=[RelatedLink(url=r.slug_url(m.by_id[p.related_id]), title=m.by_id[p.related_id].title)]
        if p.related_id is not None else [],
    ) for p in spec.live_posts]
    return Article(
        article_id=spec.id, url=r.url(spec), title=spec.title,
        subtitle=spec.subtitle or None, lead=spec.intro or None,
        authors=[a.name for a in spec.authors],
        published_at=spec.published.astimezone(timezone.utc), published_at_raw=iso(spec.published),
        modified_at=spec.modified.astimezone(timezone.utc), modified_at_raw=iso(spec.modified),
        section=section_label(spec.section), tags=[t.title for t in spec.tags],
        type="opinion" if spec.is_opinion else spec.type,
        body="\n\n".join(body_paragraphs(spec)), related=related,
        read_more=[r.url(m.by_id[i]) for i in spec.read_more if not m.by_id[i].removed],
        image=image, live_posts=posts,
    )


def truth_records(model: SiteModel, base_url: str = REAL_WWW,
                  static_url: str = REAL_STATIC) -> list[dict]:
    """One JSON-ready record per live article, in publication order."""
    r = Renderer(model, base_url, static_url)
    specs = sorted(model.live_articles, key=lambda a: (a.published, a.id))
    return [to_jsonable(article_truth(s, r)) for s in specs]
