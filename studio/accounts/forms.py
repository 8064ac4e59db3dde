"""Sign-in, invitation and member forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from studio.accounts.models import ROLES
from studio.auth import MIN_PASSWORD


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AcceptForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Choose a password"),
                             validators=[DataRequired(), Length(
                                 min=MIN_PASSWORD, max=200,
                                 message=_l("Use at least 10 characters (a short sentence is "
                                            "easy to remember)."))])
    confirm = PasswordField(_l("The same password again"),
                            validators=[DataRequired(), EqualTo("password")])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(r, r) for r in ROLES])


class ActionForm(FlaskForm):
    """A button that only needs CSRF protection."""
