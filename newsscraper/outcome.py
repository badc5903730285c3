"""How a run ended, as one status word (in the ``runs`` record) and one exit status.

The same table for ``scrapy crawl moscowtimes``, ``deploy/run-crawl.sh`` and the record,
so a scheduler and a consumer reading ``runs`` see the same thing:

====== ==================== ==========================================================
 exit   record ``status``    meaning
====== ==================== ==========================================================
 0      ``finished``         the crawl ran and every monitor passed
 1      (none)               a bug: the traceback is in the log (``EXIT_CRASHED``);
                             a verb: what it was asked for is not there
                             (``EXIT_NOT_FOUND``, below)
 2      ``rejected``         bad arguments or settings (nothing was crawled)
 3      ``failed``           database unreachable (items spilled), interrupted, cut by
                             its time bound (``closespider_timeout``), errors
 4      ``monitors_failed``  the crawl ran but a data-quality monitor failed
 75     ``skipped``          another run holds the lease (or run-crawl.sh's flock)
====== ==================== ==========================================================

The ``newsscraper`` verbs exit with the same numbers: 2 for bad arguments or settings, 3
for a failure (a database they cannot reach or start, a file they cannot write, a port
they cannot listen on), and 1, as grep does, when what they were asked for is not there:
``show`` or ``export --ids`` of an article not stored, ``show --raw`` of a revision
without its WARC record, ``parse`` of a page without the article its URL names. Two
follow conventions of their own: ``health`` the monitoring plugins' (0 OK to 3
UNKNOWN) and ``db`` an init script's (``status`` 3 when the server does not run, 1 when
it cannot tell or an action fails). No verb returns a bare number
(``tests/test_exit_statuses.py``). The module imports nothing of the project, so that
any layer can raise :class:`BadSetting` or name an exit status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXIT_OK = 0
EXIT_CRASHED = 1  # an unexpected error: a bug, with its traceback
EXIT_NOT_FOUND = 1  # a verb: what it was asked for is not there (grep's 1)
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_MONITORS = 4
EXIT_SKIPPED = 75  # EX_TEMPFAIL: try again at the next slot

# finish reasons that mean the run failed; a run cut by its soft time bound
# (CLOSESPIDER_TIMEOUT) is one, as one killed by run-crawl.sh's hard bound is: either way
# its work is unfinished and the bound or the site's pace needs a look
FAILURE_REASONS = frozenset({"mongo_unavailable", "shutdown", "cancelled",
                             "closespider_errorcount", "closespider_timeout", "lease_lost"})
SKIP_REASON = "lease_held"
STATUS_OF_EXIT = {EXIT_OK: "finished", EXIT_USAGE: "rejected", EXIT_FAILED: "failed",
                  EXIT_MONITORS: "monitors_failed", EXIT_SKIPPED: "skipped"}


class BadSetting(ValueError):
    """A setting or environment variable the crawl cannot use; the message says which."""


def exit_status(reason: str | None, stats: Mapping[str, Any],
                monitors_failed: bool = False) -> int:
    """The exit status of a crawl that got as far as opening its spider.

    A failure outranks failed monitors: when items were spilled, the monitors' counts
    are short for that reason, and the operator's first job is the database."""
    if reason == SKIP_REASON:
        return EXIT_SKIPPED
    if reason in FAILURE_REASONS or stats.get("mongo/spilled"):
        return EXIT_FAILED
    if monitors_failed:
        return EXIT_MONITORS
    return EXIT_OK
