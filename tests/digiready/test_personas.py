"""The four personas of issue 17 as golden tests: each answers file in personas/ holds the
expected top three items and the reasons shown with them (rule ids, in the order the page
shows them), plus the sentences the learner must and must not read."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digiready.diagnostic import diagnose
from digiready.packs import load_pack
from digiready.presentation.results_view import results_view

BASE = Path(__file__).resolve().parents[2] / "content" / "base"
PERSONAS = sorted((Path(__file__).parent / "personas").glob("*.yaml"))


def shown(case: dict) -> tuple[dict, dict]:
    pack = load_pack(BASE, case["economy"], case.get("language"))
    result = diagnose(pack, case["profile"], case["answers"])
    return result, results_view(result)


@pytest.mark.parametrize("path", PERSONAS, ids=[p.stem for p in PERSONAS])
def test_persona(path):
    case = yaml.safe_load(path.read_text("utf-8"))
    expected = case["expected"]
    result, view = shown(case)
    top = result["recommendations"][:3]
    assert [f"{i['kind']}:{i['id']}" for i in top] == expected["top3"]
    assert {f"{i['kind']}:{i['id']}": [r["rule"] for r in i["reasons"]] for i in top} == expected["reasons"]
    assert all(i["usable"] for i in top)
    page = "\n".join(
        [g["heading"] for g in view["groups"]]
        + [r["text"] for g in view["groups"] for r in g["reasons"]]
        + [line for g in view["groups"] for r in g["reasons"] for line in r["because"]]
        + [t for g in view["groups"] for i in g["items"] for t in (i["also"], i["unlocks_text"], *i["missing_text"])])
    for text in expected.get("shown", []):
        assert text in page, text
    for text in expected.get("not_shown", []):
        assert text not in page, text
    # every fired rule's reason is on the page, once
    fired = {r["rule"] for i in result["recommendations"] for r in i["reasons"]}
    listed = [r["rule"] for g in view["groups"] for r in g["reasons"]]
    assert set(listed) == fired and len(listed) == len(set(listed))
    for name in expected.get("tools_offered", []):
        assert any(t["name"] == name for g in view["groups"] for i in g["items"] for t in i["tools"]), name


def test_cli_takes_the_overlay_from_the_answer_file(tmp_path, capsys):
    """Issue 17 item 3: without --economy, `digiready diagnose` uses the file's economy answer."""
    import json

    from digiready.cli.main import main

    case = yaml.safe_load((Path(__file__).parent / "personas" / "ph_online_seller.yaml").read_text("utf-8"))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"profile": case["profile"], "answers": case["answers"]}))
    assert main(["diagnose", "--pack", str(BASE), "--answers", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pack"]["economy"] == "ph"
    assert any(i["id"] == "ph_negosyo_centers" for i in result["recommendations"])
