"""Scrapy settings for newsscraper.

Only what differs from Scrapy's defaults, grouped by the component that reads it. The
project's own settings (MONGO_*, STORE_*, MONITOR_*, WARC_*, NEWSSCRAPER_*...) have their
defaults in newsscraper/default_settings.py, imported here: set one below, or with -s, to
override it. Secrets (MONGO_URI with a password) come from the environment and are read
when the component is built, never here.
"""

from newsscraper.default_settings import *  # noqa: F403

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

# --- politeness on the real site (and NEWSSCRAPER_CONTACT in the User-Agent) ------
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

# --- items: clean, validate, dedupe, store ------------------------------------------
ITEM_PIPELINES = {
    "newsscraper.pipelines.clean.CleanPipeline": 100,
    "newsscraper.pipelines.validate.ValidatePipeline": 200,
    "newsscraper.pipelines.dedupe.DedupePipeline": 300,
    "newsscraper.pipelines.store.MongoStorePipeline": 900,
}

# --- extensions: run records and the lease, monitors (exit 4 when one fails), GC ------
EXTENSIONS = {
    "newsscraper.extensions.collector.CollectorTuning": 10,
    "newsscraper.extensions.monitors.ArticleCoverage": 400,
    "newsscraper.extensions.runs.RunRecorder": 500,
    "newsscraper.extensions.verdict.UnrecordedVerdict": 500,
    "newsscraper.extensions.removed.RemovedArticles": 510,
    "newsscraper.extensions.related.RelatedIds": 520,
}
# our `crawl` exits non-zero when a run fails (e.g. the database stayed down)
COMMANDS_MODULE = "newsscraper.scrapy_commands"
