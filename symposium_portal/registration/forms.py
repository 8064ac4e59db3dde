"""Registration forms (Flask-WTF: every POST carries a CSRF token)."""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from digiready.media.labels import language_name
from symposium_portal import timez, vocab
from symposium_portal.translations import CATALOG
from symposium_portal.validators import SingleLine

# The languages the portal speaks (each compiled catalogue), by their own names.
LANGUAGE_CHOICES = [(code, language_name(code)) for code in CATALOG.offered()]


class FastSelectField(SelectField):
    """A select whose submitted value is checked against a set, not by walking every
    choice: the time-zone list has ~130 entries and every registration validates it."""

    def pre_validate(self, form) -> None:
        allowed = getattr(self, "_allowed", None)
        if allowed is None or len(allowed) != len(self.choices or ()):
            self._allowed = allowed = frozenset(str(c[0]) for c in self.choices or ())
        if self.data not in allowed:
            raise ValidationError(self.gettext("Not a valid choice."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _zone_valid(_form, field) -> None:
    if not timez.is_valid_zone(field.data):
        raise ValidationError(_l("Choose a time zone from the list."))


@lru_cache(maxsize=1)
def _zone_choices() -> list:
    """Built once: every registration request constructs this form."""
    return [(z, z.replace("_", " ")) for z in timez.all_zones()]


class ProfileFields(FlaskForm):
    """Fields a registrant can edit later through their link."""

    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(), Length(max=200), SingleLine()])
    organisation = StringField(_l("Organisation"),
                               validators=[DataRequired(), Length(max=200), SingleLine()])
    role = StringField(_l("Position or role"),
                       validators=[Optional(), Length(max=200), SingleLine()])
    economy = FastSelectField(_l("Economy"), validators=[InputRequired()])
    sector = RadioField(_l("Type of organisation"), validators=[InputRequired()])
    gender = RadioField(_l("Gender (optional)"), validators=[Optional()])
    timezone = FastSelectField(_l("Your time zone"), validators=[InputRequired(), _zone_valid])
    language = SelectField(_l("Language for emails"), choices=LANGUAGE_CHOICES)
    interests = MultiCheckboxField(_l("Interests (for networking suggestions)"))
    bio = TextAreaField(_l("A few words about you and what you are looking for"),
                        validators=[Optional(), Length(max=1000)])
    consent_directory = BooleanField(
        _l("List me in the participant directory so other participants can find me and "
           "request a meeting"))
    consent_contact = BooleanField(
        _l("The organisers may contact me after the symposium about follow-up activities"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.economy.choices = [("", _l("Choose your economy")), *vocab.economy_choices()]
        self.sector.choices = list(vocab.SECTORS.items())
        self.gender.choices = list(vocab.GENDERS.items())
        self.timezone.choices = _zone_choices()
        self.interests.choices = list(vocab.INTERESTS.items())

    def validate_economy(self, field) -> None:
        if field.data not in vocab.ECONOMIES:
            raise ValidationError(_l("Choose your economy from the list."))

    def validate_interests(self, field) -> None:
        if len(field.data or []) > 12:
            raise ValidationError(_l("Too many interests."))


class RegistrationForm(ProfileFields):
    email = EmailField(_l("Email address"), filters=[_strip],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    consent_privacy = BooleanField(
        _l("I have read the privacy notice and agree that my registration data is processed "
           "to run the symposium"),
        validators=[DataRequired(_l("You must accept the privacy notice to register."))])
    # Honeypot: hidden from people (CSS display:none, so not in the accessibility tree);
    # bots that fill every field get a normal-looking answer and nothing is stored.
    website = StringField(_l("Leave this field empty"))


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    website = StringField(_l("Leave this field empty"))


class ActionForm(FlaskForm):
    """A button-only form: it exists for its CSRF token."""
