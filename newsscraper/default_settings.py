"""The default of every setting newsscraper's own code reads, each written once.

Scrapy's way: this module is to the project what ``scrapy/settings/default_settings.py``
is to Scrapy. ``settings.py`` imports it and overrides only Scrapy's settings, so a crawl
and every ``newsscraper`` command read these. Settings made without ``settings.py`` (a
test's crawler, another project's settings, a verb run outside the project) get them
once, where they are made, through :func:`layer_defaults`: the spiders'
``update_settings`` (every crawler of a spider of ours), the ``crawl`` command, the
verbs' ``crawl_settings()``. Components read ``crawler.settings`` as they find it,
``settings.getint(NAME)`` with no inline fallback (tests/test_settings_defaults.py checks
that, that only those places layer, and that the README documents each setting).
"""

from __future__ import annotations

import copy
import typing
from typing import Any

if typing.TYPE_CHECKING:  # an upper-case name imported here would be taken as a setting
    from scrapy.settings import BaseSettings

# --- the crawl (newsscraper/spiders/moscowtimes.py, crawl/ledger.py) -----------------
NEWSSCRAPER_CONTACT = ""  # e-mail or URL for the User-Agent ("... (news archive crawler; +X)")
NEWSSCRAPER_PROFILE = ""  # "replica": no throttling (newsscraper/profiles.py)
NEWSSCRAPER_BASE_URL = ""  # another www origin (a replica) when no -a base_url names one
NEWSSCRAPER_STATIC_URL = ""  # another static origin when no -a static_url names one
NEWSSCRAPER_REFRESH_DAYS = 2  # stored articles published this recently: fetched again
NEWSSCRAPER_KNOWN_BATCH = 100  # article ids per "which are stored?" lookup
NEWSSCRAPER_MONTH_RECHECK_HOURS = 24  # a month whose sitemap lastmod moved this much: re-read
NEWSSCRAPER_SITEMAP_QUEUE = 500  # sitemap entries become requests below this many waiting
PARSER_WORKERS = 1  # child processes parsing article pages (crawl/parsers.py); 0: in-process
PARSER_TIMEOUT = 60.0  # seconds one page may take a parser

# --- scale-out through Redis (newsscraper/crawl/scaleout.py) ---------------------------
REDIS_URL = None  # set (redis://host:6379/0): this crawl is one worker of a shared run
NEWSSCRAPER_RUN = ""  # a run id to join or resume; empty: the live run, else a new one
NEWSSCRAPER_RUN_TTL = 30  # seconds a run stays live without a live worker
NEWSSCRAPER_RUN_KEEP_DAYS = 7  # how long a run's queue and state are kept
NEWSSCRAPER_WORKER_MAX_IDLE = 120  # seconds a worker waits with nothing to do

# --- storage (newsscraper/storage/, pipelines/store.py) ------------------------------
MONGO_URI = None  # unset: the MONGO_URI environment variable, else the local FerretDB
MONGO_DATABASE = "newsscraper"  # -s over the environment over settings.py
MONGO_ARTICLES_COLLECTION = "articles"  # the articles as last seen
MONGO_VERSIONS_COLLECTION = "article_versions"  # superseded and held-back revisions
MONGO_RUNS_COLLECTION = "runs"  # one record per run
MONGO_BODY_HASHES_COLLECTION = "body_hashes"  # which article first had each body
MONGO_SLUGS_COLLECTION = "slugs"  # slug -> article id, for slug-only related links
MONGO_RELATED_PENDING_COLLECTION = "related_pending"  # related links still unresolved
NEWSSCRAPER_DATA_DIR = "var"  # spill and WARC files; -s over the environment over settings.py
MONGO_AUTOSTART = True  # start the local FerretDB when MONGO_URI is unset
MONGO_TIMEOUT_MS = 5000  # connecting and selecting a server
MONGO_OPERATION_TIMEOUT_MS = 60000  # the longest wait for one reply: then retried, spilled
MONGO_LOG_LEVEL = "INFO"  # the driver's own loggers (DEBUG costs CPU even when dropped)
STORE_ENABLED = True  # off: nothing is written (nor run records, removals, related ids)
STORE_BATCH_SIZE = 200  # articles per bulk write
STORE_BATCH_SECONDS = 5.0  # the longest an article waits for its batch
STORE_RETRY_SECONDS = 60.0  # writes retry this long, then spill and fail the run
# an unchanged article's last_seen_at moves at most this often (on FerretDB each rewrite
# costs a scan of the collection)
STORE_SEEN_RESOLUTION_HOURS = 12
DEDUPE_NEAR_THRESHOLD = 0.9  # body similarity (MinHash Jaccard) that makes a near-duplicate
DEDUPE_NUM_PERM = 64  # MinHash permutations per body

# --- runs, the lease and what runs after a crawl (newsscraper/extensions/) ------------
RUNS_ENABLED = True  # write a run record per crawl
NEWSSCRAPER_RUN_ID = None  # workers of one scaled-out run share it; unset: a run each
NEWSSCRAPER_LEASE_ENABLED = True  # one run at a time per database
NEWSSCRAPER_LEASE_SECONDS = 300  # a lease whose heartbeat is older is taken over
REMOVALS_ENABLED = True  # mark articles the site no longer serves (gone_at)
REMOVALS_MONTH_LIMIT = 10  # months of sitemaps a removal check may read
RELATED_IDS_ENABLED = True  # resolve slug-only related links to article ids
RELATED_IDS_SECONDS = 2.0  # how often the resolver runs during a crawl
GC_TUNING_ENABLED = True  # freeze the start-up heap, raise the collector's first threshold
GC_THRESHOLDS = [20000, 10, 10]  # gc.set_threshold for the crawl (CPython: 700, 10, 10)

# --- WARC files of what was fetched (newsscraper/warc/) --------------------------------
WARC_ENABLED = True  # article pages and live posts as fetched, request and response
WARC_DIR = ""  # "": NEWSSCRAPER_DATA_DIR/warc
WARC_MAX_BYTES = 1024 ** 3  # then the run's next file
WARC_ALL_RESPONSES = False  # also listing pages, feeds, sitemaps and robots.txt

# --- monitors at the close of a crawl (newsscraper/extensions/monitors.py) -------------
MONITORS_ENABLED = True  # a failed monitor makes the run monitors_failed (exit 4)
MONITOR_FINISH_REASONS = ["finished"]  # finish reasons that count as a clean end
MONITOR_MIN_STORED_SHARE = 0.9  # stored / articles discovery scheduled
MONITOR_MAX_GONE_SHARE = 0.5  # 404/410 answers / articles discovery scheduled
MONITOR_MIN_FIELD_COVERAGE = {"title": 0.99, "body": 0.99, "published_at": 0.99,
                              "section": 0.99}  # share of parsed articles with each field
MONITOR_MAX_PARTIAL_SHARE = 0.02  # partial articles / parsed articles
MONITOR_MAX_PARSER_BUGS = 0  # pages a parser crashed or hung on
MONITOR_MAX_WARC_FAILED = 0  # pages to keep that the WARC files did not get
MONITOR_MAX_SERVER_ERROR_SHARE = 0.05  # 5xx and timeouts left after retries / requests
MONITOR_MAX_UNREACHABLE_SHARE = 0.5  # site down, blocking or shut by robots.txt / requests
MONITOR_RECENT_DAYS = 31  # a full pass since this recently stores >= 1 article
MONITOR_NOTIFY: list[str] = []  # "email", "slack", "telegram" (spidermon's SPIDERMON_*)

# --- metrics after a run (newsscraper/crawl/metrics.py); -s over the environment -------
NEWSSCRAPER_METRICS_FILE = ""  # node_exporter textfile to write the run's metrics to
NEWSSCRAPER_PUSHGATEWAY_URL = ""  # Pushgateway to push them to
NEWSSCRAPER_PUSHGATEWAY_JOB = "newsscraper"  # the Pushgateway's job label
NEWSSCRAPER_PUSHGATEWAY_TIMEOUT = 10  # seconds the push may take


# what ``from newsscraper.default_settings import *`` (settings.py) takes: the settings
__all__ = [name for name in dir() if name.isupper()]


def default(name: str) -> Any:
    """The default of one setting (KeyError for a name this module does not know)."""
    if name not in __all__:
        raise KeyError(f"{name} has no default in newsscraper.default_settings")
    return globals()[name]


def layer_defaults(settings: BaseSettings) -> BaseSettings:
    """Put each default ``settings`` lacks into it, at priority ``default``, and return
    it; a value it holds stays, at its own priority. Called once, where a crawler's or a
    command's settings are made (the spiders' ``update_settings``, the ``crawl`` command,
    the verbs' :func:`~newsscraper.commands.reader.crawl_settings`); components read
    ``crawler.settings`` as they find it. A no-op on settings that imported this module
    (``settings.py``)."""
    for name in __all__:
        if name not in settings:  # a copy: no crawl shares a list or dict of this module
            settings.set(name, copy.deepcopy(globals()[name]), priority="default")
    return settings
