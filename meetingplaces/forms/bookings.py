"""Forms of the booking pages: the request (members and guests) and the decisions on it."""

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


class ChangeForm(Form):
    scope = RadioField(_l("Change"), choices=list(SCOPES.items()), default="this")
    date = SelectField(_l("Date"), choices=[], default="")
    new_date = DateField(_l("New date (only for this date)"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])
    resource_ids = MultiCheckboxField(_l("Rooms or resources"), coerce=int)


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token."""
