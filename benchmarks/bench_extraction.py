"""Our article parser vs trafilatura on the same 1,000 replica pages, in one run.

    .venv/bin/python -m benchmarks.bench_extraction [--pages 1000]

Target: ours >= 10x trafilatura's pages/s.
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from trafilatura import bare_extraction

    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article

    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    model = generate_site(args.pages, seed=1)
    site = render_site(model)
    pages = [(site.get(a.path).body.decode(), site.base_url + a.path)
             for a in model.live_articles][: args.pages]

    def ours() -> None:
        for html, url in pages:
            parse_article(html, url)

    def theirs() -> None:
        for html, url in pages:
            bare_extraction(html, url=url)

    best = {}
    for name, fn in (("newsscraper", ours), ("trafilatura", theirs)) * args.rounds:
        t = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t
        best[name] = min(best.get(name, elapsed), elapsed)
    rate = {k: len(pages) / v for k, v in best.items()}
    for name in ("newsscraper", "trafilatura"):
        print(f"{name:<12} {rate[name]:8.0f} pages/s  (best of {args.rounds} over {len(pages)} pages)")
    print(f"ratio        {rate['newsscraper'] / rate['trafilatura']:8.1f}x")


if __name__ == "__main__":
    main()
