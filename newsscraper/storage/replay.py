"""Writing back what a spill file kept while the database was away."""

from __future__ import annotations

from newsscraper.storage.articles import Articles, FlushResult
from newsscraper.storage.runs import RunRecords, run_doc
from newsscraper.storage.spill import SpillFile


async def replay(articles: Articles, runs: RunRecords, path,
                 batch_size: int = 200) -> tuple[FlushResult, int]:
    """Store what a spill file kept: articles (in batches) and run records. Safe to
    repeat: article writes are idempotent and run records are keyed by run id.
    Returns the articles' outcome and the number of run records restored."""
    records = SpillFile.read(path)
    items = [r["item"] for r in records if r.get("kind") == "article"]
    total = FlushResult()
    for i in range(0, len(items), batch_size):
        total.add(await articles.write(items[i:i + batch_size]))
    restored = [run_doc(r["run"]) for r in records if r.get("kind") == "run"]
    for run in restored:
        await runs.start(run)
    return total, len(restored)
