"""``newsscraper export``: formats, filters, output files and failures, against a real
server holding articles stored by the real pipelines."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime, timezone

import pytest

from newsscraper.items import LivePost, RelatedLink
from newsscraper.storage.ferretdb import free_port
from tests.consumers.conftest import WWW, article


@pytest.fixture
def five(store_items):
    """Articles 1-5 (odd ids in News, even in Business, published May 11-15 2024)."""
    stats = store_items([article(i) for i in range(1, 6)])
    assert stats["mongo/new"] == 5


def test_jsonl_holds_every_stored_document_with_utc_times(five, cli, mongo_db):
    status, out, err = cli("export", "--format", "jsonl")
    assert status == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    stored = {d["_id"]: d for d in mongo_db.articles.find()}
    assert sorted(d["_id"] for d in lines) == sorted(stored)
    one = next(d for d in lines if d["article_id"] == 3)
    assert one["published_at"] == "2024-05-13T14:40:00Z"
    assert one["related"][0]["title"] == "Other 3" and one["authors"] == ["Jake Cordell", "Anna Z"]
    assert set(one) == set(stored["moscowtimes:3"])
    assert "exported 5 article(s) as jsonl to stdout" in err


def test_filters_since_section_and_ids(five, cli):
    def ids(*args: str) -> list[int]:
        status, out, err = cli("export", *args)
        assert status == 0, err
        return [json.loads(line)["article_id"] for line in out.splitlines()]

    assert sorted(ids("--since", "2024-05-13")) == [3, 4, 5]
    assert sorted(ids("--since", "2024-05-13T14:41:00Z")) == [4, 5]
    assert sorted(ids("--section", "Business")) == [2, 4]
    assert ids("--ids", "5,1,3") == [5, 1, 3]  # the order asked
    assert ids("--ids", "1,2,3", "--section", "News") == [1, 3]  # stored, filtered out
    assert ids("--ids", "1,2,3", "--since", "2024-05-12") == [2, 3]
    assert ids("--section", "Sport") == []


def test_csv_flat_columns_with_lists_joined(five, cli):
    status, out, _ = cli("export", "--format", "csv", "--ids", "2")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    row = rows[0]
    assert row["_id"] == "moscowtimes:2" and row["article_id"] == "2"
    assert row["authors"].split("\n") == ["Jake Cordell", "Anna Z"]
    assert row["tags"].split("\n") == ["Kremlin", "Economy"]
    assert row["related_titles"] == "Other 2"
    assert row["related_urls"] == f"{WWW}/2025/11/02/other-2"
    assert row["image_caption"] == "Cap" and row["partial"] == "false"
    assert row["published_at"] == "2024-05-12T14:40:00Z"
    assert row["body"].count("\n\n") == 2 and row["version"] == "1"


def test_text_is_the_seed_layout_one_article_after_another(five, cli):
    status, out, _ = cli("export", "--format", "text", "--ids", "1,2")
    assert status == 0
    first, second = out.split("\n\n" + "=" * 78 + "\n\n")
    assert first.split("\n\n") == [
        "First paragraph of story 1, words 7.", "Related article: Other 1",
        "Second paragraph 1 about the ruble.", "Third 1.",
        f"Original url:\n{WWW}/2024/05/11/story-1-a1", f"{WWW}/2025/11/02/other-1"]
    assert second.startswith("First paragraph of story 2,")


def test_out_file_written_whole(five, cli, tmp_path):
    target = tmp_path / "articles.jsonl"
    status, out, err = cli("export", "--out", str(target))
    assert status == 0 and out == ""
    assert len(target.read_text().splitlines()) == 5
    assert not list(tmp_path.glob("*.part"))
    assert f"to {target}" in err


@pytest.mark.parametrize("argv", [
    ("export", "--ids", "12,x"), ("export", "--since", "yesterday"),
    ("export", "--format", "xml"), ("show", "not-an-article"), ("runs", "--last", "0"),
])
def test_bad_arguments_one_line_exit_2(cli, argv):
    status, out, err = cli(*argv)
    assert status == 2
    assert out == "" and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("argv", [("export",), ("show", "85152"), ("runs",)])
def test_unreachable_database_one_line_exit_3(cli, argv, monkeypatch, tmp_path):
    monkeypatch.setenv("MONGO_URI", f"mongodb://127.0.0.1:{free_port()}/")
    target = tmp_path / "out.jsonl"
    extra = ("--out", str(target)) if argv == ("export",) else ()
    status, out, err = cli(*argv, *extra)
    assert status == 3
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert "unreachable at mongodb://127.0.0.1:" in err
    assert not target.exists()


def test_csv_row_joins_related_ids_where_the_parser_knows_them():
    from newsscraper.commands.export import csv_row

    row = csv_row({"_id": "moscowtimes:1", "related": [
        {"url": "u1", "title": "One", "position": 0, "article_id": 85151},
        {"url": "u2", "title": "Two", "position": 2}]})
    assert row["related_article_ids"] == "85151\n"
    assert row["related_titles"] == "One\nTwo" and row["live_posts"] == 0


def test_ids_not_stored_are_named_and_exit_1(five, cli, tmp_path):
    status, out, err = cli("export", "--ids", "5,999999,1,888")
    assert status == 1
    assert [json.loads(line)["article_id"] for line in out.splitlines()] == [5, 1]
    last = err.strip().splitlines()[-1]
    assert last.startswith("newsscraper export: not stored in ")
    assert last.endswith(": moscowtimes:999999, moscowtimes:888")
    target = tmp_path / "some.txt"
    status, _, err = cli("export", "--format", "text", "--ids", "999999", "--out", str(target))
    assert status == 1 and "moscowtimes:999999" in err and target.read_text() == ""


def live_blog(article_id: int) -> object:
    posts = [LivePost(11, datetime(2024, 5, 17, 9, 5, tzinfo=timezone.utc),
                      "Morning post.\n\nWith two paragraphs.",
                      related=[RelatedLink(f"{WWW}/2025/11/02/x", "Post link")]),
             LivePost(12, datetime(2024, 5, 17, 18, 40, tzinfo=timezone.utc), "Evening, «Кремль».")]
    return article(article_id, type="live", body="Summary only.", related=[], live_posts=posts)


def test_text_and_csv_carry_live_posts_and_mark_a_removed_article(store_items, cli, mongo_db):
    store_items([live_blog(21), article(22)])
    gone = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
    mongo_db.articles.update_one({"_id": "moscowtimes:22"}, {"$set": {"gone_at": gone}})
    status, out, _ = cli("export", "--format", "text", "--ids", "21,22")
    assert status == 0
    blog, removed = out.split("\n\n" + "=" * 78 + "\n\n")
    assert blog.split("\n\n")[:7] == [
        "Summary only.", "Live posts (2):", "[2024-05-17 09:05 UTC]", "Morning post.",
        "With two paragraphs.", "Related article: Post link", "[2024-05-17 18:40 UTC]"]
    assert "Evening, «Кремль».\n\nOriginal url:" in blog
    assert removed.startswith("[REMOVED from the site 2024-06-01 08:00 UTC;")
    assert "First paragraph of story 22" in removed

    status, out, _ = cli("export", "--format", "csv", "--ids", "21,22")
    rows = {r["article_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["21"]["live_posts"] == "2"
    assert json.loads(rows["21"]["live_posts_json"]) == [
        {"post_id": 11, "published_at": "2024-05-17T09:05:00Z",
         "body": "Morning post.\n\nWith two paragraphs."},
        {"post_id": 12, "published_at": "2024-05-17T18:40:00Z", "body": "Evening, «Кремль»."}]
    assert rows["22"]["live_posts_json"] == "" and rows["22"]["gone_at"] == "2024-06-01T08:00:00Z"
    assert rows["21"]["gone_at"] == ""


def test_changed_since_is_the_feeds_filter_in_the_feeds_order(store_items, cli, aware_db):
    store_items([article(i) for i in (1, 2, 3)])
    first = aware_db.articles.find_one({"_id": "moscowtimes:1"})["changed_at"]
    time.sleep(1.1)  # stored times have second resolution
    store_items([article(3, title="Story 3, edited"), article(1), article(4)])
    second = aware_db.articles.find_one({"_id": "moscowtimes:4"})["changed_at"]

    def ids(*args: str) -> list[int]:
        status, out, err = cli("export", *args)
        assert status == 0, err
        return [json.loads(line)["article_id"] for line in out.splitlines()]

    assert ids("--changed-since", first.isoformat()) == [3, 4]
    assert sorted(ids("--changed-until", first.isoformat())) == [1, 2]
    assert ids("--changed-since", "2000-01-01", "--changed-until", first.isoformat(),
               "--section", "News") == [1]
    assert ids("--changed-since", second.isoformat()) == []
    assert ids("--ids", "1,3,4", "--changed-since", first.isoformat()) == [3, 4]
