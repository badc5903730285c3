"""What the consumers' queries cost at archive scale on the embedded FerretDB, the
project's patched build (filter and sort pushdown, docs/storage.md) beside FerretDB
v1.24.2 as released, in one run on one machine (issue 23).

    .venv/bin/python -m benchmarks.bench_consumers [--articles 100000] [--no-stock]
        [--smoke] [--json]

Each build gets a server of its own in a temporary directory, filled directly (bulk
inserts, no crawl) with ``--articles`` copies of parsed replica articles (about 5 kB each)
under distinct ids, with the project's indexes: published over five years, changed over
the last 30 days, one in five in the "News" section, 2% removed. Measured (median of
``--rounds`` runs on the patched build, one run on the released one):

- ``feed_empty_ms``: the README's poll when nothing changed;
- ``feed_1000_ms``: the same poll returning 1,000 changes;
- ``export_since_section_1000_ms``: ``newsscraper export --since D --section News`` of
  1,000 articles (the command's own code, in this process, output to a file);
- ``show_url_ms``: ``newsscraper show URL``, in this process; ``show_query_ms`` its
  query alone (``find_one`` by ``_id``), the rest being the command's own start;
- ``removed_ms``: the removed-only filter, ``{gone_at: {$ne: None}}``;

each with the SQLite plan of its query (``explain``), and ``server_cpu_ms``: the CPU
the FerretDB process spent on each figure's run (from /proc, steadier than the clock on
a shared machine). Targets at 100,000 stored: 50, 1,000, 2,000 and 50 ms, every plan on
an index. The last line is JSON. ``--smoke`` measures the patched build alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import common
from benchmarks.bench_store import copy_as, replica_documents
from benchmarks.common import database

CHUNK = 1000
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FIGURES = ["feed_empty_ms", "feed_1000_ms", "export_since_section_1000_ms", "show_url_ms",
           "show_query_ms", "removed_ms"]
TARGETS = {"feed_empty_ms": 50, "feed_1000_ms": 1000, "export_since_section_1000_ms": 2000,
           "show_url_ms": 50}


def documents(templates: list[dict], start: int, stop: int) -> list[dict]:
    """Articles ``start``..``stop``: article n is published ``n`` steps into five years,
    changed at a distinct second of the last 30 days (a shuffled order, so that the feed
    and publication orders differ), "News" when n % 5 == 0, removed when n % 50 == 7."""
    from newsscraper.storage.articles import article_doc

    docs = []
    for n in range(start, stop):
        template = templates[n % len(templates)]
        aid = 1_000_000 + n
        doc = article_doc(copy_as(template, aid, url=template["url"].replace(
            f"-a{template['article_id']}", f"-a{aid}")))
        changed = changed_at(n)
        doc.update(published_at=NOW - timedelta(days=5 * 365) + timedelta(minutes=26 * n),
                   section="News" if n % 5 == 0 else "Opinion" if n % 5 == 1 else "Business",
                   first_seen_at=changed, last_seen_at=changed, changed_at=changed, version=1)
        if n % 50 == 7:
            doc["gone_at"] = changed
        docs.append(doc)
    return docs


def changed_at(n: int) -> datetime:
    return NOW - timedelta(days=30) + timedelta(seconds=(n * 7919) % (30 * 86400))


async def fill(uri: str, database: str, stored: int) -> None:
    from newsscraper.storage.mongo import ArticleStore

    templates = replica_documents(50)
    store = ArticleStore(uri, database)
    try:
        await store.articles.ensure_indexes()
        for i in range(0, stored, CHUNK):
            await store.db.articles.insert_many(documents(templates, i, min(stored, i + CHUNK)),
                                             ordered=False)
    finally:
        await store.close()


def timed(fn, repeat: int) -> tuple[float, Any]:
    """Median milliseconds of ``repeat`` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1), result


def cpu_seconds(pid: int) -> float:
    """The CPU (user and system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plan(db, query: dict[str, Any]) -> str:
    """The SQLite plan of one find, its steps joined."""
    reply = db.command("explain", {"find": "articles", **query})
    return " | ".join(s.split("detail=", 1)[-1] for s in reply["queryPlanner"].get("Plan", []))


def quietly(argv: list[str]) -> int:
    """Run a ``newsscraper`` command in this process, its output thrown away."""
    from newsscraper.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def measure(uri: str, database: str, stored: int, repeat: int, tmp: Path, label: str,
            which: set[str], pid: int) -> dict[str, Any]:
    from bson import Int64
    from pymongo import MongoClient

    os.environ["MONGO_URI"] = uri  # what the export and show commands read
    client: MongoClient = MongoClient(uri, tz_aware=True)
    db = client[database]
    feed_sort = [("changed_at", 1), ("_id", 1)]
    # the bound below the newest 1,000 changes (distinct seconds, see documents())
    count = min(1000, stored - 1)
    last = sorted(changed_at(n) for n in range(stored))[-count - 1]
    upto = NOW
    empty = {"changed_at": {"$gt": NOW, "$lte": NOW + timedelta(minutes=5)}}
    feed = {"changed_at": {"$gt": last, "$lte": upto}}
    news = sorted(n for n in range(stored) if n % 5 == 0)
    since = NOW - timedelta(days=5 * 365) + timedelta(minutes=26 * news[-min(1000, len(news))])
    show_id = 1_000_000 + stored // 2
    url = db.articles.find_one({"_id": f"moscowtimes:{show_id}"}, {"url": 1})["url"]
    out = tmp / "export.jsonl"
    export_argv = ["export", "--since", since.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                   "--section", "News", "--out", str(out), "--database", database]
    removed = sum(1 for n in range(stored) if n % 50 == 7)
    news_rows = min(1000, len(news))
    runs = {  # figure: (what to time, check of its result)
        "feed_empty_ms": (lambda: list(db.articles.find(empty).sort(feed_sort)),
                          lambda got: got == []),
        "feed_1000_ms": (lambda: list(db.articles.find(feed).sort(feed_sort)),
                         lambda got: len(got) == count),
        "export_since_section_1000_ms": (
            lambda: quietly(export_argv),
            lambda code: code == 0 and len(out.read_text().splitlines()) == news_rows),
        "show_url_ms": (lambda: quietly(["show", url, "--database", database]),
                        lambda code: code == 0),
        "show_query_ms": (lambda: db.articles.find_one({"_id": f"moscowtimes:{show_id}"}),
                          lambda got: got is not None and got["url"] == url),
        "removed_ms": (lambda: list(db.articles.find({"gone_at": {"$ne": None}}, {"_id": 1})),
                       lambda got: len(got) == removed),
    }
    try:
        res: dict[str, Any] = {"server_cpu_ms": {}}
        for name, (fn, check) in runs.items():
            if name not in which:
                continue
            out.unlink(missing_ok=True)
            cpu = cpu_seconds(pid)
            try:
                ms, got = timed(fn, repeat)
            except Exception as exc:  # a server past the operation timeout, say
                ms, got = None, exc
            res["server_cpu_ms"][name] = round((cpu_seconds(pid) - cpu) * 1000 / repeat, 1)
            # a failed run (the released build past the commands' 60 s timeout) is
            # reported as such, not as a time
            res[name] = ms if ms is not None and check(got) else f"failed: {got!r:.100}"
            print(f"{label}: {name} {res[name]}", flush=True)
        res["explain"] = {
            "feed": plan(db, {"filter": feed, "sort": dict(feed_sort)}),
            "feed_page": plan(db, {"filter": {"changed_at": {"$gt": last}},
                                   "sort": dict(feed_sort), "limit": Int64(100)}),
            "export_since_section": plan(db, {"filter": {"published_at": {"$gte": since},
                                                         "section": "News"}}),
            "show_url": plan(db, {"filter": {"_id": f"moscowtimes:{show_id}"}}),
            "removed": plan(db, {"filter": {"gone_at": {"$ne": None}}}),
        }
        return res
    finally:
        client.close()
        del os.environ["MONGO_URI"]


def one_build(binary: Path | None, stored: int, repeat: int, tmp: Path, label: str,
              which: set[str]) -> dict:
    with database("consumers", binary=binary, own=True) as server:
        t = time.perf_counter()
        asyncio.run(fill(server.uri, server.name, stored))
        print(f"{label}: {stored:,} articles stored in {time.perf_counter() - t:.0f} s",
              flush=True)
        res = measure(server.uri, server.name, stored, repeat, tmp, label, which,
                      server.pid or 0)
        for name, steps in res["explain"].items():
            print(f"{label}:   {name}: {steps}", flush=True)
        return res


def bench(args) -> dict:
    from newsscraper.storage.ferretdb import install_stock_ferretdb

    with tempfile.TemporaryDirectory(prefix="bench-consumers-") as tmp:
        patched = one_build(None, args.articles, args.rounds, Path(tmp), "patched",
                            set(FIGURES))
        stock = None if args.no_stock or args.smoke else one_build(
            install_stock_ferretdb(), args.articles, 1, Path(tmp), "released",
            set(args.released.split(",")))
    figures: dict[str, Any] = {"stored": args.articles, **patched}
    figures["indexed"] = all("USING INDEX" in s and " SCAN " not in f" {s} "
                             for s in patched["explain"].values())
    figures["targets_met"] = figures["indexed"] and all(
        isinstance(patched[k], float) and patched[k] <= v for k, v in TARGETS.items())
    if stock is not None:
        figures["released"] = {k: v for k, v in stock.items() if k != "explain"}
        figures["released_explain"] = stock["explain"]
    return figures


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.articles(ap, 100_000, 300, "stored articles", aliases=("--stored",))
    common.rounds(ap, 5, 1, "runs per figure, patched build (the median counts)",
                  aliases=("--repeat",))
    ap.add_argument("--no-stock", action="store_true",
                    help="measure the patched build alone (the released one is slow)")
    ap.add_argument("--released", default=",".join(FIGURES), metavar="FIGURE,...",
                    help="the figures measured on the released build (each is a scan)")
    common.run(ap, bench, argv)


if __name__ == "__main__":
    main()
