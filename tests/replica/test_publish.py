"""``--publish-every``: articles published while the replica runs, for freshness tests."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

from newsscraper.cli import main
from newsscraper.replica import ReplicaServer, generate_site, truth_records
from newsscraper.replica.publish import new_article, read_journal, replay
from newsscraper.sites.moscowtimes import parse_article
from tests.replica.conftest import fetch

ROOT = Path(__file__).resolve().parents[2]
EVERY = 1.5


def rss_times(body: bytes) -> dict[str, datetime]:
    items = ElementTree.fromstring(body).iter("item")
    return {i.findtext("link"): parsedate_to_datetime(i.findtext("pubDate")) for i in items}


def news_sitemap_times(body: bytes) -> dict[str, datetime]:
    # titles are not XML-escaped in news sitemaps, so no XML parser reads them
    pairs = re.findall(rb"<loc>([^<]+)</loc>.*?<news:publication_date>([^<]+)<", body, re.S)
    return {loc.decode(): datetime.fromisoformat(t.decode()) for loc, t in pairs}


def wait_for(server: ReplicaServer, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(server.published) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(server.published) >= count, server.published


def section_listing(url: str) -> str:
    path = {"news": "/news", "city": "/arts-and-life", "opinion": "/opinion",
            "meanwhile": "/meanwhile"}
    return path[url]


def test_an_article_is_published_each_interval_in_listings_rss_and_news_sitemap():
    server = ReplicaServer(generate_site(40, seed=6), publish_every=EVERY).start()
    try:
        base, static = server.base_url, server.static_url
        before = {p: fetch(base + p)[2] for p in ("/", "/rss/all", "/news")}
        started = datetime.now(timezone.utc)
        wait_for(server, 2, timeout=3 * EVERY + 5)
        seen = datetime.now(timezone.utc)
        first, second = server.published[:2]
        assert [first["seq"], second["seq"]] == [1, 2]
        for rec in (first, second):
            at = datetime.fromisoformat(rec["published_at"])
            assert started - timedelta(seconds=1) <= at <= seen + timedelta(seconds=1)
            spec = server.model.by_id[rec["article_id"]]
            url = rec["url"]
            assert url.encode() not in b"".join(before.values())
            assert rss_times(fetch(base + "/rss/all")[2])[url] == at
            assert url.encode() in fetch(base + "/")[2]
            assert url.encode() in fetch(base + section_listing(spec.section))[2]
            news_map = fetch(f"{static}/sitemap/{spec.section}.xml")[2]
            assert news_sitemap_times(news_map)[url] == at
            status, _h, page = fetch(url)
            assert status == 200
            art = parse_article(page, url)
            assert not art.partial and art.title == spec.title and art.body
            assert art.published_at == at and art.modified_at == at
        gap = (datetime.fromisoformat(second["published_at"])
               - datetime.fromisoformat(first["published_at"])).total_seconds()
        assert EVERY - 1 <= gap <= EVERY + 1
        # the truth of the grown model has them, with their publication times
        truth = {t["article_id"]: t for t in truth_records(server.model, base, static)}
        assert truth[first["article_id"]]["published_at"].startswith(
            datetime.fromisoformat(first["published_at"]).astimezone(timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%S"))
    finally:
        server.stop()


def test_no_publication_without_the_option():
    server = ReplicaServer(generate_site(20, seed=6)).start()
    try:
        n = len(server.model.articles)
        time.sleep(0.5)
        assert server.published == [] and len(server.model.articles) == n
    finally:
        server.stop()


def test_published_articles_are_fixed_by_seed_and_sequence():
    at = datetime(2026, 1, 5, 9, 30, 12, tzinfo=timezone.utc)
    a, b = new_article(generate_site(30, 2), 3, at), new_article(generate_site(30, 2), 3, at)
    assert (a.id, a.title, a.section, a.type) == (b.id, b.title, b.section, b.type)
    assert a.published == at and a.modified == at and a.type == "default"
    assert new_article(generate_site(30, 2), 4, at).title != a.title


def test_serve_journal_replays_into_truth(tmp_path, capsys):
    journal = tmp_path / "published.jsonl"
    journal.write_text('{"stale": "from an earlier run"}\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsscraper.cli", "replica", "serve", "--articles", "20",
         "--seed", "3", "--publish-every", "0.5", "--journal", str(journal)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = proc.stdout.readline().strip().split("=", 1)[1]
        deadline = time.monotonic() + 15
        while len(read_journal(journal)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        records = read_journal(journal)
        assert [r["seq"] for r in records][:2] == [1, 2]
        page = fetch(records[0]["url"])[2]
        assert records[0]["url"].startswith(base)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        proc.stdout.close()
    assert main(["replica", "truth", "--articles", "20", "--seed", "3",
                 "--base-url", base, "--journal", str(journal)]) == 0
    truth = {r["article_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    rec = records[0]
    parsed = parse_article(page, rec["url"])
    assert truth[rec["article_id"]]["title"] == parsed.title
    assert truth[rec["article_id"]]["body"] == parsed.body
    assert datetime.fromisoformat(truth[rec["article_id"]]["published_at"].replace("Z", "+00:00")) \
        == datetime.fromisoformat(rec["published_at"])
    assert len(truth) == len(generate_site(20, 3).live_articles) + len(read_journal(journal))


def test_a_journal_of_another_model_is_refused(tmp_path, capsys):
    model = generate_site(20, 3)
    rec = {"seq": 1, "article_id": 1, "url": "x", "published_at": "2026-01-01T00:00:00+00:00"}
    try:
        replay(model, [rec])
    except ValueError as exc:
        assert "another seed or size" in str(exc)
    else:
        raise AssertionError("replay accepted a journal of another model")
    journal = tmp_path / "j.jsonl"
    journal.write_text(json.dumps(rec) + "\n")
    assert main(["replica", "truth", "--articles", "20", "--journal", str(journal)]) == 2
    assert "cannot replay" in capsys.readouterr().err
