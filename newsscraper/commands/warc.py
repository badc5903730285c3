"""``newsscraper warc check [DIR]``: every record of the WARC files read back with
warcio; counts by record type, and the records cut short (a crawl killed while
writing one)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from newsscraper.commands.reader import crawl_settings, one_line_errors
from newsscraper.outcome import EXIT_OK, EXIT_USAGE

TORN = 1  # exit status when a record is cut short or fails its digest (docs/storage.md)
MISSING = EXIT_USAGE  # no such directory


def add_parser(sub) -> None:
    p = sub.add_parser("warc", help="the WARC files of what the crawls fetched")
    verbs = p.add_subparsers(dest="warc_command", required=True, metavar="VERB")
    c = verbs.add_parser("check", help="read every record back; count them, name torn ones")
    c.add_argument("directory", nargs="?", default=None, metavar="DIR",
                   help="default: WARC_DIR (NEWSSCRAPER_DATA_DIR/warc)")
    one_line_errors(c)
    c.set_defaults(func=run_check)


def default_directory() -> Path:
    from newsscraper.warc.middleware import warc_dir

    return warc_dir(crawl_settings())


def run_check(args) -> int:
    from newsscraper.warc.reader import check, warc_files

    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    directory = Path(args.directory) if args.directory else default_directory()
    if not directory.is_dir():
        print(f"newsscraper warc check: no directory {directory}", file=sys.stderr)
        return MISSING
    files = warc_files(directory)
    totals: dict[str, int] = {}
    torn = problems = 0
    for path in files:
        report = check(path)
        for kind, count in report.records.items():
            totals[kind] = totals.get(kind, 0) + count
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(report.records.items())) or "none"
        line = f"{path.relative_to(directory)}: {counts}"
        if report.torn_at is not None:
            torn += 1
            line += f"; record at offset {report.torn_at:,} cut short (skipped)"
        if report.digest_problems:
            problems += report.digest_problems
            line += f"; {report.digest_problems} digest mismatch(es)"
        print(line)
    summary = ", ".join(f"{k} {v:,}" for k, v in sorted(totals.items())) or "no records"
    print(f"{len(files)} file(s) in {directory}: {summary}; {torn} torn record(s), "
          f"{problems} digest mismatch(es)")
    return TORN if torn or problems else EXIT_OK
