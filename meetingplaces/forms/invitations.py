from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from .auth import email_field
from .base import Form


class InviteManagerForm(Form):
    email = email_field()
    # Choices are what the user may do; the domain decides on anything else (403).
    quarter = SelectField(_l("Quarter"), coerce=int, validate_choice=False)


class InviteOrganisationForm(Form):
    email = email_field()
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=False)


class RejectRegistrationForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=2000)],
        description=_l("The initiative receives it by e-mail."),
    )
