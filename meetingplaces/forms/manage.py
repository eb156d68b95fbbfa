"""Forms of the management area: quarters, facilities, resources, closures, organisations, users.

Lengths follow the database columns; long texts are capped so a page stays a page. Rules that need
the database (unique slugs) or parsing (opening hours, local times) live in the domain modules.
"""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..config import LANGUAGES, RTL_LANGUAGES
from ..models import OrganisationStatus
from ..place_texts import PLACE_LANGUAGES
from ..vocabulary import EQUIPMENT, ORGANISATION_KINDS, SPOKEN_LANGUAGES
from .base import Form

LONG_TEXT = 5000
WEEKDAY_LABELS = [
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
    _l("Sunday"),
]
HOLIDAY_REGIONS = [
    ("", _l("Default of the city")),
    ("BW", _l("Baden-Württemberg")),
    ("BY", _l("Bavaria")),
    ("BE", _l("Berlin")),
    ("BB", _l("Brandenburg")),
    ("HB", _l("Bremen")),
    ("HH", _l("Hamburg")),
    ("HE", _l("Hesse")),
    ("NI", _l("Lower Saxony")),
    ("MV", _l("Mecklenburg-Western Pomerania")),
    ("NW", _l("North Rhine-Westphalia")),
    ("RP", _l("Rhineland-Palatinate")),
    ("SL", _l("Saarland")),
    ("SN", _l("Saxony")),
    ("ST", _l("Saxony-Anhalt")),
    ("SH", _l("Schleswig-Holstein")),
    ("TH", _l("Thuringia")),
]
ORGANISATION_STATUSES = [
    (OrganisationStatus.ACTIVE.value, _l("Active")),
    (OrganisationStatus.PENDING.value, _l("Waiting for approval")),
    (OrganisationStatus.REJECTED.value, _l("Rejected")),
    (OrganisationStatus.INACTIVE.value, _l("Inactive")),
]
SLUG_HINT = _l(
    "Part of the page address, e.g. “alte-feuerwache”. Left empty, it is made from the name."
)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered as a fieldset by macros/forms.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _web_address(form, field):
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Please enter a web address starting with https://"))


def _strip(value):
    """Text fields hold text: surrounding spaces dropped, a field left out of the post is empty."""
    return value.strip() if isinstance(value, str) else ""


class ManageForm(Form):
    # Texts with a field `<name>_<language>` per further language (add_translation_fields).
    TRANSLATED: tuple[str, ...] = ()

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": [*filters, _strip]}
            return unbound_field.bind(form=form, **options)

    def values(self, *leave_out: str) -> dict:
        """The submitted values by field name, for the domain function's keyword arguments;
        translations of the texts as `translations` = {language: {field: text}}."""
        translated = self.translation_names()
        values = {
            name: field.data
            for name, field in self._fields.items()
            if name != "csrf_token" and name not in leave_out and name not in translated
        }
        if self.TRANSLATED:
            values["translations"] = {
                code: {name: self[f"{name}_{code}"].data or "" for name in self.TRANSLATED}
                for code in PLACE_LANGUAGES
            }
        return values

    def translation_names(self) -> set[str]:
        return {f"{name}_{code}" for name in self.TRANSLATED for code in PLACE_LANGUAGES}

    def translation_groups(self) -> list[tuple[str, list]]:
        """(language, its fields) for the form's "Translations" section."""
        return [(code, [self[f"{name}_{code}"] for name in self.TRANSLATED])
                for code in PLACE_LANGUAGES]


def add_translation_fields(form_class, labels: dict) -> None:
    """One text area `<name>_<language>` per translated text and further interface language;
    typed in that language's script and direction."""
    form_class.TRANSLATED = tuple(labels)
    for code in PLACE_LANGUAGES:
        for name, label in labels.items():
            setattr(form_class, f"{name}_{code}", TextAreaField(
                _l("%(text)s (%(language)s)", text=label, language=LANGUAGES[code]),
                validators=[Length(max=LONG_TEXT)],
                render_kw={"lang": code, "dir": "rtl" if code in RTL_LANGUAGES else "ltr"},
            ))


def _slug_field():
    return StringField(_l("Web address"), validators=[Optional(), Length(max=80)],
                       description=SLUG_HINT)


class QuarterForm(ManageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = _slug_field()
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    holiday_region = SelectField(
        _l("Public holidays of"), choices=HOLIDAY_REGIONS, validators=[Optional()]
    )


class FacilityForm(ManageForm):
    quarter_id = SelectField(_l("Quarter"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = _slug_field()
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    latitude = FloatField(
        _l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)],
        description=_l("Optional, for the map link, e.g. 51.2652"),
    )
    longitude = FloatField(
        _l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)],
        description=_l("Optional, e.g. 7.1535"),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    opening_notes = TextAreaField(
        _l("Notes on the opening hours"), validators=[Length(max=LONG_TEXT)],
        description=_l("e.g. “Closed during the school holidays. Café from 3 pm.”"),
    )
    accessibility = TextAreaField(
        _l("Accessibility"), validators=[Length(max=LONG_TEXT)],
        description=_l("Entrance, lift, accessible toilet, hearing loop ..."),
    )
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=60)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300), _web_address])
    hours_0 = StringField(WEEKDAY_LABELS[0], validators=[Length(max=200)])
    hours_1 = StringField(WEEKDAY_LABELS[1], validators=[Length(max=200)])
    hours_2 = StringField(WEEKDAY_LABELS[2], validators=[Length(max=200)])
    hours_3 = StringField(WEEKDAY_LABELS[3], validators=[Length(max=200)])
    hours_4 = StringField(WEEKDAY_LABELS[4], validators=[Length(max=200)])
    hours_5 = StringField(WEEKDAY_LABELS[5], validators=[Length(max=200)])
    hours_6 = StringField(WEEKDAY_LABELS[6], validators=[Length(max=200)])

    HOURS_HINT = _l("Opening hours per weekday, e.g. 09:00-13:00, 14:00-21:00. Empty = closed.")

    def hours_texts(self) -> dict[int, str]:
        return {weekday: self[f"hours_{weekday}"].data or "" for weekday in range(7)}


def _minutes(label, maximum=24 * 60, minimum=0, **kw):
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=minimum, max=maximum)],
                        **kw)


class ResourceForm(ManageForm):
    # A room names its facility, a mobile resource its home quarter; the view removes the other.
    facility_id = SelectField(_l("Facility"), coerce=int, validators=[InputRequired()])
    quarter_id = SelectField(
        _l("Home quarter"), coerce=int, validators=[InputRequired()],
        description=_l("Its managers administer the resource."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = _slug_field()
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    capacity = IntegerField(
        _l("Capacity (people)"), default=0,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
    )
    equipment = MultiCheckboxField(_l("Equipment"), choices=list(EQUIPMENT.items()))
    step_free = BooleanField(_l("Step-free access"))
    approval_required = BooleanField(_l("Bookings need a manager's approval"), default=True)
    setup_minutes = _minutes(_l("Setup buffer (minutes)"), default=0)
    cleanup_minutes = _minutes(_l("Cleanup buffer (minutes)"), default=0)
    min_duration_minutes = _minutes(_l("Shortest booking (minutes)"), minimum=1, default=30)
    max_duration_minutes = _minutes(
        _l("Longest booking (minutes)"), maximum=14 * 24 * 60, minimum=1, default=12 * 60
    )
    max_advance_days = IntegerField(
        _l("Bookable at most this many days ahead"), default=365,
        validators=[InputRequired(), NumberRange(min=0, max=3 * 366)],
    )
    min_notice_hours = IntegerField(
        _l("Requests at least this many hours ahead"), default=24,
        validators=[InputRequired(), NumberRange(min=0, max=90 * 24)],
    )
    monthly_hours_per_organisation = IntegerField(
        _l("Monthly hours per organisation"),
        validators=[Optional(), NumberRange(min=1, max=31 * 24)],
        description=_l("Empty = no limit."),
    )


class ClosureForm(ManageForm):
    local_start = DateTimeLocalField(
        _l("Closed from"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(message=_l("Please enter a date and time."))],
    )
    local_end = DateTimeLocalField(
        _l("Closed until"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(message=_l("Please enter a date and time."))],
    )
    reason = StringField(
        _l("Reason"), validators=[Length(max=200)],
        description=_l("Shown on the public page, e.g. “Summer holidays”."),
    )


class OrganisationForm(ManageForm):
    quarter_id = SelectField(_l("Home quarter"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = _slug_field()
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KINDS.items()))
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    languages = MultiCheckboxField(_l("Languages spoken"), choices=list(SPOKEN_LANGUAGES.items()))
    public_contact = StringField(
        _l("Public contact"), validators=[Length(max=300)],
        description=_l("E-mail, phone or address for people who want to join."),
    )
    show_contact_publicly = BooleanField(_l("Show the public contact on public pages"))
    private_contact_email = EmailField(
        _l("Private contact e-mail"), validators=[Optional(), Email(), Length(max=254)],
        description=_l("Only for managers; never shown publicly."),
    )
    private_contact_phone = StringField(_l("Private contact phone"), validators=[Length(max=60)])
    status = SelectField(_l("Status"), choices=ORGANISATION_STATUSES)


add_translation_fields(QuarterForm, {"description": _l("Description")})
add_translation_fields(FacilityForm, {
    "description": _l("Description"), "opening_notes": _l("Notes on the opening hours"),
    "accessibility": _l("Accessibility")})
add_translation_fields(ResourceForm, {"description": _l("Description")})
add_translation_fields(OrganisationForm, {"description": _l("Description")})


class UserRolesForm(ManageForm):
    is_admin = BooleanField(_l("Admin (city-wide coordination)"))
    is_spielmobil_staff = BooleanField(_l("Member of the Spielmobil team"))
    managed_quarter_ids = MultiCheckboxField(_l("Manages these quarters"), coerce=int)
