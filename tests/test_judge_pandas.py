"""The pandas judge: the comparison rules, and hostile answers (files, pickles, SQL, eval
strings, memory) that must not get out of the sandbox or into a wrong verdict."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from drills.bank import load_file
from drills.judge import judge
from drills.judge import pandas as pdjudge

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")

FIXTURES = Path(__file__).parent / "fixtures" / "pandas"


@pytest.fixture(scope="module")
def drill():
    return load_file(FIXTURES / "pandas" / "salary-by-dept.yaml", FIXTURES)


def answer(body: str) -> str:
    return "def solve(emp):\n" + textwrap.indent(textwrap.dedent(body), "    ")


def test_the_reference_and_its_forms_pass(drill):
    assert judge(drill, drill.solution).outcome == "correct"
    # the key left in a named index counts as a column; a Series is a one-column table
    assert judge(drill, answer('return emp.groupby("dept", dropna=False)["salary"].mean()')).outcome == "correct"
    # rows in another order, float from an explicit division
    assert judge(drill, answer('''
        g = emp.groupby("dept", dropna=False)["salary"]
        out = (g.sum() / g.count()).reset_index().sort_values("salary", ascending=False)
        return out''')).outcome == "correct"


def test_wrong_answers_are_wrong_with_an_aligned_diff(drill):
    verdict = judge(drill, answer('return emp.groupby("dept")["salary"].mean().reset_index()'))
    assert verdict.outcome == "wrong"
    assert "Missing 1" in verdict.message and "expected_rows" in verdict.details
    from drills import rowdiff

    diff = rowdiff.explain(drill, answer('return emp.groupby("dept")["salary"].mean().reset_index()'), verdict)
    assert diff is not None and rowdiff.MISSING in diff.marks


def test_hard_coding_the_first_dataset_fails(drill):
    cheat = answer('''
        import pandas as pd
        return pd.DataFrame({"dept": ["eng", "ops", None], "avg_salary": [75.5, 70.0, 40.0]})''')
    assert judge(drill, cheat).outcome == "wrong"


def test_storage_order_is_not_an_answer(drill):
    # the first row per group as stored is not "the" first hire: reversed rows catch it
    first = answer('return emp.groupby("dept", dropna=False)["salary"].first().reset_index()')
    assert judge(drill, first).outcome == "wrong"


def test_a_scalar_is_not_a_frame_and_a_list_is_refused(drill):
    assert judge(drill, answer("return 75.5")).outcome == "wrong"
    verdict = judge(drill, answer("return [1, 2]"))
    assert verdict.outcome == "error"
    assert verdict.message == ("On dataset 1 (as stored) it returned a list. Return a DataFrame, a Series or "
                               "a single value.")


def test_a_result_too_large_to_be_an_answer_is_refused_before_it_is_read(drill):
    huge = judge(drill, answer("""
        import numpy as np
        import pandas as pd
        return pd.DataFrame(np.zeros((60_000, 2)))"""))
    assert huge.outcome == "error"
    assert "a DataFrame of more than 100000 cells" in huge.message and "that large" in huge.message


def test_messages_say_what_to_change(drill):
    # a key left in an unnamed index is not compared: say so
    keyed = judge(drill, answer("""
        out = emp.groupby("dept", dropna=False)["salary"].mean()
        out.index.name = None
        return out"""))
    assert keyed.outcome == "wrong" and "Expected 2 columns (dept, avg_salary), got 1." in keyed.message
    assert "Its index has no name, so it is not compared" in keyed.message
    # a plain unnamed RangeIndex is no key: no such advice
    dropped = judge(drill, answer('return emp[["salary"]]'))
    assert dropped.outcome == "wrong" and "index" not in dropped.message
    period = judge(drill, answer('return emp.assign(m=emp["hired"].dt.to_period("M"))[["dept", "m"]]'))
    assert period.outcome == "error" and "it returned a cell of type Period" in period.message
    assert ".dt.to_timestamp()" in period.message


def test_missing_values_of_every_kind_are_equal(drill):
    # NaN from the mean of no salaries, None written by hand, pd.NA: all the same missing value
    same = answer('''
        import pandas as pd
        out = emp.groupby("dept", dropna=False)["salary"].mean().rename("avg_salary").reset_index()
        out["avg_salary"] = out["avg_salary"].astype("Float64")
        out["dept"] = out["dept"].astype("category")
        return out''')
    assert judge(drill, same).outcome == "correct"


def test_a_parameter_that_names_no_table_is_an_error(drill):
    verdict = judge(drill, "def solve(df):\n    return df\n")
    assert verdict.outcome == "error" and "names no table" in verdict.message


@pytest.mark.parametrize("attack", [
    'pd.read_csv("/etc/passwd")',
    'pd.read_csv(os.path.expanduser("~/.bashrc"))',
    'emp.to_pickle("/tmp/pwned.pkl")',
    'emp.to_csv("/tmp/pwned.csv")',
    'emp.to_sql("t", "sqlite:////tmp/pwned.db")',
    'pd.read_pickle("/tmp/pwned.pkl")',
])
def test_files_are_out_of_reach(drill, attack, tmp_path):
    canary = [Path("/tmp/pwned.pkl"), Path("/tmp/pwned.csv"), Path("/tmp/pwned.db")]
    for c in canary:
        c.unlink(missing_ok=True)
    source = answer(f'''
        import os
        import pandas as pd
        {attack}
        return emp.groupby("dept", dropna=False)["salary"].mean().rename("avg_salary").reset_index()''')
    verdict = judge(drill, source)
    assert verdict.outcome == "error", verdict.message
    assert not any(c.exists() for c in canary)


def test_the_bank_and_site_packages_beyond_pandas_are_unreadable(drill):
    import pandas

    site = Path(pandas.__file__).resolve().parents[1]
    for target in (str(FIXTURES / "pandas" / "salary-by-dept.yaml"), str(site)):
        verdict = judge(drill, answer(f'''
            import os
            os.listdir({str(Path(target).parent)!r}) if {target!r}.endswith(".yaml") else os.listdir({target!r})
            return 1'''))
        assert verdict.outcome == "error", (target, verdict.message)
    # another installed package cannot be imported, though pandas can
    verdict = judge(drill, answer("import yaml\nreturn 1"))
    assert verdict.outcome == "error" and "ModuleNotFoundError" in verdict.message


def test_eval_and_query_strings_run_inside_the_sandbox(drill):
    verdict = judge(drill, answer('''
        emp.query("salary > 0 and @__import__('os').system('touch /tmp/pwned.eval') == 0")
        return emp'''))
    assert verdict.outcome in ("error", "wrong")
    assert not Path("/tmp/pwned.eval").exists()


def test_numpy_memory_bombs_stop_at_the_limit(drill):
    verdict = judge(drill, answer('''
        import numpy as np
        x = np.ones((60_000, 60_000))
        return emp'''))
    assert verdict.outcome == "error"
    assert "memory" in verdict.message.lower()


def test_python_drills_still_see_the_standard_library_alone():
    from drills import sandbox

    run = sandbox.run("import numpy\ndef f():\n    return 1\n", "f", [{"args": []}], time_limit=2.0)
    assert run.load_error is not None and run.load_error["type"] == "ModuleNotFoundError"


def test_tables_are_built_once_per_drill(drill, monkeypatch):
    pdjudge.datasets(drill)
    from drills.judge import sql

    def refuse(*_a, **_k):
        raise AssertionError("DuckDB ran again")

    monkeypatch.setattr(sql, "runner", refuse)
    assert judge(drill, drill.solution).outcome == "correct"


def test_the_view_shows_packages_inside_a_hidden_site_packages(tmp_path):
    from drills.sandbox import view

    stdlib = tmp_path / "lib" / "python3"
    pkg = stdlib / "site-packages" / "pandas"
    other = stdlib / "site-packages" / "secret"
    for d in (pkg, other):
        d.mkdir(parents=True)
    roots, hidden = view.plan([str(stdlib)], [], [str(pkg)])
    assert str(pkg) in roots and str(stdlib / "site-packages") in hidden
    readable = view.readable(roots, hidden)
    assert str(pkg) in readable and not any(str(other).startswith(r) for r in readable)
    assert os.path.isdir(other)
