"""Deterministic generator of a synthetic Moscow Times: the content model of the replica.

The model holds what the site's CMS would hold (articles with their blocks, authors,
tags, dates); :mod:`newsscraper.replica.website` turns it into pages in the real markup
and :mod:`newsscraper.replica.truth` into the records a perfect extractor would return.
The same ``(articles, seed, epoch)`` always gives the same model.

Time: the replica's "now" (the render date that dates slug-only related links) is
2025-11-02 12:00 Moscow time in epoch 1 and a week later in epoch 2. Generated
articles are spread evenly over the 120 days before "now", so the sitemap index has
five monthly files and the last 30 days (the news sitemaps) hold a quarter of them.
Two real articles sit beside them: a85152 with its published text (``data/a85152.json``)
and a85139, the article its inline related block points at.

Epoch 2 is epoch 1 of the same seed a week later. :attr:`SiteModel.changes` lists what
happened, so tests can check an incremental crawl picks up exactly that:

- ``new``: published since epoch 1 (ids above every epoch-1 id, dated after epoch 1's now);
- ``edited``: a new ``modified_time``, and either the title (``edited_title``, " (Updated)"
  appended) or the body (``edited_body``, one paragraph appended) changed;
- ``removed``: taken down, served as 404 or, for the ``gone`` subset, 410.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import resources

from newsscraper.replica.model import (
    MSK,
    ArticleSpec,
    Author,
    Block,
    ImageSpec,
    LivePostSpec,
    SiteModel,
    Tag,
)

EPOCH1_NOW = datetime(2025, 11, 2, 12, 0, tzinfo=MSK)
EPOCH_STEP = timedelta(days=7)
SPAN = timedelta(days=120)
FIRST_ID = 90000
A85152_ID = 85152
RELATED_TARGET_ID = 85139
RELATED_TARGET_SLUG = "ukrainian-drone-attacks-on-russia-kill-2-set-oil-refinery-ablaze"

SECTION_WEIGHTS = {
    "news": 40, "opinion": 12, "business": 8, "meanwhile": 5, "city": 6, "climate": 4,
    "diaspora": 4, "indepth": 6, "ukraine_war": 12, "lecture_series": 3,
}
TYPE_WEIGHTS = {"default": 80, "live": 4, "gallery": 5, "video": 6, "podcast": 5}
# (section or "" for any but opinion, type) of the i-th generated article, i % 50
FORCED_SLOTS = {3: ("", "live"), 6: ("", "gallery"), 9: ("", "video"), 12: ("", "podcast"),
                15: ("opinion", "default")}

# the newsroom's vocabulary (names, tags, sentence parts), in data/vocabulary.json
_VOCABULARY = json.loads(
    resources.files("newsscraper.replica").joinpath("data/vocabulary.json").read_text("utf-8"))
AUTHORS: list[tuple[str, str]] = [(name, slug) for name, slug in _VOCABULARY["authors"]]
TAGS: list[str] = _VOCABULARY["tags"]
TAG_SLUGS: dict[str, str] = _VOCABULARY["tag_slugs"]
SUBJECTS: list[str] = _VOCABULARY["subjects"]
PREDICATES: list[str] = _VOCABULARY["predicates"]
MONTHS: list[str] = _VOCABULARY["months"]
WEEKDAYS: list[str] = _VOCABULARY["weekdays"]
HEAD_SUBJECTS: list[str] = _VOCABULARY["head_subjects"]
HEAD_VERBS: list[str] = _VOCABULARY["head_verbs"]
HEAD_OBJECTS: list[str] = _VOCABULARY["head_objects"]
HEAD_TAILS: list[str] = _VOCABULARY["head_tails"]
PLACES: list[str] = _VOCABULARY["places"]


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("’", "").replace("'", "")).strip("-")


class Writer:
    """Sentences and headlines from a seeded RNG, with the site's typographic habits."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        s = f"{r.choice(SUBJECTS)} " + r.choice(PREDICATES).format(
            n=r.randint(2, 60), pct=r.randint(3, 40), km=r.randint(5, 900),
            rate=r.randint(70, 110), month=r.choice(MONTHS), weekday=r.choice(WEEKDAYS),
            place=r.choice(PLACES))
        roll = r.random()
        if roll < 0.15:
            s = f"“{s[0].lower() + s[1:]},” {r.choice(['he', 'she', 'a spokesman'])} said"
            s = "“" + s[1].upper() + s[2:]
        elif roll < 0.22:
            s += f" in {r.choice(PLACES)}"
        elif roll < 0.27:
            s += " with Oil & Gas partners"
        elif roll < 0.30:
            # the site's description splitter fails after "1991."
            s += f", for the first time since {r.randint(1991, 2023)}"
        elif roll < 0.34:
            place = r.choice(["region", "city", "ministry"])
            s += f" — the {place}’s {r.choice(['first', 'worst', 'largest'])} such case"
        return s + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def headline(self, ampersand: bool = False) -> str:
        r = self.rng
        words = [r.choice(HEAD_SUBJECTS), r.choice(HEAD_VERBS), r.choice(HEAD_OBJECTS),
                 r.choice(HEAD_TAILS)]
        if ampersand or r.random() < 0.08:
            field = r.choice(["Oil & Gas", "Trade & Industry", "Arts & Culture"])
            words[2] = f"{field} {words[2]}"
        if r.random() < 0.15 and words[0] != "Putin":
            words[0] = "Russia’s " + words[0]
        if r.random() < 0.1:
            words[1] = "Says 'No Plans' to"
        return " ".join(w for w in words if w)


def _image(r: random.Random, name: str, with_caption: bool = True) -> ImageSpec:
    file = f"{r.randrange(256):02x}/{name}.jpg"
    if not with_caption:
        return ImageSpec(file, None, None)
    return ImageSpec(
        file,
        f"{name.replace('-', ' ').capitalize()} in the city.",
        r.choice(["Sergei Karpukhin / TASS", "Mikhail Metzel / AFP", "Social media"]),
    )


def _body(r: random.Random, w: Writer, aid: int, related_pool: list[int]) -> list[Block]:
    blocks: list[Block] = []
    for i in range(r.randint(3, 9)):
        roll = r.random()
        if i == 0 or roll < 0.45:
            paras: list[tuple[str, str]] = [("p", w.paragraph()) for _ in range(r.randint(1, 4))]
            extra = r.random()
            if extra < 0.1:
                paras += [("li", w.sentence()), ("li", w.sentence())]
            elif extra < 0.18:
                paras.append(("blockquote", w.sentence()))
            elif extra < 0.24 and i:
                paras.insert(0, ("h3", w.headline()))
            blocks.append(Block("html", paragraphs=paras))
        elif roll < 0.52:
            header = r.choice(["Editors' Note", "What happens next", "Background", "Reaction"])
            blocks.append(Block("header", text=header))
        elif roll < 0.59:
            cite = r.choice(["", "Vladimir Putin", "Alexei Navalny"])
            blocks.append(Block("quote", text=w.sentence(), cite=cite))
        elif roll < 0.66:
            blocks.append(Block("image", image=_image(r, f"inline-{aid}-{i}")))
        elif roll < 0.70:
            slides = [_image(r, f"slide-{aid}-{i}-{k}") for k in range(3)]
            blocks.append(Block("images", images=slides))
        elif roll < 0.75:
            blocks.append(Block("embed", text=w.sentence()))
        elif roll < 0.79:
            blocks.append(Block("link", text=w.headline(), url="https://example.org/report"))
        elif roll < 0.82:
            blocks.append(Block("newsletter"))
        elif roll < 0.86:
            blocks.append(Block("aside", text=w.sentence()))
        elif related_pool:
            blocks.append(Block("article", related_id=r.choice(related_pool)))
        else:
            blocks.append(Block("html", paragraphs=[("p", w.paragraph())]))
    return blocks


def generate_site(articles: int = 300, seed: int = 1, epoch: int = 1) -> SiteModel:
    """A deterministic site of ``articles`` generated articles, plus the real a85152 and
    the article its related block links to, in the state of ``epoch`` (1 or 2)."""
    if articles < 10:
        raise ValueError("the replica needs at least 10 articles")
    if epoch not in (1, 2):
        raise ValueError("epochs 1 and 2 exist")
    r = random.Random(seed)
    w = Writer(r)
    start = EPOCH1_NOW - SPAN
    step = SPAN / articles
    specs: list[ArticleSpec] = [_related_target(r, w), _a85152()]
    used_slugs = {s.slug for s in specs}
    recent: list[int] = [RELATED_TARGET_ID]
    for i in range(articles):
        aid = FIRST_ID + i * 3 + r.randint(0, 2)
        published = (start + step * i + timedelta(minutes=r.randint(0, 30))).replace(
            second=0, microsecond=0)
        published = min(published, EPOCH1_NOW - timedelta(minutes=5))
        # every tenth headline carries a raw "&" so the news sitemaps always break XML, and
        # fixed slots guarantee every page type in any site of 16 articles or more
        spec = make_article(r, w, aid, published, recent, used_slugs, ampersand=i % 10 == 7,
                             force=FORCED_SLOTS.get(i % 50))
        specs.append(spec)
        recent = [*recent[-39:], aid]
    _wire_read_more(r, specs)
    model = SiteModel(seed=seed, epoch=1, now=EPOCH1_NOW, articles=specs)
    if epoch == 1:
        return model
    return _epoch2(model, random.Random(seed * 1000 + 2), Writer(random.Random(seed * 1000 + 3)))


def make_article(r: random.Random, w: Writer, aid: int, published: datetime,
                  related_pool: list[int], used_slugs: set[str], ampersand: bool = False,
                  force: tuple[str, str] | None = None) -> ArticleSpec:
    section = r.choices(list(SECTION_WEIGHTS), weights=list(SECTION_WEIGHTS.values()))[0]
    kind = r.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    if force:
        section, kind = force[0] or ("news" if section == "opinion" else section), force[1]
    if section == "opinion":
        kind = "default"
    title = w.headline(ampersand)
    slug = slugify(title)
    while slug in used_slugs:
        slug += "-" + str(r.randint(2, 9))
    used_slugs.add(slug)
    n_auth = r.choices([0, 1, 2, 3], weights=[15, 60, 18, 7])[0]
    if section == "opinion":
        n_auth = max(1, n_auth)
    authors = [Author(*a) for a in r.sample(AUTHORS, n_auth)]
    tags = [Tag(t, TAG_SLUGS.get(t) or slugify(t)) for t in r.sample(TAGS, r.randint(0, 4))]
    edited_late = r.random() < 0.3
    modified = published + (
        timedelta(minutes=r.randint(11, 600), seconds=r.randint(0, 59)) if edited_late
        else timedelta(minutes=r.randint(0, 9), seconds=r.randint(0, 59)))
    spec = ArticleSpec(
        id=aid,
        slug=slug,
        title=title,
        section=section,
        type=kind,
        published=published,
        created=published - timedelta(minutes=r.randint(5, 90)),
        modified=modified,
        authors=authors,
        tags=tags,
        subtitle=w.sentence().rstrip(".") if r.random() < 0.6 else "",
        intro=w.paragraph() if r.random() < 0.3 else "",
        image=None if r.random() < 0.15 else _image(r, f"featured-{aid}", r.random() < 0.9),
        blocks=_body(r, w, aid, related_pool),
        analysis=section == "news" and kind == "default" and r.random() < 0.05,
    )
    if kind == "video":
        spec.video_id = f"yt{aid:08d}"
    if kind == "live":
        spec.blocks = [Block("html", paragraphs=[("p", w.paragraph())])]
        spec.intro = w.paragraph()
        t0 = published
        for k in range(r.randint(2, 6)):
            t0 += timedelta(minutes=r.randint(5, 90))
            spec.live_posts.append(LivePostSpec(
                post_id=aid * 100 + k,
                time=t0,
                paragraphs=[w.paragraph() for _ in range(r.randint(1, 2))],
                related_id=r.choice(related_pool) if related_pool and r.random() < 0.3 else None,
                image=_image(r, f"live-{aid}-{k}") if r.random() < 0.3 else None,
                embed=r.random() < 0.2,
            ))
    return spec


def _related_target(r: random.Random, w: Writer) -> ArticleSpec:
    """The article a85152's "Related article:" line names (its real headline)."""
    published = datetime(2024, 5, 17, 10, 12, tzinfo=MSK)
    return ArticleSpec(
        id=RELATED_TARGET_ID,
        slug=RELATED_TARGET_SLUG,
        title="Ukrainian Drone Attacks on Russia Kill 2, Set Oil Refinery Ablaze",
        section="ukraine_war",
        type="default",
        published=published,
        created=published - timedelta(minutes=20),
        modified=published + timedelta(minutes=3, seconds=12),
        authors=[],
        tags=[Tag("Drones", "drones"), Tag("Belgorod", "belgorod")],
        image=_image(r, "refinery-fire"),
        blocks=[Block("html", paragraphs=[("p", w.paragraph()) for _ in range(3)])],
    )


def _a85152() -> ArticleSpec:
    """The real article, from ``data/a85152.json``: text as published (see that file's
    ``paragraphs_note`` for how the golden text's line wraps were read)."""
    raw = resources.files("newsscraper.replica").joinpath("data/a85152.json").read_text("utf-8")
    d = json.loads(raw)
    blocks = []
    for b in d["blocks"]:
        if b["type"] == "html":
            blocks.append(Block("html", paragraphs=[("p", p) for p in b["paragraphs"]]))
        else:
            assert b["slug"] == RELATED_TARGET_SLUG
            blocks.append(Block("article", related_id=RELATED_TARGET_ID))
    img = d["image"]
    return ArticleSpec(
        id=d["id"],
        slug=d["slug"],
        title=d["title"],
        section=d["section"],
        type=d["type"],
        published=datetime.fromisoformat(d["published"]),
        created=datetime.fromisoformat(d["created"]),
        modified=datetime.fromisoformat(d["modified"]),
        authors=[Author(*a) for a in d["authors"]],
        tags=[Tag(*t) for t in d["tags"]],
        image=ImageSpec(img["file"], img["caption"], img["credits"]),
        blocks=blocks,
    )


def pick_others(r: random.Random, ids: list[int], own: int, k: int) -> list[int]:
    """``k`` distinct ids other than ``own`` (O(k), not O(len(ids)): 50,000 articles)."""
    out: list[int] = []
    while len(out) < min(k, len(ids) - 1):
        i = ids[r.randrange(len(ids))]
        if i != own and i not in out:
            out.append(i)
    return out


def _wire_read_more(r: random.Random, specs: list[ArticleSpec]) -> None:
    ids = [s.id for s in specs]
    for s in specs:
        s.read_more = pick_others(r, ids, s.id, 4)


def _epoch2(base: SiteModel, r: random.Random, w: Writer) -> SiteModel:
    now = base.now + EPOCH_STEP
    specs = [replace(a, blocks=list(a.blocks), tags=list(a.tags)) for a in base.articles]
    candidates = [s for s in specs if s.id not in (A85152_ID, RELATED_TARGET_ID)]
    n = len(candidates)
    chosen = r.sample(candidates, max(3, n // 10))
    edited = chosen[: max(1, len(chosen) // 2)]
    removed = chosen[len(edited):]
    for k, s in enumerate(edited):
        s.modified = (now - timedelta(hours=k % 100 + 1, minutes=k // 100)).replace(second=k % 60)
        if k % 2:
            s.title = s.title + " (Updated)"
        else:
            s.blocks = [*s.blocks, Block("html", paragraphs=[("p", w.paragraph())])]
    for k, s in enumerate(removed):
        s.removed = 410 if k % 2 else 404
    used = {s.slug for s in specs}
    last_id = max(s.id for s in specs)
    n_new = max(3, n // 20)
    window = EPOCH_STEP - timedelta(hours=2)
    pool = [s.id for s in specs[-40:] if not s.removed]
    new: list[ArticleSpec] = []
    for k in range(n_new):
        published = (base.now + timedelta(hours=1) + window * k / n_new).replace(
            second=0, microsecond=0)
        new.append(make_article(r, w, last_id + 10 + k * 3, published, pool, used,
                                 ampersand=k % 5 == 0))
    specs.extend(new)
    live_ids = [s.id for s in specs if not s.removed]
    for s in new:
        s.read_more = pick_others(r, live_ids, s.id, 4)
    return SiteModel(
        seed=base.seed,
        epoch=2,
        now=now,
        articles=specs,
        changes={
            "new": sorted(s.id for s in new),
            "edited": sorted(s.id for s in edited),
            "edited_title": sorted(s.id for k, s in enumerate(edited) if k % 2),
            "edited_body": sorted(s.id for k, s in enumerate(edited) if not k % 2),
            "removed": sorted(s.id for s in removed),
            "gone": sorted(s.id for s in removed if s.removed == 410),
        },
    )


__all__ = ["generate_site", "make_article", "slugify"]
