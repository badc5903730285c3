"""Articles published while the replica runs, for measuring how fresh a crawl keeps a copy.

``ReplicaServer(model, publish_every=SECONDS)`` (``newsscraper replica serve
--publish-every SECONDS``) publishes article number 1 at ``SECONDS`` after the server
started, number 2 at twice that, and so on. A published article is newer than every
other: its page answers, it heads its section's listing, the home page, its section's
RSS feed and ``/rss/all``, and it is in its month's sitemap and the news sitemap, with
the wall-clock time of its publication as ``article:published_time`` (and as the
modification time). Already rendered article pages keep their old sidebar.

Which article is number ``seq`` is fixed by the model's seed, so the records of what was
published (:attr:`ReplicaServer.published`, or the JSON Lines journal the server appends
to with ``--journal FILE``: ``{"seq", "article_id", "url", "published_at"}``) are enough to
rebuild the site's truth in another process: ``newsscraper replica truth --journal FILE``
(or :func:`replay`) gives the truth records of the published articles too.

Sections rotate over ones with an RSS feed and a news sitemap (News, Arts & Life,
Opinion, Meanwhile in Russia), and the type is ``default``, so every published article
is in a listing, a feed and the news sitemap.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from newsscraper.replica.generate import Writer, make_article, pick_others
from newsscraper.replica.model import MSK, ArticleSpec, SiteModel
from newsscraper.replica.website import RenderedSite

SECTION_CYCLE = ("news", "city", "news", "opinion", "news", "meanwhile")


def new_article(model: SiteModel, seq: int, published: datetime) -> ArticleSpec:
    """Article number ``seq`` (1, 2, ...) published at ``published``, not yet in ``model``."""
    r = random.Random(f"publish:{model.seed}:{seq}")
    live = sorted(model.live_articles, key=lambda a: (a.published, a.id))
    aid = max(a.id for a in model.articles) + 3
    published = published.astimezone(MSK).replace(microsecond=0)
    spec = make_article(r, Writer(r), aid, published, [a.id for a in live[-40:]],
                         set(model.by_slug), force=(SECTION_CYCLE[seq % len(SECTION_CYCLE)],
                                                    "default"))
    spec.created = published - timedelta(minutes=r.randint(5, 90))
    spec.modified = published
    spec.read_more = pick_others(r, [a.id for a in live], aid, 4)
    return spec


def publish(site: RenderedSite, seq: int, published: datetime) -> ArticleSpec:
    """Publish article number ``seq`` into a rendered site (and its model)."""
    spec = new_article(site.model, seq, published)
    site.publish(spec)
    return spec


def record(site: RenderedSite, seq: int, spec: ArticleSpec) -> dict:
    """The journal line of a publication."""
    return {"seq": seq, "article_id": spec.id, "url": site.base_url + spec.path,
            "published_at": spec.published.isoformat()}


def replay(model: SiteModel, records: Iterable[dict]) -> SiteModel:
    """Add the articles of a server's publication records to ``model`` (in place), so
    ``truth_records(model, ...)`` includes them; the records must be of the same model."""
    for rec in sorted(records, key=lambda r: r["seq"]):
        spec = new_article(model, rec["seq"], datetime.fromisoformat(rec["published_at"]))
        if spec.id != rec["article_id"]:
            raise ValueError(f"journal entry {rec['seq']} names article {rec['article_id']}, "
                             f"this model publishes {spec.id}: another seed or size?")
        model.add(spec)
    return model


def read_journal(path: Path) -> list[dict]:
    """The records of a ``--journal`` file (a missing file: nothing published yet)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
