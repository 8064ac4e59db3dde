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
from symposium_portal.db import db, lock_event
from symposium_portal.evaluation import ballot_box
from symposium_portal.evaluation import results as results_mod
from symposium_portal.evaluation.forms import build_form
from symposium_portal.evaluation.models import EvaluationSubmission, LearningObjective
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
        # Who answered and what was answered: two tables sharing no key, and nothing stored
        # (transaction id, row order, timestamp) that pairs them (see ballot_box).
        lock_event(dbs, event.id)
        try:
            ballot_box.submit(dbs, event.id, me.id, {
                "economy": me.economy, "sector": me.sector,
                "satisfaction": f.satisfaction.data, "relevance": f.relevance.data,
                "speakers": f.speakers.data, "nps": f.nps.data,
                "recommendations": (f.recommendations.data or "").strip(),
                "ratings": {str(o.id): [getattr(f, f"before_{o.id}").data,
                                        getattr(f, f"now_{o.id}").data] for o in objectives},
            })
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
