"""``newsscraper show ID|URL [--versions] [--json] [--raw]``: one stored article, laid
out as text (or as JSON), with its revision history; or, with ``--raw``, the page it was
read from as fetched (its WARC record)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from newsscraper.commands.article_text import as_text
from newsscraper.commands.reader import (
    ReadFailed,
    add_database_argument,
    fail,
    open_database,
    stamp,
)
from newsscraper.items import SITE, document_id, to_jsonable
from newsscraper.outcome import EXIT_NOT_FOUND, EXIT_OK


def add_parser(sub) -> None:
    p = sub.add_parser("show", help="print one stored article and its revisions")
    p.add_argument("article", type=article_key, metavar="ID|URL",
                   help="article id (85152) or an article URL ending in -a<ID>")
    p.add_argument("--versions", action="store_true",
                   help="also print every earlier revision, oldest first")
    p.add_argument("--json", action="store_true",
                   help="one JSON object: the article as `export --format jsonl` writes it, "
                        "its revisions, and with --versions their full copies")
    p.add_argument("--raw", action="store_true",
                   help="print the page as fetched (the response body its WARC record "
                        "keeps) instead")
    p.add_argument("--warc", metavar="DIR", default=None,
                   help="where the WARC files are (default: WARC_DIR, "
                        "NEWSSCRAPER_DATA_DIR/warc)")
    add_database_argument(p)
    p.set_defaults(func=run)


def article_key(text: str) -> str:
    """``moscowtimes:<id>`` from an id or an article URL."""
    from newsscraper.sites.moscowtimes import article_id_from_url

    aid = int(text) if text.isdigit() else article_id_from_url(text.strip())
    if not aid:
        raise argparse.ArgumentTypeError(
            f"not an article id or an article URL with -a<ID>: {text!r}")
    return document_id(SITE, aid)


def run(args) -> int:
    from pymongo.errors import PyMongoError

    try:
        client, db, _uri = open_database(args.database)
    except ReadFailed as exc:
        return fail("newsscraper show", exc)
    try:
        doc = db.articles.find_one({"_id": args.article})
        if doc is None:
            print(f"newsscraper show: {args.article} is not stored in {db.name}",
                  file=sys.stderr if args.json else sys.stdout)
            return EXIT_NOT_FOUND
        # revision copies have deterministic _ids: equality lookups, never a scan
        older = [db.article_versions.find_one({"_id": f"{args.article}:v{n}"})
                 for n in range(1, int(doc.get("version") or 1))]
    except PyMongoError as exc:
        return fail("newsscraper show", ReadFailed(
            f"reading {args.article} failed ({type(exc).__name__})"))
    finally:
        client.close()
    if args.raw:
        return print_raw(doc, args.warc)
    revisions = [d for d in older if d is not None]
    if args.json:
        print(json.dumps(as_json(doc, revisions, args.versions), ensure_ascii=False, indent=1))
        return EXIT_OK
    print(header(doc))
    print(history(revisions, doc))
    print()
    print(as_text(doc))
    for old in revisions if args.versions else ():
        print(f"\n{'-' * 78}\nversion {old.get('version', '?')} (superseded "
              f"{stamp(old.get('superseded_at'))}): {old.get('title')}\n{'-' * 78}\n")
        print(as_text(old))
    return EXIT_OK


def print_raw(doc: dict[str, Any], directory: str | None) -> int:
    """The response body of the record the stored revision was read from, as bytes."""
    import sys
    from pathlib import Path

    from newsscraper.commands.warc import default_directory
    from newsscraper.warc.reader import read_page

    source = doc.get("source") or {}
    if not source.get("warc_file"):
        print(f"newsscraper show: {doc['_id']} was stored without a WARC record "
              "(crawled with WARC_ENABLED off, or before WARC files were kept)",
              file=sys.stderr)
        return EXIT_NOT_FOUND
    root = Path(directory) if directory else default_directory()
    path = next(root.rglob(source["warc_file"]), root / source["warc_file"])
    try:
        page = read_page(path, int(source["offset"]))
    except (OSError, ValueError) as exc:
        print(f"newsscraper show: cannot read the record of {doc['_id']} at "
              f"{path}:{source['offset']} ({exc})", file=sys.stderr)
        return EXIT_NOT_FOUND
    sys.stdout.flush()
    sys.stdout.buffer.write(page.body)
    sys.stdout.buffer.flush()
    return EXIT_OK


def header(doc: dict[str, Any]) -> str:
    authors = ", ".join(doc.get("authors") or []) or "-"
    lines = [doc.get("title") or "(no title)", f"{doc['_id']}  {doc.get('url')}",
             f"published {stamp(doc.get('published_at'))}  section {doc.get('section') or '-'}"
             f"  type {doc.get('type') or '-'}  authors {authors}"]
    if doc.get("gone_at"):
        lines.append(f"REMOVED from the site: gone since {stamp(doc['gone_at'])}")
    for name in ("duplicate_of", "near_duplicate_of"):
        if doc.get(name):
            lines.append(f"{name.replace('_', ' ')} {doc[name]}")
    return "\n".join(lines)


def history(revisions: list[dict[str, Any]], doc: dict[str, Any]) -> str:
    """One line per revision: version, when it was stored, until when (or when it was
    removed from the site), its title."""
    rows = ["", "revisions (times UTC):"]
    for old in revisions:
        rows.append(f"  v{old.get('version', '?'):<3} stored {stamp(stored_at(old, revisions))}"
                    f"  superseded {stamp(old.get('superseded_at'))}  {old.get('title')}")
    removed = f"removed {stamp(doc['gone_at'])}, " if doc.get("gone_at") else ""
    rows.append(f"  v{doc.get('version', 1):<3} stored {stamp(stored_at(doc, revisions))}  "
                f"current, {removed}first seen {stamp(doc.get('first_seen_at'))}, last seen "
                f"{stamp(doc.get('last_seen_at'))}")
    missing = int(doc.get("version") or 1) - 1 - len(revisions)
    if missing:
        rows.append(f"  ({missing} earlier revision(s) missing from article_versions)")
    return "\n".join(rows)


def stored_at(doc: dict[str, Any], revisions: list[dict[str, Any]]) -> Any:
    """When this revision was stored: the first one when the article was first seen, a
    later one when the one before it was superseded. Not ``changed_at``: marking an
    article removed, or its URLs moving to a new origin, moves that and is no revision.
    ``changed_at`` only where neither is known (a revision copy missing)."""
    version = int(doc.get("version") or 1)
    if version == 1 and doc.get("first_seen_at"):
        return doc["first_seen_at"]
    before = next((r for r in revisions if r.get("version") == version - 1), None)
    if before is not None and before.get("superseded_at"):
        return before["superseded_at"]
    return doc.get("changed_at")


def as_json(doc: dict[str, Any], revisions: list[dict[str, Any]],
            full: bool) -> dict[str, Any]:
    """``show --json``: ``article`` (the stored document, dates as UTC strings),
    ``stored_at`` and ``removed_at`` (null while live), ``revisions`` (version, stored_at,
    superseded_at, title; oldest first, the current one last) and, with ``--versions``,
    ``versions`` (the earlier revisions' full copies)."""
    rows = [{"version": r.get("version"), "stored_at": stored_at(r, revisions),
             "superseded_at": r.get("superseded_at"), "title": r.get("title")}
            for r in revisions]
    rows.append({"version": doc.get("version", 1), "stored_at": stored_at(doc, revisions),
                 "superseded_at": None, "title": doc.get("title")})
    out = {"article": doc, "stored_at": stored_at(doc, revisions),
           "removed_at": doc.get("gone_at"), "revisions": rows}
    if full:
        out["versions"] = revisions
    return to_jsonable(out)
