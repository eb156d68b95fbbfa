"""E-mail addresses as people type them: one address, nothing a mail header would read as two."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .errors import InvalidInput
from .models.people import normalise_email

MAX_LENGTH = 254


def check_email(email: str | None, field: str = "email") -> str:
    """The normalised address, or InvalidInput naming `field`. Lists (`a@x,b@y`), display names
    and line breaks are refused, so a mail to it reaches exactly this one address."""
    value = normalise_email(email or "")
    if (not value or len(value) > MAX_LENGTH or value.count("@") != 1
            or any(c in value for c in ",;<>\"'()[]\\") or not value.isprintable()
            or any(c.isspace() for c in value)):
        raise InvalidInput(_("Give a valid e-mail address."), field=field)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(_("Give a valid e-mail address."), field=field) from error
    return value
