"""``/analytics/indicators``: the project's indicators for instructors and economy admins
(inline SVG charts, the same figures as tables, CSV download), and ``/analytics/static/
player.js``, the events area's video player script for module pages.

Instructors see their launch's economy (or every economy when the platform has none; on a
registration whose learners choose their economy, any one of those economies);
administrators (LIS institution/system Administrator) may pick any economy. Small groups
are suppressed by the core (``digiready.events.indicators``), never here.
"""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from digiready import events
from digiready.events import dashboard
from digiready.events.indicators import Filters, compute
from digiready.packs.paths import allowed_economies
from digiready.storage import session_scope
from lti_tool.content import launch_pack
from lti_tool.launch_context import load_launch

bp = Blueprint("analytics", __name__, url_prefix="/analytics", template_folder="templates",
               static_folder=str(events.STATIC_DIR), static_url_path="/static")
ADMIN_SUFFIX = "person#Administrator"
PERIODS = ("month", "week", "day")
PROFILE_FILTERS = ("gender", "age_band", "sector", "size")


def _is_admin(roles: list[str]) -> bool:
    return any(str(r).endswith(ADMIN_SUFFIX) for r in roles or [])


def _date(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=_("The date %(v)s is not a date (YYYY-MM-DD).", v=value[:20]))


def _filters(launch) -> tuple[Filters, str, bool]:
    admin = _is_admin(launch.roles)
    own = (launch.services or {}).get("economy")
    # A registration whose learners choose among several economies: its instructors may pick
    # one of those (their learners' economies), and no other.
    listed = allowed_economies((launch.services or {}).get("economies"))
    economy = own
    if admin or not own or listed:
        wanted = request.args.get("economy", "").strip().lower()
        if wanted and not re.fullmatch(r"[a-z]{2}", wanted):
            abort(400, description=_("An economy is a two-letter code, such as pe."))
        if (wanted and not admin and isinstance(listed, tuple) and listed
                and wanted not in listed and wanted != own):
            abort(403, description=_("This course's learners choose among %(codes)s; pick one "
                                     "of those.", codes=", ".join(listed)))
        economy = wanted or (own if not admin else None) or None
        listed = listed or not own
    values = {k: (request.args.get(k, "").strip()[:16] or None) for k in PROFILE_FILTERS}
    d_from, d_to = _date("from"), _date("to")
    if d_from and d_to and d_from > d_to:
        abort(400, description=_("The start date is after the end date."))
    period = request.args.get("period", "month")
    if period not in PERIODS:
        period = "month"
    return Filters(economy=economy, date_from=d_from, date_to=d_to, **values), period, admin or bool(listed)


@bp.get("/indicators")
def indicators():
    with session_scope() as s:
        launch = load_launch(s, instructor=True)
        filters, period, can_pick = _filters(launch)
        data = compute(filters, period=period, db=s)
        pack = launch_pack(launch)
        options = _profile_options(pack)
        html = dashboard.render_sections(
            data, _, level_titles={lv.id: lv.title for lv in pack.levels},
            dimension_titles={d.id: d.title for d in pack.dimensions})
        return render_template("indicators/page.html", launch=launch, data=data, filters=filters,
                               period=period, periods=PERIODS, can_pick=can_pick, options=options,
                               sections=Markup(html), title=_("Indicators"), nav=False)


@bp.get("/indicators.csv")
def indicators_csv():
    with session_scope() as s:
        launch = load_launch(s, instructor=True)
        filters, period, _pick = _filters(launch)
        data = compute(filters, period=period, db=s)
    body = "\ufeff" + dashboard.csv_text(data)  # a BOM so that spreadsheet programs read UTF-8
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="digiready-indicators.csv"'})


def _profile_options(pack) -> dict[str, list[tuple[str, str]]]:
    """The choices of each profile filter, from the pack's profile questions."""
    out: dict[str, list[tuple[str, str]]] = {}
    for field in PROFILE_FILTERS:
        question = pack.profile_question(field)
        out[field] = [(o.id, o.label) for o in question.options] if question is not None else []
    return out
