"""The project's settings as ``scrapy crawl -s NAME=VALUE`` builds them, without a crawl;
and the crawler every test builds."""

from __future__ import annotations

import copy
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils import test as scrapy_test

from newsscraper import default_settings
from newsscraper.default_settings import default


def project_settings(**cmdline) -> Settings:
    """settings.py at project priority, ``cmdline`` over it as ``-s`` would set it."""
    s = Settings()
    s.setmodule("newsscraper.settings", priority="project")
    for k, v in cmdline.items():
        s.set(k, v, priority="cmdline")
    return s


def get_crawler(spidercls: Any = None, settings_dict: dict[str, Any] | None = None) -> Crawler:
    """Scrapy's ``get_crawler``, with the project's defaults under ``settings_dict``, at
    project priority as ``settings.py`` puts them in a crawl (a spider of ours layers
    them itself, in its ``update_settings``; a bare ``Spider`` does not). Given with the
    settings, not after: Scrapy's ``get_crawler`` builds the extensions and freezes the
    settings. Tests build crawlers only through this (tests/test_settings_defaults.py)."""
    defaults = {name: copy.deepcopy(default(name)) for name in default_settings.__all__}
    return scrapy_test.get_crawler(spidercls, {**defaults, **(settings_dict or {})})
