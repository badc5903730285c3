"""The seed's text layout, one home for demo, export and show."""

from newsscraper.commands.article_text import as_text


def test_as_text_places_related_blocks_by_position():
    doc = {"url": "U", "body": "one\n\ntwo\n\nthree",
           "related": [{"url": "R0", "title": "First", "position": 0},
                       {"url": "R2", "title": "Second", "position": 2},
                       {"url": "R9", "title": "Unplaced", "position": None}]}
    assert as_text(doc).split("\n\n") == [
        "Related article: First", "one", "two", "Related article: Second", "three",
        "Related article: Unplaced", "Original url:\nU", "R0\nR2\nR9"]
    assert as_text({"url": "U", "body": "only"}) == "only\n\nOriginal url:\nU"


def test_demo_prints_the_same_layout():
    from newsscraper.commands import demo

    assert demo.as_text is as_text


def test_as_text_carries_live_posts_in_order_with_their_times():
    from datetime import datetime, timezone

    doc = {"url": "U", "body": "Summary.", "live_posts": [
        {"post_id": 1, "published_at": datetime(2024, 5, 17, 9, 5, tzinfo=timezone.utc),
         "body": "First post.\n\nIts second paragraph.",
         "related": [{"url": "R", "title": "Linked"}]},
        {"post_id": 2, "published_at": datetime(2024, 5, 17, 11, 30), "body": "Later."}]}
    assert as_text(doc).split("\n\n") == [
        "Summary.", "Live posts (2):", "[2024-05-17 09:05 UTC]", "First post.",
        "Its second paragraph.", "Related article: Linked", "[2024-05-17 11:30 UTC]",
        "Later.", "Original url:\nU"]
