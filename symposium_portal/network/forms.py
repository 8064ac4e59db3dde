"""Network forms: filters, meeting requests, reports."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from symposium_portal import timez, vocab
from symposium_portal.validators import Visible


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name or organisation"), validators=[Optional(), Length(max=100)])
    economy = SelectField(_l("Economy"), validators=[Optional()])
    sector = SelectField(_l("Type of organisation"), validators=[Optional()])
    interest = SelectField(_l("Interest"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.economy.choices = [("", _l("All economies")), *vocab.economy_choices()]
        self.sector.choices = [("", _l("All types"))] + list(vocab.SECTORS.items())
        self.interest.choices = [("", _l("All interests"))] + list(vocab.INTERESTS.items())


class MeetingForm(FlaskForm):
    note = TextAreaField(_l("Note: what would you like to talk about?"),
                         validators=[DataRequired(), Length(max=1000), Visible()])
    slot1 = DateTimeLocalField(_l("First proposed time"), format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired()])
    slot2 = DateTimeLocalField(_l("Second proposed time (optional)"), format="%Y-%m-%dT%H:%M",
                               validators=[Optional()])
    slot3 = DateTimeLocalField(_l("Third proposed time (optional)"), format="%Y-%m-%dT%H:%M",
                               validators=[Optional()])
    minutes = SelectField(_l("Length"), choices=[("15", "15 min"), ("30", "30 min"),
                                                  ("45", "45 min"), ("60", "60 min")],
                          default="30")

    def __init__(self, *args, zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone  # the requester's: the times are typed in it

    def to_utc(self, value: datetime) -> datetime:
        """A wall-clock time typed by the requester, in their zone, to a UTC instant. A time
        that does not exist (skipped by a daylight-saving change) moves forward, as clocks
        do."""
        return value.replace(tzinfo=timez.zone(self.zone)).astimezone(UTC)

    def slots_utc(self) -> list[datetime]:
        return sorted({self.to_utc(f.data) for f in (self.slot1, self.slot2, self.slot3)
                       if f.data})

    def _future(self, field) -> None:
        if field.data and self.to_utc(field.data) <= datetime.now(UTC):
            raise ValidationError(_l("This time has passed: propose a time in the future."))

    validate_slot1 = validate_slot2 = validate_slot3 = _future


class AcceptForm(FlaskForm):
    slot = RadioField(_l("Choose a time"), validators=[InputRequired()], coerce=int)


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong?"), validators=[DataRequired(), Length(max=2000), Visible()])
