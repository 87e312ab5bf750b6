from __future__ import annotations

import dataclasses
import time

import duckdb
import pytest

from drills.judge import judge
from drills.judge.sql import normalize, runner
from drills.judge.sql_worker import connect


@pytest.fixture
def top(fixture_questions):
    return fixture_questions["sql/top-earner"]


@pytest.fixture
def running(fixture_questions):
    return fixture_questions["sql/running-total"]


def test_reference_is_correct(top):
    v = judge(top, top.solution)
    assert v.outcome == "correct"
    assert v.elapsed_ms > 0


def test_alternative_formulation_is_correct(top):
    answer = """
        SELECT e.department, e.name FROM emp e
        WHERE e.salary = (SELECT max(salary) FROM emp x WHERE x.department = e.department)
    """
    assert judge(top, answer).outcome == "correct"


def test_row_order_ignored_unless_ordered(top):
    assert judge(top, top.solution + " ORDER BY name DESC").outcome == "correct"


def test_wrong_reports_missing_rows(top):
    v = judge(top, top.wrong_answers[0].answer)
    assert v.outcome == "wrong"
    assert "Expected 3 rows, got 2." in v.message
    assert "Missing 1:" in v.message
    assert v.details["missing_rows"] in (["('eng', 'Ana')"], ["('eng', 'Bo')"])


def test_wrong_reports_extra_rows(top):
    v = judge(top, "SELECT department, name FROM emp WHERE salary >= 5")
    assert "Unexpected 1: ('eng', 'Cy')." in v.message
    assert v.details["extra_rows"] == ["('eng', 'Cy')"]


def test_column_count(top):
    v = judge(top, "SELECT department FROM emp")
    assert v.outcome == "wrong"
    assert v.message.startswith("Expected 2 columns (department, name), got 1.")


def test_column_names_ignored_by_default(top):
    assert judge(top, top.solution.replace("department, name", "department AS d, name AS n", 1)).correct


def test_column_names_match_is_case_insensitive(running):
    assert judge(running, running.solution.replace("AS total", "AS TOTAL")).correct
    v = judge(running, running.solution.replace("AS total", "AS running"))
    assert v.outcome == "wrong"
    assert v.message == "Column 2 is named 'running'; the drill asks for 'total'."


def test_ordered_rows_right_order_wrong(running):
    v = judge(running, running.wrong_answers[0].answer)
    assert v.outcome == "wrong"
    assert v.message.startswith("Rows right, order wrong: row 1 should be (2024-01-01, 1.50)")


def test_numbers_compare_across_types_after_rounding(running):
    # DECIMAL in the reference, DOUBLE (with float noise) in the answer
    answer = ("SELECT day, sum(amount::DOUBLE) OVER (ORDER BY day) + 0.0000001 AS total "
              "FROM sales ORDER BY day")
    assert judge(running, answer).correct
    off = "SELECT day, sum(amount::DOUBLE) OVER (ORDER BY day) + 0.01 AS total FROM sales ORDER BY day"
    assert judge(running, off).outcome == "wrong"


def test_null_equals_null_and_dates_by_value(running):
    answer = ("SELECT CAST(strftime(day, '%Y-%m-%d') AS DATE) AS day, "
              "sum(amount) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS total FROM sales ORDER BY 1")
    assert judge(running, answer).correct


def test_extra_setups_must_all_pass(running):
    # right on the first dataset (all running totals positive), wrong on the second
    answer = ("SELECT day, abs(sum(amount) OVER (ORDER BY day)) AS total FROM sales ORDER BY day")
    v = judge(running, answer)
    assert v.outcome == "wrong"
    assert v.details["dataset"] == 2
    assert "on dataset 2" in v.message


@pytest.mark.parametrize(
    "answer, fragment",
    [
        ("SELEC 1", "syntax error"),
        ("SELECT nope FROM emp", "nope"),
        ("", "empty"),
    ],
)
def test_error_verdicts(top, answer, fragment):
    v = judge(top, answer)
    assert v.outcome == "error"
    assert fragment in v.message.lower()


@pytest.mark.parametrize(
    "answer, fragment",
    [
        ("DELETE FROM emp", "not DELETE"),
        ("INSERT INTO emp VALUES ('Zed', 'eng', 99)", "not INSERT"),
        ("DROP TABLE emp", "not DROP"),
        ("CREATE TABLE t AS SELECT 1", "not CREATE"),
        ("SELECT 1; SELECT 2", "2 statements"),
        ("COPY emp TO '/tmp/drill-leak.csv'", "not COPY"),
        ("ATTACH '/tmp/drill-leak.db'", "not ATTACH"),
        ("INSTALL httpfs", "not LOAD"),
        ("SET threads = 4", "not SET"),
        ("PIVOT emp ON department USING count(*)", "PIVOT without an IN list"),
    ],
)
def test_only_one_read_only_statement(top, answer, fragment):
    v = judge(top, answer)
    assert v.outcome == "error"
    assert fragment in v.message
    # the tables are untouched for the next check
    assert judge(top, top.solution).correct


def test_file_read_refused(top, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    v = judge(top, f"SELECT * FROM read_csv('{secret}')")
    assert v.outcome == "error"
    assert "disabled" in v.message.lower() or "permission" in v.message.lower()


def test_locked_connection_refuses_everything_outside_the_data(tmp_path):
    con = connect("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
    (tmp_path / "in.csv").write_text("a\n1\n")
    refused = [
        f"SELECT * FROM read_csv('{tmp_path / 'in.csv'}')",
        f"COPY t TO '{tmp_path / 'out.csv'}'",
        f"ATTACH '{tmp_path / 'other.db'}' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET threads = 8",
        "RESET lock_configuration",
    ]
    for sql in refused:
        with pytest.raises(duckdb.Error):
            con.execute(sql)
    assert not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.db").exists()
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False


def test_runaway_query_times_out_and_the_next_check_works(running):
    q = dataclasses.replace(running, time_limit=0.5)
    start = time.monotonic()
    v = judge(q, "SELECT a.range, sum(a.range * b.range) FROM range(200000) a, range(200000) b GROUP BY 1")
    assert v.outcome == "timeout"
    assert time.monotonic() - start < q.time_limit + 1.5
    assert "0.5 s" in v.message
    assert judge(q, q.solution).correct


def test_endless_recursive_cte_is_not_correct(running):
    q = dataclasses.replace(running, time_limit=0.5)
    start = time.monotonic()
    v = judge(q, "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*), 1 FROM t")
    assert v.outcome in ("timeout", "error")
    assert time.monotonic() - start < q.time_limit + 3


def test_killed_worker_is_restarted(top):
    assert judge(top, top.solution).correct
    runner().kill()
    assert judge(top, top.solution).correct


def test_normalize_rounds_all_number_types_alike():
    from decimal import Decimal

    assert normalize(1, 2) == normalize(1.0, 2) == normalize(Decimal("1.004"), 2)
    assert normalize(-0.0, 2) == normalize(0, 2)
    assert normalize(0.125, 6) != normalize(0.126, 6)
    assert normalize(True, 2) != normalize(1, 2)
    assert normalize(None, 2) == normalize(None, 2)
    assert normalize(2.345, 2) == normalize(Decimal("2.35"), 2)  # half away from zero, like ROUND
    assert normalize(-2.345, 2) == normalize(Decimal("-2.35"), 2)


def test_midnight_timestamp_equals_its_date():
    import datetime as dt

    assert normalize(dt.datetime(2024, 5, 1), 6) == normalize(dt.date(2024, 5, 1), 6)
    assert normalize(dt.datetime(2024, 5, 1, 0, 0, 1), 6) != normalize(dt.date(2024, 5, 1), 6)


def test_setup_is_untrusted_too(running, tmp_path):
    from drills.errors import BankError

    leak = tmp_path / "leak.csv"
    q = dataclasses.replace(running, setup=running.setup + f"\nCOPY sales TO '{leak}';", content_hash="evil-setup")
    with pytest.raises(BankError, match="the drill's setup fails") as info:
        judge(q, q.solution)
    assert info.value.line == q.line_of("setup")
    assert not leak.exists()


def test_missing_and_extra_rows_are_shown_as_values(running):
    v = judge(running, "SELECT day, amount AS total FROM sales ORDER BY day")
    assert v.outcome == "wrong"
    assert "Decimal" not in v.message and "'num'" not in v.message
    assert "(2024-01-02, 3.75)" in v.message
