"""Forms for reports: choosing scope and period, recording attendance, keeping programmes."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..reports.attendance import MAX_COUNT, NOTE_MAX
from ..vocabulary import SPOKEN_LANGUAGES
from .base import Form
from .events import MultiCheckboxField


class ReportForm(Form):
    """Read from the query string: the report's address can be bookmarked and shared."""

    class Meta:
        csrf = False

    scope = SelectField(_l("Report on"), validate_choice=False)  # the policy decides
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


def _count(label, **kw):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)], **kw)


class AttendanceForm(Form):
    count = IntegerField(_l("How many came"), validators=[
        InputRequired(_l("Enter how many came.")), NumberRange(min=0, max=MAX_COUNT)])
    children = _count(_l("Children (up to 13)"))
    youth = _count(_l("Young people (14 to 26)"))
    adults = _count(_l("Adults"))
    seniors = _count(_l("Seniors (65 and over)"))
    first_visit = _count(_l("Of these here for the first time"))
    languages = MultiCheckboxField(_l("Languages heard"), choices=list(SPOKEN_LANGUAGES.items()))
    note = TextAreaField(_l("Short note"), validators=[Length(max=NOTE_MAX)],
                         description=_l("What went well, what was missing. Never names of "
                                        "visitors."))


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=160)])
    slug = StringField(_l("Short name for addresses"), validators=[InputRequired(),
                                                                  Length(max=80)],
                       description=_l("Lower-case letters, digits and hyphens, e.g. qfi."))
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    funded_from = DateField(_l("Funded from"), validators=[Optional()])
    funded_until = DateField(_l("Funded until"), validators=[Optional()])
    quarters = MultiCheckboxField(_l("Quarters in the programme"), coerce=int)
