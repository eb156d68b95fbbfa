"""Factories for events: a published event in a quarter with sensible defaults."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

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


@pytest.fixture(name="quarter")
def ostersbaum_fixture(make):
    """The quarter most event tests publish in; import it with `manager` where used."""
    return make.quarter(slug="ostersbaum", name="Ostersbaum")


@pytest.fixture(name="manager")
def ostersbaum_manager_fixture(make, quarter):
    return make.manager(quarter)


def vevent(client, url: str, title: str):
    """The VEVENT titled `title` in the feed at `url`, or None."""
    response = client.get(url)
    assert response.status_code == 200
    found = [c for c in icalendar.Calendar.from_ical(response.data).walk("VEVENT")
             if str(c["SUMMARY"]) == title]
    return found[0] if found else None
