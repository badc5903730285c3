"""How many pages a second the replica serves on one core (target: >= 1,000).

The replica runs as ``newsscraper replica serve`` in a child process pinned to one CPU;
a pure-Python asyncio load client with keep-alive connections runs in this process,
pinned to another CPU where the machine has one. Every response is checked (status line,
full ``Content-Length`` body). Reported per traffic mix: pages/s of wall time, and pages
per CPU-second of the server process (its user + system time from /proc), which is the
figure that says "one core". Also the server's start-up time (generation + pre-rendering)
and its resident memory. ``--compare-stdlib`` runs the same client against the same
pre-rendered pages behind the standard library's ``ThreadingHTTPServer`` (HTTP/1.1,
keep-alive), the alternative the replica's server was written instead of.

    .venv/bin/python -m benchmarks.bench_replica [--articles 5000] [--requests 20000]
        [--connections 16] [--compare-stdlib] [--seed 1] [--smoke] [--json]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from benchmarks import common
from benchmarks.common import ROOT, cpu_seconds, rss_mb


async def _client(host: str, port: int, paths: list[str], connections: int) -> tuple[int, int]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    done = size = 0

    async def worker() -> None:
        nonlocal done, size
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while not queue.empty():
                path = queue.get_nowait()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                status = await reader.readline()
                if not status.startswith((b"HTTP/1.1 200", b"HTTP/1.1 301")):
                    raise RuntimeError(f"{path}: {status!r}")
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                size += len(body)  # not `size += len(await ...)`: that races
                done += 1
        finally:
            writer.close()
            await writer.wait_closed()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done, size


def _mixes(model, site_paths: list[str], requests: int) -> dict[str, list[str]]:
    articles = [a.path for a in model.live_articles]
    sections = ["/news", "/opinion", "/business", "/ukraine-war", "/videos"]
    other = [*sections, *(f"{s}/{o}" for s in sections for o in (19, 37, 55)),
             "/rss/news", "/rss/all", "/robots.txt", *site_paths]
    mixed = []
    for i in range(requests):
        if i % 10 < 7:
            mixed.append(articles[i * 7919 % len(articles)])
        elif i % 10 == 7:  # a slug-only related link: a 301
            mixed.append(f"/2025/11/02/{model.live_articles[i % len(articles)].slug}")
        else:
            mixed.append(other[i % len(other)])
    return {"article pages": [articles[i * 7919 % len(articles)] for i in range(requests)],
            "mixed traffic": mixed}


def _stdlib_server(articles: int, seed: int) -> None:
    """Child process: the same pages behind http.server, printing its port."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from newsscraper.replica import generate_site, render_site

    site = render_site(generate_site(articles, seed=seed), "http://127.0.0.1:0",
                       "http://127.0.0.1:0")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            page = site.get(self.path)
            self.send_response(page.status)
            for k, v in page.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"base_url=http://127.0.0.1:{server.server_port}", flush=True)
    print("static_url=", flush=True)
    server.serve_forever()


def _start(cmd: list[str], cpu: int) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.articles(ap, 5000, 200)
    common.option(ap, "--requests", 20_000, 500, "requests per traffic mix")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--compare-stdlib", action="store_true")
    ap.add_argument("--stdlib-server", type=int, help=argparse.SUPPRESS)
    common.seed(ap)
    common.run(ap, bench, argv)


def bench(args) -> dict:
    from newsscraper.replica import generate_site

    if args.stdlib_server:
        _stdlib_server(args.stdlib_server, args.seed)  # serves until killed
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu, client_cpu = cpus[0], cpus[-1]
    servers = {"replica": [sys.executable, "-m", "newsscraper.cli", "replica", "serve",
                           "--articles", str(args.articles), "--seed", str(args.seed)]}
    if args.compare_stdlib:
        servers["http.server"] = [sys.executable, "-m", "benchmarks.bench_replica",
                                  "--stdlib-server", str(args.articles), "--seed",
                                  str(args.seed)]
    model = generate_site(args.articles, seed=args.seed)
    mixes = _mixes(model, [], args.requests)
    print(f"server pinned to CPU {server_cpu}, client to CPU {client_cpu}, "
          f"{args.connections} keep-alive connections, {args.requests:,} requests per mix")
    figures: dict[str, dict] = {}
    for label, cmd in servers.items():
        t = time.perf_counter()
        proc = _start(cmd, server_cpu)
        assert proc.stdout is not None
        try:
            base = proc.stdout.readline().strip().split("=", 1)[1]
            proc.stdout.readline()
            startup = time.perf_counter() - t
            os.sched_setaffinity(0, {client_cpu})
            port = int(base.rsplit(":", 1)[1])
            print(f"{label}: {len(model.live_articles):,} articles generated and pre-rendered "
                  f"in {startup:.1f}s (start to first byte); server RSS "
                  f"{rss_mb(proc.pid):,.0f} MB")
            figures[label] = {"startup_seconds": round(startup, 2),
                              "rss_mb": round(rss_mb(proc.pid))}
            for name, paths in mixes.items():
                cpu0, wall0 = cpu_seconds(proc.pid), time.perf_counter()
                n, size = asyncio.run(_client("127.0.0.1", port, paths, args.connections))
                wall = time.perf_counter() - wall0
                cpu = cpu_seconds(proc.pid) - cpu0
                print(f"{label}: {name}: {n:,} responses ({size / n / 1024:.0f} KB avg) in "
                      f"{wall:.2f}s = {n / wall:,.0f} pages/s; server CPU {cpu:.2f}s = "
                      f"{n / max(cpu, 1e-9):,.0f} pages per CPU-second")
                figures[label][name] = {"responses": n, "pages_s": round(n / wall),
                                        "pages_per_cpu_s": round(n / max(cpu, 1e-9))}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            proc.stdout.close()
    return figures


if __name__ == "__main__":
    main()
