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


class HeldSeries(WarcSeries):
    """A disk that stops for good at the page whose URL ends in ``hold_at``: the pages
    before it are written, then ``held`` (a path) is created and the writer waits there
    until it is killed."""

    hold_at = ""
    held = ""

    def write(self, exchange):
        if self.hold_at and exchange.url.endswith(self.hold_at):
            open(self.held, "w").close()
            while True:
                time.sleep(1)
        return super().write(exchange)
