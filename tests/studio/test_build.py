"""Building a draft reuses the parsed base pack: reading one economy's overlay into it must
leave it as it was for the next economy (items disabled, replaced or added by one overlay,
and a base module's translated script, never leak into another's build)."""
from __future__ import annotations

from pathlib import Path

from digiready.authoring.build import _base_reads, build_overlay
from digiready.authoring.content import OverlayContent, read_overlay_folder
from digiready.packs.loader import read_pack

FIXTURES = Path(__file__).resolve().parents[1] / "digiready" / "fixtures"
PACK = FIXTURES / "pack"


def _shape(raw) -> dict:
    return {"collections": {k: [e.id for e in v] for k, v in raw.collections.items()},
            "rules": {e.id: e.data.get("reason") for e in raw.collections["rules"]},
            "modules": {k: m.overlay_folder for k, m in raw.modules.items()},
            "translations": {k: len(v) for k, v in raw.translations.items()},
            "disabled": {k: sorted(v) for k, v in raw.disabled.items()}, "issues": len(raw.issues)}


def test_an_overlay_read_into_the_cached_base_does_not_change_it():
    _base_reads.clear()
    xx = read_overlay_folder(FIXTURES / "economies" / "xx")
    built = build_overlay(xx, PACK)
    assert not built.errors, built.errors
    assert "xx_pago" in built.files["tools.yaml"].decode()
    (cached,) = _base_reads.values()
    assert _shape(cached) == _shape(read_pack(PACK))
    # A second economy built on the same cached base sees none of the first one's changes.
    other = OverlayContent("yy", [item for item in xx.items if item.key == "overlay"])
    other.items[0].data = dict(other.items[0].data, economy="yy")
    again = build_overlay(other, PACK)
    assert not again.errors, again.errors
    assert "tools.yaml" not in again.files or "xx_pago" not in again.files["tools.yaml"].decode()
    assert _shape(cached) == _shape(read_pack(PACK))
