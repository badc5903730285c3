"""Setting profiles for known targets: the local replica has no politeness to keep."""

REPLICA = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "RETRY_TIMES": 3,
    "DOWNLOAD_TIMEOUT": 10,
    "TELNETCONSOLE_ENABLED": False,
}


def as_args(profile: dict) -> list[str]:
    """``-s NAME=value`` arguments for a ``scrapy crawl`` command line."""
    out: list[str] = []
    for k, v in profile.items():
        out += ["-s", f"{k}={v}"]
    return out
