"""A user's own profile: the name others see, the language of pages and mails."""

from flask_babel import gettext as _

from ..errors import InvalidInput
from ..models import User


def update(user: User, *, name: str, preferred_language: str, languages: list[str]) -> None:
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
