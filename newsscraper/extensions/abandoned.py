"""Runs that stopped without saying so: a killed or hung run leaves its lease and its
records ``running``. The next run asks whether the lease's run is over after all, and
marks the records it leaves behind ``abandoned``."""

from __future__ import annotations

import asyncio
import logging

from newsscraper.extensions.lease import RunLease, gone_here
from newsscraper.storage.runs import RunRecords

logger = logging.getLogger(__name__)


async def holder_ended(lease: dict, run_lease: RunLease, runs: RunRecords) -> bool:
    """Every record of the lease's run says it ended (it could not free the lease), or
    its process ran on this host and is gone (killed): no need to wait for the lease
    to go stale."""
    if lease.get("run_id") not in (lease.get("workers") or [lease.get("run_id")]) and \
            not run_lease.quiet(lease):
        return False  # a shared run: some worker, listed or not, still beats
    ids = list(dict.fromkeys(lease.get("workers") or [lease.get("run_id")]))
    for record_id in ids:
        record = await asyncio.wait_for(
            runs.get(record_id, {"status": 1, "host": 1, "pid": 1}), run_lease.timeout)
        if not record or (record.get("status") in ("running", None) and
                          not gone_here(record.get("host"), record.get("pid"))):
            return False
    return bool(ids)


async def mark_abandoned(runs: RunRecords, previous: dict, by: str, stats) -> None:
    """The records still ``running`` of the run that held the lease before (``previous``):
    it was killed or hung (a stale lease, or one whose process is gone), or, for a lease
    freed by a shared run, the workers killed while the others went on. ``by``: the run
    that marks them."""
    for record_id in dict.fromkeys([*previous.get("workers", []), previous.get("run_id")]):
        if record_id and await runs.mark_abandoned(record_id, previous.get("heartbeat"), by):
            stats.inc_value("runs/abandoned_marked")
            logger.warning("marked run %s abandoned", record_id)
