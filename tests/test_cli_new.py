"""Contributing by pull request: `drill new`, then `drill validate --changed` in a git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from drills.cli import cli

FILLED = {
    "sql": {
        "title": "Highest score per player",
        "prompt": "Table `scores(player, score)`. Return `player, best`, one row per player. Order does not matter.",
        "setup": "CREATE TABLE scores (player VARCHAR, score INTEGER);\n"
                 "INSERT INTO scores VALUES ('a', 3), ('a', 5), ('b', 2), ('c', NULL);\n",
        "extra_setups": ["CREATE TABLE scores (player VARCHAR, score INTEGER);\n"
                         "INSERT INTO scores VALUES ('d', 1), ('d', NULL), ('e', 9);\n"],
        "solution": "SELECT player, max(score) FROM scores GROUP BY player",
        "hints": ["Group by player."],
        "explanation": "MAX per group; a player with only NULL scores still gets a row with NULL.",
        "wrong_answers": [
            {"answer": "SELECT player, max(score) FROM scores WHERE score IS NOT NULL GROUP BY player",
             "why": "drops the player whose scores are all NULL"},
            {"answer": "SELECT player, min(score) FROM scores GROUP BY player", "why": "MIN is not the best"},
        ],
    },
    "numeric": {
        "title": "Two heads",
        "prompt": "Two fair coins are tossed. What is the probability of two heads?",
        "solution": "1/4",
        "hints": ["Four equally likely outcomes."],
        "explanation": "HH is one of HH, HT, TH, TT.",
        "wrong_answers": [{"answer": "1/3", "why": "HT and TH are two outcomes, not one"}],
    },
    "recall": {
        "title": "What LAG returns first",
        "prompt": "What does LAG(x) return on the first row of a partition?",
        "solution": "NULL, unless a default is given as its third argument.",
        "hints": ["There is no previous row."],
        "explanation": "LAG(x, 1, 0) returns 0 instead; useful for deltas.",
    },
    "python": {
        "title": "Largest element",
        "prompt": "Write `largest(nums)` returning the largest number, or None for an empty list.",
        "function": "largest",
        "starter": "def largest(nums):\n    ...\n",
        "solution": "def largest(nums):\n    return max(nums) if nums else None\n",
        "tests": [{"args": [[]], "expected": None}, {"args": [[3, -1, 7]], "expected": 7},
                  {"args": [[-5]], "expected": -5}, {"args": [[7, 1]], "expected": 7}],
        "hints": ["max() fails on an empty list."],
        "explanation": "Guard the empty case.",
        "wrong_answers": [{"answer": "def largest(nums):\n    return max(nums)\n", "why": "fails on []"},
                          {"answer": "def largest(nums):\n    return nums[-1] if nums else None\n",
                           "why": "the last element is not the largest"}],
    },
    "pandas": {
        "title": "Orders per customer",
        "prompt": "`orders(id, customer)`. Return `customer, n`, one row per customer, also for a missing "
                  "customer. Order does not matter.",
        "setup": "CREATE TABLE orders (id INTEGER, customer VARCHAR);\n"
                 "INSERT INTO orders VALUES (1, 'a'), (2, 'a'), (3, NULL), (4, 'b');\n",
        "extra_setups": ["CREATE TABLE orders (id INTEGER, customer VARCHAR);\n"
                         "INSERT INTO orders VALUES (5, 'c'), (6, NULL), (7, NULL);\n"],
        "function": "solve",
        "starter": "def solve(orders):\n    ...\n",
        "solution": "def solve(orders):\n    return orders.groupby('customer', dropna=False).size().reset_index()\n",
        "hints": ["groupby drops missing keys unless told not to."],
        "explanation": "dropna=False keeps the missing customer as a group of its own.",
        "wrong_answers": [
            {"answer": "def solve(orders):\n    return orders.groupby('customer').size().reset_index()\n",
             "why": "drops the missing customer"},
            {"answer": "def solve(orders):\n    return orders['customer'].value_counts().reset_index()\n",
             "why": "value_counts drops missing values too"},
        ],
    },
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A clone-like repository: a bank in questions/, committed on main, work on a branch."""
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "_bank.yaml").write_text("format_version: 1\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "bank")
    git(tmp_path, "checkout", "-qb", "my-drill")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def drill(*args: str):
    return CliRunner().invoke(cli, ["--bank", "questions", *args])


def fill(path: Path, fields: dict) -> None:
    header = path.read_text().splitlines()[0]
    doc = yaml.safe_load(path.read_text())
    doc.update(fields)
    path.write_text(header + "\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@pytest.mark.parametrize("kind", ["sql", "numeric", "recall", "python", "pandas"])
def test_new_then_validate_changed(repo, kind):
    result = drill("new", "--kind", kind, "--id", f"contrib/{kind}-example", "--no-edit")
    assert result.exit_code == 0, result.output
    path = repo / "questions" / "contrib" / f"{kind}-example.yaml"
    assert result.output.startswith(f"wrote {Path('questions') / 'contrib' / f'{kind}-example.yaml'}")
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "TODO" in text

    untouched = drill("validate", "--changed")
    assert untouched.exit_code == 1
    assert "a TODO from the template is still here" in untouched.output

    fill(path, FILLED[kind])
    result = drill("validate", "--changed")
    assert result.exit_code == 0, result.output
    assert "1 drill checked" in result.output


def test_new_refuses_a_used_id_and_suggests_a_free_one(repo):
    assert drill("new", "--kind", "numeric", "--id", "contrib/coins", "--no-edit").exit_code == 0
    again = drill("new", "--kind", "numeric", "--id", "contrib/coins", "--no-edit")
    assert again.exit_code == 1
    assert again.output == "Error: the id 'contrib/coins' is already used; try 'contrib/coins-2'\n"
    shipped = drill("new", "--kind", "sql", "--id", "sql/top-3-salaries-per-department", "--no-edit")
    assert "try 'sql/top-3-salaries-per-department-2'" in shipped.output
    auto = drill("new", "--kind", "recall", "--no-edit")
    assert auto.exit_code == 0
    assert (repo / "questions" / "concepts" / "new-recall-drill.yaml").exists()


def committed_sql(repo: Path) -> Path:
    drill("new", "--kind", "sql", "--id", "contrib/best", "--no-edit")
    path = repo / "questions" / "contrib" / "best.yaml"
    fill(path, FILLED["sql"])
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add a drill")
    return path


def test_broken_variants_fail_with_file_and_line(repo):
    path = committed_sql(repo)
    good = path.read_text()

    def variant(old: str, new: str) -> list[str]:
        path.write_text(good.replace(old, new, 1))
        result = drill("validate", "--changed")
        assert result.exit_code == 1, result.output
        return result.output.splitlines()

    def line_of(text: str, needle: str) -> int:
        return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)

    lines = variant("explanation: MAX per group; a player with only NULL scores still gets a row with NULL.\n", "")
    assert f"{path}:1: missing required field 'explanation' for a sql drill" in lines

    lines = variant("SELECT player, max(score) FROM scores GROUP BY player", "SELECT player, max(scor) FROM scores")
    assert any(x.startswith(f"{path}:{line_of(good, 'solution:')}: the reference solution fails: Binder Error")
               for x in lines)

    broken = good.replace("SELECT player, min(score) FROM scores GROUP BY player",
                          "SELECT player, max(score) FROM scores GROUP BY player")
    path.write_text(broken)
    lines = drill("validate", "--changed").output.splitlines()
    second = [i for i, line in enumerate(broken.splitlines(), 1) if line.strip().startswith("- answer:")][1]
    assert f"{path}:{second}: wrong answer 2 is judged correct; it should fail because: MIN is not the best " \
           "(fix the data or the comparison settings so it fails)" in lines
    path.write_text(good)

    copy = repo / "questions" / "contrib" / "best-again.yaml"
    copy.write_text(good)
    lines = drill("validate", "--changed").output.splitlines()
    assert any(x.startswith(f"{copy}:{line_of(good, 'id:')}: id 'contrib/best' does not match") for x in lines)
    copy.unlink()
    other = repo / "questions" / "other"
    other.mkdir()
    (other / "best.yaml").write_text(good.replace("id: contrib/best", "id: other/best"))
    (repo / "extra" / "contrib").mkdir(parents=True)
    (repo / "extra" / "contrib" / "best.yaml").write_text(good)
    result = CliRunner().invoke(cli, ["--bank", "questions", "--bank", "extra", "validate", "--changed"])
    assert result.exit_code == 1
    assert "duplicate id 'contrib/best', also used by" in result.output


def test_near_duplicate_is_a_warning(repo):
    committed_sql(repo)
    drill("new", "--kind", "sql", "--id", "contrib/best-copy", "--no-edit")
    copy = repo / "questions" / "contrib" / "best-copy.yaml"
    fill(copy, {**FILLED["sql"], "title": "Best score"})
    result = drill("validate", "--changed")
    assert result.exit_code == 0, result.output
    assert "warning: the prompt is 100% similar to contrib/best" in result.output


def test_validate_changed_with_nothing_changed(repo):
    result = drill("validate", "--changed", "--base", "main")
    assert result.exit_code == 0
    assert result.output == "no drill files changed\n"


def test_base_without_changed_is_a_usage_error(repo):
    assert drill("validate", "--base", "main").exit_code == 2


def test_workflow_runs_the_readme_test_command():
    root = Path(__file__).resolve().parents[1]
    readme_test = next(line for line in (root / "README.md").read_text().splitlines() if "pytest" in line)
    workflow = yaml.safe_load((root / ".github" / "workflows" / "ci.yml").read_text())
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert readme_test in runs
    assert any(r.startswith(".venv/bin/drill validate") for r in runs)
    assert readme_test in (root / ".ci" / "run").read_text()
    assert readme_test in (root / "CONTRIBUTING.md").read_text()


def test_generated_docs_are_current():
    """CONTRIBUTING's field reference comes from the schema, README's counts from the bank."""
    from drills.docs import bank_counts, field_reference

    root = Path(__file__).resolve().parents[1]
    hint = "run: python -m drills.docs README.md CONTRIBUTING.md"
    assert field_reference() in (root / "CONTRIBUTING.md").read_text(), hint
    assert bank_counts() in (root / "README.md").read_text(), hint
