"""``newsscraper export``: stored articles as JSON Lines, CSV or the seed's text layout.

Streams a cursor (``BATCH`` documents per round trip) straight to the output, so memory
stays flat however many articles are stored. ``--out FILE`` is written to ``FILE.part``
and renamed when complete: a failed export never leaves a truncated file behind.
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

from newsscraper.consumers.database import (
    ReadFailed,
    add_database_argument,
    fail,
    open_database,
    parse_date,
)
from newsscraper.consumers.layout import as_text
from newsscraper.items import SITE, document_id, to_jsonable

BATCH = 100
ARTICLE_RULE = "=" * 78
# CSV cells hold one value each; list fields are joined with a newline (titles and URLs
# never contain one), nested objects are spread over named columns
CSV_COLUMNS = (
    "_id", "article_id", "url", "title", "subtitle", "lead", "authors", "published_at",
    "modified_at", "section", "tags", "type", "language", "body", "related_titles",
    "related_urls", "related_article_ids", "read_more", "image_url", "image_caption",
    "image_credits", "live_posts", "partial", "parse_errors", "discovered_via",
    "discovered_from", "content_hash", "body_hash", "duplicate_of", "near_duplicate_of",
    "schema_version", "version", "first_seen_at", "last_seen_at", "changed_at", "gone_at",
)
TEXT_FIELDS = {"url": 1, "title": 1, "body": 1, "related": 1}


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write stored articles as jsonl, csv or text")
    p.add_argument("--format", choices=("jsonl", "csv", "text"), default="jsonl")
    p.add_argument("--since", type=parse_date, metavar="DATE",
                   help="only articles published at or after DATE (YYYY-MM-DD, UTC)")
    p.add_argument("--section", metavar="NAME",
                   help="only this section, as stored (News, Business, 'Ukraine War', ...)")
    p.add_argument("--ids", type=article_ids, metavar="ID,...",
                   help="only these article ids (looked up one by one, in this order)")
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
    try:
        with output(args.out) as out:
            count = write(db, args, out)
    except ReadFailed as exc:
        return fail("newsscraper export", exc)
    except BrokenPipeError:  # `export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"newsscraper export: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    finally:
        client.close()
    print(f"exported {count} article(s) as {args.format} to "
          f"{'stdout' if args.out == '-' else args.out}", file=sys.stderr)
    return 0


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


def articles(db, args) -> Iterator[dict[str, Any]]:
    """The selected documents, streamed. Ids are fetched by ``_id`` equality, the one
    filter FerretDB answers without shipping every document."""
    from pymongo.errors import PyMongoError

    query: dict[str, Any] = {}
    if args.since:
        query["published_at"] = {"$gte": args.since}
    if args.section:
        query["section"] = args.section
    projection = TEXT_FIELDS if args.format == "text" else None
    try:
        if args.ids:
            for aid in args.ids:
                doc = db.articles.find_one({**query, "_id": document_id(SITE, aid)}, projection)
                if doc is not None:
                    yield doc
            return
        yield from db.articles.find(query, projection, batch_size=BATCH)
    except PyMongoError as exc:
        raise ReadFailed(f"reading articles failed ({type(exc).__name__}: {exc})") from exc


def write(db, args, out: IO[str]) -> int:
    count = 0
    writer = None
    if args.format == "csv":
        writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
    for doc in articles(db, args):
        if writer is not None:
            writer.writerow(csv_row(doc))
        elif args.format == "jsonl":
            out.write(json.dumps(to_jsonable(doc), ensure_ascii=False) + "\n")
        else:
            out.write(("\n" + ARTICLE_RULE + "\n\n" if count else "") + as_text(doc) + "\n")
        count += 1
    return count


def csv_row(doc: dict[str, Any]) -> dict[str, Any]:
    """One flat row: lists joined by newlines, objects spread over columns."""
    flat = to_jsonable(doc)
    related = flat.get("related") or []
    image = flat.get("image") or {}
    row = {k: v for k, v in flat.items() if k in CSV_COLUMNS}
    row.update(
        related_titles=[r.get("title") for r in related],
        related_urls=[r.get("url") for r in related],
        related_article_ids=[r.get("article_id") for r in related],
        image_url=image.get("url"), image_caption=image.get("caption"),
        image_credits=image.get("credits"), live_posts=len(flat.get("live_posts") or []))
    for name, value in row.items():
        if isinstance(value, list):
            row[name] = "\n".join("" if v is None else str(v) for v in value)
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
    return row
