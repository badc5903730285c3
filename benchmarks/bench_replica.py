"""How many pages a second the replica serves (target: >= 1,000 on one core).

The server runs in this process; a load client with keep-alive connections runs in a
second process so the two do not share an interpreter.

    .venv/bin/python -m benchmarks.bench_replica [--articles 5000] [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time


async def _client(host: str, port: int, paths: list[str], connections: int) -> int:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    done = 0

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(host, port)
        while not queue.empty():
            path = queue.get_nowait()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            await writer.drain()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done


def _run_client(host, port, paths, connections, out) -> None:
    t = time.perf_counter()
    n = asyncio.run(_client(host, port, paths, connections))
    out.put((n, time.perf_counter() - t))


def main() -> None:
    from newsscraper.replica import ReplicaServer, generate_site

    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    t = time.perf_counter()
    model = generate_site(args.articles, seed=1)
    with ReplicaServer(model) as server:
        setup = time.perf_counter() - t
        articles = [a.path for a in model.live_articles]
        paths = [articles[i % len(articles)] for i in range(args.requests)]
        out: multiprocessing.Queue = multiprocessing.Queue()
        proc = multiprocessing.Process(target=_run_client, args=(
            "127.0.0.1", server.port, paths, args.connections, out))
        proc.start()
        n, seconds = out.get()
        proc.join()
    print(f"replica: {args.articles} articles generated and pre-rendered in {setup:.1f}s")
    print(f"replica: served {n} article pages in {seconds:.2f}s = {n / seconds:,.0f} pages/s "
          f"({args.connections} keep-alive connections, server on one core)")


if __name__ == "__main__":
    main()
