"""At 60 columns every line fits and no word is broken: titles, prompts, legend, verdicts, stats."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner

from drills.cli import cli

from .conftest import FIXTURE_BANK, write
from .terminal import Terminal
from .test_cli_today import answers

LONG = """id: probability/long-winded
kind: numeric
title: A deliberately long-winded title about conditional probabilities and urns
topic: probability
difficulty: easy
time_target: 30
prompt: |
  An urn holds **three** red and two blue balls; two are drawn without replacement, and
  the question is about the probability that both are red, written as a fraction.
solution: 3/10
hints: ["Multiply the probability of a first red draw by that of a second red draw given the first."]
explanation: |
  The first draw is red with probability 3/5; given that, the second is red with
  probability 2/4. Multiplying gives 6/20, which is 3/10 in lowest terms.
see_also: [https://en.wikipedia.org/wiki/Hypergeometric_distribution]
wrong_answers:
  - {answer: 9/25, why: with replacement}
"""


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z-]{5,}", text))


def test_sixty_columns_fit_and_keep_words_whole(tmp_path):
    bank = tmp_path / "bank"
    write(bank / "probability" / "long-winded.yaml", LONG)
    home = tmp_path / "home"
    env = {"COLUMNS": "60"}
    runner = CliRunner()
    base = ["--home", str(home), "--no-builtin", "--bank", str(bank), "--bank", str(FIXTURE_BANK)]
    outputs = [runner.invoke(cli, [*base, "cram", "--topic", "probability"], env=env,
                             input=answers(":hint", "9/25", ":quit")).output,
               runner.invoke(cli, [*base, "stats"], env=env).output,
               runner.invoke(cli, [*base, "list"], env=env).output,
               runner.invoke(cli, [*base, "show", "probability/long-winded", "--solution", "--hints"],
                             env=env).output]
    for out in outputs:
        for text_line in out.splitlines():
            if "https://" not in text_line:  # a link is one word: the terminal wraps it, copyable
                assert len(text_line.rstrip()) <= 60, text_line
    seen = words_of("\n".join(outputs))
    doc = yaml.safe_load(LONG)
    written = words_of(" ".join([doc["title"], doc["prompt"], doc["explanation"], *doc["hints"]]))
    assert written <= seen, written - seen


def test_the_editor_legend_wraps_between_words_in_a_60_column_terminal(tmp_path):
    with Terminal(tmp_path, FIXTURE_BANK, "today", columns=60) as term:
        term.read_until(b"COUNT and NULL")
        term.read_until(b"submits)")
        text = term.text()
        legend = [x for x in text.replace("\r", "").splitlines() if "Ctrl-X" in x or "submits)" in x]
        assert all(len(x) <= 60 for x in legend), legend
        assert "(leaving it submits)" in re.sub(r" *\r\n", " ", text)
        assert term.quit(b":quit\x1b\r") == 0
