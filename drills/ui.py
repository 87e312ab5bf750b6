"""The two ways a session talks to a person: a terminal with an editor, or plain text on pipes.

Without a terminal, answers are read from standard input, each ended by a line holding
only `---`; a command (`:hint`, `:run`, `:tables`, `:skip`, `:reveal`, `:quit`) on the last
line of a block works as in the editor; output has no colour.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from drills import commands, kinds, render
from drills import scheduler as sched
from drills.model import Question
from drills.queue import Progress
from drills.session import Result, Summary

END_OF_ANSWER = "---"


class PlainUI:
    def __init__(self, stdin: TextIO | None = None, console=None):
        self.stdin = stdin or sys.stdin
        self.out = console or render.console()

    def notice(self, text: str) -> None:
        self.out.print(render.plain(text))

    def show_question(self, q: Question, tables: list | None, progress: Progress, leech: bool) -> None:
        render.session_question(self.out, q, tables, progress, leech)
        self.out.print(render.plain(f"Answer below; end it with a line '{END_OF_ANSWER}'. Or a last line of "
                                    f"{render.command_names(q, commands.SESSION)}."))

    def _block(self) -> str | None:
        lines: list[str] = []
        for line in self.stdin:
            if line.rstrip("\r\n").strip() == END_OF_ANSWER:
                return "".join(lines)
            lines.append(line)
        return "".join(lines) if lines else None

    def read_answer(self, q: Question, draft: str | None = None) -> str | None:
        return self._block()

    def show_run(self, q: Question, result) -> None:
        render.run_result(self.out, q, result)

    def show_tables(self, q: Question, tables: list) -> None:
        render.tables(self.out, tables)

    def show_hint(self, q: Question, number: int, hint: str | None) -> None:
        render.hint(self.out, number, hint)

    def show_result(self, q: Question, result: Result) -> None:
        render.session_result(self.out, q, result)

    def ask_rating(self, q: Question, result: Result) -> int | str | None:
        if not result.self_rated:
            return None  # ratings come from the verdict; a terminal can change them
        self.out.print("Rate yourself: again, hard, good or easy (1-4), then a line '---'.")
        text = self._block()
        if text is None:
            return "quit"
        return parse_rating(text) or sched.GOOD

    def show_summary(self, summary: Summary) -> None:
        render.summary(self.out, summary)


    # mock rounds
    def mock_overview(self, questions: list[Question], minutes: float, left_s: float, resumed: bool,
                      feedback: bool = False) -> None:
        render.mock_overview(self.out, questions, minutes, left_s, resumed, feedback)
        self.out.print(f"End each answer with a line '{END_OF_ANSWER}'. :skip moves on, :goto N revisits "
                       "drill N, :quit ends the round early.")

    def mock_question(self, q: Question, tables: list | None, index: int, total: int, left_s: float,
                      previous: str | None) -> None:
        render.mock_question(self.out, q, tables, index, total, left_s, previous)

    def mock_answer(self, q: Question, previous: str | None, seconds_left) -> str | None:
        return self._block()

    def mock_confirm_quit(self) -> bool:
        self.out.print("End the round now? The report covers the drills you answered. yes or no, then '---'.")
        text = self._block()
        return text is None or text.strip().lower() in ("y", "yes")

    def mock_all_answered(self, left_s: float) -> int | str | None:
        self.out.print(f"Every drill has an answer; {render.clock(left_s)} left. ':goto N' revises drill N, "
                       "':done' (or an empty answer) ends the round.")
        text = self._block()
        if text is None:
            return None
        word = text.strip().lower()
        if word.startswith(":goto"):
            try:
                return int(word.split()[1])
            except (IndexError, ValueError):
                return "done"
        return "quit" if word == ":quit" else "done"

    def mock_feedback(self, q: Question, verdict) -> None:
        render.mock_feedback(self.out, q, verdict)


def _keys(kind: str):
    """Enter submits a one-line answer or a command typed as the last line (elsewhere it starts
    a new line); Ctrl-R runs the answer without submitting it."""
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @Condition
    def enter_submits() -> bool:
        buffer = get_app().current_buffer
        return commands.submits_on_enter(buffer.text, buffer.document.current_line, kind, commands.MOCK)

    @keys.add("enter", filter=enter_submits)
    def _submit(event) -> None:
        event.current_buffer.validate_and_handle()

    @keys.add("c-r")
    def _run(event) -> None:
        event.app.exit(result=event.current_buffer.text.rstrip() + "\n:run")

    return keys


def parse_rating(text: str) -> int | None:
    word = text.strip().lower()
    if word in ("1", "2", "3", "4"):
        return int(word)
    return sched.RATING_BY_NAME.get(word) or next(
        (v for k, v in sched.RATING_BY_NAME.items() if word and k.startswith(word)), None)


class TerminalUI(PlainUI):
    """A multi-line editor with highlighting and history; Esc Enter submits."""

    def __init__(self, home: Path):
        super().__init__()
        self.home = home
        self._sessions: dict[str, object] = {}

    def _prompt(self, kind: str):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        if kind not in self._sessions:
            lexer = None
            language = kinds.get(kind).lexer
            if language:
                from prompt_toolkit.lexers import PygmentsLexer
                from pygments.lexers import get_lexer_by_name

                lexer = PygmentsLexer(type(get_lexer_by_name(language)))
            self.home.mkdir(parents=True, exist_ok=True)
            self._sessions[kind] = PromptSession(
                history=FileHistory(str(self.home / f"history-{kind}")), lexer=lexer, multiline=True,
                enable_open_in_editor=True, key_bindings=_keys(kind),
            )
        return self._sessions[kind]

    def show_question(self, q: Question, tables: list | None, progress: Progress, leech: bool) -> None:
        render.session_question(self.out, q, tables, progress, leech)
        render.legend(self.out, q, commands.SESSION)

    def read_answer(self, q: Question, draft: str | None = None) -> str | None:
        default = draft if draft is not None else kinds.of(q).starter(q)
        try:
            return self._prompt(q.kind).prompt("› ", default=default)
        except EOFError:
            return None

    def show_tables(self, q: Question, tables: list) -> None:
        render.tables(self.out, tables)

    def mock_overview(self, questions: list[Question], minutes: float, left_s: float, resumed: bool,
                      feedback: bool = False) -> None:
        render.mock_overview(self.out, questions, minutes, left_s, resumed, feedback)

    def mock_question(self, q: Question, tables: list | None, index: int, total: int, left_s: float,
                      previous: str | None) -> None:
        super().mock_question(q, tables, index, total, left_s, previous)
        render.legend(self.out, q, commands.MOCK)

    def mock_answer(self, q: Question, previous: str | None, seconds_left) -> str | None:
        """The editor, with a countdown; when time runs out, what was typed so far is the answer."""
        import threading

        from prompt_toolkit.application.current import get_app_or_none

        session = self._prompt(q.kind)
        default = previous if previous is not None else kinds.of(q).starter(q)

        def expire() -> None:
            app = get_app_or_none() or session.app
            if app.is_running and app.loop is not None:
                app.loop.call_soon_threadsafe(lambda: app.exit(result=app.current_buffer.text))

        timer = threading.Timer(max(0.0, seconds_left()), expire)
        timer.daemon = True
        timer.start()
        try:
            return session.prompt("› ", default=default, refresh_interval=1.0,
                                  bottom_toolbar=lambda: f" {render.clock(seconds_left())} left ")
        except EOFError:
            return None
        finally:
            timer.cancel()

    def mock_confirm_quit(self) -> bool:
        from prompt_toolkit.shortcuts import confirm

        try:
            return confirm("End the round now? The report covers the drills you answered.")
        except (EOFError, KeyboardInterrupt):
            return True

    def mock_all_answered(self, left_s: float) -> int | str | None:
        from prompt_toolkit import prompt

        try:
            text = prompt(f"Every drill has an answer ({render.clock(left_s)} left). Enter ends the round; "
                          "a number revises that drill: ")
        except (EOFError, KeyboardInterrupt):
            return None
        return int(text) if text.strip().isdigit() else "done"

    def ask_rating(self, q: Question, result: Result) -> int | str | None:
        from prompt_toolkit import prompt

        if result.self_rated:
            question = "Rate yourself: 1 again · 2 hard · 3 good · 4 easy (Enter = good, q = quit) "
        elif result.mode == "cram":
            question = "Enter: next · q: quit "  # practice: there is no schedule to rate for
        else:
            question = f"Enter: next · 1-4 to rate otherwise (now {sched.RATING_NAMES[result.rating]}) · q: quit "
        while True:
            try:
                text = prompt(question)
            except (EOFError, KeyboardInterrupt):
                return "quit"
            if text.strip().lower() in ("q", ":quit", "quit"):
                return "quit"
            if not text.strip():
                return sched.GOOD if result.self_rated else None
            if result.mode == "cram" and not result.self_rated:
                continue
            rating = parse_rating(text)
            if rating:
                return rating
