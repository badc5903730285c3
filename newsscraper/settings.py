"""Scrapy settings for newsscraper.

Only what differs from Scrapy's defaults, grouped by the component that reads it.
Secrets (MONGO_URI with a password) come from the environment and are read when the
component is built, never here.
"""

BOT_NAME = "newsscraper"
SPIDER_MODULES = ["newsscraper.spiders"]
NEWSPIDER_MODULE = "newsscraper.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# DEBUG logs every pymongo command and every request (1.4 MB for 200 articles)
LOG_LEVEL = "INFO"
# Scrapy 2.19's remote-control HTTP server runs any Python code a client with its token
# sends; an unattended crawler has no use for it (turn on with -s REMOTE_CONTROL_ENABLED=True)
REMOTE_CONTROL_ENABLED = False
# the telnet console is a Python shell inside a process that holds MONGO_URI, and Scrapy
# writes its password to the INFO log: no listening socket in a crawl (turn on with
# -s TELNETCONSOLE_ENABLED=True)
TELNETCONSOLE_ENABLED = False

# --- politeness on the real site -------------------------------------------------
# an e-mail or URL the site can reach the operator at; the spider puts it into the
# User-Agent ("newsscraper/0.1 (news archive crawler; +CONTACT)") unless USER_AGENT is set
NEWSSCRAPER_CONTACT = ""
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Scrapy starts this many worker tasks for every callback's output; ours yield a dozen
# things at most, and 100 idle workers per response cost ~20% of a fast crawl's CPU
CONCURRENT_ITEMS = 16
# article pages are parsed in a child process (newsscraper/crawl/parsers.py): a core of
# its own, and a page that crashes or hangs the parser costs that page, not the run
PARSER_WORKERS = 1  # 0: parse in the crawl process
PARSER_TIMEOUT = 60.0  # seconds one page may take
# offsite by origin (scheme, host and port), not by host alone: a link to 127.0.0.1 on
# another port is another service
# robots.txt obeyed also by the requests sent while it is being fetched (spiders/robots.py)
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newsscraper.spiders.offsite.OriginOffsiteMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsscraper.spiders.robots.EveryRequestRobotsTxtMiddleware": 100,
    # below redirects (600) and retries (550): the final answers, decompressed
    "newsscraper.warc.middleware.WarcRecorder": 540,
}
SPIDER_MIDDLEWARES = {"newsscraper.warc.middleware.WarcProvenance": 950}
# the site redirects with HTTP 301 (slug-only and legacy links), never with
# <meta http-equiv="refresh">; Scrapy's MetaRefreshMiddleware would search the first 4 kB
# of every page for one (2% of a fast crawl's CPU). A page that is one would not parse as
# an article: counted as spider/not_article and logged
METAREFRESH_ENABLED = False

# --- the moscowtimes spider (newsscraper/spiders/moscowtimes.py) ---------------------
# NEWSSCRAPER_BASE_URL / NEWSSCRAPER_STATIC_URL: other origins (a replica) when no -a names them
# NEWSSCRAPER_REFRESH_DAYS, NEWSSCRAPER_KNOWN_BATCH, NEWSSCRAPER_MONTH_RECHECK_HOURS: the
# crawl ledger's, defaults in newsscraper/crawl/ledger.py (DEFAULTS); set them here or with -s
NEWSSCRAPER_PROFILE = ""  # "replica": no throttling (newsscraper/profiles.py)
# REDIS_URL (e.g. -s REDIS_URL=redis://host:6379/0): this crawl is one worker of a run
# shared through Redis; NEWSSCRAPER_RUN* defaults in newsscraper/crawl/scaleout.py

# --- storage ---------------------------------------------------------------------
# MONGO_URI: unset -> the embedded local FerretDB (`newsscraper db start`).
MONGO_DATABASE = "newsscraper"
MONGO_ARTICLES_COLLECTION = "articles"
MONGO_VERSIONS_COLLECTION = "article_versions"
MONGO_RUNS_COLLECTION = "runs"
NEWSSCRAPER_DATA_DIR = "var"
MONGO_AUTOSTART = True  # start the local FerretDB when MONGO_URI is unset
MONGO_TIMEOUT_MS = 5000  # connect and server selection
# the longest wait for one reply: past it a write is retried, then spilled (status 3)
MONGO_OPERATION_TIMEOUT_MS = 60000
# the level of the driver's own logs: its DEBUG records (one per command) cost CPU even
# when LOG_LEVEL drops them
MONGO_LOG_LEVEL = "INFO"
STORE_BATCH_SIZE = 200
STORE_BATCH_SECONDS = 5.0
STORE_RETRY_SECONDS = 60.0  # then spill to NEWSSCRAPER_DATA_DIR/spill and fail the run
# an unchanged article's last_seen_at moves at most this often: on FerretDB each
# rewrite costs a scan of the collection
STORE_SEEN_RESOLUTION_HOURS = 12

ITEM_PIPELINES = {
    "newsscraper.pipelines.clean.CleanPipeline": 100,
    "newsscraper.pipelines.validate.ValidatePipeline": 200,
    "newsscraper.pipelines.dedupe.DedupePipeline": 300,
    "newsscraper.pipelines.store.MongoStorePipeline": 900,
}
DEDUPE_NEAR_THRESHOLD = 0.9

# one run at a time per database (newsscraper/extensions/lease.py): a lease whose
# heartbeat is older than this is taken over; workers of one scaled-out run share
# NEWSSCRAPER_RUN_ID (unset: every process is a run of its own)
NEWSSCRAPER_LEASE_ENABLED = True
NEWSSCRAPER_LEASE_SECONDS = 300

# --- WARC files of what was fetched (newsscraper/warc/) -------------------------------
# article pages and live posts as fetched, request and response, for `show --raw` and
# `newsscraper reparse`; ~8 kB per replica article on disk (docs/benchmarks.md)
WARC_ENABLED = True
WARC_DIR = ""  # "": NEWSSCRAPER_DATA_DIR/warc
WARC_MAX_BYTES = 1024 ** 3  # then the run's next file
WARC_ALL_RESPONSES = False  # also listing pages, feeds, sitemaps and robots.txt

# --- monitors at the close of a crawl (newsscraper/extensions/monitors.py) -------------
# a failed one makes the run `monitors_failed`, exit status 4
MONITORS_ENABLED = True
MONITOR_FINISH_REASONS = ["finished"]
MONITOR_MIN_STORED_SHARE = 0.9  # stored / articles discovery scheduled
MONITOR_MIN_FIELD_COVERAGE = {"title": 0.99, "body": 0.99, "published_at": 0.99,
                              "section": 0.99}
MONITOR_MAX_PARTIAL_SHARE = 0.02
MONITOR_MAX_PARSER_BUGS = 0
MONITOR_MAX_SERVER_ERROR_SHARE = 0.05  # 5xx and timeouts left after retries / requests
# a site down, blocking or shut by robots.txt: connection, DNS and timeout errors, 403,
# 429 and 5xx left after retries / requests (and robots.txt-forbidden / requests wanted);
# a run where no page answered 2xx, 404 or 410 fails whatever this says
MONITOR_MAX_UNREACHABLE_SHARE = 0.5
MONITOR_RECENT_DAYS = 31  # a full pass since this recently stores >= 1 article
# notifications when a monitor fails: any of "email", "slack", "telegram", each set up
# by spidermon's own settings (SPIDERMON_SMTP_*, SPIDERMON_EMAIL_*, SPIDERMON_SLACK_*,
# SPIDERMON_TELEGRAM_*); off by default
MONITOR_NOTIFY: list[str] = []

EXTENSIONS = {
    "newsscraper.extensions.collector.CollectorTuning": 10,
    "newsscraper.extensions.monitors.ArticleCoverage": 400,
    "newsscraper.extensions.runs.RunRecorder": 500,
    "newsscraper.extensions.removed.RemovedArticles": 510,
    "newsscraper.extensions.related.RelatedIds": 520,
}
# the cyclic garbage collector for a crawl (newsscraper/extensions/collector.py): the
# start-up heap frozen, the first threshold raised; CPython's default is (700, 10, 10)
GC_TUNING_ENABLED = True
GC_THRESHOLDS = [20000, 10, 10]
# our `crawl` exits non-zero when a run fails (e.g. the database stayed down)
COMMANDS_MODULE = "newsscraper.scrapy_commands"
