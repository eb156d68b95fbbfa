from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..accounts import MAX_PASSWORD_LENGTH
from .auth import new_password_fields
from .base import Form


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    preferred_language = SelectField(
        _l("Language of pages and e-mails"), validate_choice=False,
    )
    # Reminders the day before (meetingplaces.reminders); the view drops what does not apply.
    remind_bookings = BooleanField(_l("Remind me by mail the day before each booked date"))
    remind_events = BooleanField(_l("Remind me by mail the day before each date of my events"))
    remind_stops = BooleanField(_l("Remind me by mail the day before each of my Spielmobil stops"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    password, confirm = new_password_fields()


class ApiTokenForm(Form):
    name = StringField(
        _l("Name of the token"), validators=[DataRequired(), Length(max=120)],
        description=_l("So you can tell your tokens apart, e.g. the program that uses it."),
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
    )
