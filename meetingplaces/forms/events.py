"""Forms for events: the event itself, rejecting a proposal, cancelling, changing one date."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, TRANSLATION_LANGUAGES
from ..vocabulary import SPOKEN_LANGUAGES
from .base import Form

REPEATS = {
    "": _l("Does not repeat"),
    "FREQ=DAILY": _l("Every day"),
    "FREQ=WEEKLY": _l("Every week"),
    "FREQ=WEEKLY;INTERVAL=2": _l("Every two weeks"),
    "FREQ=MONTHLY": _l("Every month"),
}
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "uk": "Українська", "tr": "Türkçe",
                  "fa": "فارسی", "ru": "Русский"}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(Form):
    quarter = SelectField(_l("Quarter"), coerce=int)
    organisation = SelectField(_l("Organiser"), coerce=int)
    show_organiser = BooleanField(_l("Show the organiser publicly"), default=True)
    title = StringField(_l("Title (German)"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (German)"), validators=[Length(max=20000)],
                                description=_l("Markdown: *italic*, **bold**, lists with -"))
    category = SelectField(_l("Category"), choices=list(CATEGORIES.items()))
    target_groups = MultiCheckboxField(_l("For"), choices=list(TARGET_GROUPS.items()))
    languages = MultiCheckboxField(_l("Languages spoken"), choices=list(SPOKEN_LANGUAGES.items()))
    is_free = BooleanField(_l("Free of charge"), default=True)
    cost = StringField(_l("Cost"), validators=[Length(max=200)])
    registration_required = BooleanField(_l("Registration needed"))
    registration_contact = StringField(_l("How to register (phone, e-mail or link)"),
                                       validators=[Length(max=300)])
    step_free = BooleanField(_l("Step-free access"))
    booking = SelectField(
        _l("Booked room"), coerce=int, default=0,
        description=_l("A room booked by your organisation or in your quarter. The event "
                       "takes place there and must lie within the booked time."))
    resource = SelectField(
        _l("Room"), coerce=int, default=0,
        description=_l("The event holds the room at its dates, as a booking does; while "
                       "it is a proposal, the room is only asked for."))
    facility = SelectField(_l("Meeting place"), coerce=int)
    place_name = StringField(_l("Place name"), validators=[Length(max=160)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    all_day = BooleanField(_l("All day"))
    start_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()],
                         description=_l("Only if it ends on another day."))
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    repeat = SelectField(_l("Repeats"), choices=list(REPEATS.items()))
    repeat_until = DateField(_l("Repeats until"), validators=[Optional()])
    exdates = StringField(_l("Dates left out"), validators=[Length(max=2000)],
                          description=_l("YYYY-MM-DD, separated by commas (e.g. school holidays)."))
    is_public = BooleanField(_l("Public (in the calendar and feeds)"), default=True)


for _code in TRANSLATION_LANGUAGES:
    setattr(EventForm, f"title_{_code}", StringField(
        _l("Title (%(language)s)", language=LANGUAGE_NAMES[_code]),
        validators=[Length(max=200)]))
    setattr(EventForm, f"description_{_code}", TextAreaField(
        _l("Description (%(language)s)", language=LANGUAGE_NAMES[_code]),
        validators=[Length(max=20000)]))


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class RejectForm(Form):
    reason = TextAreaField(_l("Reason for the proposer"),
                           validators=[InputRequired(), Length(max=2000)])


class MoveDateForm(Form):
    start_date = DateField(_l("New date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[Optional()])
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    note = StringField(_l("Note for guests"), validators=[Length(max=500)])
