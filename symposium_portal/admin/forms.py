"""Admin forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from symposium_portal.validators import SafeUrl


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class EventForm(FlaskForm):
    capacity = IntegerField(_l("Capacity (seats)"), validators=[DataRequired(),
                                                               NumberRange(min=1, max=100000)])
    requires_approval = BooleanField(_l("Organisers approve each registration"))
    registration_open = BooleanField(_l("Registration open"))
    evaluation_open = BooleanField(_l("Evaluation open"))
    virtual_room_url = StringField(_l("Virtual room link (shown to confirmed registrants)"),
                                   filters=[lambda v: v.strip() if isinstance(v, str) else v],
                                   validators=[Optional(), Length(max=500), SafeUrl()])
