"""Where a crawl ledger keeps its state: in this process, or shared by a run's workers.

Both stores offer the same few operations on named sets and maps of strings, so the
ledger never knows which it has. Adding to a set answers how many members were new:
that is how a worker claims an article id no other worker has claimed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
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


class IdSet:
    """A set of strings that holds article ids (decimal strings of dense integers) as
    bits: one bit an id instead of ~90 bytes of string and set slot, so a ledger's sets
    stay a few kB at archive scale. Other members are kept as they are."""

    def __init__(self) -> None:
        self.bits = bytearray()
        self.ids = 0
        self.others: set[str] = set()

    @staticmethod
    def _id(member: str) -> int | None:
        if member.isdecimal() and member.isascii() and len(member) < 10 and \
                (member == "0" or member[0] != "0"):
            return int(member)
        return None

    def add(self, member: str) -> bool:
        """Whether ``member`` was new."""
        n = self._id(member)
        if n is None:
            before = len(self.others)
            self.others.add(member)
            return len(self.others) > before
        byte, bit = divmod(n, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits) // 4)))
        if self.bits[byte] >> bit & 1:
            return False
        self.bits[byte] |= 1 << bit
        self.ids += 1
        return True

    def discard(self, member: str) -> None:
        n = self._id(member)
        if n is None:
            self.others.discard(member)
        elif member in self:
            self.bits[n // 8] &= ~(1 << n % 8) & 0xFF
            self.ids -= 1

    def __contains__(self, member: str) -> bool:
        n = self._id(member)
        if n is None:
            return member in self.others
        byte = n // 8
        return byte < len(self.bits) and bool(self.bits[byte] >> n % 8 & 1)

    def __len__(self) -> int:
        return self.ids + len(self.others)

    def __iter__(self) -> Iterator[str]:
        for byte, value in enumerate(self.bits):
            if value:
                for bit in range(8):
                    if value >> bit & 1:
                        yield str(byte * 8 + bit)
        yield from self.others


class LocalState:
    """One crawl process's state (a run with one worker)."""

    def __init__(self) -> None:
        self.sets: defaultdict[str, IdSet] = defaultdict(IdSet)
        self.maps: defaultdict[str, dict[str, str]] = defaultdict(dict)

    async def add(self, name: str, *members: str) -> int:
        found = self.sets[name]
        return sum(found.add(m) for m in members)

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


class RedisState:
    """The state the workers of one run share, under ``prefix`` in Redis: sets are Redis
    sets (SADD answers what was new, so a claim is atomic), maps are hashes. Keys expire
    ``keep`` seconds after their last change."""

    def __init__(self, url: str, prefix: str, keep: int) -> None:
        import redis.asyncio

        self.client = redis.asyncio.Redis.from_url(url, decode_responses=True,
                                                   socket_timeout=30)
        self.prefix = prefix
        self.keep = keep

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    async def add(self, name: str, *members: str) -> int:
        if not members:
            return 0
        key = self._key(name)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.sadd(key, *members)
            pipe.expire(key, self.keep)
            added, _ = await pipe.execute()
        return int(added)

    async def discard(self, name: str, member: str) -> None:
        await self.client.srem(self._key(name), member)

    async def count(self, name: str) -> int:
        return int(await self.client.scard(self._key(name)))

    async def contains(self, name: str, member: str) -> bool:
        return bool(await self.client.sismember(self._key(name), member))

    async def contains_many(self, name: str, members: list[str]) -> list[bool]:
        if not members:
            return []
        return [bool(x) for x in await self.client.smismember(self._key(name), members)]

    async def members(self, name: str) -> set[str]:
        return {str(m) for m in await self.client.smembers(self._key(name))}

    async def put(self, name: str, key: str, value: str) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(self._key(name), key, value)
            pipe.expire(self._key(name), self.keep)
            await pipe.execute()

    async def get(self, name: str, key: str) -> str | None:
        value = await self.client.hget(self._key(name), key)
        return None if value is None else str(value)

    async def items(self, name: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in (await self.client.hgetall(self._key(name))).items()}

    async def close(self) -> None:
        await self.client.aclose()
