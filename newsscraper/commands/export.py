"""``newsscraper export``: stored articles as JSON Lines, CSV or the seed's text layout.

Streams a cursor (``BATCH`` documents per round trip) straight to the output, so memory
stays flat however many articles are stored. ``--out FILE`` is written to ``FILE.part``
and renamed when complete: a failed export never leaves a truncated file behind.
``--ids`` with an id that is not stored names it on stderr and exits 1 (the others are
written); an output that cannot be written exits 3.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsscraper.commands.article_text import as_text
from newsscraper.commands.reader import (
    ReadFailed,
    add_database_argument,
    fail,
    open_database,
    parse_date,
    stamp,
)
from newsscraper.items import SITE, document_id, to_jsonable
from newsscraper.outcome import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK
from newsscraper.storage.revisions import moment

BATCH = 100
ARTICLE_RULE = "=" * 78
# CSV cells hold one value each; list fields are joined with a newline (titles and URLs
# never contain one), nested objects are spread over named columns
CSV_COLUMNS = (
    "_id", "article_id", "url", "title", "subtitle", "lead", "authors", "published_at",
    "modified_at", "section", "tags", "type", "language", "body", "related_titles",
    "related_urls", "related_article_ids", "read_more", "image_url", "image_caption",
    "image_credits", "live_posts", "live_posts_json", "partial", "parse_errors", "discovered_via",
    "discovered_from", "content_hash", "body_hash", "duplicate_of", "near_duplicate_of",
    "schema_version", "version", "first_seen_at", "last_seen_at", "changed_at", "gone_at",
)
# text: what the layout prints, and what --ids filters in Python
TEXT_FIELDS = {k: 1 for k in ("url", "title", "body", "related", "live_posts", "gone_at",
                              "section", "published_at", "changed_at")}


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write stored articles as jsonl, csv or text")
    p.add_argument("--format", choices=("jsonl", "csv", "text"), default="jsonl")
    p.add_argument("--since", type=parse_date, metavar="DATE",
                   help="only articles published at or after DATE (YYYY-MM-DD, UTC)")
    p.add_argument("--section", metavar="NAME",
                   help="only this section, as stored (News, Business, 'Ukraine War', ...)")
    p.add_argument("--changed-since", type=parse_date, metavar="DATE",
                   help="only articles whose changed_at is after DATE (the changes feed's "
                        "filter), oldest change first")
    p.add_argument("--changed-until", type=parse_date, metavar="DATE",
                   help="only articles whose changed_at is at or before DATE (the feed's lag "
                        "bound: now minus 5 minutes)")
    p.add_argument("--ids", type=article_ids, metavar="ID,...",
                   help="only these article ids (looked up one by one, in this order); an id "
                        "not stored is named on stderr and exits 1")
    p.add_argument("--out", default="-", metavar="FILE|-", help="output file (- = stdout)")
    add_database_argument(p)
    p.set_defaults(func=run)


def article_ids(text: str) -> list[int]:
    import argparse

    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of article ids: {text!r}") from None
    if not ids or any(i <= 0 for i in ids):
        raise argparse.ArgumentTypeError(f"not a list of article ids: {text!r}")
    return ids


def run(args) -> int:
    try:
        client, db, _uri = open_database(args.database)
    except ReadFailed as exc:
        return fail("newsscraper export", exc)
    missing: list[str] = []
    try:
        with output(args.out) as out:
            count = write(db, args, out, missing)
    except ReadFailed as exc:
        return fail("newsscraper export", exc)
    except BrokenPipeError:  # `export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        print(f"newsscraper export: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        client.close()
    print(f"exported {count} article(s) as {args.format} to "
          f"{'stdout' if args.out == '-' else args.out}", file=sys.stderr)
    if missing:
        print(f"newsscraper export: not stored in {db.name}: {', '.join(missing)}",
              file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


@contextmanager
def output(target: str) -> Iterator[IO[str]]:
    if target == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(target)
    part = path.with_name(path.name + ".part")
    try:
        with part.open("w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def query_of(args) -> dict[str, Any]:
    """The filter of ``--since``, ``--section`` and ``--changed-since/-until``."""
    query: dict[str, Any] = {}
    if args.since:
        query["published_at"] = {"$gte": args.since}
    if args.section:
        query["section"] = args.section
    changed = {op: value for op, value in (("$gt", args.changed_since),
                                           ("$lte", args.changed_until)) if value}
    if changed:
        query["changed_at"] = changed
    return query


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    """Whether a document fetched by ``_id`` passes the other filters (:func:`query_of`)."""
    for name, condition in query.items():
        value = doc.get(name)
        if not isinstance(condition, dict):
            if value != condition:
                return False
            continue
        value = moment(value)
        for op, bound in condition.items():
            if value is None or not {"$gt": value > bound, "$gte": value >= bound,
                                     "$lte": value <= bound}[op]:
                return False
    return True


def articles(db, args, missing: list[str]) -> Iterator[dict[str, Any]]:
    """The selected documents, streamed. Ids are fetched by ``_id`` equality (the other
    filters checked here), the one filter FerretDB answers without shipping every
    document; the keys not stored are added to ``missing``. A ``--changed-since`` or
    ``--changed-until`` export comes in the feed's order (``changed_at``, ``_id``)."""
    from pymongo.errors import PyMongoError

    query = query_of(args)
    projection = TEXT_FIELDS if args.format == "text" else None
    try:
        if args.ids:
            for aid in args.ids:
                doc = db.articles.find_one({"_id": document_id(SITE, aid)}, projection)
                if doc is None:
                    missing.append(document_id(SITE, aid))
                elif matches(doc, query):
                    yield doc
            return
        cursor = db.articles.find(query, projection, batch_size=BATCH)
        if "changed_at" in query:
            cursor = cursor.sort([("changed_at", 1), ("_id", 1)])
        yield from cursor
    except PyMongoError as exc:
        raise ReadFailed(f"reading articles failed ({type(exc).__name__}: {exc})") from exc


def write(db, args, out: IO[str], missing: list[str]) -> int:
    count = 0
    writer = None
    if args.format == "csv":
        writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
    for doc in articles(db, args, missing):
        if writer is not None:
            writer.writerow(csv_row(doc))
        elif args.format == "jsonl":
            out.write(json.dumps(to_jsonable(doc), ensure_ascii=False) + "\n")
        else:
            out.write(("\n" + ARTICLE_RULE + "\n\n" if count else "") + text_of(doc) + "\n")
        count += 1
    return count


def text_of(doc: dict[str, Any]) -> str:
    """The text layout, a removed article marked above it."""
    if not doc.get("gone_at"):
        return as_text(doc)
    return (f"[REMOVED from the site {stamp(doc['gone_at'])} UTC; the text as last "
            f"published]\n\n{as_text(doc)}")


def csv_row(doc: dict[str, Any]) -> dict[str, Any]:
    """One flat row: lists joined by newlines, objects spread over columns; a live blog's
    posts as one JSON array (``post_id``, ``published_at``, ``body``, in order): a body of
    several paragraphs would make a newline-joined list ambiguous."""
    flat = to_jsonable(doc)
    related = flat.get("related") or []
    image = flat.get("image") or {}
    row = {k: v for k, v in flat.items() if k in CSV_COLUMNS}
    row.update(
        related_titles=[r.get("title") for r in related],
        related_urls=[r.get("url") for r in related],
        related_article_ids=[r.get("article_id") for r in related],
        image_url=image.get("url"), image_caption=image.get("caption"),
        image_credits=image.get("credits"), live_posts=len(flat.get("live_posts") or []),
        live_posts_json=json.dumps([{k: p.get(k) for k in ("post_id", "published_at", "body")}
                                    for p in flat.get("live_posts") or []],
                                   ensure_ascii=False) if flat.get("live_posts") else "")
    for name, value in row.items():
        if isinstance(value, list):
            row[name] = "\n".join("" if v is None else str(v) for v in value)
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
    return row
