"""Our article parser vs trafilatura on the same 1,000 replica article pages, in one run.

    .venv/bin/python -m benchmarks.bench_extraction [--pages 1000] [--rounds 3]

Both get each page as text with its URL: ``parse_article(html, url)`` and trafilatura's
``bare_extraction(html, url=url)`` with default settings. Rounds alternate between the
two; the best round of each counts. Pages/s are given for CPU time (what the process
spent, not disturbed by other load on a shared host) and wall time.

Target: ours >= 10x trafilatura's pages/s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def measure(fn: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    from trafilatura import bare_extraction

    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article

    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    model = generate_site(args.pages, seed=args.seed)
    site = render_site(model)
    pages = [(site.get(a.path).body.decode(), site.base_url + a.path)
             for a in model.live_articles][: args.pages]
    kinds: dict[str, int] = {}
    for a in model.live_articles[: args.pages]:
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


if __name__ == "__main__":
    main()
