"""Setting profiles for known targets: the local replica has no politeness to keep.

Apply one with ``-s NEWSSCRAPER_PROFILE=replica`` (the spider sets its values at spider
priority, so ``-s`` on the command line still wins), or pass :func:`as_args` to a
``scrapy crawl`` command line.
"""

REPLICA = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "RETRY_TIMES": 3,
    "DOWNLOAD_TIMEOUT": 10,
}

PROFILES = {"replica": REPLICA}


def as_args(profile: dict) -> list[str]:
    """``-s NAME=value`` arguments for a ``scrapy crawl`` command line."""
    out: list[str] = []
    for k, v in profile.items():
        out += ["-s", f"{k}={v}"]
    return out
