"""Self-contained HTML pages (inline CSS and SVG, no scripts, no network) for reports and stats."""

from __future__ import annotations

import datetime as dt
from html import escape

from drills.render import plural

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
code{background:#f1f3f8;padding:0 .3rem;border-radius:4px}
"""


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
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="chart">{grid}'
            f'<polyline points="{line}" fill="none" stroke="#3056d3" stroke-width="2"/>{dots}</svg>')


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
    return f'<svg width="{width}" height="{height}" role="img" aria-label="chart">{bars}</svg>'


def heatmap(days: list[dict], cell: int = 14) -> str:
    """Reviews per day: weeks as columns, Monday on top, GitHub-style."""
    if not days:
        return ""
    top = max(d["reviews"] for d in days) or 1
    shades = ["#ebedf0", "#c6dbf7", "#8fb6ef", "#4a86e0", "#1f4fa8"]
    first = dt.date.fromisoformat(days[0]["date"])
    cells = []
    for d in days:
        day = dt.date.fromisoformat(d["date"])
        col, row = (day - first).days // 7, day.weekday()
        level = 0 if d["reviews"] == 0 else 1 + min(3, int(4 * d["reviews"] / (top + 1)))
        cells.append(f'<rect x="{30 + col * (cell + 3)}" y="{row * (cell + 3)}" width="{cell}" height="{cell}" '
                     f'rx="2" fill="{shades[level]}"><title>{d["date"]}: {plural(d["reviews"], "review")}'
                     '</title></rect>')
    labels = "".join(f'<text x="0" y="{r * (cell + 3) + cell - 3}" font-size="10" fill="#667">{name}</text>'
                     for r, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")))
    weeks = (len(days) + first.weekday() + 6) // 7
    return (f'<svg width="{40 + weeks * (cell + 3)}" height="{7 * (cell + 3)}" role="img" '
            f'aria-label="reviews per day">{labels}{"".join(cells)}</svg>')


def mock_page(r: dict) -> str:
    rows = "".join(
        f'<tr><td>{i}</td><td>{escape(d["title"])}<br><span class="muted">{escape(d["id"])}</span></td>'
        f'<td class="{escape(d["outcome"])}">{escape(d["outcome"])}</td>'
        f'<td class="{"slow" if d["seconds"] > d["target"] and d["outcome"] != "unanswered" else ""}">'
        f'{_clock(d["seconds"])}</td><td>{_clock(d["target"])}</td></tr>'
        for i, d in enumerate(r["drills"], 1))
    topics = "".join(f"<tr><td>{escape(t)}</td><td>{v['correct']}/{v['total']}</td></tr>"
                     for t, v in r["per_topic"].items())
    missed = "".join(
        f'<div class="card"><strong>{escape(d["title"])}</strong> <span class="muted">{escape(d["id"])}</span>'
        f'<p>{escape(d["message"])}</p><div>Reference</div><pre>{escape(d["solution"] or "")}</pre>'
        f'<div>Explanation</div><p>{escape(d["explanation"] or "")}</p></div>'
        for d in r["drills"] if d["outcome"] != "correct")
    weak = "".join(
        f'<div class="card"><strong>{escape(w["tag"])}</strong>: {w["correct"]}/{w["total"]} right. '
        f'Practise: <code>{escape(w["practise"])}</code><ul>'
        + "".join(f'<li><a href="{escape(link)}">{escape(link)}</a></li>' for link in w["read"])
        + "</ul></div>" for w in r["weakest_tags"])
    trend = line_chart([(f"#{t['id']}", t["score"]) for t in r["trend"]])
    body = (f"<h1>Mock round {r['round']}</h1><p class=\"muted\">{escape(r['started_at'][:16].replace('T', ' '))} "
            f"UTC · {r['minutes']:g} minutes · time used {_clock(r['used_s'])}</p>"
            f"<div class=\"big\">{r['correct']}/{r['total']} <span class=\"muted\">({r['score']:g}%)</span></div>"
            f"<h2>Scores over time</h2>{trend}"
            f"<h2>By topic</h2><table><tr><th>topic</th><th>correct</th></tr>{topics}</table>"
            f"<h2>Drills</h2><table><tr><th>#</th><th>drill</th><th>result</th><th>time</th><th>target</th></tr>"
            f"{rows}</table><h2>What to work on</h2>{weak or '<p>Nothing missed. Well done.</p>'}"
            f"<h2>Missed drills</h2>{missed or '<p>None.</p>'}")
    return page(f"drill mock round {r['round']}", body)


def stats_page(s: dict) -> str:
    if s.get("empty"):
        return page("drill stats", "<h1>drill stats</h1><p>No reviews yet: run <code>drill today</code>.</p>")
    ret = s["retention_30d"]
    true = f"{ret['true']:.0%}" if ret["true"] is not None else "-"

    def table(rows: list[dict], title: str) -> str:
        body = "".join(
            f"<tr><td>{escape(r['name'])}</td><td>{r['reviews']}</td><td>{r['accuracy']:.0%}</td>"
            f"<td>{_clock(r['median_seconds'])} / {_clock(r['median_target'])}</td>"
            f"<td>{r['mature']} of {r['drills_in_bank']}</td></tr>" for r in rows)
        return (f"<h2>By {title}</h2><table><tr><th>{title}</th><th>reviews</th><th>accuracy</th>"
                f"<th>median time / target</th><th>mature drills</th></tr>{body}</table>")

    leeches = "".join(f"<li>{escape(x['id'])}: failed {x['failures']} times</li>" for x in s["leeches"])
    body = (f"<h1>drill stats</h1><p class=\"muted\">{plural(s['reviews'], 'review')} · streak "
            f"{plural(s['streak'], 'day')} · {s['drills']['seen']} of {s['drills']['in_bank']} drills seen, "
            f"{s['drills']['mature']} mature</p>"
            f"<h2>Reviews per day, last 26 weeks</h2>{heatmap(s['heatmap'])}"
            f"<h2>Retention, last 30 days</h2><div class=\"big\">{true}</div><p class=\"muted\">of {ret['reviews']} "
            f"reviews of known drills; desired retention {ret['desired']:.0%}</p>"
            f"<h2>Due in the next 14 days</h2>"
            f"{bar_chart([(d['date'][5:], d['due']) for d in s['forecast']])}"
            f"{table(s['topics'], 'topic')}{table(s['tags'][:25], 'tag')}"
            f"<h2>Leeches</h2>{'<ul>' + leeches + '</ul>' if leeches else '<p>None.</p>'}")
    return page("drill stats", body)
