"""Self-contained HTML pages (inline CSS and SVG, no scripts, no network) for reports and stats."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from drills import kinds
from drills.render import plural

if TYPE_CHECKING:
    from drills.forecast import Calibration
    from drills.report import RoundReport
    from drills.stats import GroupRow, HeatmapDay, MonthLabel, Readiness, StatsFigures

STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;
color:#1d2330;background:#fbfbfd}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde;
padding-bottom:.2rem}
.big{font-size:2.4rem;font-weight:700}.muted{color:#667}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.25rem .6rem;
border-bottom:1px solid #eef}th{font-weight:600;background:#f1f3f8}
.correct{color:#1a7f37}.wrong,.error,.timeout,.unanswered{color:#b42318}.slow{color:#b54708}
pre{background:#f1f3f8;padding:.6rem;border-radius:6px;overflow:auto;white-space:pre-wrap}
.card{background:#fff;border:1px solid #e3e6ef;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0}
code{background:#f1f3f8;padding:0 .3rem;border-radius:4px}pre code{padding:0;background:none}
svg{max-width:100%;height:auto}.scroll{overflow-x:auto}a{overflow-wrap:anywhere}.label{font-weight:600;margin-top:.6rem}
@media (max-width:600px){body{margin:1rem auto;padding:0 .6rem;font-size:14px}th,td{padding:.2rem .35rem}
.big{font-size:1.9rem}h1{font-size:1.35rem}}
"""


def markdown(text: str) -> str:
    """Drill prose as HTML: CommonMark with raw HTML escaped, unsafe links refused."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(text or "")


def code(text: str, kind: str) -> str:
    """Code highlighted as in the terminal (inline styles: the page stays self-contained)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    lexer = kinds.with_lexer(kind)
    if lexer is None:
        return f"<pre>{escape(text or '')}</pre>"
    return highlight(text or "", get_lexer_by_name(lexer), HtmlFormatter(noclasses=True, nobackground=True))


def _table(head: str, rows: str) -> str:
    return f'<div class="scroll"><table>{head}{rows}</table></div>'



def page(title: str, body: str) -> str:
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}"


def line_chart(points: list[tuple[str, float]], width: int = 640, height: int = 200, unit: str = "%",
               top: float = 100) -> str:
    """Scores over time: an SVG polyline with labelled points."""
    if not points:
        return ""
    left, bottom, pad = 40, 30, 12
    w, h = width - left - pad, height - bottom - pad
    step = w / max(1, len(points) - 1)
    xy = [(left + i * step if len(points) > 1 else left + w / 2, pad + h - h * min(v, top) / top)
          for i, (_, v) in enumerate(points)]
    grid = "".join(f'<line x1="{left}" x2="{left + w}" y1="{pad + h - h * g / 4}" y2="{pad + h - h * g / 4}" '
                   f'stroke="#e3e6ef"/><text x="{left - 6}" y="{pad + h - h * g / 4 + 4}" font-size="11" '
                   f'text-anchor="end" fill="#667">{top * g / 4:g}{unit}</text>' for g in range(5))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#3056d3"><title>{escape(label)}: {v:g}{unit}'
                   f'</title></circle><text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" '
                   f'fill="#667">{escape(label)}</text>' for (x, y), (label, v) in zip(xy, points, strict=True))
    return _svg(width, height, "chart", f'{grid}<polyline points="{line}" fill="none" stroke="#3056d3" '
                f'stroke-width="2"/>{dots}')


def bar_chart(points: list[tuple[str, float]], width: int = 640, height: int = 180) -> str:
    if not points:
        return ""
    left, bottom, pad = 10, 30, 16
    w, h = width - left - pad, height - bottom - pad
    top = max(v for _, v in points) or 1
    bw = w / len(points)
    bars = "".join(
        f'<rect x="{left + i * bw + 2:.1f}" y="{pad + h - h * v / top:.1f}" width="{bw - 4:.1f}" '
        f'height="{h * v / top:.1f}" fill="#3056d3" rx="2"><title>{escape(label)}: {v:g}</title></rect>'
        f'<text x="{left + i * bw + bw / 2:.1f}" y="{pad + h - h * v / top - 3:.1f}" font-size="11" '
        f'text-anchor="middle" fill="#1d2330">{v:g}</text>'
        f'<text x="{left + i * bw + bw / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle" '
        f'fill="#667">{escape(label)}</text>'
        for i, (label, v) in enumerate(points))
    return _svg(width, height, "chart", bars)


SHADES = ["#ebedf0", "#c6dbf7", "#8fb6ef", "#4a86e0", "#1f4fa8"]


def heatmap(days: list[HeatmapDay], months: list[MonthLabel] | None = None, cell: int = 14) -> str:
    """Reviews per day: weeks as columns, Monday on top, month names above, a legend below."""
    if not days:
        return ""
    first = days[0].date
    top = 16  # room for the month names
    cells = []
    for d in days:
        col, row = (d.date - first).days // 7, d.date.weekday()
        cells.append(f'<rect x="{30 + col * (cell + 3)}" y="{top + row * (cell + 3)}" width="{cell}" '
                     f'height="{cell}" rx="2" fill="{SHADES[d.level]}"><title>{d.date}: '
                     f'{plural(d.reviews, "review")}</title></rect>')
    labels = "".join(f'<text x="0" y="{top + r * (cell + 3) + cell - 3}" font-size="10" fill="#667">{name}</text>'
                     for r, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")))
    kept: list[MonthLabel] = []
    for m in months or []:
        if kept and m.week - kept[-1].week < 2:  # too close: the first, partial month gives way
            if kept[-1].week != 0:
                continue
            kept.pop()
        kept.append(m)
    labels += "".join(f'<text x="{30 + m.week * (cell + 3)}" y="11" font-size="10" fill="#667">'
                      f'{escape(m.label)}</text>' for m in kept)
    weeks = (len(days) + first.weekday() + 6) // 7
    width, bottom = 40 + weeks * (cell + 3), top + 7 * (cell + 3)
    legend = f'<text x="30" y="{bottom + 14}" font-size="10" fill="#667">less</text>' + "".join(
        f'<rect x="{58 + i * (cell + 3)}" y="{bottom + 3}" width="{cell}" height="{cell}" rx="2" fill="{shade}"/>'
        for i, shade in enumerate(SHADES)) + \
        f'<text x="{62 + len(SHADES) * (cell + 3)}" y="{bottom + 14}" font-size="10" fill="#667">more</text>'
    return _svg(width, bottom + 22, "reviews per day", f'{labels}{"".join(cells)}{legend}')


def _svg(width: float, height: float, label: str, body: str) -> str:
    """A chart that keeps its proportions and shrinks to a narrow (phone) window."""
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{label}">{body}</svg>')


DRILLS_HEAD = "<tr><th>#</th><th>drill</th><th>result</th><th>time</th><th>target</th></tr>"


def mock_page(r: RoundReport) -> str:
    head = (f"<h1>Mock round {r.round}</h1><p class=\"muted\">{escape(r.started_at[:16].replace('T', ' '))} "
            f"UTC · {r.minutes:g} minutes · time used {_clock(r.used_s)}</p>")
    if not r.answered:
        return page(f"drill mock round {r.round}", head + "<p>The round ended before any drill was answered: "
                    "nothing to judge, and it does not count in the trend.</p>")
    rows = "".join(
        f'<tr><td>{i}</td><td>{escape(d.title)}<br><span class="muted">{escape(d.id)}</span></td>'
        f'<td class="{escape(d.outcome)}">{escape(d.outcome)}</td>'
        f'<td class="{"slow" if d.slow else ""}">{_clock(d.seconds)}</td><td>{_clock(d.target)}</td></tr>'
        for i, d in enumerate(r.drills, 1))
    topics = "".join(f"<tr><td>{escape(t)}</td><td>{v.correct}/{v.total}</td></tr>" for t, v in r.per_topic.items())
    missed = "".join(
        f'<div class="card"><strong>{escape(d.title)}</strong> <span class="muted">{escape(d.id)}</span>'
        f'<p>{escape(d.message)}</p>'
        + (f'<div class="label">Your answer</div>{code(d.answer, d.kind)}' if d.answer else "")
        + '<div class="label">Reference</div>'
        + (markdown(d.solution or "") if kinds.prose_solution(d.kind) else code(d.solution or "", d.kind))
        + f'<div class="label">Explanation</div>{markdown(d.explanation or "")}</div>'
        for d in r.missed)
    if r.not_attempted:
        missed += ("<p>Not attempted: " + ", ".join(escape(d.title) for d in r.not_attempted) + ".</p>")
    weak = "".join(
        f'<div class="card"><strong>{escape(w.tag)}</strong>: {w.correct}/{w.total} right. '
        f'Practise: <code>{escape(w.practise)}</code><ul>'
        + "".join(f'<li><a href="{escape(link)}">{escape(link)}</a></li>' for link in w.read)
        + "</ul></div>" for w in r.weakest_tags)
    trend = line_chart([(f"#{t.id}", t.score) for t in r.trend])
    body = (f"{head}<div class=\"big\">{r.correct}/{r.total} <span class=\"muted\">({r.score:g}%)</span>"
            f"</div><h2>Scores over time</h2>{trend}"
            f"<h2>By topic</h2>{_table('<tr><th>topic</th><th>correct</th></tr>', topics)}"
            f"<h2>Drills</h2>{_table(DRILLS_HEAD, rows)}"
            f"<h2>What to work on</h2>{weak or '<p>Nothing missed. Well done.</p>'}"
            f"<h2>Missed drills</h2>{missed or '<p>None.</p>'}")
    return page(f"drill mock round {r.round}", body)


def stats_page(s: StatsFigures | None) -> str:
    if s is None:
        return page("drill stats", "<h1>drill stats</h1><p>No reviews yet: run <code>drill today</code>.</p>")
    ret = s.retention_30d
    if ret.true is not None:
        retention = (f"<div class=\"big\">{ret.true:.0%}</div><p class=\"muted\">of "
                     f"{plural(ret.reviews, 'review')} of known drills; desired retention {ret.desired:.0%}</p>")
    else:
        retention = (f"<p class=\"muted\">Shown after {ret.needed} reviews of known drills "
                     f"({ret.reviews} so far): fewer say little.</p>")

    def table(rows: list[GroupRow], title: str) -> str:
        body = "".join(
            f"<tr><td>{escape(r.name)}</td><td>{r.reviews}</td><td>{r.accuracy:.0%}</td>"
            f"<td>{_clock(r.median_seconds)} / {_clock(r.median_target)}</td>"
            f"<td>{r.mature} of {r.drills_in_bank}</td></tr>" for r in rows)
        return f"<h2>By {title}</h2>" + _table(
            f"<tr><th>{title}</th><th>reviews</th><th>accuracy</th><th>median time / target</th>"
            "<th>mature drills</th></tr>", body)

    leeches = "".join(f"<li>{escape(x.id)}: failed {x.failures} times</li>" for x in s.leeches)
    body = (f"<h1>drill stats</h1><p class=\"muted\">{plural(s.reviews, 'review')} · streak "
            f"{plural(s.streak, 'day')} · {s.drills.seen} of {s.drills.in_bank} drills seen, "
            f"{s.drills.mature} mature</p>"
            f"<h2>Reviews per day, last 26 weeks</h2>{heatmap(s.heatmap, s.heatmap_months)}"
            f"<h2>Retention, last 30 days</h2>{retention}"
            f"<h2>Due in the next 14 days</h2>"
            f"{bar_chart([(f'{d.date:%m-%d}', d.due) for d in s.forecast])}"
            f"{table(s.topics, 'topic')}{table(s.tags[:25], 'tag')}"
            f"<h2>Leeches</h2>{'<ul>' + leeches + '</ul>' if leeches else '<p>None.</p>'}"
            f"{_readiness(s.readiness)}{_calibration(s.calibration)}")
    return page("drill stats", body)


def recall_chart(rows: list[tuple[str, float, float]], desired: float, width: int = 640) -> str:
    """Recall on the interview day per topic: a bar keeping to the schedule, a thin one for
    stopping now, and a line at the desired retention."""
    if not rows:
        return ""
    left, pad, row = 130, 40, 26
    w = width - left - pad
    height = row * len(rows) + 20
    bars = "".join(
        f'<text x="{left - 8}" y="{i * row + 17}" font-size="12" text-anchor="end" fill="#1d2330">'
        f'{escape(name)}</text>'
        f'<rect x="{left}" y="{i * row + 4}" width="{w * planned:.1f}" height="16" fill="#3056d3" rx="2">'
        f'<title>{escape(name)}: {planned:.0%} on the day</title></rect>'
        f'<rect x="{left}" y="{i * row + 16}" width="{w * stopped:.1f}" height="4" fill="#b54708">'
        f'<title>{escape(name)}: {stopped:.0%} if you stop now</title></rect>'
        f'<text x="{left + w * planned + 4:.1f}" y="{i * row + 17}" font-size="11" fill="#1d2330">'
        f'{planned:.0%}</text>'
        for i, (name, planned, stopped) in enumerate(rows))
    goal = (f'<line x1="{left + w * desired:.1f}" x2="{left + w * desired:.1f}" y1="0" y2="{height - 16}" '
            f'stroke="#1a7f37" stroke-dasharray="4 3"/><text x="{left + w * desired:.1f}" y="{height - 4}" '
            f'font-size="10" text-anchor="middle" fill="#1a7f37">desired {desired:.0%}</text>')
    return _svg(width, height, "recall on the interview day per topic", bars + goal)


def _readiness(r: Readiness | None) -> str:
    if r is None:
        return ("<h2>Recall on the interview day</h2><p class=\"muted\">Set an interview date with "
                "<code>drill config interview-date YYYY-MM-DD</code> to see it per topic.</p>")
    chart = recall_chart([(t.name, t.recall, t.recall_if_stopped) for t in r.topics], r.desired)
    return (f"<h2>Recall on the interview day</h2><p>{r.interview}, "
            f"{plural(r.days_left, 'day')} to go: <strong>{r.recall:.0%}</strong> keeping to the schedule "
            f"({r.minutes_per_day:.0f} min/day), {r.recall_if_stopped:.0%} if you stop now. Thin bars: "
            f"stopping now. Unseen drills count as not known.</p>{chart}")


def _calibration(c: Calibration | None) -> str:
    if c is None:
        return ""
    rows = "".join(f"<tr><td>{b.low:.0%}-{b.high:.0%}</td><td>{b.drills}</td><td>{b.predicted:.0%}</td>"
                   f"<td>{b.actual:.0%}</td></tr>" for b in c.bins)
    return (f"<h2>Forecast against mock rounds</h2><p>{plural(c.drills, 'drill')}: predicted recall "
            f"{c.predicted:.0%}, answered correctly {c.actual:.0%}; Brier score {c.brier:.3f} "
            "(0 is perfect).</p>"
            + _table("<tr><th>forecast</th><th>drills</th><th>predicted</th><th>correct</th></tr>", rows))
