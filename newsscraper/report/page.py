"""The status report as one self-contained HTML page: inline CSS and SVG, no script, no
link to anything outside it. Each chart's ``<figure>`` carries the numbers it draws as
JSON in ``data-values``, for the tests (and anyone who wants the figures)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from newsscraper.report import charts
from newsscraper.report.data import (
    ContentFigures,
    FailureFigure,
    FreshDay,
    MonthFigures,
    RunPoint,
)
from newsscraper.report.health import Health

MISSING_SHOWN = 60  # ids listed per month; the count says how many more

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:16px 24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;
border-bottom:1px solid #ddd;padding-bottom:4px}
.meta,.note{color:#666;font-size:13px}
.health{border-radius:6px;padding:10px 16px;margin-top:12px}
.health.ok{background:#eaf6ea;border:1px solid #9c9}
.health.problems{background:#fdecea;border:1px solid #e99}
.health dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:6px 0}
.health dt{color:#555}.health dd{margin:0}
figure{margin:8px 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #eee;padding:3px 10px 3px 0;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ids{font-family:ui-monospace,monospace;font-size:12px;max-width:700px}
"""


def values(obj: Any) -> str:
    """Figures as JSON for a ``data-values`` attribute (dates as ISO strings)."""
    def plain(o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.asdict(o)
        if isinstance(o, (datetime, date)):
            return o.isoformat()
        raise TypeError(type(o).__name__)
    return escape(json.dumps(obj, default=plain, separators=(",", ":")), quote=True)


def chart(name: str, caption: str, data: Any, draw: Callable[[], str]) -> str:
    return (f'<figure class="chart" id="chart-{name}" data-values="{values(data)}">'
            f"{draw()}<figcaption class=note>{escape(caption)}</figcaption></figure>")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def ago(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago" if minutes < 2880 else f"{minutes // 1440} days ago"


def health_section(h: Health) -> str:
    rows = [("last run", f"{when(h.last_run_started)}, {h.last_run_status or '-'}, "
                         f"{ago(h.last_run_age)}"),
            ("newest article stored", f"{h.newest_article or '-'}, published "
                                      f"{when(h.newest_published)}, stored "
                                      f"{when(h.newest_stored)}"),
            ("revisions held back", str(h.held_revisions)),
            ("spill files pending", str(len(h.spill_files)))]
    verdict = ("<p><strong>All well.</strong></p>" if h.ok else
               "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in h.problems) + "</ul>")
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return (f'<section id="health" class="health {"ok" if h.ok else "problems"}">'
            f"<h2>Health</h2>{verdict}<dl>{items}</dl></section>")


def runs_section(points: Sequence[RunPoint], days: int) -> str:
    head = f'<section id="runs"><h2>Runs over the last {days} days</h2>'
    if not points:
        return head + "<p class=note>No run started in the window.</p></section>"
    failed = [p for p in points if p.failed_monitors]
    table = ""
    if failed:
        table = "<table><tr><th>run started</th><th>status</th><th>failed monitors</th></tr>" \
            + "".join(f"<tr><td>{when(p.started_at)}</td><td>{escape(p.status)}</td>"
                      f"<td>{escape(', '.join(p.failed_monitors))}</td></tr>"
                      for p in failed[-20:]) + "</table>"
    caption = (f"{len(points)} runs; a stroke per run in its exit status's colour. "
               "Removed: articles given gone_at at the end of that run (from the "
               "articles, as run records do not count them).")
    return head + chart("runs", caption, points, lambda: charts.runs_chart(points)) + \
        table + "</section>"


def freshness_section(days: Sequence[FreshDay], interval: timedelta) -> str:
    head = '<section id="freshness"><h2>Freshness</h2>'
    if not days:
        return head + ("<p class=note>No article published in the window since the first "
                       "recorded run.</p></section>")
    caption = ("Minutes from an article's published_at to its first storing, per day of "
               "publication (UTC), for articles published since the first recorded run.")
    return head + chart("freshness", caption, days,
                        lambda: charts.freshness_chart(days, interval)) + "</section>"


def archive_section(months: Sequence[MonthFigures]) -> str:
    head = '<section id="archive"><h2>Archive completeness by month</h2>'
    if not months:
        return head + "<p class=note>Nothing stored yet.</p></section>"
    unlisted = [m.month for m in months if m.listed is None]
    caption = ("Listed: the article ids of the month's sitemap when a crawl last read it "
               "(crawl_state listing:<path>, kept for finding removed articles).")
    if unlisted:
        caption += (f" {len(unlisted)} month(s) have no listing kept (never read since "
                    "listings are kept, or removals are off): stored counts only.")
    short = [m for m in months if m.missing]
    rows = "".join(
        f"<tr><td>{m.month}</td><td class=n>{m.listed}</td><td class=n>{m.stored}</td>"
        f"<td class=n>{m.removed}</td><td class=n>{len(m.missing)}</td>"
        f"<td>{escape(m.read_whole_at[:16] or '-')}</td><td class=ids>"
        f"{', '.join(map(str, m.missing[:MISSING_SHOWN]))}"
        f"{f' and {len(m.missing) - MISSING_SHOWN} more' if len(m.missing) > MISSING_SHOWN else ''}"
        "</td></tr>" for m in short)
    whole = sum(bool(m.read_whole_at) for m in months)
    table = (f"<p>{len(short)} month(s) lack articles their sitemap lists; {whole} of "
             f"{len(months)} months read whole at least once.</p>")
    if short:
        table += ("<table id=missing><tr><th>month</th><th>listed</th><th>stored</th>"
                  "<th>removed</th><th>missing</th><th>last read whole</th>"
                  f"<th>missing ids</th></tr>{rows}</table>")
    return head + chart("archive", caption, months, lambda: charts.archive_chart(months)) + \
        table + "</section>"


def content_section(c: ContentFigures) -> str:
    head = '<section id="content"><h2>Content</h2>'
    if not c.months:
        return head + "<p class=note>Nothing stored yet.</p></section>"
    per = {"months": c.months}
    quality = {"days": c.quality_days, "stored": c.stored, "partial": c.partial,
               "held": c.held}
    return head + "".join((
        chart("sections", "Articles per section per month (month of the URL's date).",
              {**per, "series": c.sections},
              lambda: charts.stacked_chart(c.months, c.sections, "sections")),
        chart("types", "Articles per type per month.", {**per, "series": c.types},
              lambda: charts.stacked_chart(c.months, c.types, "types")),
        chart("quality", "Per day of the window: current revisions stored (changed_at), "
              "how many are partial parses, and revisions held back (held_at). A redesign "
              "shows as a step.", quality, lambda: charts.quality_chart(c)),
    )) + "</section>"


def failures_section(failures: Sequence[FailureFigure], days: int) -> str:
    head = '<section id="failures"><h2>Failures</h2>'
    if not failures:
        return head + (f"<p class=note>No failure counted by the runs of the last {days} "
                       "days (runs recorded before failure counters were kept count "
                       "only drops and spills).</p></section>")
    rows = "".join(f"<tr><td>{escape(f.stat)}</td><td class=n>{f.total}</td>"
                   f"<td class=n>{f.runs}</td></tr>" for f in failures)
    caption = f"The top failure counters, summed over the runs of the last {days} days."
    return head + chart("failures", caption, failures,
                        lambda: charts.failures_chart(failures)) + \
        ("<table><tr><th>counter</th><th>total</th><th>runs</th></tr>"
         f"{rows}</table></section>")


def page(title: str, meta: str, sections: Sequence[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class=meta>{escape(meta)}</p>"
            + "".join(sections) + "</body></html>\n")
