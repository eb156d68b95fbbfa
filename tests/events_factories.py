"""Factories for events: a published event in a quarter with sensible defaults."""

from datetime import datetime
from zoneinfo import ZoneInfo

from meetingplaces.events import create_event

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=BERLIN)


def local(*args) -> datetime:
    """An aware Berlin wall-clock time: local(2027, 3, 2, 18)."""
    return datetime(*args, tzinfo=BERLIN)


def event(session, actor, quarter, now=NOW, **fields):
    fields.setdefault("title", "Sprachcafé")
    if not {"starts_at", "start_date"} & set(fields):
        fields.setdefault("starts_at", local(2027, 1, 12, 18))
        fields.setdefault("ends_at", local(2027, 1, 12, 20))
    fields.setdefault("category", "cafe")
    created = create_event(session, actor=actor, quarter=quarter, now=now, **fields)
    session.commit()
    return created
