"""The framing of the crawl's child processes (the page parsers, crawl/parsers.py, and
the WARC writer, warc/writer.py): each message pickled after its length, on the child's
stdin and stdout."""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
from typing import Any, BinaryIO

FRAME = struct.Struct("!I")


def frame(message: Any) -> bytes:
    """``message`` pickled, after its length: one frame of the protocol."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(data)) + data


async def read_frame(stream: asyncio.StreamReader) -> Any:
    """The next frame's message; IncompleteReadError when the stream ends first."""
    size = FRAME.unpack(await stream.readexactly(FRAME.size))[0]
    return pickle.loads(await stream.readexactly(size))


def next_frame(stdin: BinaryIO) -> Any:
    """The child's side: the next frame's message; None at the end of the input (or of
    a torn frame)."""
    head = stdin.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    size = FRAME.unpack(head)[0]
    data = stdin.read(size)
    return pickle.loads(data) if len(data) == size else None


def answer_stream() -> BinaryIO:
    """The child's side: its real stdout, for answers alone; file descriptor 1 now goes
    to stderr, so a stray print cannot break a frame."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return out
