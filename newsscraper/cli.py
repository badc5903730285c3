"""The ``newsscraper`` command: operator verbs around the Scrapy project.

Each verb lives in its own module under :mod:`newsscraper.commands` and exposes
``add_parser(subparsers)`` which registers the verb and sets ``func`` on its parser;
``func(args)`` returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from newsscraper.outcome import EXIT_OK

# verb -> module; modules are imported only when the verb list is built
COMMANDS = ("db", "replica", "parse", "demo", "spill", "export", "show", "runs", "health",
            "report", "reparse", "warc")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsscraper", description="Keep a MongoDB copy of The Moscow Times."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"newsscraper.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"newsscraper.commands.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # a verb may answer bad arguments with a status of its own (health: 3, UNKNOWN)
        status = getattr(args, "usage_status", None)
        if status is None:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        print(f"newsscraper {args.command}: unrecognized arguments: {' '.join(extra)}",
              file=sys.stderr)
        return int(status)
    return int(args.func(args) or EXIT_OK)


if __name__ == "__main__":
    sys.exit(main())
