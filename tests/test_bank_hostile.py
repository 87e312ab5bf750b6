"""Hostile and broken bank files: refused with file:line, never a hang, never a secret printed,
and one broken file in an extra bank does not stop `today`, `mock` or `list`."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from click.testing import CliRunner

from drills.bank import MAX_FILE_BYTES, load_bank, load_file
from drills.cli import cli
from drills.errors import BankError

from .conftest import FIXTURE_BANK, write

GOOD = (FIXTURE_BANK / "probability" / "two-dice-seven.yaml").read_text()
LAUGHS = """id: probability/x
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def drill(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.mark.parametrize("text, line", [
    (LAUGHS, 3),                                   # a "billion laughs" file
    ("id: probability/x\nloop: &a [*a]\n", 2),     # an alias that contains itself
    ("id: probability/x\ntags: &t [a]\nhints: *t\n", 3),
    ("id: probability/x\na: &a [1, 2]\n? *a\n: x\n", 3),       # an alias as a key
    ("id: probability/x\nhints:\n  - &h x\n  - *h\n", 4),        # in a block sequence
])
def test_aliases_are_refused_at_their_line_at_once(tmp_path, text, line):
    path = write(tmp_path / "probability" / "x.yaml", text)
    start = time.monotonic()
    with pytest.raises(BankError) as info:
        load_file(path, tmp_path)
    assert time.monotonic() - start < 2
    assert info.value.line == line
    assert "is a YAML alias; drill files may not use aliases" in info.value.message


def test_a_bank_settings_file_with_aliases_is_refused_too(tmp_path):
    write(tmp_path / "_bank.yaml", LAUGHS.replace("id: probability/x\n", "format_version: 1\n"))
    write(tmp_path / "probability" / "two-dice-seven.yaml", GOOD)
    bank = load_bank([tmp_path], strict=False)
    assert "cannot read the bank settings" in bank.errors[0].message
    assert bank.errors[0].line == 3


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "probability" / "big.yaml"
    path.parent.mkdir()
    with open(path, "wb") as f:
        f.truncate(50 * 1024**3)  # sparse: reading it would take minutes and all memory
    bank = load_bank([tmp_path], strict=False)
    assert [e.message for e in bank.errors] == [f"file is larger than {MAX_FILE_BYTES // 1000} kB; a drill "
                                                "should be small"]


def test_a_link_out_of_the_bank_is_refused_without_reading_its_target(tmp_path):
    secret = write(tmp_path / "secret.txt", "TOPSECRET-PASSWORD\n")
    bank = tmp_path / "bank"
    write(bank / "probability" / "two-dice-seven.yaml", GOOD)
    (bank / "probability" / "leak.yaml").symlink_to(secret)
    (bank / "probability" / "inside.yaml").symlink_to(bank / "probability" / "two-dice-seven.yaml")
    os.mkfifo(bank / "probability" / "pipe.yaml")  # opening it would block for ever
    result = drill("--home", str(tmp_path / "home"), "--no-builtin", "--bank", str(bank), "list")
    assert result.exit_code == 0
    assert "TOPSECRET" not in result.output and "TOPSECRET" not in result.stderr
    assert f"{bank / 'probability' / 'leak.yaml'}:1: is a symbolic link to a file outside the bank" in result.stderr
    assert f"{bank / 'probability' / 'pipe.yaml'}:1: is not a regular file" in result.stderr
    # a link that stays in the bank is read like any other file (here: the same drill twice)
    assert "duplicate id 'probability/two-dice-seven'" in result.stderr


def test_one_broken_file_in_an_extra_bank_is_reported_and_left_out(tmp_path):
    extra = tmp_path / "extra"
    shutil.copytree(FIXTURE_BANK, extra)
    write(extra / "probability" / "broken.yaml", "id: probability/broken\nkind: [\n")
    write(extra / "probability" / "laughs.yaml", LAUGHS)
    home = tmp_path / "home"
    base = ["--home", str(home), "--no-builtin", "--bank", str(extra)]
    listed = drill(*base, "list")
    assert listed.exit_code == 0
    assert "sql/top-earner" in listed.output and "4 drills" in listed.output
    assert f"Warning: left out: {extra / 'probability' / 'broken.yaml'}:3: invalid YAML" in listed.stderr
    assert "Warning: `drill validate` says what to fix" in listed.stderr
    today = drill(*base, "today", input="x\n---\ngood\n---\n:quit\n---\n")
    assert today.exit_code == 0, today.output
    assert "Rated good" in today.output
    mock = drill(*base, "mock", "--count", "1", "--topic", "probability", input="1/6\n---\n")
    assert mock.exit_code == 0, mock.output
    assert "Score: 1/1" in mock.output
    validate = drill(*base, "validate", str(extra))
    assert validate.exit_code == 1
    assert "probability/broken.yaml:3: invalid YAML" in validate.output
    assert "probability/laughs.yaml:3: '*a' is a YAML alias" in validate.output


RUNNING_TOTAL = (FIXTURE_BANK / "sql" / "running-total.yaml").read_text()


@pytest.mark.parametrize("loader, depth", [("libyaml", 60), ("libyaml", 998), ("libyaml", 5000), ("python", 60),
                                           ("python", 400)])  # the pure-Python parser is slow when deep
def test_deep_nesting_is_refused_at_its_line_by_either_parser(tmp_path, monkeypatch, loader, depth):
    import yaml

    from drills import bank

    if loader == "python":
        monkeypatch.setattr(bank, "_loader_class", lambda: yaml.SafeLoader)
    path = write(tmp_path / "probability" / "x.yaml",
                 GOOD.replace("two-dice-seven", "x") + "extra: " + "[" * depth + "a" + "]" * depth + "\n")
    with pytest.raises(BankError) as info:
        load_file(path, tmp_path)
    assert info.value.line == GOOD.count("\n") + 1
    assert "nest" in info.value.message


@pytest.mark.parametrize("name, text, line, message", [
    ("deep", GOOD + "extra: " + "[" * 1000 + "]" * 1000 + "\n", 16, "nest"),
    ("bell", GOOD.replace("title: Sum of seven", "title: Sum \x07of seven"), 3, "control characters"),
    ("escape", GOOD + "\x1b[2J\n", 16, "control characters"),
    ("nan", RUNNING_TOTAL.replace("time_limit: 2", "time_limit: .nan"), 27, "'time_limit' must be a number, not nan"),
    ("big", GOOD + "#" + "x" * MAX_FILE_BYTES + "\n", 1, "file is larger than"),
])
def test_every_loader_error_names_file_and_line_in_validate_list_and_today(tmp_path, name, text, line, message):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    topic = "sql" if name == "nan" else "probability"
    path = write(bank / topic / f"{name}.yaml", text.replace("two-dice-seven", name).replace("running-total", name))
    home = str(tmp_path / "home")
    checked = drill("--home", home, "--no-builtin", "--bank", str(bank), "validate", str(path))
    assert checked.exit_code == 1
    assert f"{path}:{line}: " in checked.output and message in checked.output, checked.output
    for args in (["list"], ["today"]):
        result = drill("--home", home, "--no-builtin", "--bank", str(bank), *args, input=":quit\n---\n")
        assert result.exit_code == 0, result.output
        assert f"Warning: left out: {path}:{line}: " in result.stderr
        assert "Traceback" not in result.output


def test_a_numeric_solution_past_any_float_is_judged_not_crashed(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    path = write(bank / "probability" / "huge.yaml",
                 GOOD.replace("two-dice-seven", "huge").replace("solution: 1/6", "solution: 10**400"))
    result = drill("--home", str(tmp_path / "home"), "--no-builtin", "--bank", str(bank), "validate", str(path))
    assert result.exit_code == 0, result.output
    checked = drill("--home", str(tmp_path / "home"), "--no-builtin", "--bank", str(bank), "check",
                    "probability/huge", "-a", "-", input="1e399\n")
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert drill("--home", str(tmp_path / "home"), "--no-builtin", "--bank", str(bank), "check", "probability/huge",
                 "-a", "-", input="1e400\n").exit_code == 0
