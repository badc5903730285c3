"""Which MongoDB server to talk to, and how to print its URI without the password."""

from __future__ import annotations

import os
from typing import Any

from newsscraper.storage.local import LocalDatabase


def mongo_uri(settings: Any = None) -> str:
    """The server URI: the ``MONGO_URI`` setting, else the ``MONGO_URI`` environment
    variable, else the embedded local FerretDB's URI.

    Read at component construction, never at import time, so secrets stay out of
    settings modules.
    """
    value = settings.get("MONGO_URI") if settings is not None else None
    return value or os.environ.get("MONGO_URI") or LocalDatabase.from_env().uri


def mongo_database(settings: Any = None) -> str:
    """The database name: ``-s MONGO_DATABASE=...`` (or a spider's own setting), else the
    ``MONGO_DATABASE`` environment variable, else the project setting (``newsscraper``).
    The environment sits between the two so that a scheduler's environment file can
    name the database without editing ``settings.py``."""
    from scrapy.settings import SETTINGS_PRIORITIES

    if settings is not None and settings.get("MONGO_DATABASE") and \
            (settings.getpriority("MONGO_DATABASE") or 0) > SETTINGS_PRIORITIES["project"]:
        return str(settings.get("MONGO_DATABASE"))
    configured = settings.get("MONGO_DATABASE") if settings is not None else None
    return os.environ.get("MONGO_DATABASE") or configured or "newsscraper"


DEFAULT_TIMEOUT_MS = 5000
DEFAULT_OPERATION_TIMEOUT_MS = 60000


def client_options(settings: Any = None, timeout_ms: int | None = None,
                   operation_timeout_ms: int | None = None) -> dict[str, Any]:
    """Timeouts for every pymongo client the project builds: reaching the server
    (``MONGO_TIMEOUT_MS``: connect and server selection) and waiting for one reply
    (``MONGO_OPERATION_TIMEOUT_MS``: the socket). pymongo waits forever for a reply by
    default, and a hung FerretDB still answers the driver's monitor, so without the
    socket timeout a crawl waits forever on it (issue 10)."""
    def value(name: str, given: int | None, default: int) -> int:
        if given is not None:
            return given
        if settings is not None and settings.get(name) not in (None, ""):
            return int(settings.get(name))
        return int(os.environ.get(name) or default)

    connect = value("MONGO_TIMEOUT_MS", timeout_ms, DEFAULT_TIMEOUT_MS)
    operation = value("MONGO_OPERATION_TIMEOUT_MS", operation_timeout_ms,
                      DEFAULT_OPERATION_TIMEOUT_MS)
    return {"connectTimeoutMS": connect, "serverSelectionTimeoutMS": connect,
            "socketTimeoutMS": operation}


def uses_local_database(settings: Any = None) -> bool:
    value = settings.get("MONGO_URI") if settings is not None else None
    return not (value or os.environ.get("MONGO_URI"))


def redact(uri: str) -> str:
    """``mongodb://user:secret@host`` -> ``mongodb://user:***@host``; for logs and records."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    creds, at, hosts = rest.rpartition("@")
    if not at:
        return uri
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{hosts}"
