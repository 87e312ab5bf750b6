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
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(obj: Ctx, paths: tuple[Path, ...], as_json: bool) -> None:
    """Prove drills: schema, unique ids, reference correct, wrong answers rejected.

    PATHS default to every bank in use. One line per problem as path:line: message.
    """
    from drills import render
    from drills.validate import validate_paths

    banks = obj.dirs()
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


def main() -> None:
    cli(prog_name="drill")


if __name__ == "__main__":
    main()
