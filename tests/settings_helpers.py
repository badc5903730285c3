"""The project's settings as ``scrapy crawl -s NAME=VALUE`` builds them, without a crawl."""

from __future__ import annotations

from scrapy.settings import Settings


def project_settings(**cmdline) -> Settings:
    """settings.py at project priority, ``cmdline`` over it as ``-s`` would set it."""
    s = Settings()
    s.setmodule("newsscraper.settings", priority="project")
    for k, v in cmdline.items():
        s.set(k, v, priority="cmdline")
    return s
