"""All terminal output. Core modules return data; this module turns it into text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from drills.model import Question, Verdict

MARKS = {"correct": ("✓", "green"), "wrong": ("✗", "red"), "error": ("!", "yellow"), "timeout": ("⏱", "yellow")}


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def verdict(q: Question, v: Verdict, show_explanation: bool = True) -> None:
    out = console()
    mark, colour = MARKS.get(v.outcome, ("?", "white"))
    out.print(f"[bold {colour}]{mark} {v.outcome}[/]  {q.id}  [dim]({v.elapsed_ms:.0f} ms)[/]")
    out.print(v.message, markup=False)
    d = v.details
    if v.outcome == "wrong" and "expected_rows" in d:
        _rows_side_by_side(out, d)
    elif v.outcome == "wrong" and "expected" in d and "actual" in d:
        for label in ("input", "expected", "actual"):
            if label in d:
                out.print(f"  {label + ':':10} {d[label]}", markup=False)
    if d.get("traceback"):
        out.print(d["traceback"], markup=False, style="dim")
    if v.output:
        out.print("your output:", style="bold")
        out.print(v.output, markup=False)
    if show_explanation and q.explanation:
        out.print()
        out.print("[bold]Explanation[/]")
        out.print(q.explanation.rstrip(), markup=False)


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
    from rich.table import Table

    out = console()
    out.print(f"[bold]{q.title}[/]  [dim]{q.id} · {q.kind} · {q.difficulty} · target {q.time_target}s[/]")
    if q.tags:
        out.print("[dim]tags: " + ", ".join(q.tags) + "[/]")
    out.print()
    out.print(Markdown(q.prompt))
    for name, cols, rows, count in tables or ():
        out.print()
        table = Table(title=f"{name} ({count} row{'s' if count != 1 else ''})", title_justify="left",
                      header_style="bold")
        for col, typ in cols:
            table.add_column(f"{col}\n[dim]{typ.lower()}[/]")
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        out.print(table)
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
