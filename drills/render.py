"""All terminal output. Core modules return data; this module turns it into text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from drills import kinds
from drills.model import Question, Verdict

if TYPE_CHECKING:
    from drills.forecast import Calibration
    from drills.report import RoundReport
    from drills.stats import Readiness, StatsFigures

MARKS = {"correct": ("✓", "green"), "wrong": ("✗", "red"), "error": ("!", "yellow"), "timeout": ("⏱", "yellow"),
         "self_rated": ("·", "cyan")}

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can
# make text read differently from what it is
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL
    return "\u2421" if code == 0x7F else "\ufffd"


def clean(text: object) -> str:
    """Text from a drill, an answer or a database, made safe for a terminal: every control
    character is shown as a visible symbol, so no escape sequence (a clipboard write, a screen
    clear, a hidden link) reaches the terminal."""
    return _CONTROLS.sub(_visible, str(text))


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 drill', '3 drills', '0 drills'; `many` for words that do not just take an s."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def minutes_(n: float) -> str:
    return f"{n:g} minute{'' if n == 1 else 's'}"


def plain(text: object, style: str = "") -> Any:
    """Data as a rich Text: never read as markup, control characters made visible."""
    from rich.text import Text

    return Text(clean(text), style=style)


def console(stderr: bool = False):
    from rich.console import Console

    # text wraps at word boundaries at the terminal's width; code wraps between tokens
    return Console(stderr=stderr, highlight=False)


def line(out: Any, *parts: str | tuple[str, str], end: str = "\n") -> None:
    """One line assembled from data: plain strings, or (text, style) pairs; never markup."""
    from rich.text import Text

    text = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        text.append(clean(value), style=style)
    out.print(text, end=end)


def verdict(q: Question, v: Verdict, show_explanation: bool = True, rows: Any = None) -> None:
    out = console()
    mark, colour = MARKS.get(v.outcome, ("?", "white"))
    line(out, (f"{mark} {v.outcome}", f"bold {colour}"), f"  {q.id}  ", (f"({v.elapsed_ms:.0f} ms)", "dim"))
    _verdict_body(out, v, rows)
    if show_explanation and q.explanation:
        out.print()
        explanation(out, q.explanation, ())


def _verdict_body(out: Any, v: Verdict, rows: Any = None) -> None:
    """The message and what went wrong: the smallest counterexample and the aligned rows,
    input/expected/actual, traceback, output."""
    from drills import rowdiff

    out.print(plain(v.message))
    d = v.details
    if "model_answer" in d:
        out.print("[bold]Model answer[/]")
        out.print(markdown(str(d["model_answer"]).rstrip()))
    smallest = rowdiff.counterexample(v)
    if smallest is not None:
        _counterexample(out, smallest)
    if rows is not None:
        _row_diff(out, rows)
    elif v.outcome == "wrong" and "expected_rows" in d:
        _rows_side_by_side(out, d)
    else:
        # which input it was (a timeout or an exception too), and the values when they differ
        shown = ("input", "expected", "actual") if "expected" in d and "actual" in d else ("input",)
        for key in shown:
            if key in d:
                line(out, (f"  {key + ':':10} ", "bold"), str(d[key]))
    if d.get("traceback"):
        out.print(plain(d["traceback"], "dim"))
    if v.output:
        out.print("[bold]your output:[/]")
        out.print(plain(v.output))


def _rows_side_by_side(out: Any, d: Mapping[str, Any]) -> None:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column(plain("expected (" + ", ".join(d["expected_columns"]) + ")"))
    table.add_column(plain("yours (" + ", ".join(d["actual_columns"]) + ")"))
    exp, act = d["expected_rows"], d["actual_rows"]
    for i in range(max(len(exp), len(act))):
        table.add_row(plain(exp[i] if i < len(exp) else ""), plain(act[i] if i < len(act) else ""))
    out.print(table)


def _grid(side: Any, title: str) -> Any:
    from rich.table import Table

    grid = Table(title=plain(title), title_justify="left", header_style="bold", box=None, pad_edge=False)
    for name in side.columns:
        grid.add_column(plain(name))
    for row in side.rows:
        grid.add_row(*(plain(v) for v in row))
    return grid


def _counterexample(out: Any, found: Any) -> None:
    shown = {name: t for name, t in found.tables.items() if t.total}
    where = " and ".join(f"{plural(t.total, 'row')} of `{name}`" for name, t in shown.items()) or "empty tables"
    empty = [name for name, t in found.tables.items() if not t.total]
    if empty and shown:
        where += f" (with `{'`, `'.join(empty)}` empty)"
    out.print(plain(f"Your answer and the reference already differ on just {where}:", "bold"))
    for name, table in shown.items():
        out.print(_grid(table, f"{name} ({plural(table.total, 'row')})"))
    _side_by_side(out, _grid(found.expected, "expected"), _grid(found.actual, "yours"))


def _side_by_side(out: Any, left: Any, right: Any) -> None:
    """Two grids next to each other, or one under the other when the terminal is too narrow."""
    from rich.measure import Measurement
    from rich.table import Table

    pair = Table.grid(padding=(0, 3))
    pair.add_row(left, right)
    if Measurement.get(out, out.options.update_width(10_000), pair).maximum <= out.width:
        out.print(pair)
    else:
        out.print(left)
        out.print(right)


ROW_MARKS = {rowdiff_mark: (style, meaning) for rowdiff_mark, style, meaning in (
    ("-", "bold red", "missing from yours"), ("+", "bold red", "not in the reference"),
    ("~", "bold yellow", "different at this position"))}


def _row_diff(out: Any, diff: Any) -> None:
    """Expected and actual rows in one grid, a row of each side on the same line; one grid under
    the other when the terminal is too narrow for both."""
    from rich.measure import Measurement

    order = "in order" if diff.ordered else "sorted alike"
    exp, act = diff.expected, diff.actual
    both = _marked_grid(diff, (exp, act))
    if Measurement.get(out, out.options.update_width(10_000), both).maximum <= out.width:
        line(out, (f"expected: {plural(exp.total, 'row')}", "bold"), "  │  ",
             (f"yours: {plural(act.total, 'row')}", "bold"), (f"  ({order})", "dim"))
        out.print(both)
    else:
        for side, name in ((exp, "expected"), (act, "yours")):
            line(out, (f"{name}: {plural(side.total, 'row')}", "bold"), (f"  ({order})", "dim"))
            out.print(_marked_grid(diff, (side,)))
    hidden = []
    if diff.same_hidden:
        hidden.append(f"{plural(diff.same_hidden, 'matching row')}")
    if diff.different_hidden:
        hidden.append(f"{plural(diff.different_hidden, 'more different row')}")
    if hidden:
        line(out, (" and ".join(hidden) + " not shown", "dim"))
    shown = [f"{m} {ROW_MARKS[m][1]}" for m in ROW_MARKS if m in diff.marks]
    if shown:
        line(out, (" · ".join(shown), "dim"))


def _marked_grid(diff: Any, sides: tuple) -> Any:
    """One grid: the mark, then each side's cells, sides split by a bar. A side's gap (the
    other side has a row there) is left blank, or left out when the side is shown alone."""
    from rich.table import Table

    grid = Table(header_style="bold", box=None, pad_edge=False, show_edge=False)
    grid.add_column("", no_wrap=True)
    for i, side in enumerate(sides):
        if i:
            grid.add_column("│", style="dim", no_wrap=True)
        for name in side.columns:
            grid.add_column(plain(name), no_wrap=True)
    for row, mark in enumerate(diff.marks):
        style = ROW_MARKS.get(mark, ("dim", ""))[0]
        values = [side.rows[row] for side in sides]
        if len(sides) == 1 and values[0] is None:
            continue
        cells = [plain(mark, style)]
        for i, (side, value) in enumerate(zip(sides, values, strict=True)):
            if i:
                cells.append(plain("│", "dim"))
            tinted = mark != " " and (mark == "~" or (mark == "-") == (side is diff.expected))
            cells += [plain(v, style if tinted else "") for v in (value or [""] * len(side.columns))]
        grid.add_row(*cells)
    return grid


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
        table.add_row(*(plain(x) for x in (q.id, q.kind, q.difficulty, q.title, ", ".join(q.tags))))
    out.print(table)
    out.print(plain(plural(len(qs), "drill"), "dim"))


def question(q: Question, tables: list | None, hints: bool, solution: bool) -> None:

    paged(console(), lambda out: _question(out, q, tables, hints, solution))


def _question(out: Any, q: Question, tables: list | None, hints: bool, solution: bool) -> None:
    _title(out, q, q.kind, q.difficulty)
    if q.tags:
        line(out, ("tags: " + ", ".join(q.tags), "dim"))
    out.print()
    out.print(markdown(q.prompt))
    _tables(out, tables, f"drill show {q.id} --rows all")
    starter = kinds.of(q).starter(q)
    if starter:
        out.print()
        out.print("[bold]Starter[/]")
        out.print(code(starter, q.kind))
    if hints:
        for i, text in enumerate(q.hints, 1):
            hint(out, i, text)
    elif q.hints:
        out.print()
        line(out, (f"{plural(len(q.hints), 'hint')}: drill show {q.id} --hints", "dim"))
    if solution:
        out.print()
        reference(out, q.kind, q.solution)
        out.print()
        explanation(out, q.explanation, q.see_also)


def _title(out: Any, q: Question, *about: str) -> None:
    line(out, (q.title, "bold"), "  ", (" · ".join((q.id, *about, f"target {q.time_target}s")), "dim"))


def markdown(text: str) -> Any:
    """Drill prose as Markdown: no markup, control characters shown, links spelt out."""
    from rich.markdown import Markdown

    return Markdown(clean(text), hyperlinks=False, code_theme=CODE_THEME)


CODE_THEME = "ansi_dark"  # the terminal's own colours, as the editor's


def code(text: str, kind: str) -> Any:
    """Code as the editor shows it: highlighted, wrapped between tokens, never cropped."""
    from rich.syntax import Syntax

    lexer = kinds.with_lexer(kind)  # the answer editor highlights with the same lexer
    if lexer is None:
        return plain(text.rstrip())
    return Syntax(clean(text.rstrip()), lexer, theme=CODE_THEME, word_wrap=True, background_color="default")


def reference(out: Any, kind: str, solution: str, title: str = "Reference") -> None:
    """A drill's reference answer: code highlighted, a model answer as Markdown."""
    out.print(plain(title, "bold"))
    out.print(markdown(solution) if kinds.prose_solution(kind) else code(solution, kind))


def explanation(out: Any, text: str, links: Iterable[str]) -> None:
    out.print(plain("Explanation", "bold"))
    out.print(markdown(text))
    for link in links:
        out.print(plain(f"  {link}", "dim"), soft_wrap=True)  # a URL is not split


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
    for p in [*rep.problems, *rep.warnings]:
        print(clean(p))
    for score in rep.score_lines():
        print(score)
    n = len(rep.problems)
    status = "ok" if rep.ok else plural(n, "problem")
    print(f"{plural(rep.checked, 'drill')} checked in {rep.seconds:.1f}s: {status}")


def _tables(out: Any, tables: list | None, more: str = "") -> None:
    """Each table with its columns' types; a table shown cut says how many rows are left out
    and `more`, how to see them."""
    from rich.table import Table

    from drills.run import show_value

    for name, cols, rows, count in tables or ():
        table = Table(title=plain(f"{name} ({plural(count, 'row')})"), title_justify="left", header_style="bold")
        for col, typ in cols:
            header = plain(f"{col}\n")
            header.append(clean(typ.lower()), style="dim")
            table.add_column(header)
        for row in rows:
            table.add_row(*(plain(show_value(v)) for v in row))
        out.print(table)
        if count > len(rows):
            left = count - len(rows)
            out.print(plain(f"{plural(left, 'more row')} not shown" + (f": {more}" if more else ""), "dim"))


def command_names(q: Question, known: tuple[str, ...]) -> str:
    """The commands that do something for this drill: ':run' only where there is something to
    run, ':tables' for SQL, no hints or reveals in a mock round."""
    from drills import run

    mock = ":goto" in known
    wanted = [c for c in known if c != ":next"
              and (c != ":run" or run.runnable(q)) and (c != ":tables" or kinds.of(q).has_tables)
              and not (mock and c in (":hint", ":reveal"))]
    return " ".join(f"{c} N" if c == ":goto" else c for c in wanted)


def legend(out: Any, q: Question, known: tuple[str, ...]) -> None:
    """The keys and commands that work for this drill, under its prompt."""
    from drills import run

    names = command_names(q, known)
    if kinds.of(q).one_line:
        keys = "Enter submits"
    else:
        keys = "Esc Enter submits · " + ("Ctrl-R runs · " if run.runnable(q) else "") + \
            "Ctrl-X Ctrl-E opens $EDITOR (leaving it submits)"
    out.print(plain(f"{keys} · a last line of {names}", "dim"))


def tables(out: Any, shown: list) -> None:
    """Every row of every table (`:tables`), through a pager when taller than the terminal."""
    paged(out, lambda o: _tables(o, shown))


def paged(out: Any, draw: Any) -> None:
    """Draw with `draw(console)`; on a terminal, through the pager when it would scroll away."""
    if not out.is_terminal:
        draw(out)
        return
    with out.capture() as captured:
        draw(out)
    text = captured.get()
    from rich.text import Text

    if text.count("\n") < out.height - 2:
        out.print(Text.from_ansi(text), end="")
        return
    with out.pager(styles=False):
        out.print(Text.from_ansi(text), end="")


def run_result(out: Any, q: Question, result: Any) -> None:
    """What `:run` found: a query's rows or a function's return values, never a verdict."""
    from rich.table import Table

    from drills.run import QueryRun

    out.print(plain("Run (not judged)", "bold"))
    if result.error:
        line(out, ("! ", "bold yellow"), result.error)
    elif isinstance(result, QueryRun):
        grid = Table(header_style="bold", caption_justify="left")
        for name in result.columns:
            grid.add_column(plain(name))
        for row in result.rows:
            grid.add_row(*(plain(v) for v in row))
        out.print(grid)
        count = f"more than {result.count:,} rows" if result.more_than else plural(result.count, "row")
        shown = f"; the first {len(result.rows)} shown" if len(result.rows) < result.count else ""
        line(out, (f"{count}{shown}", "dim"))
    else:
        for i, example in enumerate(result.examples, 1):
            line(out, (f"example {i}: ", "bold"), example.call)
            if example.error:
                line(out, ("  raised:   ", "yellow"), example.error)
            else:
                line(out, "  returned: ", example.returned or "")
            if example.expected is not None:
                line(out, ("  expected: ", "dim"), example.expected)
        if result.hidden:
            line(out, (f"The first {plural(len(result.examples), 'example')} only; submitting judges all "
                       f"{len(result.examples) + result.hidden} tests.", "dim"))
    if getattr(result, "output", ""):
        out.print(plain("printed:", "bold"))
        out.print(plain(result.output.rstrip()))


def session_question(out: Any, q: Question, tables: list | None, progress: Any, leech: bool) -> None:
    from rich.rule import Rule

    if progress.mode == "today":
        head = f"done {progress.done} · due {progress.due_left} · new {progress.new_left}"
        if progress.learning:
            head += f" · learning {progress.learning}"
    else:
        head = f"{progress.mode} · done {progress.done} · left {progress.due_left + progress.new_left}"
    out.print(Rule(head, style="dim"))
    _title(out, q, q.kind, q.difficulty)
    if leech:
        out.print("[bold yellow]This drill keeps slipping (a leech). Read the explanation first:[/]")
        out.print(markdown(q.explanation))
        out.print()
    out.print(markdown(q.prompt))
    _tables(out, tables, ":tables shows them all")


def hint(out: Any, number: int, text: str | None) -> None:
    if text is None:
        out.print("No more hints; :reveal shows the answer.")
    else:
        out.print(markdown(f"**Hint {number}:** {text}"))


def session_result(out: Any, q: Question, result: Any) -> None:
    from drills import scheduler as sched

    v = result.verdict
    if result.self_rated:
        reference(out, q.kind, q.solution, "Model answer")
    else:
        mark, colour = MARKS.get(v.outcome, ("?", "white"))
        label = "revealed" if result.revealed else v.outcome
        out.print(f"[bold {colour}]{mark} {label}[/]")
        _verdict_body(out, v, result.rows)
        if not v.correct:
            reference(out, q.kind, q.solution)
    explanation(out, q.explanation, q.see_also)
    timing = f"{result.elapsed_s:.0f}s against a target of {q.time_target}s"
    hints = f" · {plural(result.hints, 'hint')}" if result.hints else ""
    if result.did_not_run:
        hints += f" · {plural(result.did_not_run, 'answer')} that did not run"
    if result.mode == "cram":
        nxt = "practice only: the schedule is unchanged"
    elif result.next_due is not None:
        nxt = f"next: {sched.describe_wait(result.next_due - result.now)}"
    else:
        nxt = ""
    if result.self_rated:
        out.print(f"[dim]{result.elapsed_s:.0f}s against a target of {q.time_target}s[/]")
        return
    rating = "" if result.mode == "cram" else f" · rated {sched.RATING_NAMES[result.rating]}"
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
    out.print(f"{plural(s.done, 'drill')} · {s.correct} correct ({acc}) · {minutes}m{seconds:02d}s")
    out.print(f"streak: {plural(s.streak, 'day')} · due tomorrow: {s.due_tomorrow}")
    if s.stopped_early:
        resume = " `drill today` picks up where you left off." if s.mode == "today" else ""
        saved = "the last answer was NOT saved" if s.unsaved else "every answer so far is saved"
        out.print(plain(f"Stopped early; {saved}.{resume}", "dim"))


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def mock_overview(out: Any, questions: list, minutes: float, left_s: float, resumed: bool,
                  feedback: bool = False) -> None:
    from rich.rule import Rule

    what = "Resuming the mock round" if resumed else "Mock round"
    out.print(Rule(f"{what}: {plural(len(questions), 'drill')} · {clock(left_s)} left of {minutes_(minutes)}",
                   style="bold"))
    for i, q in enumerate(questions, 1):
        line(out, f"  {i}. {q.title}  ", (f"{q.topic} · {q.difficulty} · target {q.time_target}s", "dim"))
    out.print(plain("Each verdict right after the answer." if feedback else
                    "No verdicts until the end, as in an interview.", "dim"))


def mock_question(out: Any, q: Question, tables: list | None, index: int, total: int, left_s: float,
                  previous: str | None) -> None:
    from rich.rule import Rule

    out.print(Rule(f"{index}/{total} · {clock(left_s)} left", style="dim"))
    _title(out, q, q.kind)
    out.print(markdown(q.prompt))
    _tables(out, tables, ":tables shows them all")
    if previous is not None:
        out.print("[dim]Your answer so far (a new one replaces it):[/]")
        out.print(code(previous, q.kind))


def mock_feedback(out: Any, q: Question, v: Verdict) -> None:
    mark, colour = MARKS.get(v.outcome, ("?", "white"))
    line(out, (f"{mark} {v.outcome}", f"bold {colour}"), "  ", v.message)


def mock_report(out: Any, r: RoundReport) -> None:
    from rich.rule import Rule
    from rich.table import Table

    out.print(Rule(f"Mock round {r.round} · {r.started_at[:16].replace('T', ' ')} UTC", style="bold"))
    if not r.answered:
        out.print("The round ended before any drill was answered: nothing to judge, and it does not count in "
                  "your trend.")
        return
    out.print(f"[bold]Score: {r.correct}/{r.total} ({r.score:g}%)[/] · answered {r.answered} · "
              f"time used {clock(r.used_s)} of {minutes_(r.minutes)}")
    topics = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("topic", "correct", "of"):
        topics.add_column(col)
    for topic, t in r.per_topic.items():
        topics.add_row(plain(topic), str(t.correct), str(t.total))
    out.print(topics)
    drills = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("#", "drill", "result", "time", "target"):
        drills.add_column(col)
    for i, d in enumerate(r.drills, 1):
        drills.add_row(str(i), plain(d.id), d.outcome, plain(clock(d.seconds), "yellow" if d.slow else ""),
                       clock(d.target))
    out.print(drills)
    for d in r.missed:
        out.print(Rule(plain(f"missed: {d.title}"), style="dim"))
        out.print(plain(d.message))
        if d.answer:
            out.print(plain("Your answer", "bold"))
            out.print(code(d.answer, d.kind))
        reference(out, d.kind, d.solution or "")
        explanation(out, d.explanation or "", ())
    if r.not_attempted:
        line(out, (f"Not attempted ({len(r.not_attempted)}): ", "bold"),
             ", ".join(d.title for d in r.not_attempted))
    if r.weakest_tags:
        out.print(Rule("what to work on", style="bold"))
        for w in r.weakest_tags:
            line(out, (w.tag, "bold"), f": {w.correct}/{w.total} right · practise: {w.practise}")
            for link in w.read:
                out.print(plain(f"    read: {link}"), soft_wrap=True)
    if len(r.trend) > 1:
        scores = " → ".join(f"{t.score:g}%" for t in r.trend[-6:])
        times = " → ".join(clock(t.seconds_per_drill) if t.seconds_per_drill is not None else "-"
                           for t in r.trend[-6:])
        out.print(f"Trend over your last rounds: score {scores}; time per drill {times}")


def stats(out: Any, s: StatsFigures | None) -> None:
    from rich.table import Table

    if s is None:
        out.print("No reviews yet. Start with `drill today`: it brings due reviews and a few new drills each day.")
        return
    shades = "·░▒▓█"
    days = s.heatmap
    first = days[0].date
    weeks = (len(days) + 6) // 7
    grid = [[" "] * weeks for _ in range(7)]
    for d in days:
        grid[d.date.weekday()][(d.date - first).days // 7] = shades[d.level]
    months = [" "] * (weeks + 3)
    placed: list[int] = []
    for m in s.heatmap_months:
        w = m.week
        if placed and w - placed[-1] < 4:
            if placed[-1] != 0:
                continue
            months[0:3] = "   "  # the first, partial month gives way to the next
            placed.pop()
        months[w:w + 3] = m.label
        placed.append(w)
    out.print(plain("Reviews per day, last 26 weeks", "bold"))
    out.print(plain("     " + "".join(months).rstrip(), "dim"))
    for name, row in zip(("Mon", "", "Wed", "", "Fri", "", "Sun"), grid, strict=True):
        out.print(f"{name:>4} " + "".join(row), markup=False)
    most = max(d.reviews for d in days)
    out.print(plain(f"     less {' '.join(shades)} more (most in a day: {most})", "dim"))
    ret = s.retention_30d
    if ret.true is not None:
        retention = f"retention (30 days): {ret.true:.0%} of {plural(ret.reviews, 'review')}, desired " \
                    f"{ret.desired:.0%}"
    else:
        retention = f"retention (30 days): shown after {ret.needed} reviews of known drills " \
                    f"({ret.reviews} so far)"
    out.print()
    out.print(plain(f"streak: {plural(s.streak, 'day')} · {retention} · drills seen {s.drills.seen}/"
                    f"{s.drills.in_bank}, mature {s.drills.mature}"))
    most = max(d.due for d in s.forecast) or 1
    out.print("\n[bold]Due in the next 14 days[/]")
    for f in s.forecast:
        out.print(f"  {f.date:%m-%d}  {'█' * round(20 * f.due / most):<20} {f.due}", markup=False)
    for kind, rows in (("topic", s.topics), ("tag", s.tags[:15])):
        table = Table(box=None, header_style="bold", pad_edge=False, title=f"by {kind}", title_justify="left")
        for col in (kind, "reviews", "accuracy", "median time / target", "mature"):
            table.add_column(col)
        for r in rows:
            table.add_row(plain(r.name), str(r.reviews), f"{r.accuracy:.0%}",
                          f"{clock(r.median_seconds)} / {clock(r.median_target)}",
                          f"{r.mature}/{r.drills_in_bank}")
        out.print()
        out.print(table)
    if s.leeches:
        out.print()
        line(out, ("Leeches", "bold"), " (failed 8 times or more): " + ", ".join(x.id for x in s.leeches))
    _readiness(out, s.readiness)
    _calibration(out, s.calibration)


def _readiness(out: Any, r: Readiness | None) -> None:
    out.print()
    if r is None:
        out.print(plain("Recall on the interview day: set a date with `drill config interview-date YYYY-MM-DD`.",
                        "dim"))
        return
    out.print(plain(f"Recall on the interview day ({r.interview}, {plural(r.days_left, 'day')} to go): "
                    f"{r.recall:.0%} keeping to the schedule, {r.recall_if_stopped:.0%} if you stop now",
                    "bold"))
    width = max((len(t.name) for t in r.topics), default=0)
    for t in r.topics:
        line(out, f"  {t.name:<{width}}  ", (f"{_bar(t.recall):<20}", "green"),
             f" {t.recall:.0%}", (f"  (stop now: {t.recall_if_stopped:.0%}, seen {t.seen}/{t.drills})", "dim"))


def _calibration(out: Any, c: Calibration | None) -> None:
    if c is None:
        return
    out.print()
    out.print(plain(f"Forecast against mock rounds ({plural(c.drills, 'drill')}): predicted recall "
                    f"{c.predicted:.0%}, answered correctly {c.actual:.0%} (Brier score {c.brier:.3f}, "
                    "0 is perfect)", "bold"))
    for b in c.bins:
        out.print(plain(f"  forecast {b.low:.0%}-{b.high:.0%}: {plural(b.drills, 'drill')}, "
                        f"predicted {b.predicted:.0%}, correct {b.actual:.0%}"))


def _bar(share: float, width: int = 20) -> str:
    return "█" * round(width * max(0.0, min(1.0, share)))


def fit_report(out: Any, fit: Any, settings: Any) -> None:
    """`drill optimize`: the parameters in use against the fitted ones, on reviews neither was fitted to."""
    from rich.table import Table

    in_use = f"in use ({'fitted ' + settings.fitted_at[:10] if settings.parameters else 'defaults'})"
    out.print(plain(f"Fitted to {plural(fit.reviews, 'review')}; measured on the latest {plural(fit.tested, 'one')} "
                    "after fitting on the reviews before them (lower is better):"))
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("parameters", "log loss", "RMSE"):
        table.add_column(col, justify="left" if col == "parameters" else "right")
    table.add_row(plain(in_use), f"{fit.current.log_loss:.4f}", f"{fit.current.rmse:.2%}")
    table.add_row("fitted", f"{fit.fitted.log_loss:.4f}", f"{fit.fitted.rmse:.2%}")
    out.print(table)


def retention_curve(out: Any, points: list, settings: Any) -> None:
    """`drill optimize --retention`: the workload at each desired retention, not one 'best' number."""
    from rich.table import Table

    until = (f"the interview on {settings.interview_date}" if settings.interview_date
             else "a year ahead (no interview date)")
    which = "fitted" if settings.parameters else "default"
    out.print(plain(f"Minutes a day for your bank up to {until}, simulated with your {which} parameters and "
                    "answer times:"))
    table = Table(box=None, header_style="bold", pad_edge=False)
    recall = "recall on the day" if settings.interview_date else "mean recall"
    for col in ("desired retention", "min/day", "", recall):
        table.add_column(col, justify="right" if col != "" else "left")
    most = max((p.minutes_per_day for p in points), default=0) or 1
    for p in points:
        mark = " ← now" if p.retention == settings.desired_retention else ""
        table.add_row(f"{p.retention:.0%}{mark}", f"{p.minutes_per_day:.1f}", _bar(p.minutes_per_day / most),
                      f"{p.recall:.0%}")
    out.print(table)
    out.print(plain("Change it with `drill config desired-retention 85%`.", "dim"))


def plan(out: Any, p: Any) -> None:
    """`drill plan`: recall on the interview day, the time it takes, what to leave out."""
    from rich.table import Table

    out.print(plain(f"Interview on {p.interview}: {plural(p.days_left, 'day')} to go.", "bold"))
    verdict_ = "reaches" if p.reached else "is short of"
    out.print(plain(f"Recall on the day: {p.recall:.0%} keeping to the schedule ({verdict_} the desired "
                    f"{p.desired:.0%}); {p.recall_if_stopped:.0%} if you stop now. Unseen drills count as not known."))
    lately = f"; lately {p.pace:.0f} min/day" if p.pace is not None else "; no practice in the last week"
    out.print(plain(f"Time: {p.minutes_per_day:.0f} min/day at your measured answer times{lately}."))
    for kind, groups in (("topic", p.topics), ("tag (weakest 15)", p.tags[:15])):
        table = Table(box=None, header_style="bold", pad_edge=False, title=f"by {kind}", title_justify="left")
        for col in (kind.split()[0], "drills", "seen", "if stopped", "on the day", "", "min/day"):
            table.add_column(col, justify="left" if col in ("", "topic", "tag") else "right")
        for g in groups:
            table.add_row(plain(g.name), str(g.drills), str(g.seen), f"{g.recall_if_stopped:.0%}",
                          f"{g.recall:.0%}", _bar(g.recall, 10), f"{g.minutes_per_day:.1f}")
        out.print()
        out.print(table)
    if p.drop and p.after_drop:
        recall, minutes = p.after_drop
        kept = " ".join(g.name for g in p.topics if g.name not in p.drop)
        out.print()
        out.print(plain(f"Short of time: at {p.budget:.0f} min/day, leave out {', '.join(p.drop)}: recall on the "
                        f"day {recall:.0%} of the rest at {minutes:.0f} min/day. `drill config topics {kept}` "
                        "keeps the rest."))
    elif p.budget is not None and p.minutes_per_day > p.budget:
        out.print()
        out.print(plain(f"Short of time: the plan needs {p.minutes_per_day:.0f} min/day and you have "
                        f"{p.budget:.0f}; there is one topic, so narrow it with --tag in `drill today`."))
