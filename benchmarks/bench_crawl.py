"""Crawl benchmarks: speed against a bare spider, peak memory, incremental requests.

Every crawl is a real ``scrapy crawl moscowtimes`` child process (replica profile: no
throttling, 32 concurrent requests) against a replica served by another child process
(``newsscraper replica serve``), storing into a FerretDB this script starts in a
temporary directory (or the server ``MONGO_URI`` names). Figures come from the crawl's
own stats (``elapsed_time_seconds``: engine start to close) and, for memory, from the
crawl process's peak resident set (``wait4`` rusage ``ru_maxrss``).

``speed``: one recording crawl (DEBUG log) gives the link graph the spider walked
(each page's children, from the ``referer`` of every response). Then, in alternating
rounds, the full pipeline (parse, follow, clean, validate, dedupe, store; ``mode=full``
into an empty database) and a bare Scrapy spider that requests exactly the same URLs
along the same graph from the same seeds, with no parsing and no storage (redirects not
followed: the graph names their targets), both with the same settings. Reported:
responses per second of each (best round) and their ratio (target >= 0.5), and the
ratio of the two crawls of each round.

``memory``: a full crawl of replicas of each size (default 5,000 and 20,000 articles)
into an empty database: peak RSS of the crawl process (``VmHWM``, sampled twice a
second; targets <= 300 MB and <= 1.5x growth) and, apart, of its parser process; wall
seconds from start to exit, and of them the seconds after the last response (from
the engine's "Closing spider" line to the exit; target <= 5% of the wall time); wall
time an article (target: the largest size <= 1.2x the smallest).

``resume``: an uninterrupted crawl (default mode, as cron runs it) into an empty
database, then another killed with SIGKILL once 30% of the first one's articles are
stored and started again with the same command, into a second database. Reported:
the responses of the two runs together / the uninterrupted run's (target <= 1.1x), and
whether both databases hold the same articles field for field (all but the per-run
``first_seen_at``, ``last_seen_at``, ``changed_at``, ``discovered_via`` and
``discovered_from``).

``incremental``: a first crawl (default ``mode``) into an empty database, a re-run
against the unchanged replica (target <= 5% of the first run's requests), then a run
against epoch 2 of the same site (new, edited and removed articles) served on the same
ports: its requests, and whether it stored exactly the new ones and updated the edited.

    .venv/bin/python -m benchmarks.bench_crawl speed         # --articles 5000 --rounds 2
    .venv/bin/python -m benchmarks.bench_crawl memory        # --sizes 5000,20000
    .venv/bin/python -m benchmarks.bench_crawl resume        # --articles 20000 --kill-at 0.3
    .venv/bin/python -m benchmarks.bench_crawl incremental   # --articles 5000
    .venv/bin/python -m benchmarks.bench_crawl scaleout      # --articles 1000
    .venv/bin/python -m benchmarks.bench_crawl speed --smoke # each mode: a tiny replica

``scaleout``: a crawl alone, then 1, 2 and 3 workers started together as one run shared
through a ``redis-server`` this script starts (``-s REDIS_URL=...``), each into an empty
database: requests, articles stored and wall time of every worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import scrapy

from benchmarks import common
from benchmarks.common import ROOT, Server, database, peak_mb

CRAWLED = re.compile(r"Crawled \((\d+)\) <GET (\S+)>(?: \[[^\]]*\])? \(referer: (\S+)\)")
ENGINE_SETTINGS = ("CONCURRENT_ITEMS", "DOWNLOAD_MAXSIZE", "METAREFRESH_ENABLED", "TWISTED_REACTOR")
STAT = re.compile(r"'([\w/.-]+)': ([\d.]+)[,}]")


class BareSpider(scrapy.Spider):
    """Requests what a recorded crawl requested, along the same links, and nothing else:
    no parsing, no items. ``-a graph=FILE``: ``{"seeds": [...], "children": {url: [...]}}``."""

    name = "bare"

    def __init__(self, graph: str, **kwargs) -> None:
        super().__init__(**kwargs)
        data = json.loads(Path(graph).read_text())
        self.seeds: list[str] = data["seeds"]
        self.children: dict[str, list[str]] = data["children"]

    async def start(self):
        for url in self.seeds:
            yield self.request(url)

    def request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, self.parse, meta={"dont_redirect": True,
                                                     "handle_httpstatus_all": True})

    def parse(self, response):
        for url in self.children.get(response.url, ()):
            yield self.request(url)


@dataclass
class Crawl:
    returncode: int
    stats: dict[str, float]
    peak_mb: float
    wall: float
    cpu: float
    log: str = field(repr=False, default="")
    own_peak_mb: float = 0.0  # the crawl process alone (VmHWM), its parser process apart
    parser_peak_mb: float = 0.0
    close_seconds: float = 0.0  # from "Closing spider" (the last response) to the exit

    @property
    def responses(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def seconds(self) -> float:
        return self.stats.get("elapsed_time_seconds") or self.wall

    @property
    def pages_per_second(self) -> float:
        return self.responses / self.seconds


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


class Peaks(threading.Thread):
    """Samples the peak RSS of a crawl process and of its children (the parser
    process) apart, twice a second, until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.own = 0.0
        self.children = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.own = max(self.own, peak_mb(self.pid))
            for child in _children(self.pid):
                self.children = max(self.children, peak_mb(child))


CLOSING = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[scrapy\.core\.engine\] INFO: "
                     r"Closing spider", re.M)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path,
         kill_when=None) -> Crawl:
    """Run a crawl to its end (or, with ``kill_when``, SIGKILL its process group once
    ``kill_when()`` says so, checked every 2 s)."""
    started = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=kill_when is not None)
        peaks = Peaks(proc.pid)
        peaks.start()
        ended_by_itself = None  # (pid, status, usage): wait4 reaps once, keep what it gave
        if kill_when is not None:
            while not kill_when():
                if (waited := os.wait4(proc.pid, os.WNOHANG))[0]:
                    ended_by_itself = waited
                    break
                time.sleep(2)
            if ended_by_itself is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        _, status, usage = ended_by_itself or os.wait4(proc.pid, 0)
        ended = time.time()
        peaks.done.set()
        peaks.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    text = log_path.read_text(errors="replace")
    dump = text.rsplit("Dumping Scrapy stats:", 1)[-1]
    stats = {k: float(v) for k, v in STAT.findall(dump)}
    closing = CLOSING.findall(text)
    close = ended - time.mktime(time.strptime(closing[-1], "%Y-%m-%d %H:%M:%S")) \
        if closing else 0.0
    return Crawl(proc.returncode, stats, usage.ru_maxrss / 1024, wall,
                 usage.ru_utime + usage.ru_stime, text, peaks.own, peaks.children,
                 max(0.0, close))


@contextmanager
def replica(articles: int, seed: int, epoch: int = 1, port: int = 0, static_port: int = 0):
    """``newsscraper replica serve`` in a child process; yields (base_url, static_url)."""
    cmd = [sys.executable, "-m", "newsscraper.cli", "replica", "serve", "--articles",
           str(articles), "--seed", str(seed), "--epoch", str(epoch), "--port", str(port),
           "--static-port", str(static_port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip().split("=", 1)[1]
        static = proc.stdout.readline().strip().split("=", 1)[1]
        yield base, static
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def crawl(origins: tuple[str, str], uri: str, db: str, work: Path, label: str,
          *extra: str, level: str = "INFO", kill_when=None) -> Crawl:
    base, static = origins
    cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes", "-a", f"base_url={base}",
           "-a", f"static_url={static}", "-s", "NEWSSCRAPER_PROFILE=replica",
           "-s", f"MONGO_DATABASE={db}", "-s", f"NEWSSCRAPER_DATA_DIR={work}",
           "-s", f"LOG_LEVEL={level}", *extra]
    env = dict(os.environ, MONGO_URI=uri, PYTHONWARNINGS="ignore")
    result = _run(cmd, ROOT, env, work / f"{label}.log", kill_when)
    if result.returncode != 0 and kill_when is None:
        raise SystemExit(f"{label}: crawl failed ({result.returncode}); see {work}/{label}.log")
    return result


def bare(graph: Path, work: Path, label: str) -> Crawl:
    from newsscraper import settings as project
    from newsscraper.profiles import REPLICA, as_args

    # the engine settings of the project, so only parsing and storage differ
    engine = {k: getattr(project, k) for k in ENGINE_SETTINGS}
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve()),
           "-a", f"graph={graph}", *as_args(REPLICA), *as_args(engine),
           "-s", "ROBOTSTXT_OBEY=True",
           "-s", "LOG_LEVEL=INFO", "-s", "USER_AGENT=newsscraper-bench (bare)"]
    # runspider imports this file by its path: `benchmarks` from the checkout
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(ROOT))
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    result = _run(cmd, work, env, work / f"{label}.log")  # outside the project: bare settings
    if result.returncode != 0:
        raise SystemExit(f"{label}: bare crawl failed; see {work}/{label}.log")
    return result


def link_graph(log: str, static: str) -> dict:
    """Seeds and children of every page, from a DEBUG crawl log's ``Crawled`` lines."""
    seeds: list[str] = []
    children: dict[str, list[str]] = defaultdict(list)
    for _status, url, referer in CRAWLED.findall(log):
        if referer == "None":
            if url != f"{static}/robots.txt" and url not in seeds:  # robots: the middleware
                seeds.append(url)
        else:
            children[referer].append(url)
    return {"seeds": seeds, "children": children}


def run_speed(args, work: Path) -> dict:
    with database("crawl") as server, replica(args.articles, args.seed) as origins:
        name = server.fresh()
        recording = crawl(origins, server.uri, name, work, "recording", "-a", "mode=full",
                          level="DEBUG")
        server.drop(name)
        graph = link_graph(recording.log, origins[1])
        path = work / "graph.json"
        path.write_text(json.dumps(graph))
        pages = sum(len(v) for v in graph["children"].values()) + len(graph["seeds"])
        print(f"recorded: {recording.responses:,} responses, {pages:,} requests in the graph")
        ours: list[Crawl] = []
        theirs: list[Crawl] = []
        local: list[Crawl] = []
        plain: list[Crawl] = []
        for n in range(args.rounds):
            theirs.append(bare(path, work, f"bare{n}"))
            if args.warc_cost and n % 2:  # alternate which of the two goes first
                plain.append(without_warc(origins, server, work, n))
            name = server.fresh()
            ours.append(crawl(origins, server.uri, name, work, f"full{n}", "-a", "mode=full",
                              "-s", f"WARC_DIR={work / f'warc{n}'}"))
            server.drop(name)
            if args.warc_cost and not n % 2:
                plain.append(without_warc(origins, server, work, n))
            print(f"round {n + 1}: bare {theirs[-1].responses:,} responses in "
                  f"{theirs[-1].seconds:.1f} s ({theirs[-1].pages_per_second:,.0f}/s, "
                  f"{theirs[-1].cpu:.1f} s CPU of {theirs[-1].wall:.1f} s wall); "
                  f"full {ours[-1].responses:,} in {ours[-1].seconds:.1f} s "
                  f"({ours[-1].pages_per_second:,.0f}/s, {ours[-1].cpu:.1f} s CPU of "
                  f"{ours[-1].wall:.1f} s wall, "
                  f"{int(ours[-1].stats.get('item_scraped_count', 0)):,} articles)")
            if args.in_process:
                name = server.fresh()
                local.append(crawl(origins, server.uri, name, work, f"local{n}", "-a",
                                   "mode=full", "-s", "PARSER_WORKERS=0"))
                server.drop(name)
                print(f"round {n + 1}: full, pages parsed in the crawl process: "
                      f"{local[-1].responses:,} in {local[-1].seconds:.1f} s "
                      f"({local[-1].pages_per_second:,.0f}/s, {local[-1].cpu:.1f} s CPU), "
                      f"ratio {local[-1].pages_per_second / theirs[-1].pages_per_second:.2f}")
        best_ours = max(ours, key=lambda c: c.pages_per_second)
        best_bare = max(theirs, key=lambda c: c.pages_per_second)
        ratio = best_ours.pages_per_second / best_bare.pages_per_second
        # each round's two crawls ran back to back: their ratio holds when the machine's
        # speed drifts between rounds
        paired = sorted(o.pages_per_second / t.pages_per_second
                        for o, t in zip(ours, theirs, strict=True))
        print(f"\nbest: full pipeline {best_ours.pages_per_second:,.0f} pages/s, bare spider "
              f"{best_bare.pages_per_second:,.0f} pages/s, ratio {ratio:.2f} (target >= 0.5)")
        print("ratio per round: " + ", ".join(f"{r:.2f}" for r in paired) +
              f" (median {statistics.median(paired):.2f})")
        if local:
            here = sorted(o.pages_per_second / t.pages_per_second
                          for o, t in zip(local, theirs, strict=True))
            print("pages parsed in the crawl process (PARSER_WORKERS=0), ratio per round: "
                  + ", ".join(f"{r:.2f}" for r in here) +
                  f" (median {statistics.median(here):.2f})")
        warc = warc_figures(ours, plain, work) if plain else {}
        return {**warc, "articles": args.articles, "full_pages_s": best_ours.pages_per_second,
                "bare_pages_s": best_bare.pages_per_second, "ratio": ratio,
                "ratio_per_round": paired,
                "full_responses": best_ours.responses, "bare_responses": best_bare.responses}


def without_warc(origins: tuple[str, str], server: Server, work: Path, n: int) -> Crawl:
    """The same full crawl with ``WARC_ENABLED=False``, next to the one with it."""
    name = server.fresh()
    plain = crawl(origins, server.uri, name, work, f"nowarc{n}", "-a", "mode=full",
                  "-s", "WARC_ENABLED=False")
    server.drop(name)
    print(f"round {n + 1}: full without WARC files: {plain.responses:,} in "
          f"{plain.seconds:.1f} s ({plain.pages_per_second:,.0f}/s, {plain.cpu:.1f} s CPU)")
    return plain


def warc_figures(ours: list[Crawl], plain: list[Crawl], work: Path) -> dict:
    """What writing WARC files costs: speed with / without per round (side by side), and
    the files' bytes per article stored (and so per 100,000 articles)."""
    ratios = sorted(o.pages_per_second / p.pages_per_second
                    for o, p in zip(ours, plain, strict=True))
    sizes = [sum(f.stat().st_size for f in (work / f"warc{n}").glob("*.warc.gz"))
             for n in range(len(ours))]
    articles = [int(o.stats.get("item_scraped_count", 0)) for o in ours]
    per_article = sizes[0] / max(articles[0], 1)
    cpu = sorted((o.cpu / o.responses) / (p.cpu / p.responses)
                 for o, p in zip(ours, plain, strict=True))
    print("with WARC files / without, pages per second, per round: "
          + ", ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f})")
    print("with WARC files / without, CPU seconds per response (the crawl process and its "
          "child processes: parser, WARC writer), per round: "
          + ", ".join(f"{r:.3f}" for r in cpu) + f" (median {statistics.median(cpu):.3f})")
    print(f"WARC files: {sizes[0]:,} bytes for {articles[0]:,} articles = "
          f"{per_article / 1024:.1f} kB per article, {per_article * 100_000 / 1e9:.2f} GB "
          f"per 100,000 articles")
    return {"warc_ratio_per_round": ratios, "warc_cpu_ratio_per_round": cpu,
            "warc_bytes_per_article": per_article}


def run_memory(args, work: Path) -> dict:
    sizes = args.sizes
    out: dict[str, dict[int, float]] = {k: {} for k in (
        "peak_mb", "parser_peak_mb", "wall_seconds", "close_seconds", "ms_per_article")}
    with database("crawl") as server:
        for size in sizes:
            with replica(size, args.seed) as origins:
                name = server.fresh()
                result = crawl(origins, server.uri, name, work, f"memory{size}", "-a",
                               "mode=full")
                server.drop(name)
            stored = int(result.stats.get("item_scraped_count", 0))
            out["peak_mb"][size] = round(result.own_peak_mb, 1)
            out["parser_peak_mb"][size] = round(result.parser_peak_mb, 1)
            out["wall_seconds"][size] = round(result.wall, 1)
            out["close_seconds"][size] = round(result.close_seconds, 1)
            out["ms_per_article"][size] = round(1000 * result.wall / max(stored, 1), 2)
            print(f"{size:,} articles: {stored:,} stored, {result.responses:,} responses; "
                  f"peak RSS {result.own_peak_mb:,.0f} MB (parser process "
                  f"{result.parser_peak_mb:,.0f} MB); {result.wall:.0f} s start to exit, "
                  f"{result.close_seconds:.0f} s of it after the last response; "
                  f"{out['ms_per_article'][size]} ms an article")
    first, last = sizes[0], sizes[-1]
    growth = out["peak_mb"][last] / out["peak_mb"][first]
    per_article = out["ms_per_article"][last] / out["ms_per_article"][first]
    print(f"\ngrowth {first:,} -> {last:,} articles: {growth:.2f}x (targets: <= 300 MB, "
          f"<= 1.5x); time an article {per_article:.2f}x (target <= 1.2x); close "
          f"{100 * out['close_seconds'][last] / out['wall_seconds'][last]:.1f}% of the wall "
          f"time (target <= 5%)")
    return {**out, "growth": round(growth, 3), "per_article_growth": round(per_article, 3)}


# per run, not per article: when it was seen, through which channel first, and which of
# the run's WARC records holds the page
RUN_FIELDS = ("first_seen_at", "last_seen_at", "changed_at", "discovered_via",
              "discovered_from", "source")


def articles_of(uri: str, name: str) -> dict[str, dict]:
    from pymongo import MongoClient

    client: MongoClient = MongoClient(uri)
    try:
        return {d["_id"]: {k: v for k, v in d.items() if k not in RUN_FIELDS}
                for d in client[name].articles.find()}
    finally:
        client.close()


def stored_count(uri: str, name: str) -> int:
    from pymongo import MongoClient

    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        return client[name].articles.estimated_document_count()
    finally:
        client.close()


def run_resume(args, work: Path) -> dict:
    """An uninterrupted backfill, then one killed (SIGKILL) at ``--kill-at`` of the
    articles stored and started again with the same command, each into a database of
    its own; every crawl in the default (incremental) mode, as cron runs it."""
    shared = ("-s", f"NEWSSCRAPER_LEASE_SECONDS={args.lease_seconds}")
    if args.store_batch_size:  # writes that come often enough to kill a small crawl midway
        shared += ("-s", f"STORE_BATCH_SIZE={args.store_batch_size}")
    with database("crawl") as server, replica(args.articles, args.seed) as origins:
        whole, resumed = server.fresh(), server.fresh()
        once = crawl(origins, server.uri, whole, work, "uninterrupted", *shared)
        total = int(once.stats.get("item_scraped_count", 0))
        target = int(args.kill_at * total)
        killed = crawl(origins, server.uri, resumed, work, "killed", *shared, "-s",
                       "LOGSTATS_INTERVAL=1",
                       kill_when=lambda: stored_count(server.uri, resumed) >= target)
        at = stored_count(server.uri, resumed)
        time.sleep(args.lease_seconds + 1)  # the dead run's lease goes stale (cron's next tick)
        again = crawl(origins, server.uri, resumed, work, "restarted", *shared)
        a, b = articles_of(server.uri, whole), articles_of(server.uri, resumed)
        server.drop(whole)
        server.drop(resumed)
    # the killed crawl dumped no stats: its responses are in the last of its logstats
    # lines, a second apart (those of its last second go uncounted)
    counts = re.findall(r"INFO: Crawled (\d+) pages", killed.log)
    killed_responses = int(counts[-1]) if counts else 0
    ratio = (killed_responses + again.responses) / once.responses
    differ: dict[str, int] = defaultdict(int)
    for key in a.keys() & b.keys():
        for name in a[key].keys() | b[key].keys():
            if a[key].get(name) != b[key].get(name):
                differ[name] += 1
    equal = a.keys() == b.keys() and not differ
    print(f"uninterrupted: {total:,} stored, {once.responses:,} responses, {once.wall:.0f} s")
    print(f"killed at {at:,} stored ({100 * at / max(total, 1):.0f}%) after "
          f"{killed_responses:,} responses; restarted: "
          f"{int(again.stats.get('item_scraped_count', 0)):,} stored, {again.responses:,} "
          f"responses, {again.wall:.0f} s")
    print(f"requests: {ratio:.3f}x the uninterrupted run (target <= 1.1x); databases "
          f"{'equal' if equal else 'differ'}: {len(a):,} vs {len(b):,} articles"
          + (f", fields differing: {dict(differ)}" if differ else ""))
    return {"articles": args.articles, "requests_ratio": round(ratio, 3), "equal": equal,
            "stored": [len(a), len(b)], "killed_at": at, "differ": dict(differ)}


def run_incremental(args, work: Path) -> dict:
    from pymongo import MongoClient

    from newsscraper.replica import generate_site
    from newsscraper.storage.ferretdb import free_port

    changes = generate_site(args.articles, args.seed, 2).changes
    ports = free_port(), free_port()
    out: dict = {}
    with database("crawl") as server:
        name = server.fresh()
        with replica(args.articles, args.seed, 1, *ports) as origins:
            first = crawl(origins, server.uri, name, work, "first")
            again = crawl(origins, server.uri, name, work, "unchanged")
        with replica(args.articles, args.seed, 2, *ports) as origins:
            epoch2 = crawl(origins, server.uri, name, work, "epoch2")
        client: MongoClient = MongoClient(server.uri)
        try:
            runs = list(client[name].runs.find().sort("started_at", 1))
        finally:
            client.close()
        server.drop(name)
    r1, r2, r3 = (int(c.stats.get("downloader/request_count", 0)) for c in (first, again, epoch2))
    counts = runs[-1]["counts"]
    print(f"first run:  {r1:,} requests, {runs[0]['counts']['new']:,} articles stored")
    print(f"unchanged:  {r2:,} requests ({100 * r2 / r1:.1f}% of the first; target <= 5%), "
          f"{runs[1]['counts']['new']} new, {runs[1]['counts']['updated']} updated")
    print(f"epoch 2:    {r3:,} requests ({100 * r3 / r1:.1f}%), {counts['new']} new "
          f"(site: {len(changes['new'])}), {counts['updated']} updated (site: "
          f"{len(changes['edited'])} edited), {int(epoch2.stats.get('spider/gone', 0))} "
          f"removed links answered 404/410")
    t1, t3 = (float(c.seconds) for c in (first, epoch2))
    print(f"time:       first {t1:.0f}s, epoch 2 {t3:.0f}s ({t3 / t1:.1f}x the first; "
          f"target <= 2x)")
    out.update(first_seconds=round(t1, 1), epoch2_seconds=round(t3, 1))
    out.update(first=r1, unchanged=r2, epoch2=r3, epoch2_new=counts["new"],
               epoch2_updated=counts["updated"], site_new=len(changes["new"]),
               site_edited=len(changes["edited"]))
    return out


@contextmanager
def redis_server():
    """A ``redis-server`` of our own on a free port; yields its URL."""
    from newsscraper.storage.ferretdb import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (make setup installs it)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as tmp:
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", tmp],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def workers(origins: tuple[str, str], uri: str, db: str, work: Path, label: str, count: int,
            redis_url: str) -> list[Crawl]:
    """``count`` crawls started together as the workers of one shared run."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(count) as pool:
        jobs = [pool.submit(crawl, origins, uri, db, work, f"{label}-{i}", "-s",
                            f"REDIS_URL={redis_url}") for i in range(count)]
        return [j.result() for j in jobs]


def run_scaleout(args, work: Path) -> dict:
    out: dict = {}
    with database("crawl") as server, redis_server() as redis_url, \
            replica(args.articles, args.seed) as origins:
        name = server.fresh()
        alone = crawl(origins, server.uri, name, work, "alone")
        server.drop(name)
        rows = [("1, no Redis", [alone])]
        for count in (1, 2, 3):
            name = server.fresh()
            rows.append((str(count), workers(origins, server.uri, name, work, f"w{count}",
                                             count, redis_url)))
            server.drop(name)
    print("workers | requests (per worker) | articles (per worker) | wall s (per worker)")
    for label, crawls in rows:
        req = [int(c.stats.get("downloader/request_count", 0)) for c in crawls]
        items = [int(c.stats.get("item_scraped_count", 0)) for c in crawls]
        wall = [round(c.wall, 1) for c in crawls]
        print(f"{label} | {sum(req):,} ({', '.join(map(str, req))}) | {sum(items):,} "
              f"({', '.join(map(str, items))}) | {max(wall)} ({', '.join(map(str, wall))})")
        out[label] = {"requests": req, "articles": items, "wall": wall}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__, modes=True)
    sub = ap.add_subparsers(dest="what", required=True)
    s = common.command(sub, "speed", "full pipeline vs a bare spider on the same links")
    common.articles(s, 5000, 60)
    common.rounds(s, 2, 1)
    s.add_argument("--in-process", action="store_true",
                   help="also crawl with the pages parsed in the crawl process "
                        "(PARSER_WORKERS=0) in each round")
    s.add_argument("--warc-cost", action="store_true",
                   help="also crawl with WARC_ENABLED=False in each round, right after the "
                        "crawl with WARC files, and report both and the files' bytes")
    m = common.command(sub, "memory", "peak RSS of the crawl process at two sizes")
    common.sizes(m, [5000, 20000], [40, 80])
    r = common.command(sub, "resume",
                       "a backfill killed part-way (--kill-at) and restarted vs one run")
    common.articles(r, 20000, 60)
    r.add_argument("--kill-at", type=float, default=0.3)
    common.option(r, "--lease-seconds", 20, 3, "NEWSSCRAPER_LEASE_SECONDS of every crawl "
                  "(the restart waits until the killed run's lease is stale)")
    common.option(r, "--store-batch-size", 0, 10, "STORE_BATCH_SIZE of every crawl (0: as "
                  "shipped)")
    i = common.command(sub, "incremental", "requests of re-runs vs a first run")
    common.articles(i, 5000, 60)
    o = common.command(sub, "scaleout", "1, 2 and 3 workers sharing a run through Redis")
    common.articles(o, 1000, 60)
    for p in (s, m, r, i, o):
        common.seed(p)
        p.add_argument("--keep", action="store_true", help="keep the crawl logs")
    common.run(ap, bench, argv)


def bench(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    try:
        return {"speed": run_speed, "memory": run_memory,
                "incremental": run_incremental, "scaleout": run_scaleout,
                "resume": run_resume}[args.what](args, work)
    finally:
        if args.keep:
            print(f"logs in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
