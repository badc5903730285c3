"""The spill file: items that could not reach MongoDB, kept on disk for the next run.

JSON Lines under ``<NEWSSCRAPER_DATA_DIR>/spill/``; one file per failed run. Replaying
is safe to repeat because every store write is idempotent.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class SpillFile:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path: Path | None = None

    def append(self, records: list[dict[str, Any]]) -> Path:
        """Append records durably (flushed and fsynced) and return the file's path."""
        if self.path is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"spill-{stamp}-{os.getpid()}.jsonl"
        with open(self.path, "a", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return self.path

    def pending(self) -> list[Path]:
        """Spill files left by earlier runs, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("spill-*.jsonl") if p != self.path)

    @staticmethod
    def read(path: Path) -> list[dict[str, Any]]:
        out = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line torn by a crash mid-write: the rest is still good
        return out
