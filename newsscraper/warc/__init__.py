"""What was fetched, kept as fetched: WARC files (ISO 28500) written during a crawl
(:mod:`.writer`, :mod:`.middleware`) and read back (:mod:`.reader`) by ``show --raw``,
``warc check`` and the ``reparse`` spider."""
