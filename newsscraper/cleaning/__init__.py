"""Pure cleaning functions: text, dates, people, tags and URLs. No I/O."""

from newsscraper.cleaning.functions import (
    PROMO_PREFIXES,
    canonicalize_url,
    clean_body,
    clean_text,
    dedupe_tags,
    split_authors,
    to_utc,
)

__all__ = ["PROMO_PREFIXES", "canonicalize_url", "clean_body", "clean_text", "dedupe_tags",
           "split_authors", "to_utc"]
