"""Class dashboard (dimension averages, level distribution, completion, roster from NRPS)
and the CSV export."""
from __future__ import annotations

import io

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from digiready.presentation.charts import bar_chart_svg
from digiready.presentation.labels import level_label, profile_label
from digiready.spreadsheet import csv_writer
from digiready.storage import session_scope
from lti_tool.content import launch_pack
from lti_tool.instructor.classroom import class_rows, summary
from lti_tool.launch_context import csrf_token, load_launch
from lti_tool.services import nrps
from lti_tool.services.tokens import ServiceError

bp = Blueprint("instructor", __name__, url_prefix="/instructor")
LEARNER_ROLE = "membership#Learner"


@bp.get("/dashboard")
def dashboard():
    with session_scope() as s:
        launch = load_launch(s, instructor=True)
        pack = launch_pack(launch)
        rows = class_rows(s, launch)
        stats = summary(rows, pack)
        by_user = {r.user_id: r for r in rows}
        roster, roster_error = [], None
        try:
            for member in nrps.members(launch):
                roles = member.get("roles") or []
                if roles and not any(r.endswith(LEARNER_ROLE) or r == "Learner" for r in roles):
                    continue
                row = by_user.get(member.get("user_id"))
                roster.append({"name": member.get("name") or member.get("user_id"),
                               "status": row.status if row else "not_started",
                               "score": row.attempt.overall_score if row and row.attempt else None})
        except ServiceError as exc:
            roster_error = str(exc)
        chart = bar_chart_svg([(a["title"], a["score"]) for a in stats["averages"]],
                              title=_("Class average by area (0-100)"), chart_id="class-avg") \
            if stats["averages"] else ""
        taken = sum(1 for r in roster if r["status"] == "completed")
        return render_template("instructor/dashboard.html", launch=launch, pack=pack,
                               stats=stats, rows=rows, roster=roster, roster_error=roster_error,
                               taken=taken, chart=Markup(chart), csrf=csrf_token(launch.id),
                               title=_("Class dashboard"), nav=False)


def _status_labels() -> dict[str, str]:
    """The roster's words for a learner's diagnostic status (the dashboard's, too)."""
    return {"completed": _("Taken"), "in_progress": _("In progress"), "not_started": _("Not taken")}


@bp.get("/export.csv")
def export():
    with session_scope() as s:
        launch = load_launch(s, instructor=True)
        pack = launch_pack(launch)
        rows = class_rows(s, launch)
        dims = [d for d in pack.dimensions]
        out = io.StringIO()
        writer = csv_writer(out)  # a name like "=HYPERLINK(...)" stays text in Excel
        # Each code keeps its column (for scripts and joins) with a label column beside it
        # (for people): "r" and "Arts, entertainment...", in the pack's language.
        writer.writerow(["user_id", "name", "status", "status_label", "attempt", "completed_at",
                         "overall_score", "level", "level_label", "economy", "economy_label",
                         "sector", "sector_label", "size", "size_label"] + [d.id for d in dims])
        statuses = _status_labels()
        for r in rows:
            a = r.attempt
            scores = {d["id"]: d["score"] for d in (a.result or {}).get("dimensions", [])} \
                if a is not None and a.result else {}
            level = a.level or "" if a else ""
            profile = {k: (getattr(a, k) or "" if a else "") for k in ("economy", "sector", "size")}
            writer.writerow([r.user_id, r.name or "", r.status, statuses.get(r.status, r.status),
                             a.number if a else "",
                             a.completed_at.isoformat() if a and a.completed_at else "",
                             a.overall_score if a and a.overall_score is not None else "",
                             level, level_label(pack, level)]
                            + [v for k in ("economy", "sector", "size")
                               for v in (profile[k], profile_label(pack, k, profile[k]))]
                            + ["" if scores.get(d.id) is None else scores[d.id] for d in dims])
    # UTF-8 with a BOM, so Excel opens names in any script correctly.
    body = "\ufeff" + out.getvalue()
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="digiready-class.csv"'})
