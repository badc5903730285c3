"""Where the crawl keeps files of its own: spill files and WARC files live under the
data directory."""

from __future__ import annotations

from typing import Any

from newsscraper.storage.uri import layered_setting, mongo_database, mongo_uri, server_hosts


def data_dir(settings: Any = None) -> str:
    """Where spill files go (``<dir>/spill``): ``NEWSSCRAPER_DATA_DIR`` with the same
    precedence as :func:`mongo_database` (``-s`` over the environment over
    ``settings.py``, default ``var``)."""
    return layered_setting(settings, "NEWSSCRAPER_DATA_DIR")


def spill_target(settings: Any = None) -> dict[str, str]:
    """What a spill file belongs to: the database and the server's hosts (no secret)."""
    return {"database": mongo_database(settings), "server": server_hosts(mongo_uri(settings))}
