"""A small city for the API's contract tests: a quarter with a room and the Spielmobil, an
initiative, a booking, a public series, an event and a round, and a token for every role."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from .booking_factories import NOW, City, book, local, token_for
from .rounds_factories import save, two_stops

__all__ = ["NOW", "api_world_fixture"]


@dataclass
class ApiWorld:
    headers: dict  # role -> Authorization header ({} for anonymous)
    ids: dict  # path parameter -> an existing value
    quarter: object
    organisation: object
    member: object
    manager: object


@pytest.fixture(name="api_world")
def api_world_fixture(session, make):
    from meetingplaces.events import create_event

    quarter = make.quarter()
    facility = make.facility(quarter)
    room = make.room(facility, capacity=20, approval_required=False)
    organisation = make.organisation(quarter)
    org_admin = make.member(organisation, role="admin")
    member = make.member(organisation)
    manager = make.manager(quarter)
    admin = make.admin()
    van = make.mobile(quarter)

    city = City(quarter, facility, room, organisation, member, manager)
    single = book(session, city)
    book(session, city, start=local(2027, 3, 17, 10), end=local(2027, 3, 17, 12),
         rrule="FREQ=WEEKLY;COUNT=3", public=True)
    berlin = ZoneInfo("Europe/Berlin")
    event = create_event(session, actor=manager, quarter=quarter, now=NOW, title="Sprachcafé",
                         starts_at=local(2027, 3, 18, 18).replace(tzinfo=berlin),
                         ends_at=local(2027, 3, 18, 20).replace(tzinfo=berlin),
                         rrule="FREQ=WEEKLY;COUNT=4")
    session.commit()

    @dataclass
    class RoundsCity:
        van: object
        manager: object
        wichlinghausen: object
        heckinghausen: object

    round_ = save(session, RoundsCity(van, manager, quarter, quarter),
                  two_stops(RoundsCity(van, manager, quarter, quarter)))
    headers = {
        "admin": token_for(session, admin),
        "manager": token_for(session, manager),
        "initiative admin": token_for(session, org_admin),
        "member": token_for(session, member),
        "anonymous": {},
    }
    ids = {"booking_id": single.id, "event_id": event.id, "round_id": round_.id,
           "resource_id": room.id, "day": "2027-04-06"}
    return ApiWorld(headers=headers, ids=ids, quarter=quarter, organisation=organisation,
                    member=member, manager=manager)
