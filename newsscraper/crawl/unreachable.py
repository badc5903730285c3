"""The download errors that mean the site was not reached, by kind: the one table the
spider's failure counts (``spider/timeout``, ``spider/dns_error``,
``spider/connection_error``) and the ``site reached`` monitor (from Scrapy's
``downloader/exception_type_count/<module.Class>`` stats) both read.

An error is of a kind when its class is listed there or is a subclass of one listed
(Twisted's ``ConnectionRefusedError`` is a ``ConnectError``); the first kind wins
(``TCPTimedOutError`` is a ``ConnectError`` too, and a timeout).
"""

from __future__ import annotations

from functools import cache

from scrapy.utils.misc import load_object

# kind -> classes, named as Scrapy's stats name them; Scrapy raises its own since 2.13,
# Twisted's before
KINDS: dict[str, tuple[str, ...]] = {
    "timeout": (
        "scrapy.exceptions.DownloadTimeoutError", "twisted.internet.error.TimeoutError",
        "twisted.internet.error.TCPTimedOutError", "twisted.internet.defer.TimeoutError",
    ),
    "dns_error": (
        "scrapy.exceptions.CannotResolveHostError", "twisted.internet.error.DNSLookupError",
    ),
    "connection_error": (
        "scrapy.exceptions.DownloadConnectionRefusedError",
        "scrapy.exceptions.DownloadFailedError", "scrapy.exceptions.ResponseDataLossError",
        "twisted.internet.error.ConnectError", "twisted.internet.error.ConnectionLost",
        "twisted.internet.error.ConnectionDone", "twisted.web._newclient.ResponseNeverReceived",
        "twisted.web._newclient.ResponseFailed",
    ),
}


@cache
def classes(kind: str) -> tuple[type, ...]:
    """The classes of a kind that the installed Scrapy and Twisted have."""
    found = []
    for name in KINDS[kind]:  # older Scrapy lacks its own, newer Twisted may drop some
        try:
            found.append(load_object(name))
        except (ImportError, NameError, AttributeError):
            continue
    return tuple(found)


def kind_of(error: type) -> str | None:
    """The kind of an exception class, or None: not an error of reaching the site."""
    for kind in KINDS:
        if issubclass(error, classes(kind)):
            return kind
    return None


@cache
def kind_named(name: str) -> str | None:
    """The kind of the exception class Scrapy's stats name (``module.Class``), or None."""
    try:
        error = load_object(name)
    except (ImportError, NameError, ValueError, AttributeError):
        return None
    return kind_of(error) if isinstance(error, type) else None
