"""Our article parser vs trafilatura on the same 1,000 replica article pages, in one run.

    .venv/bin/python -m benchmarks.bench_extraction [--articles 1000] [--rounds 3] [--seed 1]
        [--smoke] [--json]

Both get each page as text with its URL: ``parse_article(html, url)`` and trafilatura's
``bare_extraction(html, url=url)`` with default settings. Rounds alternate between the
two; the best round of each counts. Pages/s are given for CPU time (what the process
spent, not disturbed by other load on a shared host) and wall time.

Target: ours >= 10x trafilatura's pages/s. The last line is JSON.

``--baseline REF`` also times the parser of another commit (``git archive REF``, imported
under another package name) against ours, page by page in alternating order (CPU time
per call), so a refactor can show it is not slower on a shared host.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from benchmarks import common


def measure(fn: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def baseline_parser(ref: str, into: Path) -> Callable:
    """``parse_article`` of commit ``ref``, unpacked into ``into`` as package ``nsbaseline``."""
    tar = subprocess.run(["git", "archive", ref, "newsscraper"], check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    (into / "newsscraper").rename(into / "nsbaseline")
    for path in (into / "nsbaseline").rglob("*.py"):
        path.write_text(re.sub(r"\bnewsscraper\b", "nsbaseline", path.read_text()))
    sys.path.insert(0, str(into))
    return importlib.import_module("nsbaseline.sites.moscowtimes").parse_article


def side_by_side(ours: Callable, theirs: Callable, pages: list, rounds: int) -> list[float]:
    """Per round, baseline CPU time / ours (above 1: ours is faster), calls interleaved."""
    ratios = []
    for r in range(rounds):
        spent = [0.0, 0.0]
        for i, (html, url) in enumerate(pages):
            for k in ((0, 1) if (i + r) % 2 else (1, 0)):
                start = time.process_time()
                (ours, theirs)[k](html, url)
                spent[k] += time.process_time() - start
        ratios.append(spent[1] / spent[0])
    return ratios


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.articles(ap, 1000, 20, "replica article pages parsed",
                    aliases=("--pages",))
    common.rounds(ap, 3, 1)
    common.seed(ap)
    ap.add_argument("--baseline", metavar="REF", help="also compare with this commit's parser")
    common.run(ap, bench, argv)


def bench(args) -> dict:
    from trafilatura import bare_extraction

    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article

    model = generate_site(args.articles, seed=args.seed)
    site = render_site(model)
    pages = [(site.get(a.path).body.decode(), site.base_url + a.path)
             for a in model.live_articles][: args.articles]
    kinds: dict[str, int] = {}
    for a in model.live_articles[: args.articles]:
        kinds[a.type] = kinds.get(a.type, 0) + 1

    def ours() -> None:
        for html, url in pages:
            parse_article(html, url)

    def theirs() -> None:
        for html, url in pages:
            bare_extraction(html, url=url)

    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.rounds):
        for name, fn in (("newsscraper", ours), ("trafilatura", theirs)):
            cpu, wall = measure(fn)
            old = best.get(name, (cpu, wall))
            best[name] = (min(old[0], cpu), min(old[1], wall))
    n = len(pages)
    mean_kb = sum(len(h) for h, _ in pages) / n / 1000
    print(f"{n} pages (mean {mean_kb:.1f} kB; templates {kinds}), best of {args.rounds} rounds")
    print(f"{'':<12} {'cpu pages/s':>12} {'wall pages/s':>13}")
    for name in ("newsscraper", "trafilatura"):
        cpu, wall = best[name]
        print(f"{name:<12} {n / cpu:12.0f} {n / wall:13.0f}")
    ours_cpu, theirs_cpu = best["newsscraper"][0], best["trafilatura"][0]
    ours_wall, theirs_wall = best["newsscraper"][1], best["trafilatura"][1]
    print(f"{'ratio':<12} {theirs_cpu / ours_cpu:11.1f}x {theirs_wall / ours_wall:12.1f}x")
    figures: dict = {"pages": n, "ours_cpu_pages_s": round(n / ours_cpu),
                     "trafilatura_cpu_pages_s": round(n / theirs_cpu),
                     "cpu_ratio": round(theirs_cpu / ours_cpu, 2),
                     "wall_ratio": round(theirs_wall / ours_wall, 2)}
    if args.baseline:
        with tempfile.TemporaryDirectory() as tmp:
            ratios = side_by_side(parse_article, baseline_parser(args.baseline, Path(tmp)),
                                  pages, args.rounds * 2)
        print(f"{args.baseline} / ours, CPU time per round (above 1: ours faster): "
              + ", ".join(f"{r:.3f}" for r in ratios))
        figures["baseline_ratio_per_round"] = [round(r, 3) for r in ratios]
    return figures


if __name__ == "__main__":
    main()
