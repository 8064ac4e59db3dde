"""Evaluation form (once per confirmed registrant, anonymous) and results (staff)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from symposium_portal.auth import (
    current_registrant,
    registrant_required,
    staff_required,
)
from symposium_portal.db import db
from symposium_portal.evaluation import results as results_mod
from symposium_portal.evaluation.forms import build_form
from symposium_portal.evaluation.models import (
    EvaluationResponse,
    EvaluationSubmission,
    LearningObjective,
)
from symposium_portal.registration import service

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation", template_folder="templates")


def _objectives(dbs, event):
    return list(dbs.scalars(select(LearningObjective).where(
        LearningObjective.event_id == event.id).order_by(LearningObjective.position,
                                                         LearningObjective.id)))


@bp.route("/", methods=["GET", "POST"])
@registrant_required(confirmed=True)
def form():
    dbs = db()
    event = service.current_event(dbs)
    me = current_registrant()
    if not event.evaluation_open:
        return render_template("evaluation/closed.html"), 403
    done = dbs.scalar(select(EvaluationSubmission.id).where(
        EvaluationSubmission.event_id == event.id,
        EvaluationSubmission.registration_id == me.id))
    if done:
        return render_template("evaluation/thanks.html", already=True), 409 \
            if request.method == "POST" else 200
    objectives = _objectives(dbs, event)
    f = build_form(objectives, request.form if request.method == "POST" else None)
    if request.method == "POST" and f.validate():
        # Two rows, two tables, no shared key: who answered, and what was answered.
        dbs.add(EvaluationSubmission(event_id=event.id, registration_id=me.id))
        dbs.add(EvaluationResponse(
            event_id=event.id, economy=me.economy, sector=me.sector,
            satisfaction=f.satisfaction.data, relevance=f.relevance.data,
            speakers=f.speakers.data, nps=f.nps.data,
            recommendations=(f.recommendations.data or "").strip(),
            ratings={str(o.id): [getattr(f, f"before_{o.id}").data,
                                 getattr(f, f"now_{o.id}").data] for o in objectives},
        ))
        try:
            dbs.commit()
        except IntegrityError:
            dbs.rollback()
            return render_template("evaluation/thanks.html", already=True), 409
        return render_template("evaluation/thanks.html", already=False)
    status = 400 if request.method == "POST" else 200
    return render_template("evaluation/form.html", form=f, objectives=objectives), status


@bp.get("/results")
@staff_required("viewer")
def results():
    dbs = db()
    event = service.current_event(dbs)
    return render_template("evaluation/results.html", r=results_mod.compute(dbs, event))
