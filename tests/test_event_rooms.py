"""Events placed in a room hold it through the booking engine: new, repeating, edited, moved
and cancelled dates, proposals pending until moderated, refusals with the engine's conflict
message, the day view, the API's `resource_id`, and who may place an event in a room."""

import pytest
from sqlalchemy import select

from meetingplaces.booking.errors import BookingConflict
from meetingplaces.errors import Forbidden, InvalidInput
from meetingplaces.events import (
    cancel_event,
    cancel_occurrence,
    create_event,
    delete_event,
    move_occurrence,
    restore_event,
    update_event,
)
from meetingplaces.events.moderation import approve_event, reject_event
from meetingplaces.models.bookings import Occurrence
from meetingplaces.policy import can

from .booking_factories import NOW, book, city_fixture, token_for  # noqa: F401  (a fixture)
from .booking_factories import local as wall_clock
from .events_factories import local


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def place(session, actor, city, *, commit=True, **fields):
    """An event in the city's room, Tuesday 16 March 2027 18:00-20:00 unless told otherwise."""
    fields.setdefault("title", "Sprachcafé")
    fields.setdefault("category", "cafe")
    fields.setdefault("resource", city.room)
    fields.setdefault("starts_at", local(2027, 3, 16, 18))
    fields.setdefault("ends_at", local(2027, 3, 16, 20))
    event = create_event(session, actor=actor, quarter=city.quarter, now=NOW, **fields)
    if commit:
        session.commit()
    return event


def held(session, room, status="confirmed") -> list[tuple]:
    """The local (date, start hour) of the room's occurrences in `status`."""
    rows = session.scalars(select(Occurrence).where(Occurrence.resource_id == room.id,
                                                    Occurrence.status == status)
                           .order_by(Occurrence.starts_at)).all()
    return [(o.original_date.isoformat(), o.starts_at.astimezone(local(2027, 1, 1, 0).tzinfo)
             .hour) for o in rows]


def test_a_new_event_in_a_room_holds_it_and_a_booking_then_is_refused(session, city):
    event = place(session, city.manager, city)
    assert event.resource_id == city.room.id
    assert event.facility_id == city.facility.id and event.place_name == city.room.name
    assert held(session, city.room) == [("2027-03-16", 18)]
    with pytest.raises(BookingConflict) as refused:
        book(session, city, start=wall_clock(2027, 3, 16, 19), end=wall_clock(2027, 3, 16, 21))
    assert city.room.name in refused.value.message and "18:00" in refused.value.message


def test_an_event_at_a_booked_time_is_refused_with_the_engines_message(session, make, city):
    book(session, city)
    other = make.room(city.facility, name="Küche")
    with pytest.raises(BookingConflict) as refused:
        place(session, city.manager, city)
    assert refused.value.message.startswith(f"{city.room.name} is already booked")
    assert refused.value.field == "start"
    from meetingplaces.booking.conflicts import alternatives_for
    from meetingplaces.booking.rules import Settings
    zone = Settings.from_config({"TIMEZONE": "Europe/Berlin"}).zone
    offers = alternatives_for(session, refused.value, [city.room.id], wall_clock(2027, 3, 16, 18),
                              wall_clock(2027, 3, 16, 20), zone=zone)
    assert [o.resource.id for o in offers] == [other.id]


def test_a_repeating_event_holds_every_date_and_cancelling_one_frees_it(session, city):
    event = place(session, city.manager, city, rrule="FREQ=WEEKLY;COUNT=3")
    assert held(session, city.room) == [("2027-03-16", 18), ("2027-03-23", 18),
                                        ("2027-03-30", 18)]
    cancel_occurrence(session, event, local(2027, 3, 23, 0).date(), actor=city.manager,
                      now=NOW, reason="Ferien")
    session.commit()
    assert held(session, city.room) == [("2027-03-16", 18), ("2027-03-30", 18)]
    book(session, city, start=wall_clock(2027, 3, 23, 18), end=wall_clock(2027, 3, 23, 20))


def test_editing_or_moving_a_date_moves_the_hold(session, city):
    event = place(session, city.manager, city, rrule="FREQ=WEEKLY;COUNT=2")
    update_event(session, event, actor=city.manager, now=NOW,
                 starts_at=local(2027, 3, 16, 15), ends_at=local(2027, 3, 16, 17))
    session.commit()
    assert held(session, city.room) == [("2027-03-16", 15), ("2027-03-23", 15)]
    move_occurrence(session, event, local(2027, 3, 23, 0).date(), actor=city.manager, now=NOW,
                    starts_at=local(2027, 3, 24, 10), ends_at=local(2027, 3, 24, 12))
    session.commit()
    assert held(session, city.room) == [("2027-03-16", 15), ("2027-03-23", 10)]
    book(session, city)  # 16 March 18:00 is free again


def test_a_move_onto_a_booked_time_is_refused_and_nothing_changes(session, city):
    event = place(session, city.manager, city, rrule="FREQ=WEEKLY;COUNT=2")
    book(session, city, start=wall_clock(2027, 3, 24, 10), end=wall_clock(2027, 3, 24, 12))
    with pytest.raises(BookingConflict):
        move_occurrence(session, event, local(2027, 3, 23, 0).date(), actor=city.manager,
                        now=NOW, starts_at=local(2027, 3, 24, 10),
                        ends_at=local(2027, 3, 24, 12))
    session.expire_all()
    assert not event.changes
    assert held(session, city.room)[:2] == [("2027-03-16", 18), ("2027-03-23", 18)]


def test_cancelling_or_deleting_the_event_frees_the_room(session, make, city):
    event = place(session, city.manager, city)
    cancel_event(session, event, actor=city.manager, now=NOW, reason="Krank")
    session.commit()
    assert held(session, city.room) == []
    second = place(session, city.manager, city, title="Film")
    delete_event(session, second, actor=city.manager, now=NOW)
    session.commit()
    assert held(session, city.room) == []
    book(session, city)


def test_a_restored_event_holds_its_room_again_unless_it_was_taken(session, city):
    event = place(session, city.manager, city)
    sequence = event.sequence
    cancel_event(session, event, actor=city.manager, now=NOW, reason="Krank")
    session.commit()
    restore_event(session, event, actor=city.manager, now=NOW)
    session.commit()
    assert event.status == "published" and event.sequence > sequence
    assert held(session, city.room) == [("2027-03-16", 18)]

    cancel_event(session, event, actor=city.manager, now=NOW, reason="Krank")
    session.commit()
    book(session, city)
    with pytest.raises(BookingConflict):
        restore_event(session, event, actor=city.manager, now=NOW)
    session.rollback()
    assert session.get(type(event), event.id).status == "cancelled"


def test_a_proposal_holds_pending_until_approved_and_rejection_frees(session, city):
    proposal = place(session, city.member, city, organisation=city.organisation)
    assert proposal.status == "proposed"
    assert held(session, city.room, "pending") == [("2027-03-16", 18)]
    # decided through the proposal only, not as a booking of its own
    assert not can(city.manager, "approve", proposal.hold)
    assert not can(city.member, "cancel", proposal.hold)
    approve_event(session, proposal, actor=city.manager, now=NOW)
    session.commit()
    assert held(session, city.room) == [("2027-03-16", 18)]
    second = place(session, city.member, city, organisation=city.organisation, title="Nähcafé",
                   starts_at=local(2027, 3, 17, 18), ends_at=local(2027, 3, 17, 20))
    reject_event(session, second, actor=city.manager, now=NOW, reason="Doppelt")
    session.commit()
    assert held(session, city.room, "pending") == []
    assert ("2027-03-17", 18) not in held(session, city.room)


def test_a_proposal_whose_time_was_booked_meanwhile_cannot_be_approved(session, city):
    proposal = place(session, city.member, city, organisation=city.organisation)
    book(session, city)  # a pending date does not hold the room
    with pytest.raises(BookingConflict):
        approve_event(session, proposal, actor=city.manager, now=NOW)
    session.expire_all()
    assert proposal.status == "proposed"


def test_another_organisation_or_quarter_may_not_place_an_event_in_the_room(session, make,
                                                                            city):
    stranger = make.member(make.organisation(city.quarter, name="Andere"))
    with pytest.raises(Forbidden):
        place(session, stranger, city, organisation=city.organisation)
    elsewhere = make.manager(make.quarter(name="Anderswo"))
    with pytest.raises(Forbidden):
        place(session, elsewhere, city)
    other_quarter = make.quarter(name="Grone")
    foreign_room = make.room(make.facility(other_quarter))
    with pytest.raises(InvalidInput) as refused:
        place(session, city.manager, city, resource=foreign_room)
    assert refused.value.field == "resource"
    with pytest.raises(InvalidInput):
        place(session, city.manager, city, starts_at=None, ends_at=None,
              start_date=local(2027, 3, 16, 0).date())
    assert held(session, city.room) == [] and held(session, foreign_room) == []


# --- through the app --------------------------------------------------------------------------


def test_api_takes_the_room_as_resource_id_and_answers_409_on_a_clash(client, session, city):
    headers = token_for(session, city.manager)
    body = {"quarter_id": city.quarter.id, "title": "Sprachcafé", "category": "cafe",
            "resource_id": city.room.id, "starts_at": "2027-03-16T18:00:00+01:00",
            "ends_at": "2027-03-16T20:00:00+01:00"}
    created = client.post("/api/v1/events", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["resource_id"] == city.room.id
    shown = client.get(f"/api/v1/events/{created.get_json()['id']}", headers=headers)
    assert shown.get_json()["resource_id"] == city.room.id
    clash = client.post("/api/v1/events", json={**body, "title": "Film"}, headers=headers)
    assert clash.status_code == 409
    assert clash.get_json()["conflicts"][0]["resource_id"] == city.room.id
    bookings = client.post("/api/v1/bookings", headers=token_for(session, city.member), json={
        "resource_ids": [city.room.id], "title": "Kurs", "attendees": 5,
        "starts_at": "2027-03-16T18:30:00", "ends_at": "2027-03-16T19:30:00"})
    assert bookings.status_code == 409


def test_the_day_view_shows_the_room_busy_during_the_event(browser, session, city):
    place(session, city.manager, city, title="Sprachcafé")
    html = browser.get(f"/bookings/facilities/{city.facility.slug}/day?date=2027-03-16"
                       ).get_data(as_text=True)
    assert 'class="slot slot--confirmed"' in html and "Sprachcafé" in html
    empty = browser.get(f"/bookings/facilities/{city.facility.slug}/day?date=2027-03-17"
                        ).get_data(as_text=True)
    assert 'class="slot slot--confirmed"' not in empty


def test_the_demo_sprachcafe_and_homework_help_hold_their_rooms(runner, browser, session):
    """The issue's reproduction: after `flask seed-demo` the day view shows the rooms of the
    Sprachcafé and the Hausaufgabenhilfe busy at their dates, and a booking then is refused."""
    from datetime import UTC, datetime, timedelta

    from meetingplaces.booking import Settings, request_booking
    from meetingplaces.models import Organisation, User
    from meetingplaces.models.events import Event

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    member = session.scalar(select(User).where(User.email == "initiative@example.org"))
    organisation = session.scalar(select(Organisation).where(
        Organisation.slug == "sprachcafe-nordstadt"))
    settings = Settings.from_config(runner.app.config)
    for title, facility in (("Sprachcafé mit Kinderbetreuung", "alte-feuerwache"),
                            ("Hausaufgabenhilfe", "nachbarschaftsheim")):
        event = session.scalar(select(Event).where(Event.title == title))
        assert event.resource is not None and event.facility.slug == facility
        notice = timedelta(hours=event.resource.min_notice_hours)
        first = min((o for o in event.hold.occurrences if o.status == "confirmed"
                     and o.starts_at > datetime.now(UTC) + notice), key=lambda o: o.starts_at)
        local_start = first.starts_at.astimezone(settings.zone)
        html = browser.get(f"/bookings/facilities/{facility}/day?date={local_start.date()}"
                           ).get_data(as_text=True)
        assert 'class="slot slot--confirmed"' in html and title in html
        with pytest.raises(BookingConflict) as refused:
            request_booking(session, actor=member, organisation=organisation,
                            resources=[event.resource], title="Treffen", attendees=5,
                            local_start=local_start.replace(tzinfo=None),
                            local_end=first.ends_at.astimezone(settings.zone)
                            .replace(tzinfo=None),
                            now=datetime.now(UTC), settings=settings)
        assert refused.value.message.startswith(f"{event.resource.name} is already booked")


def test_the_form_refuses_a_clash_keeping_what_was_typed_and_offers_a_free_room(
        browser, session, make, city):
    book(session, city)
    kitchen = make.room(city.facility, name="Küche")
    browser.login(city.manager.email)
    form = {"quarter": city.quarter.id, "organisation": "0", "title": "Nähcafé <b>",
            "description": "Willkommen", "category": "cafe", "is_free": "y", "facility": "0",
            "resource": city.room.id, "place_name": "", "address": "",
            "start_date": "2027-03-16", "start_time": "18:00", "end_time": "20:00",
            "repeat": "", "exdates": "", "is_public": "y", "show_organiser": "y"}
    refused = browser.post("/events/new", form)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert f"{city.room.name} is already booked" in page
    assert 'value="Nähcafé &lt;b&gt;"' in page and "Willkommen" in page
    assert f'name="use_room" value="{kitchen.id}"' in page
    assert held(session, kitchen) == []
    taken = browser.post("/events/new", {**form, "use_room": kitchen.id})
    assert taken.status_code == 302, taken.get_data(as_text=True)
    assert held(session, kitchen) == [("2027-03-16", 18)]


def test_an_endless_series_holds_as_far_ahead_as_the_room_is_booked_and_the_daily_run_extends(
        runner, session, make, city):
    from datetime import UTC, datetime, timedelta

    from meetingplaces.booking.rules import public_holidays

    city.room.max_advance_days = 15
    session.commit()
    now = datetime.now(UTC)
    first = (now + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    # run on any day: a public holiday on one of the dates would be refused, as for a booking
    weekly = [(first + timedelta(days=7 * i)).date() for i in range(5)]
    holidays = [d.isoformat() for d in weekly if d in public_holidays("NW", d.year)]
    event = create_event(session, actor=city.manager, quarter=city.quarter, now=now,
                         title="Spieletreff", category="cafe", resource=city.room,
                         starts_at=first, ends_at=first + timedelta(hours=2),
                         rrule="FREQ=WEEKLY", exdates=holidays)
    session.commit()
    # days 3 and 10; day 17 is beyond 15 days
    assert len(held(session, city.room)) == 2 - len(set(holidays) & {str(d) for d in weekly[:2]})
    city.room.max_advance_days = 29  # as if two weeks had passed
    session.commit()
    result = runner.invoke(args=["attendance-reminders"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert len(held(session, city.room)) == 4 - len(set(holidays) & {str(d) for d in weekly[:4]})
    assert event.hold.status == "approved"
