"""``newsscraper replica serve|truth``: the offline replica of the site.

``serve`` prints ``base_url=...`` and ``static_url=...`` (the www and static origins) and
serves until SIGINT or SIGTERM; with ``--publish-every SECONDS`` it publishes a new
article at that pace and, with ``--journal FILE``, appends a JSON line per publication to
FILE. ``truth`` writes the ground-truth records of the same site as JSON Lines to stdout;
``--journal FILE`` adds the articles that server published.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from newsscraper.commands.reader import one_line_errors
from newsscraper.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from newsscraper.replica.faults import PROFILES

# about the real site's whole archive; each article costs ~10 kB and 0.4 ms to generate
# (100,000: ~1 GB and ~40 s before the first request is answered)
MAX_ARTICLES = 100_000


def add_parser(sub) -> None:
    p = sub.add_parser("replica", help="serve the offline replica of the site, or print its truth")
    verbs = p.add_subparsers(dest="replica_command", required=True, metavar="VERB")
    for name, help_ in (("serve", "serve the replica until stopped"),
                        ("truth", "write the ground-truth records as JSON Lines")):
        v = verbs.add_parser(name, help=help_)
        one_line_errors(v)
        v.add_argument("--articles", type=_article_count, default=300,
                       help=f"generated articles (300; 10 to {MAX_ARTICLES:,})")
        v.add_argument("--seed", type=int, default=1)
        v.add_argument("--epoch", type=int, choices=(1, 2), default=1,
                       help="2: a week later, with edits, new and removed articles")
        v.add_argument("--journal", type=Path, default=None, metavar="FILE",
                       help="serve: append a JSON line per published article; truth: add "
                            "the articles published in it")
        if name == "serve":
            v.add_argument("--host", default="127.0.0.1")
            v.add_argument("--port", type=_port, default=0, help="www port (0: any free port)")
            v.add_argument("--static-port", type=_port, default=0,
                           help="static origin's port (0: any free port)")
            v.add_argument("--faults", choices=PROFILES, default=None,
                           help="misbehave: flaky (5xx, stalls, slow pages), hostile (trap "
                                "pages), all (both), redesign (40%% of article pages in "
                                "an unknown layout)")
            v.add_argument("--publish-every", type=_seconds, default=None, metavar="SECONDS",
                           help="publish a new article every SECONDS from the start")
            v.set_defaults(func=serve)
        else:
            v.add_argument("--base-url", default="https://www.themoscowtimes.com",
                           help="the www origin the records' URLs use")
            v.add_argument("--static-url", default="https://static.themoscowtimes.com",
                           help="the static origin the image URLs use")
            v.set_defaults(func=truth)


def _article_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 10 <= n <= MAX_ARTICLES:
        raise argparse.ArgumentTypeError(f"the replica serves 10 to {MAX_ARTICLES:,} "
                                         f"articles, not {n}")
    return n


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"a port from 0 to 65535, not {text!r}")
    return n


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"a positive number of seconds, not {text!r}")
    return value


def serve(args) -> int:
    from newsscraper.replica import ReplicaServer, generate_site

    if args.journal is not None and not args.journal.parent.is_dir():
        print(f"newsscraper replica serve: --journal {args.journal}: no directory "
              f"{args.journal.parent}", file=sys.stderr)
        return EXIT_USAGE
    model = generate_site(args.articles, args.seed, args.epoch)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        server = ReplicaServer(model, faults=args.faults, port=args.port,
                               static_port=args.static_port, host=args.host,
                               publish_every=args.publish_every, journal=args.journal).start()
    except OSError as exc:
        print(f"newsscraper replica serve: cannot listen on {args.host} "
              f"(ports {args.port}, {args.static_port}): {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        print(f"base_url={server.base_url}")
        print(f"static_url={server.static_url}", flush=True)
        print(f"replica: {len(model.live_articles)} articles, seed {args.seed}, epoch "
              f"{args.epoch}, faults {args.faults or 'off'}, publishing "
              f"{f'every {args.publish_every:g} s' if args.publish_every else 'off'}",
              file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return EXIT_OK


def truth(args) -> int:
    from newsscraper.replica import generate_site, truth_records
    from newsscraper.replica.publish import read_journal, replay

    if args.journal is not None and not args.journal.is_file():
        print(f"newsscraper replica truth: --journal {args.journal}: no such file",
              file=sys.stderr)
        return EXIT_USAGE
    model = generate_site(args.articles, args.seed, args.epoch)
    if args.journal is not None:
        try:
            replay(model, read_journal(args.journal))
        except (OSError, ValueError, KeyError) as exc:
            print(f"newsscraper replica truth: cannot replay {args.journal}: {exc}",
                  file=sys.stderr)
            return EXIT_USAGE
    out = sys.stdout
    for record in truth_records(model, args.base_url, args.static_url):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK
