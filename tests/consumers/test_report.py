"""The status report's figures equal counts made directly in the database.

The database is filled by the benchmark's generator (articles, listings, held revisions,
runs); the page is built, each chart's ``data-values`` read back from the HTML and held
against ``count_documents`` and ``find_one`` answers of the server.
"""

from __future__ import annotations

import itertools
import json
import statistics
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pymongo import MongoClient

from benchmarks.bench_report import fill
from newsscraper.report import build_report
from newsscraper.storage.ferretdb import free_port
from newsscraper.storage.spill import SpillFile
from newsscraper.storage.uri import client_options

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc)
DAYS = 10
SINCE = NOW - timedelta(days=DAYS)
ARTICLES = 500


@pytest.fixture(scope="module")
def filled(mongo_server):
    """One filled database for the module's tests (they only read it)."""
    client: MongoClient = MongoClient(mongo_server, tz_aware=True, **client_options())
    name = f"test_report_{uuid.uuid4().hex[:8]}"
    fill(client[name], ARTICLES, NOW, days=DAYS, seed=3)
    yield client[name]
    client.drop_database(name)
    client.close()


def figures(page: str) -> dict[str, object]:
    tree = lxml_html.fromstring(page)
    return {f.get("id").removeprefix("chart-"): json.loads(f.get("data-values"))
            for f in tree.cssselect("figure.chart")}


@pytest.fixture(scope="module")
def report(filled, tmp_path_factory) -> tuple[dict, str]:
    spill = tmp_path_factory.mktemp("data") / "spill"
    SpillFile(spill).append([{"kind": "article", "item": {}}])
    page = build_report(filled, spill, DAYS, timedelta(minutes=30), NOW)
    return figures(page), page


def test_every_section_and_chart_is_on_the_page(report):
    values, page = report
    assert set(values) == {"runs", "freshness", "archive", "sections", "types", "quality",
                           "failures"}
    tree = lxml_html.fromstring(page)
    assert [s.get("id") for s in tree.iter("section")] == [
        "health", "runs", "freshness", "archive", "content", "failures"]
    for fig in tree.cssselect("figure.chart"):
        assert fig.find(".//{http://www.w3.org/2000/svg}svg") is not None or \
            fig.find("svg") is not None
    # self-contained: nothing fetched, nothing run
    assert not tree.xpath("//script | //link | //img | //iframe | //*[@src]")
    refs = tree.xpath("//@href | //@*[local-name()='href'] | //@src")
    assert all(ref.startswith("#") for ref in refs), refs


def test_health_facts_from_the_database(filled, report):
    _, page = report
    health = lxml_html.fromstring(page).get_element_by_id("health")
    facts = dict(zip((dt.text_content() for dt in health.iter("dt")),
                     (dd.text_content() for dd in health.iter("dd")), strict=True))
    last = next(filled.runs.find().sort("started_at", -1).limit(1))
    assert facts["last run"].startswith(f"{last['started_at']:%Y-%m-%d %H:%M} UTC, "
                                        f"{last['status']}")
    newest = next(filled.articles.find().sort("published_at", -1).limit(1))
    assert facts["newest article stored"].startswith(f"{newest['article_id']}, published")
    held = filled.article_versions.count_documents({"held": True})
    assert held > 0 and facts["revisions held back"] == str(held)
    assert facts["spill files pending"] == "1"
    assert "health problems" in health.get("class")


def test_runs_figures(filled, report):
    runs = report[0]["runs"]
    window = {"started_at": {"$gte": SINCE}}
    assert len(runs) == filled.runs.count_documents(window)
    for status in ("finished", "monitors_failed", "failed", "skipped"):
        assert sum(r["status"] == status for r in runs) == \
            filled.runs.count_documents({**window, "status": status})
    named = [r for r in runs if r["failed_monitors"]]
    assert len(named) == filled.runs.count_documents({**window, "monitors.failed.0":
                                                      {"$exists": True}})
    sample = runs[len(runs) // 2]
    record = filled.runs.find_one({"started_at": datetime.fromisoformat(sample["started_at"])})
    assert sample["requests"] == record.get("counts", {}).get("requests", 0)
    assert sample["new"] == record.get("counts", {}).get("new", 0)
    # removals: gone_at between a crawling run's start and the next one's
    crawling = [r for r in runs if r["status"] not in ("skipped", "rejected")]
    pairs = list(itertools.pairwise(crawling))
    for this, after in [p for p in pairs if p[0]["removed"]][:4] + pairs[::40]:
        start, end = (datetime.fromisoformat(x["started_at"]) for x in (this, after))
        assert this["removed"] == filled.articles.count_documents(
            {"gone_at": {"$gte": start, "$lt": end}})
    assert sum(r["removed"] for r in runs) > 0


def test_freshness_figures(filled, report):
    days = report[0]["freshness"]
    assert days
    first_run = next(filled.runs.find().sort("started_at", 1).limit(1))["started_at"]
    start = max(first_run, SINCE)
    total = filled.articles.count_documents({"published_at": {"$gte": start, "$lte": NOW}})
    assert sum(d["articles"] for d in days) == total
    for d in days[:3]:
        day = datetime.fromisoformat(d["day"]).replace(tzinfo=timezone.utc)
        docs = filled.articles.find({"published_at": {"$gte": max(day, start),
                                                      "$lt": day + timedelta(days=1)}})
        lags = [max(0.0, (x["first_seen_at"] - x["published_at"]).total_seconds() / 60)
                for x in docs]
        assert len(lags) == d["articles"]
        assert d["median_minutes"] == pytest.approx(statistics.median(lags))
        # the 95th percentile: at least 95% at or below it, fewer than 95% below it
        assert sum(x <= d["p95_minutes"] for x in lags) >= 0.95 * len(lags)
        assert sum(x < d["p95_minutes"] for x in lags) < 0.95 * len(lags)


def test_archive_figures(filled, report):
    months = {m["month"]: m for m in report[0]["archive"]}
    short = [m for m in months.values() if m["missing"]]
    assert short, "the generator leaves some months short"
    for m in [*short, *list(months.values())[::15]]:
        year, month = m["month"].split("-")
        listing = filled.crawl_state.find_one({"_id": f"listing:/sitemap/{year}-"
                                                      f"{int(month)}.xml"})
        in_month = {"url": {"$regex": f"/{year}/{month}/"}}
        assert m["listed"] == (len(listing["value"]) if listing else None)
        assert m["stored"] == filled.articles.count_documents(
            {**in_month, "gone_at": {"$exists": False}})
        assert m["removed"] == filled.articles.count_documents(
            {**in_month, "gone_at": {"$exists": True}})
        missing = [i for i in (listing["value"] if listing else [])
                   if filled.articles.find_one({"_id": f"moscowtimes:{i}"}) is None]
        assert m["missing"] == missing


def test_content_figures(filled, report):
    values = report[0]
    for chart, field in (("sections", "section"), ("types", "type")):
        series = values[chart]["series"]
        assert sum(map(sum, series.values())) == filled.articles.count_documents({})
        for name, counts in series.items():
            if name != "other":
                assert sum(counts) == filled.articles.count_documents({field: name})
    quality = values["quality"]
    assert sum(quality["held"]) == filled.article_versions.count_documents(
        {"held": True, "held_at": {"$gte": SINCE}})
    assert sum(quality["partial"]) == filled.articles.count_documents(
        {"partial": True, "changed_at": {"$gte": SINCE}})
    assert sum(quality["stored"]) == filled.articles.count_documents(
        {"changed_at": {"$gte": SINCE}})


def test_failure_figures(filled, report):
    failures = report[0]["failures"]
    window = {"started_at": {"$gte": SINCE}}
    assert failures[0]["total"] >= failures[-1]["total"]
    for f in failures:
        if f["stat"].startswith("spider/"):
            runs = list(filled.runs.find({**window, "counts.failures.stat": f["stat"]}))
            assert f["runs"] == len(runs)
            assert f["total"] == sum(e["count"] for r in runs
                                     for e in r["counts"]["failures"] if e["stat"] == f["stat"])
    dropped = [f for f in failures if f["stat"] == "validate/dropped/missing_body"]
    assert dropped and dropped[0]["runs"] == filled.runs.count_documents(
        {**window, "counts.dropped.missing_body": {"$gt": 0}})


def test_the_command_writes_the_page(filled, cli, tmp_path):
    out = tmp_path / "out" / "status.html"
    status, stdout, _ = cli("report", "--out", str(out), "--days", "7", database=filled.name)
    assert status == 0 and str(out) in stdout
    page = out.read_text()
    values = figures(page)
    # built now, long after the filled runs: none in the window, the archive whole
    assert filled.runs.count_documents(
        {"started_at": {"$gte": datetime.now(timezone.utc) - timedelta(days=7)}}) == 0
    assert "runs" not in values and "No run started in the window." in page
    assert sum(m["stored"] + m["removed"] for m in values["archive"]) == \
        filled.articles.count_documents({})


def test_an_empty_database_gives_a_page_saying_so(aware_db, tmp_path):
    page = build_report(aware_db, Path(tmp_path), 30)
    assert "no run recorded" in page and "Nothing stored yet." in page
    assert not figures(page)


def test_unreachable_database_is_one_line(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MONGO_URI", f"mongodb://127.0.0.1:{free_port()}/")
    status, out, err = cli("report", "--out", str(tmp_path / "x.html"))
    assert status == 3 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "unreachable at mongodb://127.0.0.1:" in err
    assert not (tmp_path / "x.html").exists()
