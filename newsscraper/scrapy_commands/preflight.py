"""Checks a crawl makes before it starts: settings a run could not work with end it at
once, with one line that names the problem (and never the password), instead of a
traceback from deep inside a component."""

from __future__ import annotations

from urllib.parse import unquote

from pymongo import MongoClient
from pymongo.errors import ConfigurationError, InvalidURI, OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri

from newsscraper.extensions.outcome import BadSetting
from newsscraper.storage.uri import redact

AUTHENTICATION_FAILED = 18


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
    if uri.startswith("mongodb+srv://"):
        return  # parsing one resolves DNS: the crawl's connection says what is wrong
    try:
        parse_uri(uri)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise BadSetting(mask(f"MONGO_URI {redact(uri)} is malformed: {exc}", uri)) from None


def check_credentials(uri: str, timeout_ms: int) -> None:
    """Raise :class:`BadSetting` when the server refuses the URI's credentials.

    Only that: a server that cannot be reached is the crawl's business (it retries, then
    spills), not a reason to refuse to start."""
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=timeout_ms,
                                      connectTimeoutMS=timeout_ms, socketTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
    except OperationFailure as exc:
        if exc.code == AUTHENTICATION_FAILED or "uthentication failed" in str(exc):
            raise BadSetting(f"MongoDB at {redact(uri)} refused the credentials in MONGO_URI "
                             f"(authentication failed)") from None
    except PyMongoError:
        pass
    finally:
        client.close()
