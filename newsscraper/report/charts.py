"""The status report's charts: matplotlib figures rendered as inline SVG.

Figures are built with :class:`matplotlib.figure.Figure` and drawn by the SVG backend
directly: no pyplot, no display, no global state between reports. Text stays text
(``svg.fonttype: none``): the page is smaller and reads in any browser's sans-serif.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import matplotlib
import numpy as np
from matplotlib import dates as mdates
from matplotlib.figure import Figure

from newsscraper.report.data import (
    ContentFigures,
    FailureFigure,
    FreshDay,
    MonthFigures,
    RunPoint,
)

# a run's colour says how it ended (exit statuses: newsscraper/outcome.py)
STATUS_COLOURS = {"finished": "#2ca02c", "monitors_failed": "#ff7f0e", "failed": "#d62728",
                  "rejected": "#8c564b", "skipped": "#7f7f7f", "abandoned": "#9467bd",
                  "running": "#1f77b4"}
OTHER_STATUS = "#e377c2"
WIDTH = 11.0  # inches at matplotlib's 72 points each: fits a 1280-pixel window
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
RC: Any = {"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
      "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3}


def svg(fig: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element to inline (no XML prolog, no date). ``name``
    salts the element ids, so the charts of one page never share an id."""
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    # the RDF metadata block says only "made by matplotlib"; the page has no use for it
    return METADATA.sub("", text[text.index("<svg"):], count=1)


def styled(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw under the report's style: matplotlib reads most rc values as each artist is
    made, so the whole drawing runs inside the context."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> str:
        with matplotlib.rc_context(RC):
            return draw(*args, **kwargs)
    return wrapper


def above(ax, ncols: int) -> None:
    """The legend in a row above the axes, clear of the data."""
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=ncols, fontsize=8,
              frameon=False, borderaxespad=0.2)


def figure(rows: int = 1, height: float = 3.0, bottom: float = 0.55,
           top: float = 0.35) -> tuple[Figure, list]:
    """``rows`` axes of ``height`` inches, one above the other. Fixed margins (inches:
    ``top`` for the legend above the axes, ``bottom`` for the dates or months below)
    rather than a layout engine, which measures every text several times: it was most
    of the drawing's CPU."""
    fig = Figure(figsize=(WIDTH, height * rows))
    total = height * rows
    fig.subplots_adjust(left=0.8 / WIDTH, right=1 - 0.2 / WIDTH, top=1 - top / total,
                        bottom=bottom / total, hspace=0.5 / max(0.5, height - 0.5))
    return fig, list(fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0])


def dated(fig: Figure) -> None:
    """Dates below the last axes, slanted, in the bottom margin :func:`figure` left."""
    fig.autofmt_xdate(bottom=0.55 / fig.get_figheight())


def stems(ax, when: Sequence[datetime], values: Sequence[float], **style) -> None:
    """A vertical stroke from 0 per value, all in one path (one SVG element however
    many runs; a marker per run is an element each)."""
    x = mdates.date2num(list(when))
    gaps = np.full(len(x), np.nan)
    ax.plot(np.column_stack((x, x, gaps)).ravel(),
            np.column_stack((np.zeros(len(x)), values, gaps)).ravel(),
            solid_capstyle="butt", **style)


@styled
def runs_chart(points: Sequence[RunPoint]) -> str:
    """Duration and requests per run, a stroke each in its status colour (one path per
    status), and articles per run."""
    fig, (dur, req, art) = figure(3, 2.1)
    width = max(0.5, min(4.0, 500 / max(1, len(points))))  # points: strokes nearly touch
    # the commonest status first: the rarer ones (failures) drawn over it
    for status, _ in Counter(p.status for p in points).most_common():
        mine = [p for p in points if p.status == status]
        colour = STATUS_COLOURS.get(status, OTHER_STATUS)
        when = [p.started_at for p in mine]
        stems(dur, when, [(p.duration or 0) / 60 for p in mine], color=colour,
              linewidth=width, label=status)
        stems(req, when, [p.requests for p in mine], color=colour, linewidth=width)
    dur.set_ylabel("duration (min)")
    above(dur, ncols=7)
    for handle in dur.get_legend().legend_handles:  # a stroke per run is thin
        handle.set_linewidth(4)
    req.set_ylabel("requests")
    for ax in (dur, req):
        ax.set_ylim(bottom=0)
        ax.xaxis_date()
    when = [p.started_at for p in points]
    for label, values, colour in (("new", [p.new for p in points], "#1f77b4"),
                                  ("updated", [p.updated for p in points], "#17becf"),
                                  ("removed", [p.removed for p in points], "#7f7f7f"),
                                  ("held", [p.held for p in points], "#d62728")):
        art.plot(when, values, linewidth=1, label=label, color=colour,
                 marker="o" if len(points) < 100 else None, markersize=3)
    art.set_ylabel("articles")
    above(art, ncols=4)
    dated(fig)
    return svg(fig, "runs")


@styled
def freshness_chart(days: Sequence[FreshDay], interval: timedelta) -> str:
    """Median and 95th percentile of publication-to-stored minutes, per day."""
    fig, (ax,) = figure(1, 3.0)
    when = [d.day for d in days]
    ax.plot(when, [d.median_minutes for d in days], marker="o", markersize=3,
            label="median", color="#1f77b4")
    ax.plot(when, [d.p95_minutes for d in days], marker="o", markersize=3,
            label="95th percentile", color="#ff7f0e")
    ax.axhline(interval.total_seconds() / 60, color="#2ca02c", linestyle="--",
               label=f"schedule interval ({interval.total_seconds() / 60:.0f} min)")
    ax.set_ylabel("minutes, published -> stored")
    ax.set_ylim(bottom=0)
    above(ax, ncols=4)
    dated(fig)
    return svg(fig, "freshness")


@styled
def archive_chart(months: Sequence[MonthFigures]) -> str:
    """Per month: stored and removed (stacked), what the sitemap listed (a black step)
    and the listed articles missing (red, below the axis). Areas, not bars: one shape
    per series however many months the archive spans."""
    fig, (ax,) = figure(1, 3.2, bottom=0.7)
    x = list(range(len(months)))
    stored = [m.stored for m in months]
    on_top = [m.stored + m.removed for m in months]
    ax.fill_between(x, 0, stored, step="mid", color="#2ca02c", label="stored", lw=0)
    ax.fill_between(x, stored, on_top, step="mid", color="#7f7f7f", label="removed", lw=0)
    listed = [float("nan") if m.listed is None else m.listed for m in months]
    ax.step(x, listed, where="mid", color="black", linewidth=0.8,
            label="listed in the sitemap")
    ax.fill_between(x, [-len(m.missing) for m in months], 0, step="mid", color="#d62728",
                    label="listed, not stored", lw=0)
    ax.axhline(0, color="black", linewidth=0.6)
    _month_ticks(ax, [m.month for m in months])
    ax.set_ylabel("articles")
    above(ax, ncols=4)
    return svg(fig, "archive")


def _month_ticks(ax, months: Sequence[str]) -> None:
    step = -(-len(months) // 16)  # at most 16 labels: ticks are the costliest artists
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=60, ha="right", fontsize=7)
    ax.set_xlim(-0.6, len(months) - 0.4)


@styled
def stacked_chart(months: Sequence[str], series: dict[str, list[int]], name: str) -> str:
    """Articles per month, stacked, one colour per name (sections, types)."""
    fig, (ax,) = figure(1, 3.2, bottom=0.7, top=0.55)  # a legend of two rows
    x = list(range(len(months)))
    bottom = [0] * len(months)
    for label, values in series.items():
        top = [a + b for a, b in zip(bottom, values, strict=True)]
        ax.fill_between(x, bottom, top, step="mid", label=label, lw=0)
        bottom = top
    _month_ticks(ax, months)
    ax.set_ylabel("articles")
    above(ax, ncols=5)
    return svg(fig, name)


@styled
def quality_chart(content: ContentFigures) -> str:
    """Per day: revisions stored, of them partial parses, and revisions held back."""
    fig, (ax,) = figure(1, 2.8)
    days = content.quality_days
    ax.fill_between(days, 0, content.stored, step="mid", color="#d9d9d9",
                    label="revisions stored", lw=0)
    ax.plot(days, content.partial, marker="o", markersize=3, color="#ff7f0e",
            label="partial parses")
    ax.plot(days, content.held, marker="o", markersize=3, color="#d62728",
            label="revisions held back")
    ax.set_ylabel("articles")
    above(ax, ncols=3)
    dated(fig)
    return svg(fig, "quality")


@styled
def failures_chart(failures: Sequence[FailureFigure]) -> str:
    """The window's failure counters, most frequent at the top."""
    fig, (ax,) = figure(1, 0.6 + 0.28 * len(failures), bottom=0.45)
    # room for the longest name at 8 points (about 0.062 inch a character)
    fig.subplots_adjust(left=(0.3 + 0.062 * max((len(f.stat) for f in failures),
                                                 default=0)) / WIDTH)
    names = [f.stat for f in reversed(failures)]
    ax.barh(names, [f.total for f in reversed(failures)], color="#d62728")
    ax.set_xlabel("count over the window's runs")
    ax.tick_params(axis="y", labelsize=8)
    return svg(fig, "failures")
