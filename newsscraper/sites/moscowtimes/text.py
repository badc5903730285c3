"""Small text helpers shared by the page parsers."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def collapse(text: str) -> str:
    """Collapse runs of whitespace (template tabs and newlines) into one space.

    ``str.split()`` splits on the same Unicode whitespace as ``\\s`` (NBSP included)."""
    return " ".join(text.split())


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, bool]:
    """Decode a page as a browser would (BOM, HTTP header, ``<meta charset>``, sniffing).

    Returns the text and whether the bytes were valid in the encoding chosen. A page that
    declares one encoding but is written in another decodes with replacement characters
    and ``False``, unless it is valid UTF-8, the usual truth behind a wrong declaration.
    """
    encoding, text = html_to_unicode(content_type, body)
    if encoding.replace("-", "").lower() not in ("utf8", "ascii") and not body.isascii():
        try:  # declared e.g. windows-1251 but written in UTF-8: a single-byte codec
            return body.decode("utf-8"), False  # would decode it to mojibake silently
        except UnicodeDecodeError:
            pass
    try:
        body.decode(encoding)
        return text, True
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return text, False
