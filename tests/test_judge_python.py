"""The python judge: one test per verdict, the comparison rules, and the expected-value cache."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drills import cache, sandbox
from drills.errors import AnswerError, BankError
from drills.judge import judge
from drills.judge import python as pyjudge
from drills.model import Question
from drills.sandbox import plain, seccomp
from drills.sandbox.plain import Malformed

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")

TWO_SUM = """\
def two_sum(nums, target):
    seen = {}
    for i, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], i]
        seen[x] = i
    return []
"""


def question(**fields) -> Question:
    base = dict(
        id="arrays/two-sum",
        kind="python",
        title="Two sum",
        topic="arrays",
        prompt="Indices of the two numbers adding up to target.",
        solution=TWO_SUM,
        function="two_sum",
        starter="def two_sum(nums, target):\n    pass\n",
        tests=(
            {"args": [[2, 7, 11, 15], 9], "expected": [0, 1]},
            {"args": [[3, 2, 4], 6], "expected": [1, 2]},
            {"args": [[], 1], "expected": []},
        ),
        time_limit=2.0,
        path=Path("questions/arrays/two-sum.yaml"),
        lines={"tests": 12, "solution": 20},
    )
    base.update(fields)
    return Question(**base)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(pyjudge, "_memory_cache", {})
    monkeypatch.setattr(pyjudge, "_inputs_cache", {})


def test_reference_solution_is_correct():
    verdict = judge(question(), TWO_SUM)
    assert verdict.outcome == "correct"
    assert verdict.message == "All 3 tests passed."
    json.dumps(verdict.to_dict())


def test_starter_is_wrong():
    verdict = judge(question(), question().starter)
    assert verdict.outcome == "wrong"
    assert verdict.message == "Test 1 of 3 returned None but [0, 1] was expected."


def test_wrong_shows_input_expected_and_actual():
    answer = "def two_sum(nums, target):\n    return [0, len(nums) - 1]\n"
    verdict = judge(question(), answer)
    assert verdict.outcome == "wrong"
    details = dict(verdict.details)
    assert 0 <= details.pop("cpu_seconds") < 0.5
    assert details == {
        "test": 1,
        "input": "two_sum([2, 7, 11, 15], 9)",
        "expected": "[0, 1]",
        "actual": "[0, 3]",
        "time_limit": 2.0,
    }


def test_error_traceback_shows_only_the_answers_lines():
    answer = "def helper(nums):\n    return nums[10]\n\ndef two_sum(nums, target):\n    return helper(nums)\n"
    verdict = judge(question(), answer)
    assert verdict.outcome == "error"
    assert verdict.message == "Test 1 of 3 raised IndexError at line 2: list index out of range."
    assert verdict.details["test"] == 1
    trace = verdict.details["traceback"]
    assert 'File "answer.py", line 5, in two_sum' in trace
    assert 'File "answer.py", line 2, in helper' in trace
    assert "child.py" not in trace and "sandbox" not in trace
    assert trace.rstrip().endswith("IndexError: list index out of range")


def test_a_deep_recursion_is_an_error_however_deep_its_traceback():
    # describing a traceback of thousands of frames once cost the child more CPU time than a
    # 0.25 s limit, so the verdict was "error" or "timeout" by how soon the judge looked
    answer = ("import sys\n\ndef walk(i, n):\n    return 0 if i == n else 1 + walk(i + 1, n)\n\n"
              "def two_sum(nums, target):\n    sys.setrecursionlimit(20_000)\n    return walk(0, 50_000)\n")
    verdict = judge(question(time_limit=0.25), answer)
    assert verdict.outcome == "error", verdict.message
    assert "RecursionError" in verdict.message
    trace = verdict.details["traceback"]
    assert trace.count('line 4, in walk') == 3 and "[Previous line repeated" in trace
    assert len(trace) < 2000


def test_a_long_traceback_keeps_its_first_and_last_calls():
    from drills.sandbox import child

    source = "def a(n):\n    return b(n) if n < 150 else 1 / 0\n\ndef b(n):\n    return a(n + 1)\n"
    child.linecache.cache[child.ANSWER_FILE] = (len(source), None, source.splitlines(True), child.ANSWER_FILE)
    space: dict = {}
    exec(compile(source, child.ANSWER_FILE, "exec"), space)
    try:
        space["a"](0)
    except ZeroDivisionError as exc:
        described = child.describe_exception(exc)
    assert described["line"] == 2  # the innermost call, where it raised
    trace = described["traceback"]
    assert "more calls left out]" in trace and trace.count('File "answer.py"') == child.MAX_RUNS
    assert trace.rstrip().endswith("ZeroDivisionError: division by zero")


def test_syntax_error_names_the_line():
    verdict = judge(question(), "def two_sum(nums, target:\n    return []\n")
    assert verdict.outcome == "error"
    assert verdict.message.startswith("Your code has a SyntaxError at line 1")


def test_missing_function_says_which_name():
    verdict = judge(question(), "def twosum(nums, target):\n    return []\n")
    assert verdict.outcome == "error"
    assert "`two_sum`" in verdict.message


def test_empty_answer_is_an_answer_error():
    with pytest.raises(AnswerError):
        judge(question(), "  \n")


def test_timeout_names_the_test_that_ran_out():
    answer = (
        "def two_sum(nums, target):\n    while not nums:\n        pass\n    return [0, 1] if target == 9 else [1, 2]\n"
    )
    verdict = judge(question(time_limit=1.0), answer)
    assert verdict.outcome == "timeout"
    assert verdict.details["test"] == 3
    assert verdict.details["input"] == "two_sum([], 1)"
    assert verdict.message.startswith("Test 3 of 3 ran out of time")


def test_output_is_captured_but_never_decides():
    answer = TWO_SUM.replace("    seen = {}", "    print('checking', nums)\n    seen = {}")
    verdict = judge(question(), answer)
    assert verdict.outcome == "correct"
    assert verdict.output.splitlines()[0] == "checking [2, 7, 11, 15]"


def test_non_plain_return_value_is_an_error_naming_the_type():
    verdict = judge(question(), "def two_sum(nums, target):\n    return (i for i in nums)\n")
    assert verdict.outcome == "error"
    assert "generator" in verdict.message


PURE_SORT = dict(
    id="sort/sorted-copy",
    function="sorted_copy",
    solution="def sorted_copy(xs):\n    return sorted(xs)\n",
    tests=({"args": [[3, 1, 2]], "expected": [1, 2, 3]},),
)
IN_PLACE = "def sorted_copy(xs):\n    xs.sort()\n    return xs\n"


def test_pure_drill_rejects_mutating_the_input():
    verdict = judge(question(**PURE_SORT, pure=True), IN_PLACE)
    assert verdict.outcome == "wrong"
    assert "changed its input" in verdict.message


def test_pure_drill_accepts_a_copy_and_impure_drill_accepts_mutation():
    assert judge(question(**PURE_SORT, pure=True), PURE_SORT["solution"]).outcome == "correct"
    assert judge(question(**PURE_SORT), IN_PLACE).outcome == "correct"


def test_unordered_compares_a_multiset():
    q = question(
        id="x/dupes",
        function="dupes",
        solution="def dupes(xs):\n    return sorted({x for x in xs if xs.count(x) > 1})\n",
        tests=({"args": [[3, 1, 3, 1, 2]], "expected": [1, 3, 3]},),
        unordered=True,
    )
    assert judge(q, "def dupes(xs):\n    return [3, 1, 3]\n").outcome == "correct"
    assert judge(q, "def dupes(xs):\n    return [3, 1, 1]\n").outcome == "wrong"
    assert judge(q, "def dupes(xs):\n    return [3, 1]\n").outcome == "wrong"
    ordered = question(**{**q.__dict__, "unordered": False})
    assert judge(ordered, "def dupes(xs):\n    return [3, 1, 3]\n").outcome == "wrong"


def test_floats_compare_after_rounding():
    q = question(
        id="x/mean",
        function="mean",
        solution="def mean(xs):\n    return sum(xs) / len(xs)\n",
        tests=({"args": [[0.1, 0.2]], "expected": 0.15}, {"args": [[1, 2]], "expected": 1.5}),
        float_digits=3,
    )
    assert judge(q, "def mean(xs):\n    return round(sum(xs) / len(xs), 4)\n").outcome == "correct"
    assert judge(q, "def mean(xs):\n    return sum(xs) / len(xs) + 0.01\n").outcome == "wrong"


def test_args_code_takes_the_reference_output_once(monkeypatch):
    q = question(
        tests=(
            {"args": [[2, 7, 11, 15], 9], "expected": [0, 1]},
            {"args_code": "[[random.randint(-1000, 1000) for _ in range(2000)] + [5000, 6000], 11000]"},
        ),
        content_hash="abc123",
    )
    runs = []
    real_run = sandbox.run

    def counting_run(*args, **kwargs):
        runs.append(args[0] == q.solution)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(sandbox, "run", counting_run)
    assert judge(q, TWO_SUM).outcome == "correct"
    assert runs == [True, True]  # the reference for expected values, then the answer
    wrong = judge(q, "def two_sum(nums, target):\n    return [0, 1]\n")
    assert wrong.outcome == "wrong" and wrong.details["test"] == 2
    assert wrong.details["expected"] == "[2000, 2001]"
    assert wrong.details["input"].startswith("two_sum([")
    assert len(runs) == 3  # the cached values were reused

    monkeypatch.setattr(pyjudge, "_memory_cache", {})
    monkeypatch.setattr(pyjudge, "_inputs_cache", {})
    assert judge(q, TWO_SUM).outcome == "correct"
    assert len(runs) == 4  # read back from disk, not recomputed
    files = list(cache.folder("python-expected").glob("*.json"))
    assert len(files) == 1


@pytest.mark.parametrize("content", ["{not json", '{"version": 1, "values": {"0": {"set": [[1]]}}}', "[]", ""])
def test_a_corrupt_cache_is_recomputed(content):
    q = question(tests=({"args_code": "[[1, 2, 3], 5]"},))
    assert judge(q, TWO_SUM).outcome == "correct"
    (cached,) = cache.folder("python-expected").glob("*.json")
    cached.write_text(content)
    pyjudge._memory_cache.clear()
    assert judge(q, TWO_SUM).outcome == "correct"
    assert judge(q, "def two_sum(nums, target):\n    return [0, 1]\n").outcome == "wrong"


def test_a_failing_reference_is_a_bank_error_with_location():
    q = question(solution="def two_sum(nums, target):\n    return nums[99]\n", tests=({"args_code": "[[1], 1]"},))
    with pytest.raises(BankError) as err:
        judge(q, TWO_SUM)
    assert str(err.value).startswith("questions/arrays/two-sum.yaml:20: the reference solution fails on test 1")
    assert "IndexError" in str(err.value)


def test_broken_args_code_is_a_bank_error():
    q = question(tests=({"args_code": "[undefined_name]", "expected": []},))
    with pytest.raises(BankError) as err:
        judge(q, TWO_SUM)
    assert "questions/arrays/two-sum.yaml:12: test 1" in str(err.value)
    assert "NameError" in str(err.value)


def test_args_code_names_and_seed():
    q = question(
        id="x/echo",
        function="echo",
        solution="def echo(*args):\n    return list(args)\n",
        tests=(
            {
                "args_code": "[random.random(), math.pi, string.ascii_lowercase[:3], "
                "list(itertools.islice(itertools.count(), 3)), dict(collections.Counter('aab'))]"
            },
        ),
    )
    verdict = judge(q, "import random\ndef echo(*args):\n    return [random.Random(0).random(), *args[1:]]\n")
    assert verdict.outcome == "correct"  # random.seed(0) ran just before args_code


# --- comparison rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected", "equal"),
    [
        # a list and a tuple are the same sequence (YAML has no tuples)
        ((1, 2), [1, 2], True),
        ([1, 2], (1, 2), True),
        # a set is not a list: order and duplicates matter in a list
        (frozenset({3, 1}), [1, 3], False),
        ([1, 3], frozenset({3, 1}), False),
        (frozenset({3, 1}), frozenset({1, 3}), True),
        ({1, 2}, frozenset({1, 2, 3}), False),
        # an int needs an int: not a bool, not a float however close
        (True, 1, False),
        (1, True, False),
        (0, False, False),
        (1.0, 1, False),
        (1.0000001, 1, False),
        (10**30, 10**30, True),
        (10**30, 10**30 + 1, False),
        (float(10**30), 10**30, False),
        # a float accepts a number within half a unit of float_digits
        (2, 2.0, True),
        (0.1 + 0.2, 0.3, True),
        (1.0000004, 1.0, True),
        (1.0000006, 1.0, False),
        (float("nan"), float("nan"), True),
        (float("nan"), 1.0, False),
        (float("inf"), float("inf"), True),
        (float("-inf"), float("inf"), False),
        (True, 1.0, False),
        ("1.0", 1.0, False),
        # dicts: same keys (exactly), values by these rules
        ({1: "a"}, {1: "a"}, True),
        ({1: "a"}, {"1": "a"}, False),
        ({True: "a"}, {1: "a"}, False),
        ({"k": (1, 2)}, {"k": [1, 2]}, True),
        ({"k": 1}, {"k": 1, "j": 2}, False),
        ([1], {0: 1}, False),
        # nesting, order, None
        ([[1, 2], [3]], [[1, 2], [3]], True),
        ([1, 2], [2, 1], False),
        (None, None, True),
        (None, [], False),
        ([], None, False),
        ("1", 1, False),
    ],
)
def test_same(actual, expected, equal):
    assert pyjudge.same(actual, expected) is equal


def test_float_digits_set_the_tolerance():
    assert pyjudge.same(0.1234, 0.12345, digits=3)
    assert not pyjudge.same(0.1244, 0.1234, digits=3)
    assert pyjudge.same(1e20 + 1e5, 1e20)  # relative tolerance for large magnitudes


def test_same_unordered_respects_counts_and_rules():
    assert pyjudge.same_unordered([[1, 2], [3]], [[3], [1, 2]])
    assert not pyjudge.same_unordered([True, 1], [1, 1])
    assert pyjudge.same_unordered([0.1 + 0.2, 1.0], [1.0, 0.3])
    assert not pyjudge.same_unordered([1, 1, 2], [1, 2, 2])
    assert not pyjudge.same_unordered([1.0, 2], [1, 2])  # an int is still needed where one is expected
    assert pyjudge.same_unordered([0.3000001, 0.29999995, 5.0], [5.0, 0.3, 0.3])


def test_type_notes_say_what_differs_when_values_print_alike():
    assert pyjudge.difference(2.0, 2) == "a float where an int was expected"
    assert pyjudge.difference(True, 1) == "a bool where an int was expected"
    assert pyjudge.difference({1, 2}, [1, 2]) == "a set where a list was expected"
    assert pyjudge.difference([[1.0]], [[1]]) == "a float where an int was expected"
    assert pyjudge.difference(None, [1]) == ""


def test_a_float_for_an_int_is_wrong_and_says_why():
    verdict = judge(question(), "def two_sum(nums, target):\n    return [0.0, 1.0] if nums else []\n")
    assert verdict.outcome == "wrong"
    assert verdict.message.endswith("(a float where an int was expected).")


def test_shorten_keeps_large_values_readable():
    text = pyjudge.shorten(list(range(10**5)))
    assert text.startswith("[0, 1, 2") and "99988 more" in text and len(text) < 200
    assert pyjudge.shorten((1,)) == "(1,)"
    assert pyjudge.shorten(frozenset()) == "set()"


# --- plain data across the boundary --------------------------------------------------------

plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.frozensets(st.integers() | st.text(), max_size=4)
        | st.dictionaries(st.integers() | st.text(), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain_values)
def test_plain_round_trip(value):
    wire = json.dumps(plain.encode(value))
    back = plain.decode(plain.loads(wire))
    assert back == value
    assert type(back) is type(value)


def test_plain_keeps_big_ints_and_special_floats():
    for value in (10**5000, -(10**5000), float("inf"), float("-inf")):
        assert plain.decode(plain.loads(json.dumps(plain.encode(value)))) == value
    assert math.isnan(plain.decode(plain.loads(json.dumps(plain.encode(float("nan"))))))


def test_plain_reads_subclasses_through_the_base_type():
    class Sneaky(int):
        def __int__(self):
            return 99

        def __eq__(self, other):
            return True

    class Masked:
        __class__ = int  # type: ignore[assignment]

    assert plain.encode([Sneaky(3)]) == [3]
    with pytest.raises(plain.NotPlain):
        plain.encode(Masked())
    loop: list = []
    loop.append(loop)
    with pytest.raises(plain.NotPlain):
        plain.encode(loop)


@pytest.mark.parametrize(
    "text",
    ["NaN", '{"set": [[1]]}', '{"tuple": 1}', '{"x": 1}', '{"dict": [[1]]}', '{"int": "zz"}', "[" * 5000 + "]" * 5000],
)
def test_plain_decode_rejects_what_encode_cannot_produce(text):
    with pytest.raises(Malformed):
        plain.decode(plain.loads(text))


@pytest.mark.parametrize("arch", sorted(seccomp.ARCHES))
def test_seccomp_filter_assembles_for_each_architecture(arch):
    program = seccomp.assemble(arch)
    code = program.for_pid(4242)
    assert len(code) % 8 == 0 and len(code) // 8 < 4096
    assert (4242).to_bytes(4, sys.byteorder) in code


def test_the_answer_runs_as_a_real_module():
    """Dataclasses with postponed annotations, helper classes and type hints work as in a file."""
    answer = '''
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(order=True)
class Seen:
    value: int
    index: int = field(compare=False)
    kind: ClassVar[str] = "seen"


class Finder:
    def __init__(self) -> None:
        self.seen: dict[int, Seen] = {}

    def add(self, x: int, i: int) -> Seen | None:
        self.seen.setdefault(x, Seen(x, i))
        return self.seen[x]


def two_sum(nums: list[int], target: int) -> list[int]:
    finder = Finder()
    for i, x in enumerate(nums):
        if target - x in finder.seen:
            return [finder.seen[target - x].index, i]
        finder.add(x, i)
    return []


if __name__ == "__main__":
    print("never printed: the answer is imported, not run as a script")
'''
    verdict = judge(question(), answer)
    assert verdict.outcome == "correct", verdict.message
    assert "never printed" not in verdict.output
