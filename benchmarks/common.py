"""What every benchmark shares: the server it measures against, and one command line.

The server is ``MONGO_URI`` when set, else a FerretDB of the benchmark's own in a
temporary directory; then its pid is known, so a benchmark can read the server's memory
and CPU from /proc. Every benchmark takes the same flags for the same things
(``--articles``, ``--sizes``, ``--rounds``, ``--seed``), ``--smoke`` (sizes small
enough to run in seconds, for ``make bench`` and the smoke tests) and ``--json``, and
ends its output with its figures as one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Server:
    """A MongoDB-protocol server to measure against, and a database name of this run's.

    ``pid`` and ``data_dir`` are set when the server is a FerretDB of our own."""

    uri: str
    name: str
    pid: int | None = None
    data_dir: Path | None = None

    def fresh(self) -> str:
        """Another database name of this run's (drop it with ``drop``)."""
        return f"{self.name}_{uuid.uuid4().hex[:6]}"

    def drop(self, name: str) -> None:
        from pymongo import MongoClient

        client: MongoClient = MongoClient(self.uri)
        try:
            client.drop_database(name)
        finally:
            client.close()


@contextlib.contextmanager
def database(label: str, binary: Path | None = None, own: bool = False) -> Iterator[Server]:
    """``MONGO_URI``, else (or with ``own`` or ``binary``: another build) a FerretDB of
    our own in a temporary directory. The database ``bench_<label>_<hex>`` is dropped on
    the way out; names from ``fresh()`` are the caller's to drop."""
    from newsscraper.storage.ferretdb import LocalDatabase, free_port

    name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
    given = None if own or binary else os.environ.get("MONGO_URI")
    if given:
        server = Server(given, name)
        try:
            yield server
        finally:
            server.drop(name)
        return
    with tempfile.TemporaryDirectory(prefix=f"bench-{label}-db-") as tmp:
        local = LocalDatabase(data_dir=Path(tmp), port=free_port(), binary=binary)
        local.start(log=lambda m: print(m, file=sys.stderr))
        try:
            yield Server(local.uri, name, local.pid(), local.data_dir)
        finally:
            local.stop()


def rss_mb(pid: int | None) -> float:
    """A process's resident memory now (``VmRSS``), 0 for none or once it is gone."""
    return _status_mb(pid, "VmRSS:")


def peak_mb(pid: int | None) -> float:
    """A process's peak resident memory so far (``VmHWM``), 0 for none or once it is gone."""
    return _status_mb(pid, "VmHWM:")


def _status_mb(pid: int | None, key: str) -> float:
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc; 0 for none."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def template_doc() -> dict:
    """The real a85152 as the store keeps it (about 5 kB), from the replica: the article
    the archive-scale benchmarks copy under distinct ids."""
    from newsscraper.items import to_document
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.articles import article_doc

    model = generate_site(10, seed=1)
    site = render_site(model)
    path = model.by_id[85152].path
    return article_doc(to_document(parse_article(site.get(path).body, site.base_url + path)))


# the command line


def parser(doc: str | None, modes: bool = False) -> argparse.ArgumentParser:
    """A benchmark's parser: its module docstring's first paragraph as description.
    ``modes``: the flags go on each mode's parser (``command``) instead."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    if not modes:
        common(ap)
    return ap


def command(sub, name: str, help: str) -> argparse.ArgumentParser:
    """One mode of a benchmark with several (``bench_crawl speed``), with the common flags."""
    p = sub.add_parser(name, help=help, description=help)
    common(p)
    return p


def common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--smoke", action="store_true",
                   help="the smoke sizes: every step, in seconds (figures mean nothing)")
    p.add_argument("--json", action="store_true",
                   help="only the figures' JSON line on stdout (the rest on stderr)")


def option(p: argparse.ArgumentParser, flag: str, default: Any, smoke: Any, help: str,
           type: Callable[[str], Any] = int, aliases: tuple[str, ...] = ()) -> None:
    """``flag``, ``default`` unless ``--smoke`` (then ``smoke``); given, it wins.
    ``aliases``: its former names, still read, not shown."""
    action = p.add_argument(flag, type=type, default=None,
                            help=f"{help} (default {show(default)}, --smoke {show(smoke)})")
    for alias in aliases:
        p.add_argument(alias, dest=action.dest, type=type, default=None,
                       help=argparse.SUPPRESS)
    table = dict(p.get_default("smoke_table") or {})
    table[action.dest] = (default, smoke)
    p.set_defaults(smoke_table=table)


def articles(p: argparse.ArgumentParser, default: int, smoke: int,
             help: str = "replica articles", aliases: tuple[str, ...] = ()) -> None:
    option(p, "--articles", default, smoke, help, int, aliases)


def sizes(p: argparse.ArgumentParser, default: list[int], smoke: list[int],
          help: str = "numbers of articles, measured in turn") -> None:
    option(p, "--sizes", default, smoke, help, int_list)


def rounds(p: argparse.ArgumentParser, default: int, smoke: int = 1,
           help: str = "rounds (the best or the median counts)",
           aliases: tuple[str, ...] = ()) -> None:
    option(p, "--rounds", default, smoke, help, int, aliases)


def seed(p: argparse.ArgumentParser, default: int = 1) -> None:
    p.add_argument("--seed", type=int, default=default,
                   help=f"the replica's seed (default {default})")


def int_list(text: str) -> list[int]:
    """``5000,20000`` -> ``[5000, 20000]``, smallest first."""
    return sorted(int(s) for s in text.split(","))


def show(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def parse(ap: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    """The arguments, each option left out set to its default or, with ``--smoke``, to
    its smoke size."""
    args = ap.parse_args(argv)
    for dest, (default, smoke) in vars(args).pop("smoke_table", {}).items():
        if getattr(args, dest) is None:
            setattr(args, dest, smoke if args.smoke else default)
    return args


def run(ap: argparse.ArgumentParser, measure: Callable[[argparse.Namespace], dict],
        argv: list[str] | None = None) -> None:
    """Parse, measure, and end with the figures as one JSON line (with ``--json``, the
    only line on stdout: the readable ones go to stderr)."""
    args = parse(ap, argv)
    out = sys.stderr if args.json else sys.stdout
    with contextlib.redirect_stdout(out):
        figures = measure(args)
    print(json.dumps(figures, default=str), flush=True)
