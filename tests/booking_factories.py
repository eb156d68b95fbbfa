"""Helpers for the booking tests: a small city with a room, an initiative and a manager, and
a way to request with sensible defaults. The clock stands still at NOW."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from meetingplaces.booking import Settings, request_booking
from meetingplaces.models import ApiToken
from meetingplaces.models.people import token_digest

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
# The test app's booking settings (the configuration's defaults), for domain calls.
SETTINGS = Settings(ZoneInfo("Europe/Berlin"), "NW")


def local(year, month, day, hour, minute=0, fold=0) -> datetime:
    """A wall-clock time in the city (naive, as a form or the API hands it over)."""
    return datetime(year, month, day, hour, minute, fold=fold)  # noqa: DTZ001


@dataclass
class City:
    quarter: object
    facility: object
    room: object
    organisation: object
    member: object
    manager: object


@pytest.fixture(name="city")
def city_fixture(make):
    quarter = make.quarter()
    facility = make.facility(quarter)
    return City(
        quarter=quarter,
        facility=facility,
        room=make.room(facility, capacity=20),
        organisation=(organisation := make.organisation(quarter)),
        member=make.member(organisation),
        manager=make.manager(quarter),
    )


def book(session, city, *, start=None, end=None, resources=None, actor=None, organisation=None,
         now=NOW, commit=True, **kw):
    """Request with defaults (the city's room, Tuesday 2027-03-16 18:00-20:00) and commit."""
    kw.setdefault("title", "Deutschkurs")
    kw.setdefault("attendees", 12)
    booking = request_booking(
        session,
        actor=actor or city.member,
        organisation=organisation or city.organisation,
        resources=resources or [city.room],
        local_start=start or local(2027, 3, 16, 18),
        local_end=end or local(2027, 3, 16, 20),
        now=now,
        **kw, settings=SETTINGS,
    )
    if commit:
        notices = booking.notices
        session.commit()
        booking.notices = notices
    return booking


def token_for(session, user) -> dict:
    """An API token for `user`, as the Authorization header."""
    secret = ApiToken.new_secret()
    session.add(ApiToken(user=user, name="test", token_digest=token_digest(secret),
                         prefix=secret[:8]))
    session.commit()
    return {"Authorization": f"Bearer {secret}"}
