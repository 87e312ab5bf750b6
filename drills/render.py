"""All terminal output. Core modules return data; this module turns it into text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from drills.model import Question, Verdict

MARKS = {"correct": ("✓", "green"), "wrong": ("✗", "red"), "error": ("!", "yellow"), "timeout": ("⏱", "yellow"),
         "self_rated": ("·", "cyan")}


def console(stderr: bool = False):
    from rich.console import Console

    # soft_wrap: code and SQL are printed as written, never folded at the terminal's width
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def verdict(q: Question, v: Verdict, show_explanation: bool = True) -> None:
    out = console()
    mark, colour = MARKS.get(v.outcome, ("?", "white"))
    out.print(f"[bold {colour}]{mark} {v.outcome}[/]  {q.id}  [dim]({v.elapsed_ms:.0f} ms)[/]")
    _verdict_body(out, v)
    if show_explanation and q.explanation:
        out.print()
        out.print("[bold]Explanation[/]")
        out.print(q.explanation.rstrip(), markup=False)


def _verdict_body(out: Any, v: Verdict) -> None:
    """The message and what went wrong: rows side by side, input/expected/actual, traceback, output."""
    out.print(v.message, markup=False)
    d = v.details
    if "model_answer" in d:
        out.print("[bold]Model answer[/]")
        out.print(str(d["model_answer"]).rstrip(), markup=False)
    if v.outcome == "wrong" and "expected_rows" in d:
        _rows_side_by_side(out, d)
    elif v.outcome == "wrong" and "expected" in d and "actual" in d:
        for key in ("input", "expected", "actual"):
            if key in d:
                out.print(f"  {key + ':':10} {d[key]}", markup=False)
    if d.get("traceback"):
        out.print(d["traceback"], markup=False, style="dim")
    if v.output:
        out.print("[bold]your output:[/]")
        out.print(v.output, markup=False)


def _rows_side_by_side(out: Any, d: dict) -> None:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("expected (" + ", ".join(d["expected_columns"]) + ")")
    table.add_column("yours (" + ", ".join(d["actual_columns"]) + ")")
    exp, act = d["expected_rows"], d["actual_rows"]
    for i in range(max(len(exp), len(act))):
        table.add_row(exp[i] if i < len(exp) else "", act[i] if i < len(act) else "")
    out.print(table)


def verdict_json(q: Question, v: Verdict) -> str:
    return json.dumps({"id": q.id, **v.to_dict()}, default=str, ensure_ascii=False)


def question_list(questions: Iterable[Question]) -> None:
    from rich.table import Table

    qs = list(questions)
    out = console()
    if not qs:
        out.print("No drills match.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "kind", "difficulty", "title", "tags"):
        table.add_column(col, overflow="fold")
    for q in qs:
        table.add_row(q.id, q.kind, q.difficulty, q.title, ", ".join(q.tags))
    out.print(table)
    out.print(f"[dim]{len(qs)} drill{'s' if len(qs) != 1 else ''}[/]")


def question(q: Question, tables: list | None, hints: bool, solution: bool) -> None:
    from rich.markdown import Markdown

    out = console()
    out.print(f"[bold]{q.title}[/]  [dim]{q.id} · {q.kind} · {q.difficulty} · target {q.time_target}s[/]")
    if q.tags:
        out.print("[dim]tags: " + ", ".join(q.tags) + "[/]")
    out.print()
    out.print(Markdown(q.prompt), soft_wrap=False)
    _tables(out, tables)
    if q.kind == "python" and q.starter:
        out.print()
        out.print("[bold]Starter[/]")
        out.print(q.starter.rstrip(), markup=False)
    if hints:
        for i, hint in enumerate(q.hints, 1):
            out.print(f"[bold]Hint {i}:[/] ", end="")
            out.print(hint, markup=False)
    elif q.hints:
        out.print(f"\n[dim]{len(q.hints)} hint{'s' if len(q.hints) != 1 else ''}: drill show {q.id} --hints[/]")
    if solution:
        out.print("\n[bold]Reference[/]")
        out.print(q.solution.rstrip(), markup=False)
        out.print("\n[bold]Explanation[/]")
        out.print(q.explanation.rstrip(), markup=False)
        for link in q.see_also:
            out.print(f"  {link}", markup=False)


def report(rep: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "checked": rep.checked, "ok": rep.ok, "seconds": round(rep.seconds, 3),
            "problems": [{"path": p.path, "line": p.line, "id": p.id, "message": p.message, "detail": p.detail}
                         for p in rep.problems],
            "warnings": [{"path": p.path, "line": p.line, "id": p.id, "message": p.message} for p in rep.warnings],
            **({"mutation": {k: s.to_dict() for k, s in rep.mutation.items()}} if rep.mutation is not None else {}),
        }))
        return
    for p in rep.problems:
        print(str(p))
    for p in rep.warnings:
        print(str(p))
    for line in rep.score_lines():
        print(line)
    n = len(rep.problems)
    status = "ok" if rep.ok else f"{n} problem{'s' if n != 1 else ''}"
    print(f"{rep.checked} drill{'s' if rep.checked != 1 else ''} checked in {rep.seconds:.1f}s: {status}")


def _tables(out: Any, tables: list | None) -> None:
    from rich.table import Table

    for name, cols, rows, count in tables or ():
        table = Table(title=f"{name} ({count} row{'s' if count != 1 else ''})", title_justify="left",
                      header_style="bold")
        for col, typ in cols:
            table.add_column(f"{col}\n[dim]{typ.lower()}[/]")
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        out.print(table)


def session_question(out: Any, q: Question, tables: list | None, progress: Any, leech: bool) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule

    if progress.mode == "today":
        head = f"done {progress.done} · due {progress.due_left} · new {progress.new_left}"
        if progress.learning:
            head += f" · learning {progress.learning}"
    else:
        head = f"{progress.mode} · done {progress.done} · left {progress.due_left + progress.new_left}"
    out.print(Rule(head, style="dim"))
    out.print(f"[bold]{q.title}[/]  [dim]{q.id} · {q.kind} · {q.difficulty} · target {q.time_target}s[/]")
    if leech:
        out.print("[bold yellow]This drill keeps slipping (a leech). Read the explanation first:[/]")
        out.print(q.explanation.rstrip(), markup=False)
        out.print()
    out.print(Markdown(q.prompt), soft_wrap=False)
    _tables(out, tables)


def hint(out: Any, number: int, text: str | None) -> None:
    if text is None:
        out.print("No more hints; :reveal shows the answer.")
    else:
        out.print(f"[bold]Hint {number}:[/] ", end="")
        out.print(text, markup=False)


def session_result(out: Any, q: Question, result: Any) -> None:
    from drills import scheduler as sched

    v = result.verdict
    if result.self_rated:
        out.print("[bold]Model answer[/]")
        out.print(q.solution.rstrip(), markup=False)
    else:
        mark, colour = MARKS.get(v.outcome, ("?", "white"))
        label = "revealed" if result.revealed else v.outcome
        out.print(f"[bold {colour}]{mark} {label}[/]")
        _verdict_body(out, v)
        if not v.correct:
            out.print("[bold]Reference[/]")
            out.print(q.solution.rstrip(), markup=False)
    out.print("[bold]Explanation[/]")
    out.print(q.explanation.rstrip(), markup=False)
    for link in q.see_also:
        out.print(f"  {link}", markup=False, style="dim")
    timing = f"{result.elapsed_s:.0f}s against a target of {q.time_target}s"
    hints = f" · {result.hints} hint{'s' if result.hints != 1 else ''}" if result.hints else ""
    if result.mode == "cram":
        nxt = "practice only: the schedule is unchanged"
    elif result.next_due is not None:
        nxt = f"next: {sched.describe_wait(result.next_due - result.now)}"
    else:
        nxt = ""
    if result.self_rated:
        out.print(f"[dim]{result.elapsed_s:.0f}s against a target of {q.time_target}s[/]")
        return
    rating = f" · rated {sched.RATING_NAMES[result.rating]}"
    out.print(f"[dim]{timing}{hints}{rating}{' · ' + nxt if nxt else ''}[/]")


def summary(out: Any, s: Any) -> None:
    from rich.rule import Rule

    if s.nothing_to_do:
        out.print(f"Nothing due now. Due tomorrow: {s.due_tomorrow}. "
                  "`drill cram` practises beyond the schedule.")
        return
    out.print(Rule("summary", style="dim"))
    acc = f"{s.accuracy:.0%}" if s.accuracy is not None else "-"
    minutes, seconds = divmod(int(s.seconds), 60)
    out.print(f"{s.done} drill{'s' if s.done != 1 else ''} · {s.correct} correct ({acc}) · {minutes}m{seconds:02d}s")
    out.print(f"streak: {s.streak} day{'s' if s.streak != 1 else ''} · due tomorrow: {s.due_tomorrow}")
    if s.stopped_early:
        out.print("[dim]Stopped early; every answer so far is saved. `drill today` picks up where you left off.[/]")


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def mock_overview(out: Any, questions: list, minutes: float, left_s: float, resumed: bool) -> None:
    from rich.rule import Rule

    what = "Resuming the mock round" if resumed else "Mock round"
    out.print(Rule(f"{what}: {len(questions)} drills · {clock(left_s)} left of {minutes:g} minutes", style="bold"))
    for i, q in enumerate(questions, 1):
        out.print(f"  {i}. {q.title}  [dim]{q.topic} · {q.difficulty} · target {q.time_target}s[/]")
    out.print("[dim]No verdicts until the end, as in an interview.[/]")


def mock_question(out: Any, q: Question, tables: list | None, index: int, total: int, left_s: float,
                  previous: str | None) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule

    out.print(Rule(f"{index}/{total} · {clock(left_s)} left", style="dim"))
    out.print(f"[bold]{q.title}[/]  [dim]{q.id} · {q.kind} · target {q.time_target}s[/]")
    out.print(Markdown(q.prompt), soft_wrap=False)
    _tables(out, tables)
    if previous is not None:
        out.print("[dim]Your answer so far (a new one replaces it):[/]")
        out.print(previous.rstrip(), markup=False)


def mock_feedback(out: Any, q: Question, v: Verdict) -> None:
    mark, colour = MARKS.get(v.outcome, ("?", "white"))
    out.print(f"[bold {colour}]{mark} {v.outcome}[/]  ", end="")
    out.print(v.message, markup=False)


def mock_report(out: Any, r: dict) -> None:
    from rich.rule import Rule
    from rich.table import Table

    out.print(Rule(f"Mock round {r['round']} · {r['started_at'][:16].replace('T', ' ')} UTC", style="bold"))
    out.print(f"[bold]Score: {r['correct']}/{r['total']} ({r['score']:g}%)[/] · answered {r['answered']} · "
              f"time used {clock(r['used_s'])} of {r['minutes']:g} minutes")
    topics = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("topic", "correct", "of"):
        topics.add_column(col)
    for topic, t in r["per_topic"].items():
        topics.add_row(topic, str(t["correct"]), str(t["total"]))
    out.print(topics)
    drills = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("#", "drill", "result", "time", "target"):
        drills.add_column(col)
    for i, d in enumerate(r["drills"], 1):
        slow = d["outcome"] != "unanswered" and d["seconds"] > d["target"]
        drills.add_row(str(i), d["id"], d["outcome"], ("[yellow]" if slow else "") + clock(d["seconds"]),
                       clock(d["target"]))
    out.print(drills)
    missed = [d for d in r["drills"] if d["outcome"] != "correct"]
    for d in missed:
        out.print(Rule(f"missed: {d['title']}", style="dim"))
        out.print(d["message"], markup=False)
        out.print("[bold]Reference[/]")
        out.print((d["solution"] or "").rstrip(), markup=False)
        out.print("[bold]Explanation[/]")
        out.print((d["explanation"] or "").rstrip(), markup=False)
    if r["weakest_tags"]:
        out.print(Rule("what to work on", style="bold"))
        for w in r["weakest_tags"]:
            out.print(f"[bold]{w['tag']}[/]: {w['correct']}/{w['total']} right · practise: ", end="")
            out.print(w["practise"], markup=False)
            for link in w["read"]:
                out.print(f"    read: {link}", markup=False)
    if len(r["trend"]) > 1:
        scores = " → ".join(f"{t['score']:g}%" for t in r["trend"][-6:])
        times = " → ".join(clock(t["seconds_per_drill"]) if t["seconds_per_drill"] is not None else "-"
                           for t in r["trend"][-6:])
        out.print(f"Trend over your last rounds: score {scores}; time per drill {times}")


def stats(out: Any, s: dict) -> None:
    import datetime as dt

    from rich.table import Table

    if s.get("empty"):
        out.print("No reviews yet. Start with `drill today`: it brings due reviews and a few new drills each day.")
        return
    shades = " ░▒▓█"
    days = s["heatmap"]
    top = max(d["reviews"] for d in days) or 1
    first = dt.date.fromisoformat(days[0]["date"])
    grid = [[" "] * ((len(days) + 6) // 7) for _ in range(7)]
    for d in days:
        day = dt.date.fromisoformat(d["date"])
        level = 0 if d["reviews"] == 0 else 1 + min(3, int(4 * d["reviews"] / (top + 1)))
        grid[day.weekday()][(day - first).days // 7] = shades[level] if level else "·"
    out.print(f"[bold]Reviews per day, last 26 weeks[/] [dim](darker is more; most in a day: {top})[/]")
    for name, row in zip(("Mon", "", "Wed", "", "Fri", "", "Sun"), grid, strict=True):
        out.print(f"{name:>4} " + "".join(row), markup=False)
    ret = s["retention_30d"]
    true = f"{ret['true']:.0%}" if ret["true"] is not None else "-"
    out.print(f"\nstreak: {s['streak']} day{'s' if s['streak'] != 1 else ''} · retention (30 days): {true} of "
              f"{ret['reviews']} reviews, desired {ret['desired']:.0%} · drills seen {s['drills']['seen']}/"
              f"{s['drills']['in_bank']}, mature {s['drills']['mature']}")
    most = max(d["due"] for d in s["forecast"]) or 1
    out.print("\n[bold]Due in the next 14 days[/]")
    for d in s["forecast"]:
        out.print(f"  {d['date'][5:]}  {'█' * round(20 * d['due'] / most):<20} {d['due']}", markup=False)
    for kind, rows in (("topic", s["topics"]), ("tag", s["tags"][:15])):
        table = Table(box=None, header_style="bold", pad_edge=False, title=f"by {kind}", title_justify="left")
        for col in (kind, "reviews", "accuracy", "median time / target", "mature"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["name"], str(r["reviews"]), f"{r['accuracy']:.0%}",
                          f"{clock(r['median_seconds'])} / {clock(r['median_target'])}",
                          f"{r['mature']}/{r['drills_in_bank']}")
        out.print()
        out.print(table)
    if s["leeches"]:
        out.print("\n[bold]Leeches[/] (failed 8 times or more): " + ", ".join(x["id"] for x in s["leeches"]))
