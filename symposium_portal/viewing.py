"""Which time zone the viewer sees, and why: chosen > from registration > detected > guessed
from the browser's language > none (the event's zone only, said so on the page).

Applied by the server on the first response: nobody has to press "Show" (or run JavaScript)
to see the times in their own zone when the portal can know it.

The anchors mixed the browser's zone with the chosen one; here the choice is explicit and the
page says where the zone came from, so nobody wonders why a time looks odd.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from flask import request, session
from flask_babel import lazy_gettext as _l

from symposium_portal import timez
from symposium_portal.auth import current_registrant

SOURCES = {
    "chosen": _l("chosen by you"),
    "registration": _l("from your registration"),
    "detected": _l("detected from your device"),
    "language": _l("guessed from your browser's language and region"),
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
    # tz.js writes the zone URI-encoded ("America%2FLima"); read unencoded it was never a
    # valid zone, so the device's zone was never applied.
    detected = unquote(request.cookies.get("portal_tz") or "")
    if timez.is_valid_zone(detected):
        return ViewerZone(detected, "detected")
    guessed = _zone_from_languages()
    if guessed:
        return ViewerZone(guessed, "language")
    return ViewerZone(None, None)


def _zone_from_languages() -> str | None:
    """The zone of the region named in the browser's preferred languages ("es-PE" gives
    America/Lima), only for a region with a single zone: a guess for Indonesia or the United
    States would be wrong for most readers. The first visit, before tz.js has set its cookie
    (or when scripts are off), then shows the viewer's times already."""
    for tag, _quality in request.accept_languages:
        parts = tag.replace("_", "-").split("-")
        region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if region:
            zones = timez.country_zones(region)
            if len(zones) == 1:
                return zones[0]
    return None
