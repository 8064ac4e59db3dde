"""The result document (schema, benchmark, re-assessment) and the diagnose/show commands."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from digiready.cli.main import main
from digiready.diagnostic import DiagnosticError, benchmark, diagnose
from digiready.packs import load_pack
from digiready.packs.paths import schema_dir

PROFILE = {"sector": "g", "size": "micro", "legal_form": "cooperative"}
ANSWERS = {"channels": ["social", "maps"], "posting": 3, "accepts": ["cash", "qr"],
           "sells_online": "partly", "online_share": "mid", "staff_training": "no",
           "protections": ["twofa"], "coop_records": "yes"}


def result_validator():
    return Draft202012Validator(json.loads((schema_dir() / "result.schema.json").read_text()))


def test_result_matches_published_schema(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir, "xx", "es")
    peers = [{"economy": "xx", "sector": "g", "size": "micro", "overall": 40.0 + n,
              "dimensions": {"presence": 50.0}} for n in range(3)]
    result = diagnose(pack, PROFILE, ANSWERS, peers=peers,
                      previous=diagnose(pack, PROFILE, dict(ANSWERS, posting=1)))
    # presence before: 50*2/3 + 50*1/5 = 43.3; after: 50*2/3 + 50*3/5 = 63.3
    errors = list(result_validator().iter_errors(json.loads(json.dumps(result))))
    assert errors == []
    assert result["change"]["dimensions"][0] == {
        "id": "presence", "title": "Digital presence", "from": 43.3, "to": 63.3, "change": 20.0,
        "level_from": "competent", "level_to": "advanced"}
    assert result["change"]["improved"] == ["presence"]


def test_benchmark_percentile_and_withholding(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir)  # min_peer_group 3
    scores = diagnose(pack, PROFILE, ANSWERS)  # overall 53.3
    peers = [{"economy": None, "sector": "g", "size": size, "overall": overall, "dimensions": {}}
             for size, overall in [("micro", 10.0), ("sole", 53.3), ("micro", 90.0), ("small", 1.0)]]
    # "sole" pools with "micro" (peer_group), "small" is another group: 3 peers.
    got = benchmark(pack, scores["profile"], scores, peers)
    assert got["available"] and got["peers"] == 3
    assert got["overall_percentile"] == 50.0  # one below, one tie (half), one above
    withheld = benchmark(pack, scores["profile"], scores, peers[:2])
    assert withheld["available"] is False and "at least 3" in withheld["reason"]
    assert "overall_percentile" not in withheld


def test_missing_and_invalid_answers_each_get_one_line(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir)
    try:
        diagnose(pack, PROFILE, dict(ANSWERS, posting=9, nope="x", channels=["none", "social"]))
    except DiagnosticError as exc:
        assert exc.errors == [
            "question 'channels': 'none' cannot be combined with other options",
            "question 'posting': 9 is not a whole number from 0 to 5 or 'na'",
            "question 'nope': unknown question",
        ]
    else:
        raise AssertionError("invalid answers were accepted")


def test_diagnose_command(fixture_pack_dir, tmp_path, capsys):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"profile": PROFILE, "answers": ANSWERS}))
    assert main(["diagnose", "--pack", str(fixture_pack_dir), "--answers", str(answers), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["overall"]["score"] == 53.3
    del ANSWERS["accepts"]
    answers.write_text(json.dumps({"profile": PROFILE, "answers": dict(ANSWERS, sells_online="maybe")}))
    assert main(["diagnose", "--pack", str(fixture_pack_dir), "--answers", str(answers)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{answers}: question 'sells_online': 'maybe' is not one of yes, partly, no",
        f"{answers}: question 'accepts': an answer is required (How can customers pay you?)",
    ]
    answers.write_text("{not json")
    assert main(["diagnose", "--pack", str(fixture_pack_dir), "--answers", str(answers)]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_show_json_lets_a_program_build_a_valid_answer_file(fixture_pack_dir, capsys):
    assert main(["pack", "show", str(fixture_pack_dir), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    profile = {p["id"]: p["values"][0] for p in shown["profile"] if p["values"]}
    answers = {}
    for q in shown["questions"]:
        first = next(v for v in q["values"] if v != "na")
        answers[q["id"]] = [first] if q["multiple"] else first
        assert {"id", "dimension", "type", "values"} <= set(q)
    result = diagnose(load_pack(fixture_pack_dir), profile, answers)
    assert result["overall"]["score"] is not None


def test_interactive_diagnose(fixture_pack_dir, monkeypatch, capsys):
    # profile: sector 3 (trade), size 1 (sole), legal form 1, gender skipped; then questions.
    replies = iter(["3", "1", "1", "", "1,2", "7", "3", "2,3", "y", "2", "na", ""])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(replies))
    assert main(["diagnose", "--pack", str(fixture_pack_dir), "--interactive"]) == 0
    out = capsys.readouterr().out
    assert "is not a whole number from 0 to 5" in out  # "7" was refused and asked again
    assert "Overall: 69.5 / 100 - Advanced" in out


@pytest.mark.parametrize("module", ["digiready", "digiready.cli.main"])
def test_python_dash_m_reports_a_mistake_in_one_line(module, tmp_path):
    """`python -m …` catches the commands' CommandError as the console script does."""
    import subprocess
    import sys

    missing = tmp_path / "no-such-answers.json"
    run = subprocess.run([sys.executable, "-m", module, "diagnose", "--answers", str(missing)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("digiready: error:"), run.stderr
