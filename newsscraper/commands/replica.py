"""``newsscraper replica serve|truth``: the local replica of the site."""

from __future__ import annotations

import json
import signal
import sys
import threading

from newsscraper.replica.faults import PROFILES


def add_parser(sub) -> None:
    p = sub.add_parser("replica", help="serve the offline replica of the site, or print its truth")
    verbs = p.add_subparsers(dest="replica_command", required=True)
    for name, help_ in (("serve", "serve the replica until stopped"),
                        ("truth", "write the ground-truth records as JSON Lines")):
        v = verbs.add_parser(name, help=help_)
        v.add_argument("--articles", type=int, default=300)
        v.add_argument("--seed", type=int, default=1)
        v.add_argument("--epoch", type=int, choices=(1, 2), default=1)
        if name == "serve":
            v.add_argument("--port", type=int, default=0, help="www port (0: any free port)")
            v.add_argument("--static-port", type=int, default=0)
            v.add_argument("--faults", choices=PROFILES, default=None)
            v.set_defaults(func=serve)
        else:
            v.add_argument("--base-url", default="https://www.themoscowtimes.com")
            v.add_argument("--static-url", default="https://static.themoscowtimes.com")
            v.set_defaults(func=truth)


def serve(args) -> int:
    from newsscraper.replica import ReplicaServer, generate_site

    model = generate_site(args.articles, args.seed, args.epoch)
    server = ReplicaServer(model, faults=args.faults, port=args.port,
                           static_port=args.static_port).start()
    print(f"base_url={server.base_url}")
    print(f"static_url={server.static_url}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


def truth(args) -> int:
    from newsscraper.replica import generate_site, truth_records

    model = generate_site(args.articles, args.seed, args.epoch)
    out = sys.stdout
    for record in truth_records(model, args.base_url, args.static_url):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0
