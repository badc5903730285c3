"""Items through the pipelines as one crawl would, without a crawl."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from newsscraper.pipelines.clean import CleanPipeline
from newsscraper.pipelines.dedupe import DedupePipeline
from newsscraper.pipelines.store import MongoStorePipeline
from newsscraper.pipelines.validate import ValidatePipeline


async def run_items(crawler, build, items):
    """Items through clean -> validate -> dedupe -> store; the crawler's stats after."""
    stages = [build(c, crawler) for c in (CleanPipeline, ValidatePipeline, DedupePipeline)]
    store = build(MongoStorePipeline, crawler)
    await store.open_spider()
    for item in items:
        try:
            for stage in stages:
                item = stage.process_item(item)
        except DropItem:
            continue
        await store.process_item(item)
    await store.close_spider()
    return crawler.stats.get_stats()
