"""Where a crawl ledger keeps its state: in this process, or shared by a run's workers.

Both stores offer the same few operations on named sets and maps of strings, so the
ledger never knows which it has. Adding to a set answers how many members were new:
that is how a worker claims an article id no other worker has claimed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol


class LedgerState(Protocol):
    """Named sets and maps of strings."""

    async def add(self, name: str, *members: str) -> int: ...
    async def discard(self, name: str, member: str) -> None: ...
    async def count(self, name: str) -> int: ...
    async def contains(self, name: str, member: str) -> bool: ...
    async def members(self, name: str) -> set[str]: ...
    async def put(self, name: str, key: str, value: str) -> None: ...
    async def get(self, name: str, key: str) -> str | None: ...
    async def items(self, name: str) -> dict[str, str]: ...
    async def close(self) -> None: ...


class LocalState:
    """One crawl process's state (a run with one worker)."""

    def __init__(self) -> None:
        self.sets: defaultdict[str, set[str]] = defaultdict(set)
        self.maps: defaultdict[str, dict[str, str]] = defaultdict(dict)

    async def add(self, name: str, *members: str) -> int:
        found = self.sets[name]
        before = len(found)
        found.update(members)
        return len(found) - before

    async def discard(self, name: str, member: str) -> None:
        self.sets[name].discard(member)

    async def count(self, name: str) -> int:
        return len(self.sets[name])

    async def contains(self, name: str, member: str) -> bool:
        return member in self.sets[name]

    async def members(self, name: str) -> set[str]:
        return set(self.sets[name])

    async def put(self, name: str, key: str, value: str) -> None:
        self.maps[name][key] = value

    async def get(self, name: str, key: str) -> str | None:
        return self.maps[name].get(key)

    async def items(self, name: str) -> dict[str, str]:
        return dict(self.maps[name])

    async def close(self) -> None:
        pass
