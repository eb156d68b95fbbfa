"""One wall-clock time posted through bookings, events and rounds is one instant: the spring
gap is refused with the same message everywhere, the autumn hour without an offset is the
first (summer-time) one and an explicit offset picks the second."""

import pytest

from .api_factories import NOW, api_world_fixture  # noqa: F401

GAP_MESSAGE = ("02:30 does not exist on 28.03.2027: the clocks go forward that night. "
               "Choose another time.")


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def night_room(make, api_world):
    """A room open day and night, so that only the clock decides."""
    facility = make.facility(api_world.quarter, hours=((0, 6, "00:00", "23:59"),))
    return make.room(facility, approval_required=False, min_duration_minutes=30)


def _booking(client, api_world, room, starts_at, ends_at):
    return client.post("/api/v1/bookings", headers=api_world.headers["member"], json={
        "resource_ids": [room.id], "starts_at": starts_at, "ends_at": ends_at,
        "title": "Nachtcafé", "attendees": 5})


def _event(client, api_world, starts_at, ends_at):
    return client.post("/api/v1/events", headers=api_world.headers["manager"], json={
        "quarter_id": api_world.quarter.id, "title": "Nachtcafé", "starts_at": starts_at,
        "ends_at": ends_at})


def test_the_spring_gap_is_refused_alike_by_bookings_events_and_rounds(client, api_world,
                                                                        night_room):
    booking = _booking(client, api_world, night_room, "2027-03-28T02:30", "2027-03-28T04:00")
    event = _event(client, api_world, "2027-03-28T02:30", "2027-03-28T04:00")
    round_date = client.post(
        f"/api/v1/rounds/{api_world.ids['round_id']}/dates/2027-04-06/move",
        headers=api_world.headers["manager"], json={
            "starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T04:00",
            "stop_id": _first_stop(client, api_world)})
    for response in (booking, event, round_date):
        assert response.status_code == 422
        assert response.json["fields"]["starts_at"] == [GAP_MESSAGE]


def _first_stop(client, api_world) -> int:
    round_ = client.get(f"/api/v1/rounds/{api_world.ids['round_id']}",
                        headers=api_world.headers["manager"]).json
    return next(d["stop_id"] for d in round_["dates"] if d["date"] == "2027-04-06")


def test_the_autumn_hour_is_the_same_instant_for_a_booking_and_an_event(client, api_world,
                                                                        night_room):
    booking = _booking(client, api_world, night_room, "2027-10-31T02:30", "2027-10-31T03:30")
    event = _event(client, api_world, "2027-10-31T02:30", "2027-10-31T03:30")
    assert booking.status_code == 201, booking.json
    assert event.status_code == 201, event.json
    assert booking.json["occurrences"][0]["starts_at"] == "2027-10-31T02:30:00+02:00"
    assert event.json["starts_at"] == "2027-10-31T02:30:00+02:00"


def test_an_explicit_offset_names_the_second_autumn_hour_alike(client, api_world, night_room):
    booking = _booking(client, api_world, night_room, "2027-10-31T02:30+01:00",
                       "2027-10-31T03:30+01:00")
    event = _event(client, api_world, "2027-10-31T02:30+01:00", "2027-10-31T03:30+01:00")
    assert booking.status_code == 201, booking.json
    assert booking.json["occurrences"][0]["starts_at"] == "2027-10-31T02:30:00+01:00"
    assert event.json["starts_at"] == "2027-10-31T02:30:00+01:00"
