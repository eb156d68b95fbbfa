"""Forms of the booking pages: the request (members and guests) and the decisions on it."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..booking import resources_by_ids
from ..errors import InvalidInput
from ..timeline import repeat_rule
from .base import Form

REPEATS = {
    "": _l("Does not repeat"),
    "weekly": _l("Every week, or every n weeks"),
    "monthly": _l("Every month on the same weekday (e.g. the 2nd Tuesday)"),
    "monthly_last": _l("Every month on the last such weekday"),
}
SCOPES = {
    "this": _l("This date"),
    "following": _l("This and the following dates"),
    "all": _l("All dates"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BookingForm(Form):
    organisation_id = SelectField(_l("Booking for"), coerce=int)
    resource_ids = MultiCheckboxField(
        _l("Rooms or resources"), coerce=int,
        description=_l("Choose several to book them together, e.g. a course room and the "
                       "childcare room next door."))
    date = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=5000)])
    attendees = IntegerField(_l("Expected attendees"),
                             validators=[InputRequired(), NumberRange(min=1, max=10000)])
    public = BooleanField(_l("Public: show the title in the room's calendar"))
    location = StringField(_l("Where the mobile resource will stand"),
                           validators=[Length(max=300)],
                           description=_l("Only for the Spielmobil and other mobile resources."))
    repeat = SelectField(_l("Repeats"), choices=list(REPEATS.items()))
    interval = IntegerField(_l("Every n weeks"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=52)])
    until = DateField(_l("Repeats until"), validators=[Optional()])
    count = IntegerField(_l("or this many times"),
                         validators=[Optional(), NumberRange(min=1, max=260)])
    exdates = StringField(_l("Dates left out"), validators=[Length(max=3000)],
                          description=_l("YYYY-MM-DD, separated by commas (e.g. school "
                                         "holidays)."))

    def to_request(self, session) -> dict:
        """The keyword fields of request_booking() and join_waiting_list() from the filled
        form: wall-clock times of the chosen date, the rule its repeat choices make."""
        day = self.date.data
        return {
            "resources": resources_by_ids(session, self.resource_ids.data or []),
            "local_start": datetime.combine(day, self.start.data),
            "local_end": datetime.combine(day, self.end.data),
            "title": self.title.data or "",
            "purpose": self.purpose.data or "",
            "attendees": self.attendees.data,
            "public": self.public.data,
            "location": self.location.data or "",
            "rrule": repeat_rule(self.repeat.data, day, interval=self.interval.data or 1,
                                 until=self.until.data, count=self.count.data),
            "exdates": [d for d in (self.exdates.data or "").replace(",", " ").split() if d],
        }


class GuestBookingForm(BookingForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    organisation_name = StringField(_l("Your group or organisation"),
                                    validators=[InputRequired(), Length(max=160)])
    email = StringField(_l("E-mail"), validators=[InputRequired(), Length(max=254)],
                        description=_l("We send you a link to confirm the request."))


class DateChoiceForm(Form):
    """Approve or add back: optionally one date of a series."""

    date = StringField(_l("Date"), validators=[Length(max=10)])


class RejectForm(Form):
    reason = TextAreaField(_l("Reason for the requester"),
                           validators=[InputRequired(), Length(max=500)])
    date = SelectField(_l("Date"), choices=[], default="")  # the pending dates, set per booking


class CancelForm(Form):
    scope = RadioField(_l("Cancel"), choices=list(SCOPES.items()), default="all")
    date = SelectField(_l("From the date"), choices=[], default="")
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=500)])

    def to_cancel(self) -> dict:
        """The keyword fields of cancel_booking()."""
        return {"reason": self.reason.data, "scope": self.scope.data,
                "date": self.date.data or None}


class ChangeForm(Form):
    scope = RadioField(_l("Change"), choices=list(SCOPES.items()), default="this")
    date = SelectField(_l("Date"), choices=[], default="")
    new_date = DateField(_l("New date (only for this date)"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])
    resource_ids = MultiCheckboxField(_l("Rooms or resources"), coerce=int)

    def to_change(self, session, booking) -> dict:
        """The keyword fields of change_booking(): new wall-clock times (on the new date for
        one date, on the series' own days otherwise) and the resources, when changed."""
        start, end = self.start.data, self.end.data
        if (start is None) != (end is None):
            raise InvalidInput(_("Give both the new start and the new end."), field="end")
        local_start = local_end = None
        if start is not None:
            day = booking.local_start.date()
            if self.scope.data == "this":
                day = self.new_date.data or (date.fromisoformat(self.date.data)
                                             if self.date.data else day)
            local_start, local_end = datetime.combine(day, start), datetime.combine(day, end)
        chosen = self.resource_ids.data or []
        unchanged = set(chosen) == {r.id for r in booking.resources}
        return {"scope": self.scope.data, "date": self.date.data or None,
                "local_start": local_start, "local_end": local_end,
                "resources": None if unchanged else resources_by_ids(session, chosen)}
