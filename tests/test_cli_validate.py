from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from drills.cli import cli


def test_fixture_bank_validates(fixture_bank):
    result = CliRunner().invoke(cli, ["validate", str(fixture_bank)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("4 drills checked in ")
    assert result.output.rstrip().endswith(": ok")


def test_problems_are_listed_with_file_and_line(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank, bank)
    top = bank / "sql" / "top-earner.yaml"
    # the reference breaks and a listed wrong answer becomes right
    top.write_text(top.read_text().replace("QUALIFY rank()", "QUALIFY rnk()", 1))
    seven = bank / "probability" / "two-dice-seven.yaml"
    seven.write_text(seven.read_text().replace("answer: 1/11", "answer: 6/36"))
    (bank / "sql" / "empty.yaml").write_text("")
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{seven}:14: wrong answer 1 is judged correct; it should fail because: the 11 sums are not " \
           "equally likely (fix the data or the comparison settings so it fails)" in lines
    assert f"{top}:20: the reference solution fails: Catalog Error: Aggregate Function with name rnk " \
           "does not exist! [...]" in lines
    assert f"{bank / 'sql' / 'empty.yaml'}:1: file is empty; a drill file holds one YAML mapping " \
           "(see CONTRIBUTING.md)" in lines
    assert lines[-1].endswith(": 3 problems")


def test_duplicate_id_with_a_bank_in_use(fixture_bank, tmp_path):
    copy = tmp_path / "mine" / "probability" / "two-dice-seven.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy(fixture_bank / "probability" / "two-dice-seven.yaml", copy)
    result = CliRunner().invoke(cli, ["--bank", str(fixture_bank), "validate", str(tmp_path / "mine"), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["problems"][0]["message"].startswith("duplicate id 'probability/two-dice-seven', also used by ")
    assert report["problems"][0]["line"] == 1


def test_tags_come_from_the_banks_vocabulary(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank, bank)
    (bank / "TAGS.md").write_text("# Tags\n`window-functions` `rank` `ties` `running-total` `dice` `nulls`\n")
    seven = bank / "probability" / "two-dice-seven.yaml"
    seven.write_text(seven.read_text().replace("tags: [dice]", "tags: [dise]"))
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    assert result.exit_code == 1
    assert f"{seven}:5: tag 'dise' (did you mean 'dice'?) is not in {bank / 'TAGS.md'}; use a listed tag or " \
           "add it there" in result.output.splitlines()
