"""The `drill` command: parse arguments, call one core function, render the result."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from drills import __version__


class BankProblem(click.ClickException):
    """A broken drill file: exits 2, like a usage error, so `check` keeps 1 for 'not correct'."""

    exit_code = 2


class Ctx:
    def __init__(self, banks: tuple[str, ...]):
        self.banks = banks

    def dirs(self) -> list[Path]:
        from drills.bank import bank_dirs

        return bank_dirs(self.banks)

    def load(self):
        from drills.bank import load_bank
        from drills.errors import BankError

        try:
            return load_bank(self.dirs())
        except BankError as exc:
            raise BankProblem(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="drill")
@click.option("--bank", "banks", multiple=True, metavar="DIR", type=click.Path(file_okay=False),
              help="Add a directory of drills (repeatable; also DRILL_BANK, ':'-separated).")
@click.pass_context
def cli(ctx: click.Context, banks: tuple[str, ...]) -> None:
    """Interview drills with honest judges and spaced repetition."""
    ctx.obj = Ctx(banks)


def _question(obj: Ctx, key: str):
    """A drill by id, or by path to its file (which need not be in a bank)."""
    from drills.bank import bank_root, load_file
    from drills.errors import BankError

    try:
        path = Path(key)
        if path.suffix in (".yaml", ".yml") and path.is_file():
            root = bank_root(path.parent)
            try:
                return load_file(path, root)
            except BankError:
                return load_file(path, None)
        return obj.load().get(key)
    except BankError as exc:
        raise BankProblem(str(exc)) from None


@cli.command()
@click.argument("question")
@click.option("--answer-file", "-a", type=click.File("r", encoding="utf-8"), required=True,
              help="File holding the answer; '-' reads standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def check(obj: Ctx, question: str, answer_file, as_json: bool) -> None:
    """Judge an answer to QUESTION (an id or a drill file). Exit 0 if correct, 1 if not."""
    from drills import render
    from drills.errors import BankError, DrillError
    from drills.judge import judge

    q = _question(obj, question)
    answer = answer_file.read()
    try:
        v = judge(q, answer)
    except BankError as exc:
        raise BankProblem(str(exc)) from None
    except DrillError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(render.verdict_json(q, v))
    else:
        render.verdict(q, v)
    sys.exit(0 if v.correct else 1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--changed", is_flag=True, help="Only the drills added or changed since --base (git).")
@click.option("--base", metavar="REF", help="Git ref to compare with for --changed (default: main).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(obj: Ctx, paths: tuple[Path, ...], changed: bool, base: str | None, as_json: bool) -> None:
    """Prove drills: schema, unique ids, reference correct, wrong answers rejected.

    PATHS default to every bank in use. One line per problem as path:line: message;
    near-duplicate drills are reported as warnings.
    """
    from drills import render
    from drills.errors import DrillError
    from drills.validate import drill_paths, validate_paths

    banks = obj.dirs()
    if base and not changed:
        raise click.UsageError("--base goes with --changed")
    if changed:
        from drills.changes import changed_files

        try:
            files = changed_files(base)
        except DrillError as exc:
            raise click.ClickException(str(exc)) from None
        paths = tuple(drill_paths(files, [*banks, *paths]))
        if not paths:
            if not as_json:
                click.echo("no drill files changed")
            else:
                click.echo('{"checked": 0, "ok": true, "problems": [], "warnings": []}')
            return
    report = validate_paths(paths or banks, context=banks)
    render.report(report, as_json)
    sys.exit(0 if report.ok else 1)


@cli.command("list")
@click.option("--topic", multiple=True, help="Only this topic (repeatable).")
@click.option("--tag", multiple=True, help="Only drills with this tag (repeatable).")
@click.option("--kind", multiple=True, type=click.Choice(["sql", "python", "numeric", "recall"]))
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
@click.pass_obj
def show(obj: Ctx, question: str, hints: bool, solution: bool) -> None:
    """Show a drill: its prompt, and for SQL the tables with columns and a few rows."""
    from drills import render
    from drills.errors import BankError

    q = _question(obj, question)
    tables = None
    if q.kind == "sql":
        from drills.judge.sql import describe_tables

        try:
            tables = describe_tables(q)
        except BankError as exc:
            raise BankProblem(str(exc)) from None
    render.question(q, tables, hints, solution)


@cli.command()
@click.option("--kind", type=click.Choice(["sql", "python", "numeric", "recall"]), default="sql", show_default=True)
@click.option("--topic", help="Folder and id prefix (default: sql, algorithms, probability or concepts by kind).")
@click.option("--id", "drill_id", metavar="ID", help="topic/slug, or just a slug.")
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path),
              help="The bank to write into (default: ./questions).")
@click.option("--edit/--no-edit", default=True, help="Open the new file in $EDITOR (default) or not.")
@click.pass_obj
def new(obj: Ctx, kind: str, topic: str | None, drill_id: str | None, target: Path | None, edit: bool) -> None:
    """Start a new drill from a template that explains every field."""
    from drills.errors import DrillError
    from drills.scaffold import free_id, new_drill, resolve_id

    bank = target or Path("questions")
    if target is None and not bank.is_dir():
        raise click.UsageError("no ./questions folder here: run this in a clone of drill, or pass --dir BANK")
    loaded = obj.load()
    from drills.bank import load_bank

    taken = set(loaded.questions)
    if bank.is_dir():
        taken |= set(load_bank([bank], strict=False).questions)
    try:
        wanted = resolve_id(kind, topic, drill_id)
        if drill_id is None:
            wanted = free_id(wanted, taken)
        path = new_drill(bank, kind, wanted, taken)
    except DrillError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {path}")
    if edit:
        click.edit(filename=str(path))
    click.echo(f"next: fill in every TODO, then run: drill validate {path}")


def main() -> None:
    cli(prog_name="drill")


if __name__ == "__main__":
    main()
