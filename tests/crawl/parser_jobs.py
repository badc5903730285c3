"""Jobs for the parser-process tests: module-level, so a worker imports them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsscraper.sites.moscowtimes import NotAnArticle


def double(x: int) -> int:
    return 2 * x


def pid() -> int:
    return os.getpid()


def refuse(message: str) -> None:
    raise NotAnArticle(message)


def broken(url: str) -> None:
    raise KeyError(f"no such field on {url}")


def broken_page(body: bytes, url: str) -> None:
    """A page parser with a bug."""
    raise KeyError(f"no such field on {url}")


def unpicklable(url: str):
    return lambda: url


def chatty(x: int) -> int:
    print("a stray line on stdout")
    return x


def crash_once(flag: str) -> str:
    """Dies the first time (as libxml2 crashing would), answers the second."""
    if not Path(flag).exists():
        Path(flag).touch()
        os._exit(3)
    return "survived"


def crash(url: str) -> None:
    os._exit(3)


def sleep(seconds: float, url: str) -> float:
    time.sleep(seconds)
    return seconds
