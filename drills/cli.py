"""The `drill` command: parse arguments, call one core function, render the result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from drills import __version__, kinds

if TYPE_CHECKING:
    from drills.bank import Bank
    from drills.scheduler import Settings
    from drills.store import Store

SHOW_PROBLEMS = 3


class BadInput(click.ClickException):
    """A broken drill file or an unreadable input file: exits 2, like a usage error, so `check`
    keeps 1 for 'not correct'."""

    exit_code = 2


class Ctx:
    def __init__(self, banks: tuple[str, ...], home: Path | None = None, builtin: bool = True):
        self.banks = banks
        self.home = home
        self.builtin = builtin
        self._store: Store | None = None
        self._bank: Bank | None = None

    def store(self) -> Store:
        from drills.store import Store

        if self._store is None:
            self._store = Store(self.home)
        return self._store

    def store_path(self) -> Path:
        from drills.store import DB_NAME, default_home

        return (Path(self.home) if self.home else default_home()) / DB_NAME

    def close(self) -> None:
        """Close the store, and say what went wrong on the side (a backup, text that was not UTF-8)."""
        store, self._store = self._store, None
        if store is None:
            return
        store.close()
        for problem in store.problems:
            say(f"Warning: {problem}", err=True)
        if store.bad_text:
            from drills.render import plural

            n = store.bad_text
            say(f"Warning: {plural(n, 'text value')} in {store.path} {'is' if n == 1 else 'are'} not valid UTF-8: "
                "shown with \N{REPLACEMENT CHARACTER} in place of the bad bytes. `drill doctor` checks the store.",
                err=True)

    def settings(self) -> Settings:
        from drills.scheduler import Settings

        return Settings.from_store(self.store().settings.all(), self.store().fits.current())

    def dirs(self) -> list[Path]:
        from drills.bank import bank_dirs

        dirs = bank_dirs(self.banks, builtin=self.builtin)
        if not dirs:
            raise click.UsageError("--no-builtin needs a bank: give --bank DIR or set DRILL_BANK")
        return dirs

    def load(self) -> Bank:
        """The banks in use. A broken file is reported on stderr and left out, so one bad drill in
        an extra bank does not stop a session; `drill validate` still fails on it."""
        from drills import cache
        from drills.bank import load_bank

        if self._bank is None:
            from drills import sandbox

            sandbox.protect(self.dirs())  # hidden from answers whatever the interpreter's layout
            self._bank = load_bank(self.dirs(), strict=False, cache=cache.folder("bank") / "parsed.json")
            for err in self._bank.errors[:SHOW_PROBLEMS]:
                say(f"Warning: left out: {err}", err=True)
            more = len(self._bank.errors) - SHOW_PROBLEMS
            if more > 0:
                say(f"Warning: and {more} more broken drill file{'s' if more != 1 else ''}", err=True)
            if self._bank.errors:
                say("Warning: `drill validate` says what to fix", err=True)
        return self._bank


class DrillGroup(click.Group):
    """Turns the core's errors into click's, for every command in one place: `Error: ...` on
    stderr, never a traceback; a broken drill file exits 2, other expected errors 1."""

    done_ignores_ctrl_c = False  # the console script: once the command is over, Ctrl-C has nothing to stop

    def invoke(self, ctx: click.Context):
        from drills.errors import BankError, DrillError, InputError
        from drills.render import clean

        try:
            return super().invoke(ctx)
        except (BankError, InputError) as exc:
            raise BadInput(clean(exc)) from None
        except DrillError as exc:
            raise click.ClickException(clean(exc)) from None
        except click.ClickException as exc:
            # it may quote a drill id or a file's text; click declares `message` Final, but a new
            # exception would lose the subclass's context and exit code
            exc.message = clean(exc.message)  # type: ignore[misc]
            raise
        except KeyboardInterrupt:
            # Ctrl-C: whatever was saved stays saved; a line break, no "Aborted!", the shell's code
            click.echo("", err=True)
            raise click.exceptions.Exit(130) from None
        except Exception as exc:
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is None or not isinstance(exc, sqlite3.Error) or not isinstance(ctx.obj, Ctx):
                raise
            # the progress store is the only SQLite database: a read that found it damaged, say
            from drills.store import fault

            raise click.ClickException(clean(fault(exc, ctx.obj.store_path()))) from None
        finally:
            if self.done_ignores_ctrl_c:  # closing the store, stopping workers: let them finish
                import signal

                signal.signal(signal.SIGINT, signal.SIG_IGN)


def say(text: str, err: bool = False) -> None:
    """click.echo for lines that carry data (ids, titles, settings): control characters shown."""
    from drills.render import clean

    click.echo(clean(text), err=err)


@click.group(cls=DrillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="drill")
@click.option("--bank", "banks", multiple=True, metavar="DIR", type=click.Path(file_okay=False),
              help="Add a directory of drills (repeatable; also DRILL_BANK, ':'-separated).")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="DRILL_HOME",
              help="Where progress is kept (also DRILL_HOME; default: your data directory).")
@click.option("--no-builtin", is_flag=True, help="Leave out the built-in bank; use only --bank and DRILL_BANK.")
@click.pass_context
def cli(ctx: click.Context, banks: tuple[str, ...], home: Path | None, no_builtin: bool) -> None:
    """Interview drills with honest judges and spaced repetition.

    Start with `drill today`: the day's reviews and a few new drills.
    """
    from drills import cache

    cache.set_home(home)
    ctx.obj = Ctx(banks, home, not no_builtin)
    ctx.call_on_close(ctx.obj.close)


def _question(obj: Ctx, key: str):
    """A drill by id, or by path to its file (which need not be in a bank)."""
    from drills.bank import bank_root, load_file
    from drills.errors import BankError

    path = Path(key)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        try:
            return load_file(path, bank_root(path.parent))
        except BankError:
            return load_file(path, None)
    return obj.load().get(key)


@cli.command()
@click.argument("question")
@click.option("--answer-file", "-a", type=click.File("rb"), required=True,
              help="File holding the answer; '-' reads standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def check(obj: Ctx, question: str, answer_file, as_json: bool) -> None:
    """Judge an answer to QUESTION (an id or a drill file).

    Exit 0 if correct, 1 if not, 3 for a recall card (self_rated: nothing judges it).
    """
    from drills import render, rowdiff
    from drills.judge import judge

    q = _question(obj, question)
    answer = _text_of(answer_file)
    v = _judge_with_notice(judge)(q, answer)
    if as_json:
        click.echo(render.verdict_json(q, v))
    else:
        render.verdict(q, v, rows=rowdiff.explain(q, answer, v))
    sys.exit(0 if v.correct else 3 if v.outcome == "self_rated" else 1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--changed", is_flag=True, help="Only the drills added or changed since --base (git).")
@click.option("--base", metavar="REF", help="Git ref to compare with for --changed (default: main).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes (default: the number of CPUs).")
@click.option("--mutants", is_flag=True, help="Also judge mutants of each reference; a survivor is a problem.")
@click.option("--fresh", is_flag=True, help="Prove every drill again, also those proved before and unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(obj: Ctx, paths: tuple[Path, ...], changed: bool, base: str | None, jobs: int | None,
             mutants: bool, fresh: bool, as_json: bool) -> None:
    """Prove drills: schema, unique ids, reference correct, wrong answers rejected.

    PATHS default to every bank in use. One line per problem as path:line: message;
    near-duplicate drills are reported as warnings. With --mutants, each surviving mutant
    is listed with its diff and data that kills it, and the mutation score per kind printed.
    A drill proved before, unchanged since and with the same drill code, is not judged
    again (--fresh judges everything).
    """
    from drills import render
    from drills.validate import drill_paths, validate_paths

    banks = obj.dirs()
    if base and not changed:
        raise click.UsageError("--base goes with --changed")
    if changed:
        from drills.changes import changed_files

        files = changed_files(base)
        paths = tuple(drill_paths(files, [*banks, *paths]))
        if not paths:
            if not as_json:
                click.echo("no drill files changed")
            else:
                click.echo('{"checked": 0, "ok": true, "problems": [], "warnings": []}')
            return
    import os

    report = validate_paths(paths or banks, context=banks, jobs=jobs or min(4, os.cpu_count() or 1),
                            mutants=mutants, reuse=not fresh)
    render.report(report, as_json)
    sys.exit(0 if report.ok else 1)


@cli.command("list")
@click.option("--topic", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", multiple=True, help="Only drills with this tag (repeatable).")
@click.option("--kind", multiple=True, type=click.Choice(kinds.NAMES))
@click.option("--difficulty", multiple=True, type=click.Choice(["easy", "medium", "hard"]))
@click.option("--json", "as_json", is_flag=True, help="Print drills and counts as JSON.")
@click.pass_obj
def list_(obj: Ctx, topic, tag, kind, difficulty, as_json: bool) -> None:
    """List the drills in the banks."""
    from drills import render
    from drills.catalog import counts, select

    qs = select(obj.load().questions.values(), topic, tag, kind, difficulty)
    if as_json:
        import json

        drills = [{"id": q.id, "kind": q.kind, "topic": q.topic, "difficulty": q.difficulty,
                   "title": q.title, "tags": list(q.tags), "path": str(q.path)} for q in qs]
        click.echo(json.dumps({"drills": drills, "counts": counts(qs)}, indent=2))
    else:
        render.question_list(qs)


@cli.command()
@click.argument("question")
@click.option("--hints", is_flag=True, help="Show the hints too.")
@click.option("--solution", is_flag=True, help="Show the reference answer and explanation.")
@click.option("--rows", default="5", show_default=True, metavar="N|all",
              help="Rows of each SQL table to show; 'all' shows every row (paged when long).")
@click.pass_obj
def show(obj: Ctx, question: str, hints: bool, solution: bool, rows: str) -> None:
    """Show a drill: its prompt, and for SQL the tables with columns and a few rows."""
    from drills import render

    if rows != "all" and not (rows.isdigit() and int(rows) > 0):
        raise click.BadParameter("give a number of rows, or 'all'", param_hint="--rows")
    q = _question(obj, question)
    tables = kinds.of(q).tables(q, kinds.ALL_ROWS if rows == "all" else min(int(rows), kinds.ALL_ROWS))
    render.question(q, tables, hints, solution)


@cli.command()
@click.option("--kind", type=click.Choice(kinds.NAMES), default="sql", show_default=True)
@click.option("--topic", help="Folder and id prefix (default: sql, algorithms, probability or concepts by kind).")
@click.option("--id", "drill_id", metavar="ID", help="topic/slug, or just a slug.")
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path),
              help="The bank to write into (default: ./questions).")
@click.option("--edit/--no-edit", default=True, help="Open the new file in $EDITOR (default) or not.")
@click.pass_obj
def new(obj: Ctx, kind: str, topic: str | None, drill_id: str | None, target: Path | None, edit: bool) -> None:
    """Start a new drill from a template that explains every field."""
    from drills.scaffold import free_id, new_drill, resolve_id

    bank = target or Path("questions")
    if target is None and not bank.is_dir():
        raise click.UsageError("no ./questions folder here: run this in a clone of drill, or pass --dir BANK")
    loaded = obj.load()
    from drills.bank import load_bank

    taken = set(loaded.questions)
    if bank.is_dir():
        taken |= set(load_bank([bank], strict=False).questions)
    wanted = resolve_id(kind, topic, drill_id)
    if drill_id is None:
        wanted = free_id(wanted, taken)
    path = new_drill(bank, kind, wanted, taken)
    click.echo(f"wrote {path}")
    if edit:
        click.edit(filename=str(path))
    click.echo(f"next: fill in every TODO, then run: drill validate {path}")


def _text_of(file) -> str:
    """A file opened by click in binary mode, decoded (UTF-8, or as its byte-order mark says)."""
    from drills.textfile import decode

    return decode(file.read(), _name_of(file))


def _name_of(file) -> str:
    name = getattr(file, "name", None)
    return name if isinstance(name, str) and name != "<stdin>" else "standard input"


def _judge_with_notice(judge):
    """Say once, on stderr, when the sandbox runs with reduced isolation on this machine."""

    def judged(q, answer):
        verdict = judge(q, answer)
        if kinds.of(q).sandboxed:
            from drills.sandbox import isolation_notice

            notice = isolation_notice()
            if notice:
                click.echo(f"Note: {notice}", err=True)
        return verdict

    return judged


@cli.command()
@click.option("--restore", is_flag=False, flag_value="newest", default=None, metavar="[BACKUP]",
              help="Put the newest good backup (or BACKUP) in place of the progress store; the store is moved "
                   "aside, never deleted.")
@click.pass_obj
def doctor(obj: Ctx, restore: str | None) -> None:
    """Check the progress store and its backups, and which isolation layers the Python sandbox
    gets on this machine. Exits 1 when the store is damaged."""
    from drills import repair, sandbox

    path = obj.store_path()
    if restore is not None:
        _restore(path, None if restore == "newest" else Path(restore))
        return
    report = sandbox.doctor()
    width = max(len(name) for name in report)
    for name, layer in report.items():
        mark = "✓" if layer["active"] else "✗"
        click.echo(f"{mark} {name:<{width}}  {layer['detail']}")
    missing = [name for name, layer in report.items() if not layer["active"]]
    click.echo("all layers active" if not missing else f"reduced isolation: {', '.join(missing)} missing")
    if "sandbox" not in report:
        speed = sandbox.speed()
        click.echo(f"time limits: CPU time of the answer's own work; this machine takes {speed:.2f}x "
                   "the reference machine's time, and limits are scaled by it")
    health = repair.check(path)
    _store_health(health)
    if not health.ok:
        sys.exit(1)


def _store_health(health) -> None:
    from drills.render import plural

    if not health.path.exists():
        say(f"✓ progress store {health.path}: not created yet (the first answer creates it)")
    elif health.ok:
        counted = plural(health.reviews, "review") if health.reviews is not None else "reviews not counted"
        say(f"✓ progress store {health.path}: integrity ok, {counted}")
    else:
        say(f"✗ progress store {health.path}: damaged ({health.problem})")
    if health.not_utf8:
        say(f"✗ {plural(health.not_utf8, 'text value')} not valid UTF-8: shown with \N{REPLACEMENT CHARACTER} in "
            "place of the bad bytes (export keeps them so)")
    if health.backups:
        newest = health.backups[-1]
        say(f"✓ {plural(len(health.backups), 'daily backup')} in {newest.parent}, the newest {newest.name}")
    else:
        say("✗ no backups yet: one is made before the first save of each day")
    if not health.ok:
        say("Restore the newest good backup with `drill doctor --restore` (the damaged store is moved aside, never "
            "deleted), or a chosen one with `drill doctor --restore BACKUP`.")


def _restore(path: Path, backup: Path | None) -> None:
    from drills import repair
    from drills.render import plural

    done = repair.restore(path, backup)
    say(f"restored {done.backup} ({plural(done.reviews, 'review')}) as {path}")
    if done.aside is not None:
        say(f"the replaced store is kept as {done.aside}")
    if done.behind is None:
        say(f"the replaced store cannot be read, so how many reviews the backup lacks is unknown; the backup was "
            f"made on {done.made}")
    elif done.behind:
        say(f"the backup is {plural(done.behind, 'review')} behind: the replaced store had them and the backup "
            "does not")
    else:
        say("the backup lacks no review of the replaced store")


def _ui(obj: Ctx):
    from drills.ui import PlainUI, TerminalUI

    if sys.stdin.isatty() and sys.stdout.isatty():
        return TerminalUI(obj.store().home)
    return PlainUI(sys.stdin)


def _run_session(obj: Ctx, mode: str, build) -> None:
    from drills import cache
    from drills.clock import utc_now
    from drills.judge import judge
    from drills.session import Session

    questions = obj.load().questions
    store, settings = obj.store(), obj.settings()
    store.require_writable()
    queue, notes = build(questions, store, settings, utc_now())
    tables = kinds.table_reader(cache.folder("tables"))
    Session(questions, store, _ui(obj), settings, mode=mode, tables=tables,
            judge=_judge_with_notice(judge)).run(queue, notes)


@cli.command()
@click.option("--topic", multiple=True, help="Only this topic (repeatable; default: the `topics` setting, or all).")
@click.option("--tag", multiple=True, help="Only drills with this tag (repeatable).")
@click.pass_obj
def today(obj: Ctx, topic: tuple[str, ...], tag: tuple[str, ...]) -> None:
    """The day's session: due reviews first, then new drills. Every answer is saved at once.

    Without a terminal, answers come from standard input, each ended by a line '---';
    :hint, :run, :tables, :skip, :reveal and :quit work as the last line of an answer.
    """
    from drills.queue import build_today

    def build(questions, store, settings, now):
        from drills.forecast import header

        queue, notes = build_today(questions, store, settings, now, topic, tag)
        line = header(questions, store, settings, now)
        return queue, ([line] if line else []) + notes

    _run_session(obj, "today", build)


@cli.command()
@click.option("--topic", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", multiple=True, help="Only drills with this tag (repeatable).")
@click.option("--kind", multiple=True, type=click.Choice(kinds.NAMES))
@click.option("--count", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--seed", type=int, help="Repeatable order of the unseen drills.")
@click.pass_obj
def cram(obj: Ctx, topic, tag, kind, count: int, seed: int | None) -> None:
    """Practise beyond what is due: weakest drills first. Logged as cram; the schedule is untouched."""
    from drills.catalog import select
    from drills.queue import build_cram

    def build(questions, store, settings, now):
        chosen = {q.id: q for q in select(questions.values(), topic or settings.topics, tag, kind)}
        if not chosen:
            raise click.ClickException("no drills match those filters; see `drill list`")
        return build_cram(chosen, store, settings, now, count, seed), []

    _run_session(obj, "cram", build)


@cli.command()
@click.option("--minutes", default=30.0, show_default=True, type=click.FloatRange(1, 600), help="Length of the round.")
@click.option("--count", type=click.IntRange(1, 100), help="Exactly this many drills instead of fitting the minutes.")
@click.option("--topic", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", multiple=True, help="Only drills with this tag (repeatable).")
@click.option("--difficulty", multiple=True, type=click.Choice(["easy", "medium", "hard"]))
@click.option("--seed", type=int, help="Make the round repeatable.")
@click.option("--feedback", type=click.Choice(["end", "now"]), default="end", show_default=True,
              help="Verdicts at the end (as in an interview) or after each answer.")
@click.option("--resume", "resume", is_flag=False, flag_value="last", default=None, metavar="[ID]",
              help="Continue an interrupted round (the last one, or round ID) with the time it had left.")
@click.option("--history", is_flag=True, help="List past rounds, unfinished ones too.")
@click.option("--report", "report_id", type=int, metavar="ID", help="Show the report of round ID again.")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="With --report: write it as HTML.")
@click.pass_obj
def mock(obj: Ctx, minutes, count, topic, tag, difficulty, seed, feedback, resume, history, report_id, html) -> None:
    """A timed round like a technical screen, then a report of what to work on.

    Ctrl-C pauses the round; `drill mock --resume` continues it."""
    from drills import cache, render
    from drills import mock as rounds
    from drills.clock import iso, utc_now
    from drills.judge import judge
    from drills.report import RoundReport

    store = obj.store()
    if html and report_id is None:
        raise click.UsageError("--html goes with --report ID")
    if history:
        past = store.rounds.all()
        if not past:
            click.echo("no mock rounds yet: `drill mock` starts one")
        for r in past:
            rep = RoundReport.from_dict(r["report"]) if r["report"] is not None else None
            if rep is None:
                score = f"unfinished: drill mock --resume {r['id']}"
            elif not rep.answered:
                score = "ended with nothing answered"
            else:
                score = f"{rep.correct}/{rep.total} ({rep.score:g}%)"
            say(f"{r['id']:>4}  {r['started_at'][:16].replace('T', ' ')}  {r['minutes']:g} min  {score}")
        return
    if report_id is not None:
        row = store.rounds.get(report_id)
        if row is None or row["report"] is None:
            raise click.ClickException(f"no finished mock round {report_id}; see `drill mock --history`")
        report = RoundReport.from_dict(row["report"])
        if html:
            from drills.html import mock_page

            _write(html, mock_page(report))
            click.echo(f"wrote {html}")
        else:
            render.mock_report(render.console(), report)
        return
    store.require_writable()
    questions = obj.load().questions
    settings = obj.settings()
    unfinished = [r["id"] for r in store.rounds.all() if r["status"] == "running"]
    if resume is not None:
        if resume == "last":
            if not unfinished:
                raise click.ClickException("no interrupted mock round to resume; `drill mock` starts one")
            round_id = unfinished[-1]
        else:
            if not resume.isdigit() or int(resume) not in unfinished:
                known = ", ".join(map(str, unfinished)) or "none"
                raise click.ClickException(f"no interrupted mock round {resume}; unfinished rounds: {known}")
            round_id = int(resume)
        others = [str(i) for i in unfinished if i != round_id]
        if others:
            say(f"Note: also unfinished: round {', '.join(others)} (`drill mock --resume ID`).", err=True)
    else:
        if unfinished:
            say(f"Note: unfinished: round {', '.join(map(str, unfinished))}; `drill mock --resume "
                f"{unfinished[-1]}` continues it.", err=True)
        plan = rounds.plan_round(questions, store, settings, utc_now(), minutes, count, topic or settings.topics, tag,
                                 difficulty, seed)
        round_id = store.rounds.start(iso(utc_now()), minutes, plan,
                                     {"seed": seed, "feedback": feedback, "topic": topic, "tag": tag})
    ui = _ui(obj)
    runner = rounds.MockRound(questions, store, ui, settings, round_id, judge=_judge_with_notice(judge),
                              tables=kinds.table_reader(cache.folder("tables")))
    try:
        report = runner.run()
    except KeyboardInterrupt:
        click.echo(f"\nPaused round {round_id} with {render.clock(runner.left())} left; every answer is saved. "
                   f"Resume with `drill mock --resume {round_id}`.")
        return
    render.mock_report(render.console(), report)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The same figures as JSON, for scripts.")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Write them as a page with charts.")
@click.pass_obj
def stats(obj: Ctx, as_json: bool, html: Path | None) -> None:
    """Reviews per day, streak, retention, the due forecast, and how each topic and tag is going."""
    from drills import render
    from drills.clock import utc_now
    from drills.stats import compute, to_json

    figures = compute(obj.load().questions, obj.store(), obj.settings(), utc_now())
    if html:
        from drills.html import stats_page

        _write(html, stats_page(figures))
        click.echo(f"wrote {html}")
    elif as_json:
        click.echo(to_json(figures))
    else:
        render.stats(render.console(), figures)


def _write(path: Path, text: str) -> None:
    import os

    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


@cli.command()
@click.pass_obj
def due(obj: Ctx) -> None:
    """What is due today and on each of the next 7 days."""
    from drills.clock import utc_now
    from drills.daily import forecast
    from drills.queue import build_today

    questions = obj.load().questions
    store, settings = obj.store(), obj.settings()
    now = utc_now()
    queue, notes = build_today(questions, store, settings, now)
    click.echo(f"due now: {len(queue.due)} · new today: {len(queue.new)} · learning later today: "
               f"{len(queue.learning)}")
    for note in notes:
        say(note)
    for day, n in forecast(store, questions, settings, now):
        click.echo(f"  {day:%a %d %b}  {n}")


@cli.command()
@click.pass_obj
def undo(obj: Ctx) -> None:
    """Take back the last review: it is deleted and its drill's schedule restored."""
    from drills import scheduler as sched

    review = obj.store().history.undo_last()
    if review is None:
        raise click.ClickException("nothing to undo: no reviews yet")
    say(f"undid the {review.mode} review of {review.drill_id} at {review.reviewed_at[:16]} "
               f"(rated {sched.RATING_NAMES.get(review.rating, review.rating)})")


@cli.command()
@click.argument("drill_id")
@click.pass_obj
def suspend(obj: Ctx, drill_id: str) -> None:
    """Keep a drill out of sessions until unsuspended."""
    from drills.clock import iso, utc_now

    obj.load().get(drill_id) if drill_id not in obj.store().history.known_ids() else None
    changed = obj.store().history.suspend(drill_id, iso(utc_now()))
    say(f"suspended {drill_id}" if changed else f"{drill_id} was already suspended")


@cli.command()
@click.argument("drill_id")
@click.pass_obj
def unsuspend(obj: Ctx, drill_id: str) -> None:
    """Bring a suspended drill back."""
    if not obj.store().history.unsuspend(drill_id):
        raise click.ClickException(f"{drill_id} is not suspended")
    say(f"unsuspended {drill_id}")


@cli.command()
@click.argument("drill_id", required=False)
@click.option("--all", "everything", is_flag=True, help="Forget all progress.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def reset(obj: Ctx, drill_id: str | None, everything: bool, yes: bool) -> None:
    """Forget a drill's progress (its schedule and reviews), or everything with --all."""
    if bool(drill_id) == everything:
        raise click.UsageError("give a drill id or --all")
    what = "ALL progress" if everything else f"the progress of {drill_id}"
    if not yes:
        click.confirm(f"Forget {what}? `drill export FILE` first keeps a backup", abort=True)
    n = obj.store().history.reset(None if everything else drill_id)
    from drills.render import plural

    say(f"forgot {what} ({plural(n, 'review')})")


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export_(obj: Ctx, file: Path) -> None:
    """Write all progress to FILE as JSON (for backups and moving machines; '-' for stdout)."""
    import json

    from drills.store import transfer

    exported = transfer.export(obj.store())
    data = json.dumps(exported, ensure_ascii=False, indent=1)
    if str(file) == "-":
        click.echo(data)
        return
    _write(file, data)
    from drills.render import plural

    click.echo(f"exported {plural(len(exported['reviews']), 'review')} to {file}")


@cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.pass_obj
def import_(obj: Ctx, file) -> None:
    """Merge progress exported by `drill export`; a review already here is never added twice."""
    from drills import exports
    from drills.clock import utc_now
    from drills.days import cap_card
    from drills.errors import InputError
    from drills.render import plural
    from drills.store import transfer

    data = exports.read(_text_of(file), _name_of(file))
    settings, now = obj.settings(), utc_now()
    try:
        added, updated, rounds = transfer.merge(
            obj.store(), data, lambda card: cap_card(card, now, settings.rollover_hour, settings.interview_date))
    except InputError as exc:
        raise InputError(f"{_name_of(file)}: {exc}") from None
    rounds_added = f", added {plural(rounds, 'mock round')}" if rounds else ""
    click.echo(f"imported {plural(added, 'new review')}, updated {plural(updated, 'card')}{rounds_added}")


@cli.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help="Back to the default.")
@click.pass_obj
def config(obj: Ctx, key: str | None, value: str | None, unset: bool) -> None:
    """Show or change settings: desired-retention (90%), learning-steps and relearning-steps
    (1m 10m), new-per-day, reviews-per-day, rollover-hour (0-23), interview-date (YYYY-MM-DD),
    topics (the topics you drill: sql probability ...)."""
    from drills import scheduler as sched
    from drills.clock import utc_now

    store = obj.store()
    if key is None:
        settings = obj.settings()
        for k in sched.Settings.KEYS:
            say(f"{k} = {sched.show_setting(k, settings)}")
        say(f"parameters = {sched.show_parameters(settings)}")
        return
    if key not in sched.Settings.KEYS:
        raise click.UsageError(f"unknown setting '{key}'; settings: {', '.join(sched.Settings.KEYS)}")
    if unset:
        store.settings.set(key, None)
        say(f"{key} is back to its default: {sched.show_setting(key, obj.settings())}")
        return
    if value is None:
        say(sched.show_setting(key, obj.settings()))
        return
    today = sched.drill_day(utc_now(), obj.settings().rollover_hour)
    normal = sched.check_setting(key, value, today)
    questions = obj.load().questions if key in ("topics", "interview-date") else {}
    if key == "topics":
        known = sorted({q.topic for q in questions.values()})
        unknown = [t for t in normal.split() if t not in known]
        if unknown:
            raise click.ClickException(f"no drills in topic {', '.join(unknown)}; topics: {', '.join(known)}")
    store.settings.set(key, normal)
    settings = obj.settings()
    say(f"{key} = {sched.show_setting(key, settings)}")
    if key == "interview-date":
        from drills.queue import in_scope

        scope = in_scope(questions, settings.topics)
        cards, suspended = store.history.cards(), store.history.suspended()
        unseen = sum(1 for d in scope if d not in cards and d not in suspended)
        for text in sched.interview_plan(settings, unseen, sum(1 for d in scope if d in cards), today):
            say(text)


@cli.command()
@click.option("--yes", is_flag=True, help="Apply a better fit without asking.")
@click.option("--retention", is_flag=True,
              help="Show minutes a day against desired retention for your bank and interview date instead.")
@click.option("--reset", is_flag=True, help="Go back to the default parameters.")
@click.pass_obj
def optimize(obj: Ctx, yes: bool, retention: bool, reset: bool) -> None:
    """Fit the scheduler's memory model to your own reviews.

    Reports how well the parameters in use and the fitted ones predict your later reviews (log
    loss and RMSE on a time-series split) and applies the fit only when it is better and you
    confirm. Cram reviews are left out; mock rounds count.
    """
    from drills import optimizer, render
    from drills import scheduler as sched
    from drills.clock import iso, utc_now

    store, settings = obj.store(), obj.settings()
    if reset + retention > 1:
        raise click.UsageError("give one of --retention and --reset")
    if reset:
        if settings.parameters is None:
            click.echo("the default parameters are already in use")
            return
        store.fits.save(iso(utc_now()), None, 0, {})
        click.echo("the default parameters are in use again")
        return
    if retention:
        from drills.forecast import retention_curve

        render.retention_curve(render.console(), retention_curve(obj.load().questions, store, settings, utc_now()),
                               settings)
        return
    try:
        fit = optimizer.fit(optimizer.log_of(store, settings.rollover_hour), sched.parameters_in_use(settings))
    except optimizer.NotEnoughReviews as exc:
        say(f"Not fitted: {exc}")
        return
    render.fit_report(render.console(), fit, settings)
    if not fit.better:
        click.echo("The parameters in use predict your reviews as well or better; nothing changed.")
        return
    if not yes and not click.confirm("Use the fitted parameters from now on?", default=False):
        click.echo("Nothing changed.")
        return
    store.fits.save(iso(utc_now()), list(fit.parameters), fit.reviews, fit.figures())
    click.echo("The fitted parameters are in use (`drill config` shows them; `drill optimize --reset` goes back).")


@cli.command()
@click.option("--topic", multiple=True, help="Only this topic (repeatable; default: the `topics` setting, or all).")
@click.option("--minutes", type=click.FloatRange(1, 1440),
              help="Minutes a day you have (default: what you practised a day over the last week).")
@click.option("--json", "as_json", is_flag=True, help="The same figures as JSON, for scripts.")
@click.pass_obj
def plan(obj: Ctx, topic: tuple[str, ...], minutes: float | None, as_json: bool) -> None:
    """Recall on the interview day per topic and tag, the minutes a day it takes, and what to
    leave out if the time is not there."""
    from drills import forecast, render
    from drills.clock import utc_now

    figures = forecast.plan(obj.load().questions, obj.store(), obj.settings(), utc_now(), topic, minutes)
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps(dataclasses.asdict(figures), indent=2, default=str))
    else:
        render.plan(render.console(), figures)


@cli.command()
@click.pass_obj
def orphans(obj: Ctx) -> None:
    """Progress kept for drills no longer in any bank (renamed or removed)."""
    gone = sorted(obj.store().history.known_ids() - set(obj.load().questions))
    for drill_id in gone:
        say(drill_id)
    if not gone:
        click.echo("no orphans: every drill with progress is in a bank")


@cli.command()
@click.pass_obj
def leeches(obj: Ctx) -> None:
    """Drills failed 8 times or more: rewrite your notes on them, or suspend them."""
    from drills.scheduler import LEECH_THRESHOLD

    questions = obj.load().questions
    found = sorted(((n, d) for d, n in obj.store().history.failures().items() if n >= LEECH_THRESHOLD), reverse=True)
    for n, d in found:
        title = questions[d].title if d in questions else "(no longer in the bank)"
        say(f"{d}  failed {n} times  {title}")
    if not found:
        click.echo("no leeches")


def main() -> None:
    """The console script. Ctrl-C after the work is done (while the summary prints, workers stop
    and the terminal is given back) has nothing left to stop: it ends nothing and prints nothing."""
    import logging
    import signal
    import warnings

    # a Ctrl-C inside the editor's event loop shutdown leaves this coroutine behind; it is harmless
    warnings.filterwarnings("ignore", message="coroutine '.*shutdown_default_executor' was never awaited",
                            category=RuntimeWarning)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    DrillGroup.done_ignores_ctrl_c = True
    try:
        cli(prog_name="drill")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
