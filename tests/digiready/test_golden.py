"""Golden answer files whose scores and recommendations were computed by hand (see each
file's description)."""
import json
from pathlib import Path

import pytest

from digiready.diagnostic import diagnose
from digiready.packs import load_pack

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(path, fixture_pack_dir):
    case = json.loads(path.read_text())
    pack = load_pack(fixture_pack_dir, case["economy"])
    result = diagnose(pack, case["profile"], case["answers"])
    expected = case["expected"]
    assert {d["id"]: d["score"] for d in result["dimensions"]} == expected["dimensions"]
    assert {d["id"]: d["level"] for d in result["dimensions"]} == expected["levels"]
    assert result["overall"]["score"] == expected["overall"]
    assert result["overall"]["level"] == expected["overall_level"]
    assert (result["dii"]["count"], result["dii"]["band"]) == (expected["dii_count"], expected["dii_band"])
    got = [[r["kind"], r["id"], r["rule"], r["weight"]] for r in result["recommendations"]]
    assert got == expected["recommendations"]
    assert result["next_step"]["id"] == expected["recommendations"][0][1]
    assert [r["rank"] for r in result["recommendations"]] == list(range(1, len(got) + 1))


def test_overlay_reason_is_translated_and_programme_listed(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir, "xx")
    result = diagnose(pack, {"sector": "a", "size": "sole", "legal_form": "sole_proprietor"},
                      {"channels": ["none"], "posting": "na", "accepts": ["cash"],
                       "sells_online": "no", "protections": ["backup"]})
    qr = next(r for r in result["recommendations"] if r["id"] == "qr_pay")
    assert qr["reason"] == "Tus clientes no pueden pagarte con QR."
    assert [t["id"] for t in qr["tools"]] == ["xx_pago"]  # the overlay disabled generic_qr
    assert result["profile"]["economy"] == "xx"
    assert result["result_version"] == "1.1"
    json.dumps(result)  # the result document is JSON-serialisable
