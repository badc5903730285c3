"""Formatting helpers the templates' PHP helpers stand for: escaping, dates, JSON, the
CMS's paragraph HTML, and the text descriptions, feeds and teasers take from an article."""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime

from newsscraper.replica.model import MSK, ArticleSpec


def esc(s: str) -> str:
    """PHP htmlspecialchars(ENT_QUOTES): what the templates run every value through."""
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def month_text(d: datetime) -> str:
    """PHP 'M. j, Y' with the site's replacements (May. -> May, Jun. -> June ...)."""
    s = f"{d:%b}. {d.day}, {d.year}"
    for short, full in (
        ("Mar.", "March"),
        ("Apr.", "April"),
        ("May.", "May"),
        ("Jun.", "June"),
        ("Jul.", "July"),
    ):
        s = s.replace(short, full)
    return s


def iso(d: datetime) -> str:
    """PHP date('c') in the server's Europe/Moscow time zone."""
    return d.astimezone(MSK).isoformat()


def jenc(value) -> str:
    """PHP json_encode: slashes and non-ASCII escaped."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def first_sentence(text: str) -> str:
    """The site's description splitter: a period after a digit ("since 1991.") does not
    end a sentence for it, so such descriptions run on to the next sentence."""
    m = re.search(r"(?<![0-9])\.\s", text)
    return text[: m.start() + 1] if m else text


def inline(www: str, text: str) -> str:
    """CMS paragraph HTML: the editors' habits, varied by a hash of the text. Raw
    apostrophes, ``&quot;``, the odd ``&ldquo;``/``&mdash;`` entity, inline links and
    emphasis, and line breaks with tabs inside a paragraph (a reader sees spaces)."""
    h = zlib.crc32(text.encode())
    out = esc(text).replace("&#039;", "'")
    if h % 3 == 0:
        out = out.replace("“", "&ldquo;", 1)
    if h % 5 == 0:
        out = out.replace("—", "&mdash;")
    words = out.split(" ")
    if len(words) > 6:
        k = 1 + h % (len(words) - 2)
        w = words[k]
        if "&" not in w and "<" not in w:
            if h % 7 == 0:
                words[k] = f'<a href="/2024/05/10/some-other-story-a85050">{w}</a>'
            elif h % 7 == 1:
                words[k] = f'<a href="{www}/tag/Kremlin" target="_blank">{w}</a>'
            elif h % 7 == 2:
                words[k] = f"<strong>{w}</strong>"
            elif h % 7 == 3:
                words[k] = f"<em>{w}</em>"
        if h % 11 == 0:
            words[len(words) // 2] += "\n\t\t\t\t\t\t\t\t"
    return " ".join(words).replace("\n\t\t\t\t\t\t\t\t ", "\n\t\t\t\t\t\t\t\t")


def first_text(a: ArticleSpec) -> str:
    """The first paragraph of the first html block: what descriptions and teasers take."""
    return next((b.paragraphs[0][1] for b in a.blocks if b.kind == "html" and b.paragraphs), "")


def prefix(a: ArticleSpec) -> str:
    """The type's label the site puts before a description ("Video | ", "Opinion | ")."""
    return {"video": "Video | ", "gallery": "Gallery | ", "podcast": "Podcast | "}.get(
        a.type, "Opinion | " if a.is_opinion else ""
    )


def description(a: ArticleSpec) -> str:
    """meta description: the first sentence of the first html block, with a prefix."""
    return prefix(a) + first_sentence(first_text(a))


def teaser(a: ArticleSpec) -> str:
    """A card's text: the intro, else the first paragraph, cut at 150 characters."""
    text = a.intro or first_text(a)
    return text if len(text) <= 150 else text[:147].rstrip() + "..."
