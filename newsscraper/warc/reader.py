"""Reading WARC files back with warcio: every record in order, one record at an offset,
and the index of what a directory of them holds."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from newsscraper.items import Source
from newsscraper.sites.moscowtimes.site import parse_iso

logger = logging.getLogger(__name__)

PATTERN = "*.warc.gz"


@dataclass
class Page:
    """A response record read whole: what the server answered, and where it is kept."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    source: Source
    warc_headers: dict[str, str]


@dataclass
class Entry:
    """A response record's place and headers, without its payload (an index row)."""

    url: str
    status: int
    source: Source
    warc_headers: dict[str, str]
    path: Path
    location: str | None = None
    """The HTTP ``Location`` of a redirect."""


@dataclass
class FileReport:
    """What reading one file through found."""

    path: Path
    records: dict[str, int]
    torn_at: int | None = None  # offset of the record that could not be read whole
    digest_problems: int = 0


def warc_files(directory: Path) -> list[Path]:
    """The WARC files under ``directory``, oldest run first (names carry the run id,
    which starts with its start time, then the file's sequence number)."""
    return sorted(Path(directory).rglob(PATTERN))


def records(path: Path, report: FileReport | None = None,
            read: bool = True) -> Iterator[tuple[int, Any]]:
    """``(offset, record)`` for every whole record of ``path``, in order. A record cut
    short (a crawl killed while writing it) is skipped with a warning, as is anything
    after it: warcio itself reads a cut gzip member as a shorter record. With ``read``
    each record's content is read through (warcio checks its digests)."""
    whole = whole_members(path)
    size = path.stat().st_size
    if whole < size:
        logger.warning("%s: the record at offset %d is cut short (%d bytes to the end of "
                       "the file); skipped", path.name, whole, size - whole)
        if report is not None:
            report.torn_at = whole
    with open(path, "rb") as f:
        it = ArchiveIterator(_Upto(f, whole), check_digests=read)
        for record in it:
            offset = it.offset  # where this record starts (read_to_end moves it on)
            if read:
                record.content_stream().read()
                if record.digest_checker.problems and report is not None:
                    report.digest_problems += len(record.digest_checker.problems)
            if report is not None:
                report.records[record.rec_type] = report.records.get(record.rec_type, 0) + 1
            yield offset, record


def whole_members(path: Path) -> int:
    """Where the file's whole gzip members end: its size, unless the last is cut short.
    Each record is a gzip member of its own, ended by the gzip trailer."""
    end = 0
    with open(path, "rb") as f:
        data = b""
        inflate = zlib.decompressobj(wbits=31)
        start = 0  # of the member being inflated, in the file
        consumed = 0  # bytes of the file handed to zlib before ``data``
        while True:
            if not data:
                data = f.read(1 << 20)
                if not data:
                    return end
            offset = consumed
            try:
                inflate.decompress(data)
            except zlib.error:
                return end
            if inflate.eof:
                used = len(data) - len(inflate.unused_data)
                end = start = offset + used
                data = inflate.unused_data
                consumed = start
                inflate = zlib.decompressobj(wbits=31)
            else:
                consumed += len(data)
                data = b""


class _Upto:
    """A file read only up to ``limit`` bytes (warcio needs ``read`` and ``tell``)."""

    def __init__(self, f: BinaryIO, limit: int) -> None:
        self.f, self.limit = f, limit

    def read(self, size: int = -1) -> bytes:
        left = self.limit - self.f.tell()
        return self.f.read(left if size < 0 else min(size, left)) if left > 0 else b""

    def tell(self) -> int:
        return self.f.tell()


def check(path: Path) -> FileReport:
    """Read every record of ``path`` through (warcio checks the digests as it goes)."""
    report = FileReport(path, {})
    for _ in records(path, report):
        pass
    return report


def _source(path: Path, offset: int, record) -> Source:
    moment = parse_iso(record.rec_headers.get_header("WARC-Date") or "", timezone.utc)
    return Source(warc_file=path.name, offset=offset,
                  fetched_at=moment or datetime.fromtimestamp(0, timezone.utc))


def responses(path: Path) -> Iterator[Entry]:
    """The response records of ``path`` (headers only), in order."""
    for offset, record in records(path, read=False):
        if record.rec_type != "response":
            continue
        yield Entry(url=record.rec_headers.get_header("WARC-Target-URI") or "",
                    status=int(record.http_headers.get_statuscode() or 0),
                    source=_source(path, offset, record),
                    warc_headers=dict(record.rec_headers.headers), path=path,
                    location=record.http_headers.get_header("Location"))


def read_page(path: Path, offset: int) -> Page:
    """The response record that starts at ``offset`` of ``path``, read whole."""
    with open(path, "rb") as f:
        f.seek(offset)
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                raise ValueError(f"{path.name} at {offset} is a {record.rec_type} record, "
                                 "not a response")
            body = record.content_stream().read()
            return Page(url=record.rec_headers.get_header("WARC-Target-URI") or "",
                        status=int(record.http_headers.get_statuscode() or 0),
                        headers=list(record.http_headers.headers), body=body,
                        source=_source(path, offset, record),
                        warc_headers=dict(record.rec_headers.headers))
    raise ValueError(f"{path.name}: no record at offset {offset}")
