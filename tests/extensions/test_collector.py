"""CollectorTuning: the crawl runs with the start-up heap frozen and a raised first
threshold, and the process gets the collector back as it was."""

from __future__ import annotations

import gc

import pytest
from scrapy.utils.misc import build_from_crawler

from newsscraper.extensions.collector import CollectorTuning, thresholds
from newsscraper.outcome import BadSetting
from tests.settings_helpers import get_crawler


@pytest.fixture
def collector_state():
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_crawl_runs_tuned_and_the_process_gets_its_collector_back(collector_state):
    crawler = get_crawler(settings_dict={"GC_THRESHOLDS": [5000, 7, 9]})
    tuning = build_from_crawler(CollectorTuning, crawler)
    tuning.engine_started()
    assert gc.get_threshold() == (5000, 7, 9)
    # the count at the freeze: frozen objects another thread frees (a database client's
    # monitor, left by an earlier test) leave it, and nothing joins it until a new freeze
    frozen = crawler.stats.get_value("gc/frozen")
    assert frozen >= gc.get_freeze_count() > 0
    gc.collect(0)
    tuning.spider_closed()
    assert crawler.stats.get_value("gc/collections") >= 1
    tuning.engine_stopped()
    assert gc.get_threshold() == collector_state
    assert gc.get_freeze_count() == 0


def test_a_cycle_made_during_the_crawl_is_still_collected(collector_state):
    tuning = build_from_crawler(CollectorTuning, get_crawler())
    tuning.engine_started()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    ids = {id(a), id(b)}
    del a, b
    gc.collect()
    assert not [o for o in gc.get_objects() if id(o) in ids and isinstance(o, Node)]
    tuning.engine_stopped()


@pytest.mark.parametrize("value", ["1,2", "a,b,c", [0, 10, 10], "700,10,-1", None])
def test_bad_thresholds_are_a_bad_setting(value):
    with pytest.raises(BadSetting, match="GC_THRESHOLDS"):
        thresholds(value)


def test_thresholds_from_the_command_line_and_from_settings():
    assert thresholds("20000,10,10") == (20000, 10, 10)
    assert thresholds([700, 10, 10]) == (700, 10, 10)


def test_off_by_setting():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        build_from_crawler(CollectorTuning, get_crawler(settings_dict={
            "GC_TUNING_ENABLED": False}))
