"""ValidatePipeline: drop articles that lack what consumers rely on, with a reason."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

logger = logging.getLogger(__name__)

REQUIRED = ("url", "article_id", "title", "body", "published_at")


class ValidatePipeline:
    """Drops an item missing a required field (``url``, ``article_id``, ``title``,
    ``body``, ``published_at``). Each drop is counted as ``validate/dropped/<reason>``
    and logged once with the URL. Reads no settings."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        a = ItemAdapter(item)
        for name in REQUIRED:
            value = a.get(name)
            if value is None or value == "" or value == []:
                reason = f"missing_{name}"
                self.stats.inc_value(f"validate/dropped/{reason}")
                logger.warning("dropping article %s: %s", a.get("url") or a.get("article_id"),
                               reason)
                raise DropItem(reason)
        if not isinstance(a["article_id"], int) or a["article_id"] <= 0:
            self.stats.inc_value("validate/dropped/bad_article_id")
            logger.warning("dropping article %s: bad_article_id (%r)", a.get("url"),
                           a["article_id"])
            raise DropItem("bad_article_id")
        self.stats.inc_value("validate/passed")
        return item
