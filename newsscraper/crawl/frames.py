"""The crawl's child processes (the page parsers, crawl/parsers.py, and the WARC writer,
warc/writer.py): how one is started, and the framing of what goes over its stdin and
stdout, each message pickled after its length."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pickle
import struct
import sys
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


async def start_child(serve: str, what: str, timeout: float, first: bytes = b"",
                      pipe_bytes: int = 0) -> asyncio.subprocess.Process:
    """``python -c <serve>`` with the crawl's import path, its stdin and stdout piped:
    ``first`` written to it (after its stdin pipe is enlarged to ``pipe_bytes``, where
    the system allows), then its first frame awaited, sent once it is ready. OSError when
    it cannot start or ends (or is killed past ``timeout`` seconds) before that."""
    # the crawl's import path (a scrapyd egg is on sys.path, not installed)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", serve, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    if pipe_bytes:
        with contextlib.suppress(OSError, AttributeError):  # not Linux, or a lower limit
            pipe = proc.stdin.transport.get_extra_info("pipe")
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, pipe_bytes)
    if first:
        proc.stdin.write(first)
    try:
        await asyncio.wait_for(read_frame(proc.stdout), timeout)
    except (asyncio.IncompleteReadError, ConnectionError, TimeoutError) as exc:
        if proc.returncode is None:
            proc.kill()
        code = await proc.wait()
        raise OSError(f"the {what} process ended before it was ready "
                      f"(exit status {code})") from exc
    return proc


def next_frame(stdin: BinaryIO) -> Any:
    """The child's side: the next frame's message; None at the end of the input (or of
    a torn frame)."""
    head = stdin.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    size = FRAME.unpack(head)[0]
    data = stdin.read(size)
    return pickle.loads(data) if len(data) == size else None


def send_frame(stdout: BinaryIO, data: bytes) -> bool:
    """The child's side: write a frame (``frame(message)``) and flush it; False once the
    crawl has gone (the pipe is broken)."""
    try:
        stdout.write(data)
        stdout.flush()
    except BrokenPipeError:
        return False
    return True


def answer_stream() -> BinaryIO:
    """The child's side: its real stdout, for answers alone; file descriptor 1 now goes
    to stderr, so a stray print cannot break a frame."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return out
