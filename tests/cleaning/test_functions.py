"""Cleaning functions: tables of cases, hostile input, and properties."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsscraper.cleaning import (
    canonicalize_url,
    clean_body,
    clean_text,
    dedupe_tags,
    split_authors,
    to_utc,
)


@pytest.mark.parametrize(("raw", "clean"), [
    ("  Putin  Says\t'No Plans' ", "Putin Says 'No Plans'"),
    ("Mocow's biggest", "Mocow's biggest"),  # the site's own typo stays
    ("“Quoted,” he said", "“Quoted,” he said"),  # curly quotes stay
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("soft\u00adhyphen", "softhyphen"),
    ("bell\x07 and\x00 nul", "bell and nul"),
    ("non\u00a0breaking", "non breaking"),
    ("Cafe\u0301", "Café"),  # NFC
    (" one space at each end ", "one space at each end"),  # printable: only the ends
    ("Ксения Ларина", "Ксения Ларина"),
    ("line\nbreak", "line break"),
    ("   ", None),
    (None, None),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    # the parsers decoded the page's entities once: what is left is visible text
    ("Oil &amp; Gas", "Oil &amp; Gas"),
    ("Putin Says &#039;No Plans&#039;", "Putin Says &#039;No Plans&#039;"),
    ("a &lt;p&gt; tag", "a &lt;p&gt; tag"),
])
def test_clean_text_does_not_decode_entities_a_second_time(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    ("bell\x07inside", "bellinside"),
    ("nul\x00inside", "nulinside"),
    ("unit\x1fsep", "unitsep"),
    ("next\x85line", "nextline"),
    ("vertical\x0btab", "verticaltab"),
    ("form\x0cfeed", "form feed"),  # HTML whitespace, not a control
])
def test_control_characters_are_removed_not_spaced(raw, clean):
    assert clean_text(raw) == clean
    assert clean_body(f"First.\n\n{raw}") == f"First.\n\n{clean}"


def test_clean_body_keeps_paragraphs_and_drops_appeals():
    body = ("First  paragraph.\n\n\n Second\u200b one.\n\nDear readers, please give.\n\n"
            "Sign up for our free weekly newsletter today\n\nLast.")
    assert clean_body(body) == "First paragraph.\n\nSecond one.\n\nLast."
    assert clean_body("") == "" and clean_body(None) == ""


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-05-17T17:40:00+03:00", datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    ("2024-05-17T14:40:00Z", datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    (datetime(2024, 5, 17, 17, 40, tzinfo=timezone(timedelta(hours=3))),
     datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc)),
    ("2024-05-17 17:40:00", None),  # the gallery's raw DB value: zone unknown
    ("yesterday", None),
    (None, None),
    ("9999-12-31T23:59:59-12:00", None),  # no UTC form: unreadable, not a crash
    ("0001-01-01T00:00:00+03:00", None),
])
def test_to_utc(raw, expected):
    got = to_utc(raw)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("raw", "expected"), [
    (["By Jake Cordell, Anna Rogova and Mack O’Brien"],
     ["Jake Cordell", "Anna Rogova", "Mack O’Brien"]),
    ("A and B", ["A", "B"]),
    ([" A ", "A", ""], ["A"]),
    ([], []),
    (None, []),
])
def test_split_authors(raw, expected):
    assert split_authors(raw) == expected


def test_dedupe_tags_keeps_first_display_form():
    assert dedupe_tags(["War in Ukraine", "war in ukraine", " Kremlin ", "", "Kremlin"]) == [
        "War in Ukraine", "Kremlin"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTPS://WWW.TheMoscowTimes.com/2024/05/17/x-a1?utm_source=tw&utm_medium=s#frag",
     "https://www.themoscowtimes.com/2024/05/17/x-a1"),
    ("https://www.themoscowtimes.com/news?b=2&a=1&fbclid=z", "https://www.themoscowtimes.com/news?a=1&b=2"),
    ("http://127.0.0.1:8000/2024/05/17/x-a1", "http://127.0.0.1:8000/2024/05/17/x-a1"),
    ("", None),
])
def test_canonicalize_url(raw, expected):
    assert canonicalize_url(raw) == expected


_HOST = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}(:[0-9]{1,5})?", fullmatch=True)
_PATH = st.text(alphabet="abcxyz0129._~/-", max_size=40)


@given(st.sampled_from(["http", "https"]), _HOST, _PATH)
def test_a_plain_url_is_canonical_as_w3lib_makes_it(scheme, host, path):
    # the fast path (URLs already canonical, as the parser gives them) agrees with w3lib
    from w3lib.url import canonicalize_url as w3_canonicalize

    url = f"{scheme}://{host}/{path}"
    try:
        expected = w3_canonicalize(url, keep_fragments=False)
    except ValueError:  # a port out of range: refused both ways
        with pytest.raises(ValueError):
            canonicalize_url.__wrapped__(url)
        return
    assert canonicalize_url.__wrapped__(url) == expected


@given(st.text())
def test_clean_text_is_idempotent_and_visible(s):
    once = clean_text(s)
    assert clean_text(once) == once
    if once is not None:
        assert once == once.strip() and "\u200b" not in once and "  " not in once


@given(st.lists(st.text(min_size=1), max_size=5))
def test_clean_body_is_idempotent(paragraphs):
    once = clean_body("\n\n".join(paragraphs))
    assert clean_body(once) == once
