"""`drill export` and `drill import`: every part of the progress travels, and a damaged or
hostile file is refused whole, leaving a store that every command can still read."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.store import Store

from .test_cli_today import answers, drill


def exported(tmp_path) -> dict:
    home = tmp_path / "source"
    drill(home, "today", input=answers("x", "good", "1/11", ":quit"))
    drill(home, "suspend", "sql/top-earner")
    drill(home, "config", "new-per-day", "7")
    assert drill(home, "mock", "--count", "1", "--topic", "probability", input=answers("1/6")).exit_code == 0
    result = drill(home, "export", "-")
    assert result.exit_code == 0
    return json.loads(result.output)


def test_mock_rounds_travel_with_the_export(tmp_path):
    data = exported(tmp_path)
    assert [r["status"] for r in data["mock_rounds"]] == ["finished"]
    assert data["mock_rounds"][0]["answers"][0]["answer"].strip() == "1/6"
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(data))
    home = tmp_path / "target"
    drill(home, "mock", "--count", "1", "--topic", "sql", input=answers(":quit", "yes"))  # a round of its own
    result = drill(home, "import", str(backup))
    assert result.output == "imported 3 new reviews, updated 2 cards, added 1 mock round\n"
    assert drill(home, "import", str(backup)).output == "imported 0 new reviews, updated 0 cards\n"
    history = drill(home, "mock", "--history").output.splitlines()
    assert len(history) == 2 and history[1].strip().startswith("2 ") and "1/1 (100%)" in history[1]
    report = drill(home, "mock", "--report", "2")
    assert "Mock round 2" in report.output and "Score: 1/1" in report.output
    assert Store(home).settings.all()["new-per-day"] == "7"


def test_an_export_written_by_powershell_imports(tmp_path):
    backup = tmp_path / "backup.json"
    backup.write_bytes(json.dumps(exported(tmp_path)).encode("utf-16"))
    result = drill(tmp_path / "target", "import", str(backup))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("imported 3 new reviews")


def test_a_damaged_export_is_refused_whole_and_says_where(tmp_path):
    data = exported(tmp_path)
    data["reviews"][0]["rating"] = "good"
    data["reviews"][1]["reviewed_at"] = "yesterday"
    data["cards"][0]["card"]["state"] = 9
    data["settings"]["new-per-day"] = "-5"
    data["suspended"][0]["since"] = "0001-01-01T00:00:00+00:00"  # `stats` could not show that day
    data["mock_rounds"][0]["report"]["drills"] = "all of them"
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(data))
    home = tmp_path / "target"
    result = drill(home, "import", str(backup))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {backup}: ")
    assert "reviews[0].rating: must be a whole number, not text" in result.output
    # the schema's problems come first; once they are fixed the values are checked
    data["reviews"][0]["rating"] = 3
    data["mock_rounds"][0]["report"]["drills"] = []
    backup.write_text(json.dumps(data))
    result = drill(home, "import", str(backup))
    assert result.exit_code == 2
    for problem in ("reviews[1].reviewed_at: 'yesterday' is not a date and time",
                    "cards[0].card: 'state' must be 1, 2 or 3",
                    "settings.new-per-day: '-5' is not a valid new-per-day",
                    "suspended[0].since: 0001-01-01 is not a date drill could have written"):
        assert problem in result.output
    assert "nothing was imported" in result.output
    store = Store(home)
    assert store.history.count() == 0 and store.history.cards() == {} and store.settings.all() == {}


def test_json_that_is_not_an_export(tmp_path):
    home = tmp_path / "home"
    for text, message in (("[1, 2]", "not a drill progress export"),
                          ('{"format": "drill-progress", "schema": 2, "reviews": [{"elapsed_ms": NaN}]}',
                           "NaN is not a number an export holds"),
                          ("[" * 100_000, "nested too deeply"),
                          ('{"format": "drill-progress", "schema": 99}', "comes from a newer drill")):
        path = tmp_path / "x.json"
        path.write_text(text)
        result = drill(home, "import", str(path))
        assert result.exit_code == 2, (text[:30], result.output)
        assert message in result.output


def _mutations(data: dict) -> list[tuple[list, object]]:
    """Every place in the export a value sits at, as a path of keys."""
    places = []

    def walk(value, path):
        places.append(path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, [*path, i])

    walk(data, [])
    return places


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(["2026-03-02T09:00:00+00:00", "sql/x", "9999-12-31", "", "\x1b[2J"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


def _same_kind(value):
    """A value of the type that sits there: what a schema check alone lets through."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-2**70, 2**70) | st.sampled_from([0, -1, 5, 2**63])
    if isinstance(value, float):
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(value, str):
        return st.sampled_from(["2026-03-02T09:00:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00",
                                "2026-02-30", "sql/x", "today", "cram", "self", "{}", '{"state": 2}', "1e999",
                                "0.5", "-3", "", "\x1b[2J"]) | st.text(max_size=20)
    return st.nothing()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_damage_to_an_export_never_breaks_drill(tmp_path_factory, data):
    base = tmp_path_factory.mktemp("base")
    original = _EXPORT.get("data") or _EXPORT.setdefault("data", exported(base))
    damaged = copy.deepcopy(original)
    places = _mutations(damaged)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(places[1:]))
        parent = damaged
        try:
            for key in path[:-1]:
                parent = parent[key]
            old = parent[path[-1]]
            parent[path[-1]] = data.draw(_same_kind(old) | json_values)
        except (KeyError, IndexError, TypeError):
            continue
    home = tmp_path_factory.mktemp("home")
    backup = home / "backup.json"
    backup.write_text(json.dumps(damaged))
    result = drill(home, "import", str(backup))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    for command, given_input in ((["due"], None), (["stats"], None), (["stats", "--json"], None),
                                 (["mock", "--history"], None), (["export", "-"], None), (["orphans"], None),
                                 (["leeches"], None), (["config"], None), (["today"], answers(":quit")),
                                 (["undo"], None)):
        after = drill(home, *command, input=given_input)
        assert after.exception is None or isinstance(after.exception, SystemExit), (command, after.exception)
        assert after.exit_code in (0, 1), (command, after.output)
    for r in Store(home).rounds.all():
        if r["report"]:
            shown = drill(home, "mock", "--report", str(r["id"]))
            assert shown.exit_code == 0, shown.output


_EXPORT: dict = {}
