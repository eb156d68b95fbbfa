"""Helpers for the booking page tests: the form as a person fills it, links out of mails."""

import re

from .booking_factories import NOW

FORM_DATE = "2027-03-16"


def form_data(room, **overrides) -> dict:
    """The request form filled in for `room`: Tuesday 16 March 2027, 18:00-20:00."""
    data = {
        "resource_ids": [str(room.id)],
        "date": FORM_DATE,
        "start": "18:00",
        "end": "20:00",
        "title": "Deutschkurs",
        "purpose": "Sprachkurs für Anfänger",
        "attendees": "12",
        "repeat": "",
    }
    data.update(overrides)
    return data


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in a mail's text that starts with path_prefix."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S*)", body)
    assert match, body
    return match.group(1)


def calendars_in(message) -> list:
    from icalendar import Calendar

    return [Calendar.from_ical(part.get_content())
            for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"]


__all__ = ["NOW", "calendars_in", "form_data", "link_in"]
