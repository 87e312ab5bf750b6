"""Property tests: random bank files and hostile drill text never produce a traceback, and no
control sequence from a drill reaches the terminal. (Random import files: test_cli_import.py.)"""

from __future__ import annotations

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.cli import cli

from .test_cli_today import answers

NUMERIC = {
    "id": "probability/fuzzed", "kind": "numeric", "title": "t", "topic": "probability", "difficulty": "easy",
    "time_target": 30, "prompt": "p", "solution": "1/6", "hints": ["h"], "explanation": "e",
    "see_also": ["https://example.org"], "wrong_answers": [{"answer": "1/11", "why": "w"}],
}
HOSTILE = st.sampled_from(["[/]", "[bold]", "[link=x]", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]8;;http://x\x1b\\",
                           "\x9b31m", "\u202e", "\r", "\x08", "`", "**", "# ", "\n- ", "<script>", "\x00", "\t"])
TEXT = st.lists(HOSTILE | st.text(max_size=8), min_size=1, max_size=8).map("".join)
FRAGMENTS = st.sampled_from([
    "id: probability/fuzzed\n", "kind: numeric\n", "a: &x [1, 2]\n", "b: *x\n", "c: &y [*y]\n", "- *z\n",
    "title: !!python/object:os.system x\n", "n: " + "9" * 5000 + "\n", "d: " + "[" * 300 + "]" * 300 + "\n",
    "e: {a: 1, a: 2}\n", "? [1, 2]\n: x\n", "f: 2024-01-01\n", "\t- bad\n", '"unterminated\n', "%YAML 1.1\n---\n",
    "g: !!binary aGk=\n", "...\n", "---\n", "h: \"\\e[2J\"\n",
])


def run(bank, home, *args, input=None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(bank), *args], input=input)


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(FRAGMENTS | st.text(max_size=30), max_size=8).map("".join), st.binary(max_size=60))
def test_random_bank_files_never_cause_a_traceback(tmp_path_factory, text, raw):
    bank = tmp_path_factory.mktemp("bank")
    (bank / "probability").mkdir()
    (bank / "probability" / "fuzzed.yaml").write_text(text, encoding="utf-8")
    (bank / "probability" / "raw.yaml").write_bytes(raw)
    (bank / "probability" / "good.yaml").write_text(yaml.safe_dump({**NUMERIC, "id": "probability/good"}),
                                                    encoding="utf-8")
    home = tmp_path_factory.mktemp("home")
    for args, given_input in ((["list"], None), (["show", "probability/fuzzed"], None),
                              (["today"], answers(":quit")), (["due"], None)):
        result = run(bank, home, *args, input=given_input)
        no_traceback(result)
        assert result.exit_code in (0, 1, 2), result.output
    assert "probability/good" in run(bank, home, "list").output  # the good file is never lost


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, prompt=TEXT, hint=TEXT, explanation=TEXT, link=TEXT)
def test_markup_and_control_characters_in_a_drill_are_data(tmp_path_factory, title, prompt, hint, explanation,
                                                           link):
    drill = {**NUMERIC, "title": title[:100] if title.strip() else "t", "prompt": prompt if prompt.strip() else "p",
             "hints": [hint or "h"], "explanation": explanation if explanation.strip() else "e", "see_also": [link]}
    bank = tmp_path_factory.mktemp("bank")
    (bank / "probability").mkdir()
    (bank / "probability" / "fuzzed.yaml").write_text(yaml.safe_dump(drill, allow_unicode=True), encoding="utf-8")
    home = tmp_path_factory.mktemp("home")
    for args, given_input in ((["list"], None), (["show", "probability/fuzzed", "--hints", "--solution"], None),
                              (["today"], answers(":hint", "1/11", ":quit"))):
        result = run(bank, home, *args, input=given_input)
        no_traceback(result)
        out = result.output
        assert not any(c in out for c in "\x1b\x07\x9b\x00\x08\r\u202e"), (args, out)
