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
              "sum(amount) OVER (ORDER BY day RANGE UNBOUNDED PRECEDING) AS total FROM sales ORDER BY 1")
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


def _q(running, solution, setup="CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);", **kw):
    fields = {"ordered": False, "column_names": "ignore", "extra_setups": (), **kw}
    return dataclasses.replace(running, setup=setup, solution=solution, content_hash="", id=f"sql/t{hash(solution)}",
                               **fields)


@pytest.mark.parametrize("reference, answer, digits, correct", [
    # an exact DECIMAL mean against the double that computes it
    ("SELECT 5.815::DECIMAL(10,3)", "SELECT 5.8149999999999995::DOUBLE", 2, True),
    ("SELECT round(5.815::DECIMAL(10,3), 2)", "SELECT 5.8149999999999995::DOUBLE", 2, True),
    # within half a unit of the digits, not by rounding both sides into buckets
    ("SELECT 2.344::DOUBLE", "SELECT 2.346::DOUBLE", 2, True),
    ("SELECT 2.34::DOUBLE", "SELECT 2.35::DOUBLE", 2, False),
    ("SELECT 2.346::DOUBLE", "SELECT trunc(2.346, 2)", 2, False),
    # integers, HUGEINT and big DECIMALs are exact: no float fallback
    ("SELECT 12345678901234567890::HUGEINT", "SELECT 12345678901234567891::HUGEINT", 6, False),
    ("SELECT 9007199254740993::BIGINT", "SELECT 9007199254740992::DOUBLE", 6, False),
    ("SELECT 170141183460469231731687303715884105727::HUGEINT",
     "SELECT 170141183460469231731687303715884105727::HUGEINT", 6, True),
    ("SELECT 1234567890123456789.5::DECIMAL(38,1)", "SELECT 1234567890123456789.4::DECIMAL(38,1)", 0, True),
    ("SELECT 1234567890123456789.5::DECIMAL(38,1)", "SELECT 1234567890123456788.4::DECIMAL(38,1)", 0, False),
    ("SELECT 7", "SELECT 7.0::DOUBLE", 0, True),
    ("SELECT 7", "SELECT 8", 0, False),
    ("SELECT 'nan'::DOUBLE", "SELECT 'nan'::DOUBLE", 6, True),
    ("SELECT 'inf'::DOUBLE", "SELECT '-inf'::DOUBLE", 6, False),
    ("SELECT true", "SELECT 1", 6, False),
])
def test_numbers(running, reference, answer, digits, correct):
    q = _q(running, reference, float_digits=digits)
    assert judge(q, answer).correct is correct


@pytest.mark.parametrize("reference, answer, correct", [
    ("SELECT {'a': 1, 'b': 2}", "SELECT {'b': 2, 'a': 1}", True),  # STRUCT by field name
    ("SELECT {'a': 1, 'b': 2}", "SELECT {'a': 2, 'b': 1}", False),
    ("SELECT MAP {'x': 1, 'y': 2}", "SELECT MAP {'y': 2, 'x': 1}", True),  # MAP by entries
    ("SELECT MAP {'x': 1, 'y': 2}", "SELECT MAP {'x': 1, 'y': 3}", False),
    ("SELECT [1, 2, 3]", "SELECT [1, 2, 3]", True),
    ("SELECT [1, 2, 3]", "SELECT [3, 2, 1]", False),  # LIST in order
    ("SELECT [1.5::DECIMAL(3,1)]", "SELECT [1.5000001::DOUBLE]", True),
    ("SELECT ['nan'::DOUBLE]", "SELECT ['nan'::DOUBLE]", True),
    ("SELECT {'a': 1}", "SELECT MAP {'a': 1}", False),
    ("SELECT DATE '2024-01-05'", "SELECT '2024-01-05'", False),  # a DATE is not a VARCHAR
    ("SELECT DATE '2024-01-05'", "SELECT TIMESTAMP '2024-01-05 00:00:00'", True),
])
def test_nested_values_and_types(running, reference, answer, correct):
    assert judge(_q(running, reference), answer).correct is correct


def test_a_varchar_date_is_named_in_the_message(running):
    v = judge(_q(running, "SELECT DATE '2024-01-05'"), "SELECT '2024-01-05'")
    assert "Column 1 holds text where the reference has a date." in v.message


def test_unordered_multiset_matching_with_tolerance(running):
    q = _q(running, "SELECT * FROM (VALUES (1.0001, 'b'), (1.0002, 'a')) v", float_digits=2)
    assert judge(q, "SELECT * FROM (VALUES (1.0002::DOUBLE, 'b'), (1.0001::DOUBLE, 'a')) v").correct
    assert not judge(q, "SELECT * FROM (VALUES (1.0002, 'b'), (1.0002, 'b')) v").correct


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


def test_an_answer_relying_on_insertion_order_is_wrong(running):
    # rows inserted largest first: LIMIT 1 finds the maximum only by chance
    q = _q(running, "SELECT max(x) FROM t", setup="CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (3), (1), (2);")
    v = judge(q, "SELECT x FROM t LIMIT 1")
    assert v.outcome == "wrong"
    assert v.details["storage_order"] == "in reverse order"
    assert "depends on the order rows were inserted in" in v.message
    assert judge(q, "SELECT x FROM t ORDER BY x DESC LIMIT 1").correct


def test_ordered_drill_needs_an_outer_order_by(running):
    # a window function sorts its output: the order is right here, but only by chance
    answer = "SELECT day, sum(amount) OVER (ORDER BY day) AS total FROM sales"
    v = judge(running, answer)
    assert v.outcome == "wrong"
    assert "no ORDER BY at its outer level" in v.message
    assert judge(running, f"SELECT * FROM ({answer}) ORDER BY day").correct
    unordered = dataclasses.replace(running, ordered=False)
    assert judge(unordered, answer).correct


def test_wrong_answer_shows_the_smallest_counterexample(top):
    v = judge(top, top.wrong_answers[0].answer)  # ROW_NUMBER drops a tied top earner
    found = v.details["counterexample"]
    assert found["tables"]["emp"]["columns"] == ["name", "department", "salary"]
    assert sorted(found["tables"]["emp"]["rows"]) == [["'Ana'", "'eng'", "10"], ["'Bo'", "'eng'", "10"]]
    assert sorted(found["expected"]["rows"]) == [["'eng'", "'Ana'"], ["'eng'", "'Bo'"]]
    assert len(found["actual"]["rows"]) == 1
    assert "differ on just" not in v.message  # the screen shows it as grids, --json as data
    assert v.details["missing_rows"]  # the full comparison is still there


def test_memory_is_capped_with_a_clear_verdict(top):
    # the rows are built in the worker's own memory, outside DuckDB's accounting
    v = judge(top, "SELECT repeat('x', 1000000), 1 FROM range(3000)")
    assert v.outcome == "error"
    assert "memory" in v.message
    assert judge(top, top.solution).correct


def test_setup_that_never_finishes_is_a_bank_error_in_time(running):
    from drills.errors import BankError
    from drills.judge.sql import describe_tables

    slow = ("CREATE TABLE sales AS SELECT DATE '2024-01-01' AS day, sum(a.range * b.range) AS amount "
            "FROM range(200000) a, range(200000) b;")
    q = dataclasses.replace(running, setup=slow, time_limit=0.5, content_hash="slow-setup")
    for call in (lambda: describe_tables(q), lambda: judge(q, q.solution)):
        start = time.monotonic()
        with pytest.raises(BankError, match="did not finish within 0.5 s") as info:
            call()
        assert info.value.line == q.line_of("setup")
        assert time.monotonic() - start < 3


@pytest.mark.parametrize("sql, outer", [
    ("SELECT 1 ORDER BY 1", True),
    ("select x from t order\n  by x desc", True),
    ("SELECT x FROM t ORDER /* why */ BY x", True),
    ("SELECT x FROM t UNION ALL SELECT y FROM u ORDER BY 1", True),
    ("SELECT sum(x) OVER (ORDER BY y) FROM t", False),
    ("WITH a AS (SELECT * FROM t ORDER BY x) SELECT * FROM a", False),
    ("SELECT * FROM (SELECT x FROM t ORDER BY x)", False),
    ("SELECT 'ORDER BY' FROM t", False),
    ('SELECT "order by" FROM t', False),
    ("SELECT x FROM t -- ORDER BY x", False),
    ("SELECT string_agg(x ORDER BY y) FROM t", False),
])
def test_outer_order_by_is_found_in_the_text(sql, outer):
    from drills.judge.sql_worker import _outer_order_by_in_text, connect, has_outer_order_by

    assert _outer_order_by_in_text(sql) is outer
    con = connect("CREATE TABLE t (x INTEGER, y INTEGER); CREATE TABLE u (y INTEGER);")
    assert has_outer_order_by(con, sql) is outer  # DuckDB's own parser agrees


def test_the_worker_keeps_a_few_threads_however_many_datasets_it_has_seen(running):
    """DuckDB starts no threads of its own and the side-by-side pool is started once: the
    worker does not grow a thread per connection over a long session."""
    import os

    from drills.judge.sql_worker import CACHE_SIZE, MAX_THREADS

    for i in range(CACHE_SIZE + 4):
        q = dataclasses.replace(running, setup=running.setup.replace("1.50", f"{i}.50"),
                                extra_setups=tuple(s.replace("2.25", f"{i}.25") for s in running.extra_setups))
        assert judge(q, q.solution).correct
    with open(f"/proc/{runner().proc.pid}/status") as f:
        threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    assert threads <= MAX_THREADS
    assert os.cpu_count() and threads >= 2
