"""Which MongoDB server to talk to, how long to wait on it, and how to print its URI
without the password. (Where files go: :mod:`newsscraper.storage.paths`.)"""

from __future__ import annotations

import os
from typing import Any

from newsscraper.default_settings import default
from newsscraper.storage.ferretdb import LocalDatabase


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
    return _layered(settings, "MONGO_DATABASE")


def layered_setting(settings: Any, name: str) -> str:
    """A setting read as :func:`mongo_database` reads its own: ``-s`` over the environment
    over ``settings.py`` over the default (``newsscraper.default_settings``)."""
    return _layered(settings, name)


def _layered(settings: Any, name: str) -> str:
    from scrapy.settings import SETTINGS_PRIORITIES

    if settings is not None and settings.get(name) and \
            (settings.getpriority(name) or 0) > SETTINGS_PRIORITIES["project"]:
        return str(settings.get(name))
    configured = settings.get(name) if settings is not None else None
    return str(os.environ.get(name) or configured or default(name))


def client_options(settings: Any = None, timeout_ms: int | None = None,
                   operation_timeout_ms: int | None = None) -> dict[str, Any]:
    """Timeouts for every pymongo client the project builds: reaching the server
    (``MONGO_TIMEOUT_MS``: connect and server selection) and waiting for one reply
    (``MONGO_OPERATION_TIMEOUT_MS``: the socket). pymongo waits forever for a reply by
    default, and a hung FerretDB still answers the driver's monitor, so without the
    socket timeout a crawl waits forever on it (issue 10). Each: the argument, else the
    setting, else the environment variable, else the default."""
    def value(name: str, given: int | None) -> int:
        if given is not None:
            return given
        if settings is not None and settings.get(name) not in (None, ""):
            return int(settings.get(name))
        return int(os.environ.get(name) or default(name))

    connect = value("MONGO_TIMEOUT_MS", timeout_ms)
    operation = value("MONGO_OPERATION_TIMEOUT_MS", operation_timeout_ms)
    return {"connectTimeoutMS": connect, "serverSelectionTimeoutMS": connect,
            "socketTimeoutMS": operation}


def uses_local_database(settings: Any = None) -> bool:
    """Whether no ``MONGO_URI`` is given (settings, then environment): the embedded
    FerretDB is the database."""
    value = settings.get("MONGO_URI") if settings is not None else None
    return not (value or os.environ.get("MONGO_URI"))


# URI options known to carry no secret; any other option's value is masked
HARMLESS_OPTIONS = frozenset(o.lower() for o in (
    "appName", "authMechanism", "authSource", "compressors", "connectTimeoutMS",
    "directConnection", "heartbeatFrequencyMS", "journal", "loadBalanced",
    "localThresholdMS", "maxConnecting", "maxIdleTimeMS", "maxPoolSize",
    "maxStalenessSeconds", "minPoolSize", "readConcernLevel", "readPreference",
    "readPreferenceTags", "replicaSet", "retryReads", "retryWrites",
    "serverSelectionTimeoutMS", "serverMonitoringMode", "socketTimeoutMS", "srvMaxHosts",
    "srvServiceName", "ssl", "timeoutMS", "tls", "tlsAllowInvalidCertificates",
    "tlsAllowInvalidHostnames", "tlsDisableOCSPEndpointCheck", "tlsInsecure",
    "uuidRepresentation", "w", "waitQueueTimeoutMS", "wTimeoutMS", "zlibCompressionLevel"))


def redact(uri: str) -> str:
    """The URI as it may be printed: scheme, user, hosts, database and the options known
    to be harmless; the password and every other option's value as ``***``
    (``tlsCertificateKeyFilePassword``, ``authMechanismProperties=AWS_SESSION_TOKEN:...``
    and options this code does not know alike). For logs, records and spill files."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "***" if any(c in uri for c in "@?:") else uri
    rest, _, query = rest.partition("?")
    creds, at, hosts = rest.rpartition("@")
    if at:
        hosts = f"{creds.split(':', 1)[0]}:***@{hosts}" if ":" in creds else f"{creds}@{hosts}"
    if not query:
        return f"{scheme}://{hosts}"
    options = []
    for part in query.split("&"):
        name, eq, _value = part.partition("=")
        options.append(part if name.lower() in HARMLESS_OPTIONS else f"{name}{eq}***")
    return f"{scheme}://{hosts}?{'&'.join(options)}"


def server_hosts(uri: str) -> str:
    """``scheme://host:port,...`` of a URI, nothing else: the identity of a server in
    spill files (no user, password, database or options)."""
    scheme, sep, rest = uri.partition("://")
    hosts = rest.split("?", 1)[0].split("/", 1)[0].rpartition("@")[2]
    return f"{scheme}://{hosts}" if sep else "***"
