"""Normalisation that keeps text exactly as published, minus invisible debris."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, timezone

from w3lib.url import canonicalize_url as w3_canonicalize
from w3lib.url import url_query_cleaner

# the site's appeals (never article text), its byline separators and its ISO reader
from newsscraper.sites.moscowtimes.site import AUTHOR_SEPARATORS, PROMO_PREFIXES, parse_iso

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# C0 and C1 controls but HTML's whitespace (tab, newline, form feed, carriage return)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\x0c\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK = re.compile(r"\n\s*\n")
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|_ga|from)$")
# a URL canonical already (what the article parser gives): lower-case scheme and host, a
# port without leading zeros, a path of unreserved characters, no query, fragment or escape
_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(?::([1-9][0-9]{0,4}))?(/[A-Za-z0-9._~/-]*)")


def clean_text(value: str | None) -> str | None:
    """One line of text: NFC, zero-width and control characters removed, runs of spaces
    collapsed, trimmed. ``None`` and blank give ``None``.

    Entities are not decoded: the page parsers did that once, so an ``&amp;`` left in the
    text is what the page shows (an article about HTML, a title quoting markup)."""
    if value is None:
        return None
    if value.isprintable() and "  " not in value and unicodedata.is_normalized("NFC", value):
        # the usual text: no control, zero-width (format) or non-ASCII space character
        # (none is printable), no run of spaces, composed: only its ends can change
        return value.strip() or None
    value = unicodedata.normalize("NFC", value).translate(_ZERO_WIDTH)
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _SPACES.sub(" ", value.replace("\n", " ")).strip()
    return value or None


def clean_body(value: str | None) -> str:
    """Paragraphs (separated by blank lines) cleaned one by one; promo leftovers
    dropped; joined by one blank line."""
    if not value:
        return ""
    paragraphs = []
    for raw in _BLANK.split(value.replace("\r\n", "\n")):
        text = clean_text(raw)
        if text and not text.startswith(PROMO_PREFIXES):
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def to_utc(value: datetime | str | None) -> datetime | None:
    """An aware datetime in UTC; ISO strings are parsed; naive values are refused
    (``None``) because their zone is unknown."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_iso(value)
        if value is None:
            return None
    if value.tzinfo is None or value.utcoffset() is None:
        return None
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59-12:00 has no UTC form: as unreadable
        return None


def split_authors(names: list[str] | str | None) -> list[str]:
    """"A, B and C" or ["A and B"] -> ["A", "B", "C"]: trimmed, in order, no repeats."""
    if not names:
        return []
    if isinstance(names, str):
        names = [names]
    out: list[str] = []
    for chunk in names:
        text = clean_text(chunk) or ""
        if text.lower().startswith("by "):
            text = text[3:]
        for name in AUTHOR_SEPARATORS.split(text):
            name = name.strip(" ,.")
            if name and name not in out:
                out.append(name)
    return out


def dedupe_tags(tags: list[str] | None) -> list[str]:
    """Tags cleaned and de-duplicated case-insensitively, first display form kept."""
    seen: set[str] = set()
    out = []
    for tag in tags or []:
        text = clean_text(tag)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


@functools.lru_cache(maxsize=4096)  # pure; the same "Read more" links recur on every page
def canonicalize_url(url: str | None) -> str | None:
    """Scheme and host lower-cased, tracking parameters and fragment removed, query
    sorted (w3lib); the path is kept as published."""
    if not url:
        return None
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain and int(plain.group(1) or 0) < 65536 and "/." not in plain.group(2):
        return url  # w3lib would give it back as it is (no dot segment to resolve)
    cleaned = url_query_cleaner(url, [p for p in _query_keys(url) if TRACKING.match(p)],
                                remove=True, keep_fragments=False)
    return w3_canonicalize(cleaned, keep_fragments=False)


def _query_keys(url: str) -> list[str]:
    from urllib.parse import parse_qsl, urlsplit

    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
