"""The seed's text layout, one home for demo, export and show."""

from newsscraper.consumers.layout import as_text


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
