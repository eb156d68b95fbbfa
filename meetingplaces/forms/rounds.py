"""Forms for the Spielmobil rounds: the season plan with its stops, and changes to it.

Skip periods and driving times are typed one per line, so the plan form works without JS;
`skip_periods()` and `travel_times()` read them into domain values or name the bad line.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..errors import InvalidInput
from ..rounds import SkipPeriod
from .base import Form, SubForm

WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
            (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday"))]
STOP_ROWS = 8


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StopFields(SubForm):
    """One stop: a row of the plan form, or the new values of a change from a date on."""

    weekday = SelectField(_l("Weekday"), coerce=int, choices=WEEKDAYS)
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])
    place_name = StringField(_l("Place"), validators=[Length(max=160)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    quarter = SelectField(_l("Quarter"), coerce=int)
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    staff_needed = IntegerField(_l("Staff needed"), default=2,
                                validators=[Optional(), NumberRange(0, 20)])

    @property
    def is_blank(self) -> bool:
        return not (self.place_name.data or "").strip()


class PlanForm(Form):
    resource = SelectField(_l("Mobile resource"), coerce=int)
    name = StringField(_l("Name of the round"), validators=[InputRequired(), Length(max=160)])
    season_start = DateField(_l("Season starts"), validators=[InputRequired()])
    season_end = DateField(_l("Season ends"), validators=[InputRequired()])
    travel_minutes = IntegerField(_l("Driving time between stops (minutes)"), default=30,
                                  validators=[InputRequired(), NumberRange(0, 600)])
    stops = FieldList(FormField(StopFields), min_entries=STOP_ROWS, max_entries=40)
    skip_periods = TextAreaField(
        _l("Periods to skip"), validators=[Length(max=5000)],
        description=_l("One per line: first day, last day, reason, e.g. "
                       "2027-07-12 2027-08-24 Sommerferien"))
    travel_times = TextAreaField(
        _l("Driving times between two places"), validators=[Length(max=5000)],
        description=_l("One per line: from place; to place; minutes"))


class StopChangeForm(Form):
    from_date = DateField(_l("Change from this date on"), validators=[InputRequired()])
    stop = FormField(StopFields)


class CancelDateForm(Form):
    reason = TextAreaField(_l("Reason (shown in the calendar and sent to the team)"),
                           validators=[InputRequired(), Length(max=500)])


class MoveDateForm(Form):
    day = DateField(_l("New date"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])
    note = StringField(_l("Note for the calendar"), validators=[Length(max=500)])


class StaffForm(Form):
    staff = MultiCheckboxField(_l("Team"), coerce=int)


class ExtraDateForm(Form):
    stop = SelectField(_l("Stop"), coerce=int)
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])


class EndSeasonForm(Form):
    last_day = DateField(_l("Last day of the season"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class YieldForm(Form):
    """Approve a request for the van; each colliding date is cancelled or moved (inputs named
    after the date's id, read by the view)."""

    reason = StringField(_l("Reason (sent to the team, shown in the calendar)"),
                         validators=[InputRequired(), Length(max=500)])


def skip_periods(text: str) -> list[SkipPeriod]:
    periods = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=2)
        try:
            first, last = date.fromisoformat(parts[0]), date.fromisoformat(parts[1])
        except (IndexError, ValueError) as error:
            raise InvalidInput(_("Line %(number)d: write the first and last day as "
                                 "YYYY-MM-DD.", number=number), field="skip_periods") from error
        periods.append(SkipPeriod(first, last, parts[2].strip() if len(parts) > 2 else ""))
    return periods


def travel_times(text: str) -> dict[tuple[str, str], int]:
    pairs = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].isdigit():
            raise InvalidInput(_("Line %(number)d: write from place; to place; minutes.",
                                 number=number), field="travel_times")
        pairs[(parts[0], parts[1])] = int(parts[2])
    return pairs
