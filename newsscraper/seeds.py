"""Seed files: one start URL per line, ``#`` comments, validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SEEDS = "moscowtimes.txt"


class SeedError(ValueError):
    """A seed file line that is not an absolute http(s) URL; the message names the line."""


@dataclass(frozen=True)
class Seed:
    url: str
    line: int


def parse_seeds(text: str, source: str = "<seeds>") -> list[Seed]:
    seeds: list[Seed] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if " " in line or "\t" in line:
            raise SeedError(f"{source}:{number}: one URL per line, got {line!r}")
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SeedError(f"{source}:{number}: not an absolute http(s) URL: {line!r}")
        if line not in seen:
            seen.add(line)
            seeds.append(Seed(line, number))
    if not seeds:
        raise SeedError(f"{source}: no seed URLs")
    return seeds


def load_seeds(path: str | Path | None = None) -> list[Seed]:
    """Seeds from ``path``, or the project's ``seeds/moscowtimes.txt``."""
    if path is None:
        candidate = Path.cwd() / "seeds" / DEFAULT_SEEDS
        if candidate.is_file():
            path = candidate
        else:  # installed (e.g. in a scrapyd egg): the copy shipped in the package
            text = resources.files("newsscraper").joinpath(f"data/{DEFAULT_SEEDS}").read_text()
            return parse_seeds(text, DEFAULT_SEEDS)
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: no such seed file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read the seed file: {exc}") from None
    return parse_seeds(text, str(path))
