"""All terminal output. Core modules return data; this module turns it into text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from drills.model import Question, Verdict

MARKS = {"correct": ("✓", "green"), "wrong": ("✗", "red"), "error": ("!", "yellow"), "timeout": ("⏱", "yellow")}


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
    out.print(Markdown(q.prompt))
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
            "problems": [{"path": p.path, "line": p.line, "id": p.id, "message": p.message} for p in rep.problems],
            "warnings": [{"path": p.path, "line": p.line, "id": p.id, "message": p.message} for p in rep.warnings],
        }))
        return
    for p in rep.problems:
        print(str(p))
    for p in rep.warnings:
        print(str(p))
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
    out.print(Markdown(q.prompt))
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
