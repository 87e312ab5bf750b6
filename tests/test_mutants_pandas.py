"""pandas mutants: each operator, the Python operators on pandas code, the mutants left out
because no data could tell them apart, and a weak drill's survivor through validate --mutants."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli import cli
from drills.model import Question
from drills.mutants import mutants_for

FIXTURES = Path(__file__).parent / "fixtures" / "pandas"


def question(solution: str) -> Question:
    return Question(id="pandas/x", kind="pandas", title="X", topic="pandas", prompt="X.", solution=solution,
                    function="f")


def sources(body: str, operator: str) -> list[str]:
    return [m.source for m in mutants_for(question(f"def f(t):\n    return {body}\n")) if m.operator == operator]


@pytest.mark.parametrize("operator, body, fragment", [
    ("flip-dropna", 't.groupby("k", dropna=False)["x"].sum()', "dropna=True"),
    ("keep=last", 't.sort_values("d").drop_duplicates("k")', "drop_duplicates('k', keep='last')"),
    ("keep=first", 't.drop_duplicates("k", keep="last")', "keep='first'"),
    ("keep=False", 't.drop_duplicates("k", keep="last")', "keep=False"),
    ("keep=all", 't.nlargest(3, "x")', "nlargest(3, 'x', keep='all')"),
    ("method=min", 't["x"].rank(method="dense")', "method='min'"),
    ("method=first", 't["x"].rank()', "rank(method='first')"),
    ("method=average", 't["x"].rank(method="min")', "method='average'"),
    ("flip-ascending", 't.sort_values("x")', "sort_values('x', ascending=False)"),
    ("flip-ascending", 't.sort_values(["x", "y"], ascending=[False, True])', "ascending=[True, True]"),
    ("how=left", 't.merge(t, on="k")', "merge(t, on='k', how='left')"),
    ("how=inner", 't.merge(t, on="k", how="left")', "how='inner'"),
    ("drop-sort-false", 't.groupby("k", sort=False)["x"].sum()', "t.groupby('k')['x'].sum()"),
    ("drop-reset-index", 't.groupby("k")["x"].sum().reset_index().rename(columns={"x": "y"})',
     "t.groupby('k')['x'].sum().rename("),
    ("drop-groupby-shift", 't.groupby("k")["x"].shift()', "return t['x'].shift()"),
    ("drop-groupby-cumsum", 't["x"].groupby(t["k"]).cumsum()', "return t['x'].cumsum()"),
    ("drop-groupby-ffill", 't.groupby("k").ffill()', "return t.ffill()"),
    ("shift-direction", 't["x"].shift(1)', "shift(-1)"),
    ("offset+1", 't.rolling("7D").sum()', "rolling('8D')"),
    ("offset-1", 't.rolling("7D").sum()', "rolling('6D')"),
    ("closed=both", 't.rolling("7D").sum()', "rolling('7D', closed='both')"),
    ("drop-min-periods", 't.rolling(3, min_periods=1).mean()', "rolling(3).mean()"),
    ("resample-anchor", 't.resample("MS").sum()', "resample('ME')"),
    ("drop-asof-by", 'pd.merge_asof(t, t, on="d", by="k")', "pd.merge_asof(t, t, on='d')"),
    ("direction=forward", 'pd.merge_asof(t, t, on="d")', "direction='forward'"),
    ("flip-allow-exact-matches", 'pd.merge_asof(t, t, on="d")', "allow_exact_matches=False"),
    ("flip-right", 'pd.cut(t["x"], [0, 1, 2])', "right=False"),
    ("flip-include-lowest", 'pd.cut(t["x"], [0, 1, 2])', "include_lowest=True"),
    ("drop-aggfunc", 't.pivot_table(index="a", columns="b", values="x", aggfunc="sum")', "values='x')"),
    ("nunique->count", 't.groupby("k")["x"].nunique()', "['x'].count()"),
    ("idxmax->idxmin", 't.groupby("k")["x"].idxmax()', "idxmin()"),
    ("size->count", 't.groupby("k").agg(n=("x", "size"))', "n=('x', 'count')"),
    ("sum->mean", 't.groupby("k").agg({"x": "sum"})', "{'x': 'mean'}"),
    # the Python operators apply to pandas code too
    ("gt->ge", 't[t["x"] > 3]', "t['x'] >= 3"),
    ("constant+1", 't.rolling(3, min_periods=1).mean()', "rolling(4, min_periods=1)"),
])
def test_each_operator(operator, body, fragment):
    found = sources(body, operator)
    assert any(fragment in s for s in found), (operator, found)


def test_ids_count_each_operator_in_tree_order():
    body = 't.sort_values("a").drop_duplicates("k").sort_values("b")'
    ids = [m.id for m in mutants_for(question(f"def f(t):\n    return {body}\n")) if m.operator == "flip-ascending"]
    assert ids == ["flip-ascending#1", "flip-ascending#2"]


@pytest.mark.parametrize("operator, body", [
    ("drop-reset-index", 't.groupby("k")["x"].sum().reset_index()'),  # a returned named index is a column already
    ("keep=last", 't[["k"]].drop_duplicates()'),  # rows equal in every column: which one is kept is moot
    ("flip-include-lowest", 'pd.cut(t["x"], [0, 1, 2], right=False)'),  # closed on the left: the lowest edge is in
    ("flip-dropna", 't.groupby("k")["x"].sum()'),  # the default is left alone: no drill need have NaN keys
])
def test_mutants_no_data_could_kill_are_not_made(operator, body):
    assert sources(body, operator) == []


@pytest.fixture
def bank(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "bank")
    return tmp_path / "bank"


def _validate(bank: Path, *args: str):
    return CliRunner().invoke(cli, ["--no-builtin", "--bank", str(bank), "validate", "--mutants", *args,
                                    str(bank / "pandas" / "salary-by-dept.yaml")])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")
def test_a_dataset_without_a_missing_key_lets_dropna_survive(bank):
    drill = bank / "pandas" / "salary-by-dept.yaml"
    text = drill.read_text().replace("(4, NULL, 40, DATE '2022-02-02')", "(4, 'hr', 40, DATE '2022-02-02')")
    text = text.replace(".mean().reset_index()\n    why: drops the NaN key", ".max().reset_index()\n    why: max")
    drill.write_text(text)
    result = _validate(bank)
    assert result.exit_code == 1, result.output
    assert f"{drill}:21: mutant flip-dropna#1 survives (dropna=False made dropna=True)" in result.output
    assert "mutation score, pandas: " in result.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")
def test_a_drill_with_a_missing_key_kills_every_mutant(bank):
    result = _validate(bank, "--json")
    report = json.loads(result.output)
    assert report["problems"] == [], report["problems"]
    assert report["mutation"]["pandas"]["score"] == 100.0
    assert report["mutation"]["pandas"]["killed"] == report["mutation"]["pandas"]["total"] >= 2
