"""What storing a crawled article over the stored one is: unchanged, a move of its
origin, a new revision, or a revision held back. The one home of the content hash and of
that decision (``revision_decision``), used by the dedupe pipeline and the store.

A change of origin alone (a hosting or CDN move of the site or of its static files, or
the replica served on new ports) changes every URL of every article and nothing a reader
reads: the hash takes the URLs it covers without their origin, and such a document is
*moved*, its stored URLs replaced in place (``changed_at`` moves, no revision).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from itemadapter import ItemAdapter

from newsscraper.items import to_jsonable

# what a reader sees; never crawl provenance or render artefacts (related URLs carry the
# render date on the real site, so only their titles count; the "Read more" cluster is
# a recommendation rendered at request time, not part of the article)
CONTENT_FIELDS = ("title", "subtitle", "lead", "authors", "section", "tags", "type", "body",
                  "image", "published_at", "modified_at")
CONTENT_HASH_VERSION = 2
"""Stored as ``content_hash_version``; absent means 1 (the image URL hashed with its
host). A stored hash of an older version is recomputed from the stored document before
it is compared, so a new way of hashing never makes revisions by itself."""
# a new body shorter than this share of the stored one, the page's modified date
# unmoved, is a parse that lost content (libxml2's depth limit, markup drift), not an edit
HOLD_BODY_SHARE = 0.7


def content_hash(item: Any) -> str:
    """SHA-256 of what a reader sees of the article (:data:`CONTENT_FIELDS`, related
    titles, live posts), URLs without their origin, in a stable JSON form: a change is a
    new revision. ``item`` is an ``Article`` or a stored document."""
    a = ItemAdapter(item)
    data = {name: to_jsonable(a.get(name)) for name in CONTENT_FIELDS}
    if data["image"]:
        data["image"] = {**data["image"], "url": origin_free(data["image"].get("url"))}
    data["related"] = [_get(link, "title") for link in a.get("related") or []]
    data["live_posts"] = [[_get(p, "post_id"), _get(p, "body"),
                           [_get(r, "title") for r in _get(p, "related") or []]]
                          for p in a.get("live_posts") or []]
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def origin_free(url: str | None) -> str | None:
    """``url`` without scheme and host: ``/image/article_1360/ab/x.jpg``."""
    if not url:
        return url
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def origin(url: str | None) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased ('' for a relative one)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""


def _get(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else getattr(value, name)


def revision_decision(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What storing ``new`` over the stored ``old`` is: ``unchanged`` (same content,
    same URLs), ``moved`` (same content, URLs on another origin or a new article URL:
    stored in place, no revision), ``revise`` (a new revision), or ``hold:<reason>``
    (kept aside, not made current: see :func:`hold_reason`)."""
    if same_content(old, new) and not old.get("gone_at"):
        # (an article marked removed that is served again: a revision)
        return "moved" if url_fingerprint(old) != url_fingerprint(new) else "unchanged"
    reason = hold_reason(old, new)
    return f"hold:{reason}" if reason else "revise"


def same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the two documents show a reader the same article; a stored hash of an
    older :data:`CONTENT_HASH_VERSION` is recomputed from ``old`` first."""
    if old.get("content_hash") == new.get("content_hash"):
        return True
    version = new.get("content_hash_version", CONTENT_HASH_VERSION)
    return (old.get("content_hash_version", 1) < version == CONTENT_HASH_VERSION
            and content_hash(old) == new.get("content_hash"))


def stale_hash(doc: dict[str, Any]) -> bool:
    """The stored hash was computed by an older :data:`CONTENT_HASH_VERSION`."""
    return doc.get("content_hash_version", 1) < CONTENT_HASH_VERSION


def url_fingerprint(doc: dict[str, Any]) -> tuple:
    """The URLs that must follow the site when it moves: the article's own, its image's
    and its live posts' images and links in full; of the render-dated related links and
    the "Read more" cluster (which change daily), only the origins."""
    posts = doc.get("live_posts") or []
    rendered = [r.get("url") for r in doc.get("related") or []] + list(doc.get("read_more") or [])
    for post in posts:
        rendered += [r.get("url") for r in post.get("related") or []]
    return (doc.get("url"), (doc.get("image") or {}).get("url"),
            [[i.get("url") for i in post.get("images") or []]
             + [link.get("url") for link in post.get("links") or []] for post in posts],
            sorted({origin(u) for u in rendered} - {""}))


def carry_related_ids(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Give ``new``'s related links the target ids ``old``'s had learnt (the end-of-run
    fill), on ``new``'s origin: a move keeps what an earlier run resolved. Links pair by
    position and title; live posts by ``post_id``."""
    rebase = _rebaser(origin(old.get("url")), origin(new.get("url")))
    _carry(old.get("related") or [], new.get("related") or [], rebase)
    old_posts = {p.get("post_id"): p for p in old.get("live_posts") or []}
    for post in new.get("live_posts") or []:
        before = old_posts.get(post.get("post_id"))
        if before is not None:
            _carry(before.get("related") or [], post.get("related") or [], rebase)


def _carry(old_links: list[dict], new_links: list[dict], rebase) -> None:
    for before, link in zip(old_links, new_links, strict=False):
        if link.get("article_id") is None and before.get("article_id") is not None \
                and before.get("title") == link.get("title"):
            link["article_id"] = before["article_id"]
            link["canonical_url"] = rebase(before.get("canonical_url"))


def _rebaser(old_origin: str, new_origin: str):
    def rebase(url: str | None) -> str | None:
        if url and old_origin and origin(url) == old_origin:
            return new_origin + url[len(old_origin):]
        return url
    return rebase


def hold_reason(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why ``new`` looks like a parse that lost content of the stored ``old``, if it
    does: a ``partial`` parse over a complete revision; or, while the page's own
    modified date did not move, a body shrunk by more than 30% or all tags or all
    authors gone. An editor's real cut moves the modified date."""
    if new.get("partial") and not old.get("partial"):
        return "partial_parse"
    if moment(new.get("modified_at")) != moment(old.get("modified_at")):
        return None
    if len(new.get("body") or "") < HOLD_BODY_SHARE * len(old.get("body") or ""):
        return "body_shrunk"
    for name in ("tags", "authors"):
        if old.get(name) and not new.get(name):
            return f"lost_all_{name}"
    return None


def moment(value: Any) -> Any:
    """A stored time, timezone-aware (naive BSON dates read back are UTC)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
