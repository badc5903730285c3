"""Checks a crawl makes before it starts: settings a run could not work with end it at
once, with one line that names the problem (and never the password), instead of a
traceback from deep inside a component. The one place settings are checked; ``export``,
``show`` and ``runs`` use its database checks too. Cheap: no connection but the one
credentials ping, and a DNS lookup for a ``mongodb+srv://`` URI.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pymongo import MongoClient
from pymongo.errors import ConfigurationError, InvalidURI, OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri

from newsscraper.outcome import BadSetting
from newsscraper.storage.uri import redact

AUTHENTICATION_FAILED = 18


@dataclass(frozen=True)
class Number:
    """A numeric setting's kind and bounds (``above``: the lower bound is excluded)."""

    kind: type
    low: float | None = None
    high: float | None = None
    above: bool = False

    def says(self) -> str:
        what = "a whole number" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{what} from {_figure(self.low)} to {_figure(self.high)}"
        if self.low is not None:
            return f"{what} {'above' if self.above else 'of at least'} {_figure(self.low)}"
        return what


def _figure(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


_TIMEOUT_MS = Number(int, 1, 999_999_999)  # pymongo's own bounds
_SHARE = Number(float, 0, 1)
# every numeric setting a run reads; a value out of its bounds, or not a number, stops
# the crawl before it starts (MONGO_* timeouts also from the environment, as they are read)
NUMBERS: dict[str, Number] = {
    "MONGO_TIMEOUT_MS": _TIMEOUT_MS, "MONGO_OPERATION_TIMEOUT_MS": _TIMEOUT_MS,
    "STORE_BATCH_SIZE": Number(int, 1), "STORE_BATCH_SECONDS": Number(float, 0, above=True),
    "STORE_RETRY_SECONDS": Number(float, 0), "STORE_SEEN_RESOLUTION_HOURS": Number(float, 0),
    "PARSER_WORKERS": Number(int, 0), "PARSER_TIMEOUT": Number(float, 0, above=True),
    "DEDUPE_NEAR_THRESHOLD": _SHARE, "DEDUPE_NUM_PERM": Number(int, 2),
    "REMOVALS_MONTH_LIMIT": Number(int, 0),
    "NEWSSCRAPER_REFRESH_DAYS": Number(float, 0), "NEWSSCRAPER_KNOWN_BATCH": Number(int, 1),
    "NEWSSCRAPER_MONTH_RECHECK_HOURS": Number(float, 0),
    "NEWSSCRAPER_RUN_TTL": Number(int, 1),
    "NEWSSCRAPER_RUN_KEEP_DAYS": Number(float, 0, above=True),
    "NEWSSCRAPER_WORKER_MAX_IDLE": Number(float, 0),
    "NEWSSCRAPER_LEASE_SECONDS": Number(float, 0, above=True),
    "NEWSSCRAPER_SITEMAP_QUEUE": Number(int, 1),
    "RELATED_IDS_SECONDS": Number(float, 0, above=True), "WARC_MAX_BYTES": Number(int, 1),
    "MONITOR_MIN_STORED_SHARE": _SHARE, "MONITOR_MAX_GONE_SHARE": _SHARE,
    "MONITOR_MAX_PARTIAL_SHARE": _SHARE, "MONITOR_MAX_UNREACHABLE_SHARE": _SHARE,
    "MONITOR_MAX_SERVER_ERROR_SHARE": _SHARE, "MONITOR_MAX_PARSER_BUGS": Number(int, 0),
    "MONITOR_MAX_WARC_FAILED": Number(int, 0),
    "MONITOR_RECENT_DAYS": Number(int, 0),
}
FROM_ENVIRONMENT = ("MONGO_TIMEOUT_MS", "MONGO_OPERATION_TIMEOUT_MS")
# MongoDB's rule for database names on Unix (FerretDB's is stricter still)
_BAD_NAME = re.compile(r'[/\\. "$\x00]')


def check_settings(settings: Any, names: tuple[str, ...] | None = None) -> None:
    """Raise :class:`BadSetting` for the first numeric setting (of ``names``, default
    all) that is not a number within its bounds (:data:`NUMBERS`), and for a database
    name MongoDB refuses."""
    for name in names or tuple(NUMBERS):
        rule = NUMBERS[name]
        value = settings.get(name)
        if value in (None, "") and name in FROM_ENVIRONMENT:  # as client_options reads it
            value = os.environ.get(name) or None
        if value is not None:
            check_number(name, value, rule)
    check_database_name(settings)


def check_number(name: str, value: Any, rule: Number) -> None:
    try:
        number = rule.kind(str(value).strip()) if isinstance(value, str) else rule.kind(value)
    except (TypeError, ValueError):
        number = None
    low, high = rule.low, rule.high
    if number is None or number != number or \
            (low is not None and (number <= low if rule.above else number < low)) or \
            (high is not None and number > high):
        raise BadSetting(f"setting {name} must be {rule.says()}, got {value!r}")


def check_database_name(settings: Any) -> None:
    """``-s MONGO_DATABASE=`` given empty would silently mean the default database."""
    from scrapy.settings import SETTINGS_PRIORITIES

    from newsscraper.storage.uri import mongo_database

    if settings.get("MONGO_DATABASE") == "" and \
            (settings.getpriority("MONGO_DATABASE") or 0) > SETTINGS_PRIORITIES["project"]:
        raise BadSetting("setting MONGO_DATABASE is empty (leave it out for the default)")
    name = mongo_database(settings)
    if _BAD_NAME.search(name) or len(name.encode()) > 63:
        raise BadSetting(f"MONGO_DATABASE {name!r} is not a database name: at most 63 "
                         f"bytes, none of / \\ . space \" $")


def _password(uri: str) -> str | None:
    rest = uri.partition("://")[2]
    creds, at, _ = rest.rpartition("@")
    if not at or ":" not in creds:
        return None
    return creds.split(":", 1)[1] or None


def mask(text: str, uri: str) -> str:
    """``text`` with the URI's password replaced, raw or percent-decoded."""
    secret = _password(uri)
    if secret:
        for form in {secret, unquote(secret)}:
            text = text.replace(form, "***")
    return text


def check_uri(uri: str) -> None:
    """Raise :class:`BadSetting` when pymongo cannot parse ``uri`` (a port out of range,
    an unescaped ``/`` or ``@`` in the password, an unknown option value)."""
    try:
        # a mongodb+srv:// URI is resolved here (bounded): a name that does not exist is
        # as wrong as a malformed URI; a resolver that does not answer is an outage
        parse_uri(uri, connect_timeout=3.0)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        srv = uri.startswith("mongodb+srv://") and not isinstance(exc, InvalidURI)
        if srv and _dns_timeout(exc):
            return
        what = "cannot be resolved" if srv else "is malformed"
        raise BadSetting(mask(f"MONGO_URI {redact(uri)} {what}: {exc}", uri)) from None


def _dns_timeout(exc: Exception) -> bool:
    text = str(exc).lower()
    return "timed out" in text or "lifetime" in text


def refused(exc: Exception, uri: str) -> BadSetting | None:
    """The server's answer as a settings problem: credentials refused, or a URI the
    driver cannot use here (``authMechanism=MONGODB-AWS`` without ``pymongo-auth-aws``);
    None for an outage (retried, then spilled, exit 3)."""
    if isinstance(exc, OperationFailure) and \
            (exc.code == AUTHENTICATION_FAILED or "uthentication failed" in str(exc)):
        return BadSetting(f"MongoDB at {redact(uri)} refused the credentials in MONGO_URI "
                          f"(authentication failed)")
    if isinstance(exc, ConfigurationError):
        return BadSetting(mask(f"MONGO_URI {redact(uri)} cannot be used: {exc}", uri))
    return None


def check_credentials(uri: str, timeout_ms: int) -> None:
    """Raise :class:`BadSetting` when the server refuses the URI's credentials.

    Only that: a server that cannot be reached is the crawl's business (it retries, then
    spills), not a reason to refuse to start."""
    try:
        client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=timeout_ms,
                                          connectTimeoutMS=timeout_ms,
                                          socketTimeoutMS=timeout_ms)
    except PyMongoError:
        return  # check_uri passed it: an unresolved srv name, the crawl's outage
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        problem = refused(exc, uri)
        if problem is not None:
            raise problem from None
    finally:
        client.close()
