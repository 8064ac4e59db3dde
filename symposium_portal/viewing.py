"""Which time zone the viewer sees, and why: chosen > from registration > detected > none.

The anchors mixed the browser's zone with the chosen one; here the choice is explicit and the
page says where the zone came from, so nobody wonders why a time looks odd.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, session
from flask_babel import lazy_gettext as _l

from symposium_portal import timez
from symposium_portal.auth import current_registrant

SOURCES = {
    "chosen": _l("chosen by you"),
    "registration": _l("from your registration"),
    "detected": _l("detected from your device"),
}


@dataclass(frozen=True)
class ViewerZone:
    name: str | None
    source: str | None

    @property
    def source_label(self) -> str:
        return str(SOURCES.get(self.source or "", ""))


def viewer_zone() -> ViewerZone:
    chosen = request.args.get("tz")
    if chosen is not None:
        if chosen == "":
            session.pop("tz", None)
        elif timez.is_valid_zone(chosen):
            session["tz"] = chosen
    if timez.is_valid_zone(session.get("tz")):
        return ViewerZone(session["tz"], "chosen")
    reg = current_registrant()
    if reg is not None and timez.is_valid_zone(reg.timezone):
        return ViewerZone(reg.timezone, "registration")
    detected = request.cookies.get("portal_tz")
    if timez.is_valid_zone(detected):
        return ViewerZone(detected, "detected")
    return ViewerZone(None, None)
