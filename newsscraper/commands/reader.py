"""The read-only handle ``export``, ``show`` and ``runs`` share: the crawl's server and
database, a timeout on every call, one-line errors with the documented exit statuses."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Any, NoReturn

from pymongo import MongoClient
from pymongo.database import Database

from newsscraper.outcome import EXIT_FAILED, EXIT_USAGE, BadSetting
from newsscraper.sites.moscowtimes.site import parse_iso


class ReadFailed(Exception):
    """The database could not be reached or did not answer in time."""


class BadDatabaseSetting(ReadFailed):
    """``MONGO_URI``, ``MONGO_DATABASE`` or a timeout the reader cannot use, or
    credentials the server refuses: the operator's to fix (exit 2, as the crawl)."""


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", default=None,
                        help="default: MONGO_DATABASE (setting or environment), as the crawl "
                             "uses")
    one_line_errors(parser)


def one_line_errors(parser: argparse.ArgumentParser, status: int = EXIT_USAGE) -> None:
    """Bad arguments: one line on stderr and exit ``status``, 2 unless the verb's
    convention differs (argparse prints the usage too)."""
    def error(message: str) -> NoReturn:
        print(f"{parser.prog}: {message}", file=sys.stderr)
        sys.exit(status)
    parser.error = error  # type: ignore[method-assign]


def crawl_settings() -> Any:
    """The crawl's settings as a verb reads them: ``settings.py`` when the project is
    found (``scrapy.cfg``, ``SCRAPY_SETTINGS_MODULE``), else Scrapy's alone, with the
    project's defaults under either (:func:`~newsscraper.default_settings.layer_defaults`).
    Where a verb's settings are made."""
    from scrapy.utils.project import get_project_settings

    from newsscraper.default_settings import layer_defaults

    return layer_defaults(get_project_settings())


def open_database(name: str | None) -> tuple[MongoClient, Database, str]:
    """Client, database and printable URI of the server the crawl writes to (``MONGO_URI``
    or the local FerretDB; it is never started here). Pings once so that an unreachable
    server is reported before any output."""
    from pymongo.errors import PyMongoError
    from scrapy.utils.project import get_project_settings

    from newsscraper.crawl.preflight import (
        FROM_ENVIRONMENT,
        check_settings,
        check_uri,
        refused,
    )
    from newsscraper.storage.uri import client_options, mongo_database, mongo_uri, redact

    # not crawl_settings(): outside the project (no settings.py found) the MONGO_* timeouts
    # come from the environment (client_options, check_settings), not from the defaults
    settings = get_project_settings()
    if name is not None:
        settings.set("MONGO_DATABASE", name, priority="cmdline")
    uri = mongo_uri(settings)
    try:  # the crawl's checks of the same settings
        check_uri(uri)
        check_settings(settings, FROM_ENVIRONMENT)
    except BadSetting as exc:
        raise BadDatabaseSetting(str(exc)) from None
    # the crawl's timeouts (MONGO_TIMEOUT_MS, MONGO_OPERATION_TIMEOUT_MS): every call has one
    client: MongoClient = MongoClient(uri, **client_options(settings), tz_aware=True,
                                      appname="newsscraper-reader")
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        client.close()
        problem = refused(exc, uri)
        if problem is not None:
            raise BadDatabaseSetting(str(problem)) from None
        raise ReadFailed(f"database unreachable at {redact(uri)} ({type(exc).__name__})") \
            from exc
    return client, client[mongo_database(settings)], redact(uri)


def fail(prog: str, exc: Exception) -> int:
    print(f"{prog}: {exc}", file=sys.stderr)
    return EXIT_USAGE if isinstance(exc, BadDatabaseSetting) else EXIT_FAILED


def parse_date(text: str) -> datetime:
    """``YYYY-MM-DD`` or an ISO 8601 time (UTC when no offset is given), for argparse."""
    value = parse_iso(text, timezone.utc)  # a date alone is its midnight
    if value is None:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (YYYY-MM-DD or an ISO 8601 time)")
    return value


def stamp(value: Any) -> str:
    """A stored time as ``YYYY-MM-DD HH:MM`` UTC, or ``-``."""
    if not isinstance(value, datetime):
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
