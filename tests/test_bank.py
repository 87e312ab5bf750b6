from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.bank import bank_dirs, bundled_bank, load_bank, load_file
from drills.errors import BankError

from .conftest import FIXTURE_BANK, write

GOOD = (FIXTURE_BANK / "probability" / "two-dice-seven.yaml").read_text()


def bank_with(tmp_path: Path, text: str, name: str = "probability/two-dice-seven.yaml") -> Path:
    write(tmp_path / "_bank.yaml", "format_version: 1\n")
    return write(tmp_path / name, text)


def error_for(tmp_path: Path, text: str, name: str = "probability/two-dice-seven.yaml") -> BankError:
    path = bank_with(tmp_path, text, name)
    with pytest.raises(BankError) as info:
        load_file(path, tmp_path)
    return info.value


def test_fixture_bank_loads(fixture_questions):
    assert set(fixture_questions) == {"sql/top-earner", "sql/running-total", "probability/two-dice-seven",
                                      "concepts/null-in-count"}
    q = fixture_questions["sql/top-earner"]
    assert q.tags == ("window-functions", "rank", "ties")
    assert q.line_of("solution") == 20
    assert q.wrong_answers[1].line == 31
    assert len(q.content_hash) == 16


def test_bad_yaml_names_the_line(tmp_path):
    err = error_for(tmp_path, GOOD.replace("difficulty: easy", "difficulty: [easy"))
    assert err.line == 6 or err.line == 7
    assert "invalid YAML" in err.message
    assert str(err).startswith(f"{tmp_path / 'probability/two-dice-seven.yaml'}:")


def test_unknown_field_suggests_the_right_name(tmp_path):
    err = error_for(tmp_path, GOOD.replace("explanation:", "explaination:"))
    assert err.message == "unknown field 'explaination'; did you mean 'explanation'?"
    assert err.line == 11


def test_missing_field(tmp_path):
    err = error_for(tmp_path, GOOD.replace("time_target: 30\n", ""))
    assert err.message == "missing required field 'time_target' for a numeric drill"
    assert err.line == 1


def test_wrong_type_names_field_and_line(tmp_path):
    err = error_for(tmp_path, GOOD.replace("time_target: 30", "time_target: soon"))
    assert err.message == "'time_target' must be a whole number, not text"
    assert err.line == 7


def test_field_of_another_kind(tmp_path):
    err = error_for(tmp_path, GOOD + "setup: CREATE TABLE t (x INT);\n")
    assert err.message == "field 'setup' does not apply to numeric drills; remove it"


def test_nested_problem_points_at_the_item(tmp_path):
    text = GOOD.replace("  - answer: 1/11\n    why: the 11 sums are not equally likely\n", "  - answer: 1/11\n")
    err = error_for(tmp_path, text)
    assert err.message == "missing required field 'why'"
    assert err.line == 14


def test_duplicate_key(tmp_path):
    err = error_for(tmp_path, GOOD + "title: again\n")
    assert err.message == "field 'title' appears twice (first on line 3); keep one"
    assert err.line == 16


def test_id_must_match_the_path(tmp_path):
    err = error_for(tmp_path, GOOD, name="probability/other-name.yaml")
    assert "does not match the file's place in the bank (probability/other-name)" in err.message
    assert err.line == 1


def test_duplicate_id_across_banks_names_both_files(tmp_path):
    a = bank_with(tmp_path / "a", GOOD)
    b = bank_with(tmp_path / "b", GOOD)
    with pytest.raises(BankError) as info:
        load_bank([tmp_path / "a", tmp_path / "b"])
    assert info.value.path == b
    assert str(a) in info.value.message
    assert "duplicate id 'probability/two-dice-seven'" in info.value.message


def test_newer_format_says_to_upgrade(tmp_path):
    err = error_for(tmp_path, "format_version: 2\n" + GOOD)
    assert "newer than this drill understands" in err.message
    bank_with(tmp_path / "old", GOOD)
    write(tmp_path / "old" / "_bank.yaml", "format_version: 0\n")
    bank = load_bank([tmp_path / "old"], strict=False)
    assert "run `drill migrate`" in bank.errors[0].message


def test_empty_and_non_mapping_files(tmp_path):
    assert "file is empty" in error_for(tmp_path, "").message
    assert "must be a YAML mapping" in error_for(tmp_path, "- a\n- b\n").message


def test_not_utf8(tmp_path):
    path = bank_with(tmp_path, "x")
    path.write_bytes(b"id: a\ntitle: \xff\xfe\n")
    with pytest.raises(BankError, match="is not UTF-8") as info:
        load_file(path, tmp_path)
    assert info.value.line == 2


def test_number_solutions_keep_their_text(tmp_path):
    path = bank_with(tmp_path, GOOD.replace("solution: 1/6", "solution: 0.1666666666666666666666667"))
    assert load_file(path, tmp_path).solution == "0.1666666666666666666666667"


def test_strict_load_reports_the_first_problem_and_a_count(tmp_path):
    bank_with(tmp_path, GOOD.replace("kind: numeric", "kind: essay"))
    write(tmp_path / "probability" / "broken.yaml", "id: [\n")
    with pytest.raises(BankError, match=r"and 1 more problem; run `drill validate`"):
        load_bank([tmp_path])


def test_bank_dirs_from_env_and_options(tmp_path):
    dirs = bank_dirs([tmp_path / "c"], env=f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    assert dirs == [bundled_bank(), tmp_path / "a", tmp_path / "b", tmp_path / "c"]


def test_bundled_bank_is_the_repository_questions_in_a_checkout():
    assert bundled_bank() == Path(__file__).resolve().parents[1] / "questions"


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=20,
)
FIELDS = ["id", "kind", "title", "topic", "tags", "difficulty", "time_target", "prompt", "solution",
          "hints", "explanation", "see_also", "wrong_answers", "setup", "tests", "format_version"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_never_cause_a_traceback(tmp_path, data):
    path = tmp_path / "probability" / "x.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:
        load_file(path, tmp_path)
    except BankError as err:
        assert err.path == path


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), yaml_values, max_size=12))
def test_random_yaml_never_causes_a_traceback(tmp_path, doc):
    path = tmp_path / "probability" / "x.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        load_file(path, tmp_path)
    except BankError as err:
        assert err.path == path
        assert err.message


def test_cache_reuses_unchanged_files_and_rereads_changed_ones(tmp_path, monkeypatch):
    import drills.bank as bank_module

    path = bank_with(tmp_path / "bank", GOOD)
    cache = tmp_path / "cache" / "bank.pickle"
    first = load_bank([tmp_path / "bank"], cache=cache).questions
    assert cache.exists()
    calls = []
    real = bank_module.load_file
    monkeypatch.setattr(bank_module, "load_file", lambda *a: calls.append(a) or real(*a))
    assert load_bank([tmp_path / "bank"], cache=cache).questions == first
    assert calls == []
    path.write_text(GOOD.replace("title: Sum of seven", "title: Sum of 7"))
    assert load_bank([tmp_path / "bank"], cache=cache).questions["probability/two-dice-seven"].title == "Sum of 7"
    assert len(calls) == 1
    cache.write_bytes(b"garbage")
    assert load_bank([tmp_path / "bank"], cache=cache).questions["probability/two-dice-seven"].title == "Sum of 7"
