"""WARC series for the writer-process tests: module-level, so the writer process
unpickles them by name."""

from __future__ import annotations

import errno
import time

from newsscraper.warc.writer import WarcSeries


class SlowSeries(WarcSeries):
    """A disk that takes ``delay`` seconds a page."""

    delay = 0.02

    def write(self, exchange):
        time.sleep(self.delay)
        return super().write(exchange)


class FullSeries(WarcSeries):
    """A disk that is full while pages whose URL ends in one of ``full_for`` are
    written."""

    full_for: tuple[str, ...] = ()

    def write(self, exchange):
        if exchange.url.endswith(self.full_for):
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(exchange)
