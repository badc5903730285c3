"""Small text helpers shared by the page parsers."""

from __future__ import annotations

import re

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom

# C0 and C1 controls but HTML's whitespace (tab, newline, form feed, carriage return):
# invisible, so removed; str.split() alone would turn \x1c-\x1f and \x85 into spaces
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def collapse(text: str) -> str:
    """Collapse runs of whitespace (template tabs and newlines) into one space, control
    characters removed.

    ``str.split()`` splits on the same Unicode whitespace as ``\\s`` (NBSP included)."""
    if not text.isprintable() and _CONTROL.search(text):  # the C check spares most texts
        text = _CONTROL.sub("", text)
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


def html_source(body: bytes) -> tuple[str | bytes, bool]:
    """What to give the HTML parser for a page's bytes, and whether they were valid in
    their encoding: the bytes themselves when they are UTF-8 and say so (or say nothing),
    as the site's pages do, since libxml2 reads UTF-8 bytes quicker than a str; else the
    text of :func:`decode_html`."""
    declared = html_body_declared_encoding(body)
    if read_bom(body)[0] is None and declared in (None, "utf-8"):
        try:
            body.decode("utf-8")
            return body, True
        except UnicodeDecodeError:
            pass
    return decode_html(body)


def ends_html(source: str | bytes) -> bool:
    """Whether a page ends with its ``</html>``: one that does not was cut off."""
    tail = source[-2048:].lower()
    return (b"</html>" in tail) if isinstance(tail, bytes) else ("</html>" in tail)


_XML_DECL = re.compile(r"<\?xml[^>]*\?>")
_DECLARED = re.compile(
    rb"""^\s*(?:<!--.*?-->\s*)*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.S)
# a bare "&" that starts no entity: the news sitemaps write titles without escaping
_BARE_AMP = re.compile(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # lxml refuses these
_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


def decode_xml(body: bytes) -> str:
    """Decode a feed or sitemap: its declared encoding (windows-1251 for the Yandex feed),
    else UTF-8, else windows-1251 (the site's other encoding), never failing."""
    m = _DECLARED.match(body)
    for encoding in (m.group(1).decode("ascii") if m else "utf-8", "utf-8", "windows-1251"):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def xml_root(body: str | bytes):
    """The root element of a feed or sitemap, parsed leniently; ``None`` when there is
    no document at all. A byte-level error (a raw ``&``, a wrong declared encoding, a
    truncated file) costs the broken element, not the rest of the file."""
    text = body if isinstance(body, str) else decode_xml(body)
    text = _BARE_AMP.sub("&amp;", _XML_DECL.sub("", _NOT_XML.sub("", text.lstrip("\ufeff"))))
    try:
        return etree.fromstring(text, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
