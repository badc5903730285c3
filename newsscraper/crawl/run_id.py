"""The id of one crawl process's run: the ``_id`` of its ``runs`` record, the name of its
WARC files and of a rejected run's record. Here, below the run recorder, the WARC
middleware and ``scrapy crawl``, which all name runs by it."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone


def new_run_id() -> str:
    """``20260507T120000Z-1a2b3c4d``: sorts by start time, unique across processes."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
