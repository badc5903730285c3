"""The spill file: items that could not reach MongoDB, kept on disk for the next run.

JSON Lines under ``<NEWSSCRAPER_DATA_DIR>/spill/``; one file per failed run. The first
line names the file's target (``{"kind": "target", "database", "server"}``, the server
as its hosts only) so that a run replays only what was meant for its own database and
keeps the rest. Replaying is safe to repeat because every store write is idempotent.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class SpillUnreadable(ValueError):
    """A spill file that is not UTF-8 JSON Lines (a disk error, a file copied in by
    hand): kept aside by :func:`quarantine`, never replayed or deleted."""


def quarantine(path: Path) -> Path:
    """Rename an unreadable spill file out of the way (``<name>.unreadable``, which no
    replay picks up again) and return its new path."""
    target = path.with_name(path.name + ".unreadable")
    os.replace(path, target)
    return target


class SpillFile:
    """A JSON Lines file of the records a run could not write (articles, run
    records), named after the time and process, its first line naming the database
    and hosts they belong to (``target``)."""

    def __init__(self, directory: Path, target: dict[str, str] | None = None) -> None:
        self.directory = Path(directory)
        self.target = target
        self.path: Path | None = None

    def append(self, records: list[dict[str, Any]]) -> Path:
        """Append records durably (flushed and fsynced) and return the file's path."""
        new = self.path is None
        if self.path is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"spill-{stamp}-{os.getpid()}.jsonl"
        if new and self.target is not None:
            records = [{"kind": "target", **self.target}, *records]
        with open(self.path, "a", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return self.path

    def pending(self) -> list[Path]:
        """Spill files left by earlier runs, oldest first, whatever their target."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("spill-*.jsonl") if p != self.path)

    def mine(self) -> tuple[list[Path], list[Path]]:
        """Pending files for this file's target, and the others (another database or
        server, or an older file that names none), to be kept."""
        own: list[Path] = []
        other: list[Path] = []
        for path in self.pending():
            (own if self.target is not None and target_of(path) == self.target
             else other).append(path)
        return own, other

    @staticmethod
    def read(path: Path) -> list[dict[str, Any]]:
        """The records of a spill file (its ``target`` line included); raises
        :class:`SpillUnreadable` when it is not UTF-8."""
        out = []
        with open(path, "rb") as f:
            for number, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8").strip()
                except UnicodeDecodeError:
                    raise SpillUnreadable(f"{path}: line {number} is not UTF-8") from None
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line torn by a crash mid-write: the rest is still good
        return out


def target_of(path: Path) -> dict[str, str] | None:
    """The target a spill file names on its first line; None for an older file."""
    try:
        with open(path, "rb") as f:  # the first line alone: a bad byte later is replay's
            first = json.loads(f.readline().decode("utf-8") or "{}")
    except (OSError, ValueError):
        return None
    if first.get("kind") != "target":
        return None
    return {"database": first.get("database"), "server": first.get("server")}


def describe(path: Path) -> str:
    """One line about a spill file: its target and what it holds."""
    target = target_of(path)
    try:
        records = SpillFile.read(path)
    except SpillUnreadable as exc:
        return f"{exc}: unreadable, not replayed"
    items = sum(r.get("kind") == "article" for r in records)
    runs = sum(r.get("kind") == "run" for r in records)
    where = (f"database {target['database']} at {target['server']}" if target
             else "no target recorded (written by an older version)")
    return f"{path}: {items} item(s), {runs} run record(s), {where}"
