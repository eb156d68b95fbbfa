from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from ..vocabulary import ORGANISATION_KINDS
from . import normalised_email, optional_int
from .base import Form

PASSWORD_HINT = _l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH)


def email_field(label=None):
    return EmailField(label or _l("E-mail"), filters=[normalised_email],
                      validators=[DataRequired(), Email(), Length(max=254)])


def new_password_fields():
    password = PasswordField(
        _l("New password"), description=PASSWORD_HINT,
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    return password, confirm


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password, confirm = new_password_fields()


class AcceptInvitationForm(Form):
    """For an address without an account: the invitee chooses name and password."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password, confirm = new_password_fields()


class RegisterOrganisationForm(Form):
    """Registration by someone already logged in: they become the first admin."""

    organisation_name = StringField(_l("Name of your organisation"),
                                    validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Kind of organisation"), choices=list(ORGANISATION_KINDS.items()))
    quarter = SelectField(_l("Your quarter"), coerce=optional_int, validate_choice=False,
                          description=_l("Its quarter managers will review your registration."))
    description = TextAreaField(_l("What do you do?"), validators=[Length(max=4000)])


class RegisterInitiativeForm(RegisterOrganisationForm):
    """Registration with a new account for the person registering."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = email_field(_l("Your e-mail"))
    password, confirm = new_password_fields()
