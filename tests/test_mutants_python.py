from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli import cli
from drills.errors import DrillError
from drills.model import Question
from drills.mutants import diff, mutants_for
from drills.mutants.python import baseline

BANK = Path(__file__).parent / "fixtures" / "python-mutants"


def question(solution: str) -> Question:
    return Question(id="algorithms/x", kind="python", title="X", topic="algorithms", prompt="X.",
                    solution=solution, function="f")


def sources(solution: str, operator: str) -> list[str]:
    return [m.source for m in mutants_for(question(solution)) if m.operator == operator]


@pytest.mark.parametrize("operator, reference, fragment", [
    ("lt->le", "def f(a, b):\n    return a < b\n", "return a <= b"),
    ("lt->gt", "def f(a, b):\n    return a < b\n", "return a > b"),
    ("le->lt", "def f(a, b):\n    return a <= b\n", "return a < b"),
    ("ge->gt", "def f(a, b):\n    return a >= b\n", "return a > b"),
    ("gt->ge", "def f(a, b):\n    return a > b\n", "return a >= b"),
    ("eq->ne", "def f(a, b):\n    return a == b\n", "return a != b"),
    ("ne->eq", "def f(a, b):\n    return a != b\n", "return a == b"),
    ("is-not->is", "def f(a):\n    return a is not None\n", "return a is None"),
    ("in->not-in", "def f(a, b):\n    return a in b\n", "return a not in b"),
    ("constant+1", "def f(a):\n    return a * 3\n", "return a * 4"),
    ("constant-1", "def f(a):\n    return a * 3\n", "return a * 2"),
    ("constant+1", "def f(a):\n    return -1\n", "return 0"),
    ("drop-plus-one", "def f(lo, mid):\n    lo = mid + 1\n    return lo\n", "lo = mid\n"),
    ("drop-minus-one", "def f(hi, mid):\n    hi = mid - 1\n    return hi\n", "hi = mid\n"),
    ("range-start+1", "def f(n):\n    return list(range(n))\n", "range(1, n)"),
    ("range-stop-1", "def f(n):\n    return list(range(n))\n", "range(n - 1)"),
    ("range-stop+1", "def f(n):\n    return list(range(1, n + 1))\n", "range(1, n + 2)"),
    ("range-start-1", "def f(n):\n    return list(range(1, n))\n", "range(0, n)"),
    ("slice-lower+1", "def f(a, k):\n    return a[:k]\n", "a[1:k]"),
    ("slice-upper-1", "def f(a, i, k):\n    return a[i:k]\n", "a[i:k - 1]"),
    ("min->max", "def f(a):\n    return min(a)\n", "return max(a)"),
    ("max->min", "def f(a):\n    return max(a, default=0)\n", "return min(a, default=0)"),
    ("nsmallest->nlargest", "import heapq\n\ndef f(a, k):\n    return heapq.nsmallest(k, a)\n",
     "heapq.nlargest(k, a)"),
    ("bisect_left->bisect_right", "import bisect\n\ndef f(a, x):\n    return bisect.bisect_left(a, x)\n",
     "bisect.bisect_right(a, x)"),
    ("popleft->pop", "def f(q):\n    return q.popleft()\n", "return q.pop()"),
    ("drop-sorted", "def f(a):\n    return sorted(a)\n", "return a\n"),
    ("add-reverse", "def f(a):\n    return sorted(a, key=abs)\n", "sorted(a, key=abs, reverse=True)"),
    ("flip-reverse", "def f(a):\n    a.sort(reverse=True)\n    return a\n", "a.sort(reverse=False)"),
    ("drop-sort", "def f(a):\n    a.sort()\n    return a\n", "    pass\n"),
    ("if-true", "def f(a):\n    if a:\n        return 1\n    return 0\n", "if True:"),
    ("drop-and-operand", "def f(a, b):\n    return a and b\n", "return b\n"),
    ("drop-or-operand", "def f(a, b, c):\n    return a or b or c\n", "return a or c"),
    ("drop-negation", "def f(x):\n    return -x\n", "return x\n"),
    ("add-assign->sub-assign", "def f(n, k):\n    n += k\n    return n\n", "n -= k"),
    ("sub-assign->add-assign", "def f(n, k):\n    n -= k\n    return n\n", "n += k"),
    ("floordiv->div", "def f(a, b):\n    return a // b\n", "return a / b"),
    ("div->floordiv", "def f(a, b):\n    return a / b\n", "return a // b"),
    ("upper-middle", "def f(lo, hi):\n    return (lo + hi) // 2\n", "(lo + hi + 1) // 2"),
    ("return+1", "def f(a):\n    count = len(a)\n    return count\n", "return count + 1"),
    ("return-1", "def f(a):\n    count = 0\n    for x in a:\n        count += x\n    return count\n",
     "return count - 1"),
])
def test_each_operator(operator, reference, fragment):
    found = sources(reference, operator)
    assert found, [m.operator for m in mutants_for(question(reference))]
    assert any(fragment in s for s in found), found


BINARY_SEARCH = """\
def f(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2   # the lower middle
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
"""


def test_ids_count_each_operator_in_tree_order_and_are_stable():
    q = question(BINARY_SEARCH)
    mutants = mutants_for(q)
    ids = [m.id for m in mutants]
    assert ids == [m.id for m in mutants_for(q)]
    assert len(set(ids)) == len(ids)
    # pre-order: the two comparisons (`while lo < hi`, then `a[mid] < x`) number lt->le#1 and #2
    first, second = (next(m for m in mutants if m.id == f"lt->le#{n}") for n in (1, 2))
    assert "while lo <= hi:" in first.source and "if a[mid] < x:" in first.source
    assert "while lo < hi:" in second.source and "if a[mid] <= x:" in second.source
    assert next(m for m in mutants if m.id == "drop-plus-one#1").source.count("lo = mid\n") == 1
    assert all(m.description and "\n" not in m.description for m in mutants)


def test_no_mutant_is_the_reference_or_a_step_of_zero():
    q = question("def f(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i + 0\n")
    texts = [m.source for m in mutants_for(q)]
    assert baseline(q) not in texts
    assert len(set(texts)) == len(texts)
    assert not any("i += 0" in t or "i -= 0" in t for t in texts)


def test_the_diff_shows_only_the_change_not_the_comments_ast_drops():
    q = question(BINARY_SEARCH)
    mutant = next(m for m in mutants_for(q) if m.id == "upper-middle#1")
    changed = [line for line in diff(q, mutant).splitlines()[2:] if line[:1] in "+-"]
    assert changed == ["-        mid = (lo + hi) // 2", "+        mid = (lo + hi + 1) // 2"]


def test_a_reference_that_does_not_parse_has_no_mutants():
    with pytest.raises(DrillError, match="cannot be parsed for mutants"):
        mutants_for(question("def f(:\n"))


def _validate(bank: Path, *args: str):
    return CliRunner().invoke(cli, ["--no-builtin", "--bank", str(bank), "validate", "--mutants", *args,
                                    str(bank / "algorithms" / "count-positive.yaml")])


@pytest.fixture
def bank(tmp_path):
    shutil.copytree(BANK, tmp_path / "bank")
    return tmp_path / "bank"


def test_weak_tests_let_a_mutant_survive_and_validate_says_which(bank):
    result = _validate(bank)
    assert result.exit_code == 1, result.output
    drill = bank / "algorithms" / "count-positive.yaml"
    assert f"{drill}:14: mutant gt->ge#1 survives (> replaced by >=)" in result.output
    assert "    -        if x > 0:\n    +        if x >= 0:" in result.output
    assert "add a test on which it and the reference differ" in result.output
    assert "mutation score, python: " in result.output


def test_a_test_with_a_zero_kills_the_survivors(bank):
    drill = bank / "algorithms" / "count-positive.yaml"
    drill.write_text(drill.read_text().replace("tests:\n", "tests:\n  - args: [[0, 5]]\n    expected: 1\n"))
    result = _validate(bank, "--json")
    report = json.loads(result.output)
    assert report["problems"] == [], report["problems"]
    assert result.exit_code == 0
    assert report["mutation"]["python"]["score"] == 100.0
    assert report["mutation"]["python"]["killed"] == report["mutation"]["python"]["total"] > 5
