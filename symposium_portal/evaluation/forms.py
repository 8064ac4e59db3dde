"""The evaluation form: Kirkpatrick level 1 (1–5), then-post self-ratings (level 2), NPS."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

SCALE = [(i, str(i)) for i in range(1, 6)]


def scale_field(label) -> RadioField:
    return RadioField(label, choices=SCALE, coerce=int, validators=[InputRequired()])


class EvaluationForm(FlaskForm):
    satisfaction = scale_field(_l("Overall, how satisfied are you with the symposium? "
                                  "(1 = not at all, 5 = very)"))
    relevance = scale_field(_l("How relevant was it to your work? (1 = not at all, 5 = very)"))
    speakers = scale_field(_l("How good were the speakers? (1 = poor, 5 = excellent)"))
    nps = RadioField(_l("How likely are you to recommend this symposium to a colleague? "
                        "(0 = not at all likely, 10 = extremely likely)"),
                     choices=[(i, str(i)) for i in range(11)], coerce=int,
                     validators=[InputRequired()])
    recommendations = TextAreaField(_l("What should we do differently next time?"),
                                    validators=[Optional(), Length(max=4000)])


def build_form(objectives, formdata=None) -> EvaluationForm:
    """Add a "before" and a "now" rating per learning objective (then-post design: both asked
    after the event, which avoids the response-shift bias of a separate pre-test)."""

    class Form(EvaluationForm):
        pass

    for obj in objectives:
        setattr(Form, f"before_{obj.id}", scale_field(
            _l("Before the symposium, my knowledge of this was (1 = very low, 5 = very high)")))
        setattr(Form, f"now_{obj.id}", scale_field(
            _l("Now, my knowledge of this is (1 = very low, 5 = very high)")))
    return Form(formdata=formdata) if formdata is not None else Form()
