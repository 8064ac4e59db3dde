"""One test per class of pack mistake, each asserting the exact file:line:col message."""
from __future__ import annotations

from pathlib import Path

import pytest

from digiready.cli.main import main
from digiready.packs import PackError, load_pack, validate_pack


def errors(base: Path, economy: str | None = None) -> list[str]:
    issues, _coverage = validate_pack(base, economy)
    return [str(i) for i in issues if i.severity == "error"]


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_pack_is_valid(pack_copy):
    assert errors(pack_copy) == []
    assert errors(pack_copy, "xx") == []


def test_yaml_syntax_error(pack_copy):
    replace(pack_copy / "questions.yaml", "    type: scale\n", "    type: [scale\n")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'questions.yaml')}:14:9: YAML syntax error: "
        "did not find expected ',' or ']' (while parsing a flow sequence)"
    ]


def test_a_tab_is_named(pack_copy):
    replace(pack_copy / "levels.yaml", "levels:\n", "levels:\n\t")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'levels.yaml')}:2:1: YAML syntax error: found character that cannot "
        "start any token (while scanning for the next token) (a tab: YAML indents with spaces)"
    ]


def test_wrong_type(pack_copy):
    replace(pack_copy / "levels.yaml", "min: 20, max: 40", "min: twenty, max: 40")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'levels.yaml')}:3:23: levels[1].min: 'twenty' is not of type 'number'"
    ]


def test_missing_field(pack_copy):
    replace(pack_copy / "questions.yaml", "    text: How can customers pay you?\n", "")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'questions.yaml')}:16:5: questions[2]: 'text' is required"
    ]


def test_duplicate_id(pack_copy):
    replace(pack_copy / "questions.yaml", "  - id: sells_online", "  - id: accepts")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'questions.yaml')}:25:9: questions[3].id: duplicate id 'accepts' "
        f"(first defined at {rel(pack_copy / 'questions.yaml')}:16)"
    ]


def test_dangling_reference(pack_copy):
    replace(pack_copy / "recommendations.yaml", "modules: [pay_basics]", "modules: [pay_basic]")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'recommendations.yaml')}:6:15: rules[0].modules[0]: "
        "'pay_basic' is not a known module"
    ]


def test_skip_rule_on_unknown_question(pack_copy):
    replace(pack_copy / "questions.yaml", "{question: sells_online, in: [yes, partly]}",
            "{question: sells_on_line, in: [yes, partly]}")
    assert errors(pack_copy) == [
        f"{rel(pack_copy / 'questions.yaml')}:33:25: questions[4].show_if.question: "
        "'sells_on_line' is not a known question"
    ]


def test_overlay_replacing_unknown_id(pack_copy):
    overlay = pack_copy.parent / "economies" / "xx" / "recommendations.yaml"
    replace(overlay, "    - id: no_qr", "    - id: no_qrcode")
    assert errors(pack_copy, "xx") == [
        f"{rel(overlay)}:3:11: rules.replace[0].id: cannot replace unknown id 'no_qrcode'"
    ]


def test_overlay_disabling_something_still_used(pack_copy):
    overlay = pack_copy.parent / "economies" / "xx" / "tools.yaml"
    replace(overlay, "disable: [generic_qr]", "disable: [generic_qr]\ntool_categories:\n  disable: [messaging]")
    assert errors(pack_copy, "xx") == [
        f"{rel(overlay)}:6:13: tool_categories.disable[0]: 'messaging' is disabled but "
        f"{rel(pack_copy / 'recommendations.yaml')}:18 still uses it"
    ]


def test_all_errors_are_reported_in_one_run(pack_copy):
    replace(pack_copy / "levels.yaml", "min: 20, max: 40", "min: twenty, max: 40")
    replace(pack_copy / "questions.yaml", "    text: How can customers pay you?\n", "")
    replace(pack_copy / "tools.yaml", "category: qr_pay", "category: 12")
    found = errors(pack_copy)
    assert len(found) == 3
    assert {f.split(":")[0].rsplit("/", 1)[-1] for f in found} == {"levels.yaml", "questions.yaml", "tools.yaml"}


def test_yes_no_stay_strings_not_booleans(pack_copy):
    # Under YAML 1.1 rules `yes` would load as True and the skip rule would never match.
    pack = load_pack(pack_copy)
    assert pack.question("online_share").show_if == {"question": "sells_online", "in": ["yes", "partly"]}


def test_load_pack_raises_with_every_issue(pack_copy):
    replace(pack_copy / "recommendations.yaml", "modules: [pay_basics]", "modules: [pay_basic]")
    with pytest.raises(PackError) as info:
        load_pack(pack_copy)
    assert "'pay_basic' is not a known module" in str(info.value)


def test_cli_validate_exit_codes(pack_copy, capsys):
    assert main(["pack", "validate", str(pack_copy)]) == 0
    assert "ok: fixture_pack 1.2.0" in capsys.readouterr().out
    replace(pack_copy / "recommendations.yaml", "modules: [pay_basics]", "modules: [pay_basic]")
    assert main(["pack", "validate", str(pack_copy)]) == 1
    err = capsys.readouterr().err
    assert "recommendations.yaml:6:15: rules[0].modules[0]: 'pay_basic' is not a known module" in err
    assert "1 error(s)" in err


def test_a_verified_fact_says_when_it_was_checked(pack_copy):
    tools = pack_copy / "tools.yaml"
    replace(tools, "description: Your bank's app., verified: false}", "description: Your bank's app., verified: true}")
    assert errors(pack_copy) == [
        f"{rel(tools)}:5:5: tools[0]: verified: true needs the date the facts were checked at the source "
        "(checked: YYYY-MM-DD); set verified: false if nobody has checked them"]
    # Written as YAML writes a date (unquoted), it stays the text the schema checks.
    replace(tools, "verified: true}", "verified: true, checked: 2026-02-30}")
    assert errors(pack_copy) == [f"{rel(tools)}:5:122: tools[0].checked: '2026-02-30' is not a date (YYYY-MM-DD)"]
    replace(tools, "checked: 2026-02-30}", "checked: 2999-01-01}")
    assert errors(pack_copy) == [
        f"{rel(tools)}:5:122: tools[0].checked: '2999-01-01' is in the future; give the day the source was read"]
    replace(tools, "checked: 2999-01-01}", "checked: 2026-02-03}")
    assert errors(pack_copy) == []
    assert load_pack(pack_copy).tools[0].verified is True


def test_an_overlay_law_checked_date_is_checked(pack_copy):
    overlay = pack_copy.parent / "economies" / "xx" / "overlay.yaml"
    replace(overlay, 'source: "https://example.org/ley"}', 'source: "https://example.org/ley", checked: 01/02/2026}')
    assert errors(pack_copy, "xx") == [
        f"{rel(overlay)}:12:119: legislation[0].checked: '01/02/2026' does not match '^\\\\d{{4}}-\\\\d{{2}}-\\\\d{{2}}$'"]
    replace(overlay, "checked: 01/02/2026}", "checked: 2026-01-02, verified: true}")
    assert errors(pack_copy, "xx") == []
