"""What the public pages share about calendars: the visitor's language for event texts, the
subscribe links of a feed, a place's next dates. Not a blueprint: calendar and public pages
both use it."""

from datetime import datetime, timedelta

from flask_babel import get_locale

from ..events.search import EventFilters, find_occurrences
from ..events.vocabulary import TEXT_LANGUAGES
from ..links import absolute_url

NEXT_DAYS = 92
NEXT_COUNT = 8


def visitor_language() -> str:
    language = str(get_locale())
    return language if language in TEXT_LANGUAGES else "de"


def subscribe_links(endpoint: str, filters: EventFilters = EventFilters(), **values) -> dict:
    """The feed's https address (to copy) and its webcal one (to tap), in the visitor's
    language and with the page's filters."""
    params = {key: value for key, value in (("category", filters.category),
                                            ("audience", filters.audience)) if value}
    language = visitor_language()
    if language != "de":
        params["lang"] = language
    https = absolute_url(endpoint, **values, **params)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def next_dates(session, now: datetime, *, count: int = NEXT_COUNT, **scope) -> list:
    """The next dates (cancelled ones too, marked) of a quarter, facility or van's events."""
    found = find_occurrences(session, now, now + timedelta(days=NEXT_DAYS), **scope)
    return [occurrence for occurrence in found if occurrence.ends_at > now][:count]
