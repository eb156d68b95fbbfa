"""A user's own profile: the name others see, the language of pages and mails, the reminders
the day before."""

from flask_babel import gettext as _

from ..errors import InvalidInput
from ..models import User

REMINDERS = ("remind_bookings", "remind_events", "remind_stops")


def update(user: User, *, name: str, preferred_language: str, languages: list[str],
           reminders: dict | None = None) -> None:
    """`reminders` switches the reminders named in it ({"remind_bookings": False, ...})."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Please enter your name."), field="name")
    if len(name) > 120:
        raise InvalidInput(_("Please use a shorter name."), field="name")
    if preferred_language not in languages:
        raise InvalidInput(_("Please choose one of the languages offered."),
                           field="preferred_language")
    user.name = name
    user.preferred_language = preferred_language
    for switch, on in (reminders or {}).items():
        if switch in REMINDERS:
            setattr(user, switch, bool(on))
