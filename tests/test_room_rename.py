"""A room renamed by its managers renames the events held in it: page and feed alike, SEQUENCE
up, same UID, logged. A place name the user gave, events in other rooms and events that are
over keep what they have. A room moved to another facility takes its events along; moved into
another quarter, it leaves them and their managers are told."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetingplaces.events import cancel_event, create_event
from meetingplaces.models import OutboxMessage
from meetingplaces.models.audit import AuditEntry
from meetingplaces.models.events import Event

from .booking_factories import NOW, book, city_fixture  # noqa: F401  (a fixture)
from .booking_factories import local as wall_clock
from .events_factories import local, vevent
from .manage_factories import room_form

NEW_NAME = "Großer Gruppenraum"


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def booking(session, city):
    """The city's room, Tuesday 16 March 2027, 18:00-20:00, booked by the initiative."""
    return book(session, city, title="Deutschkurs")


def hold(session, city, booking, now=NOW, **fields):
    """A published event in the booked time (the quarter's manager publishes it)."""
    fields.setdefault("title", "Sprachcafé")
    fields.setdefault("category", "cafe")
    fields.setdefault("starts_at", local(2027, 3, 16, 18))
    fields.setdefault("ends_at", local(2027, 3, 16, 20))
    event = create_event(session, actor=city.manager, quarter=city.quarter, now=now,
                         booking=booking, **fields)
    session.commit()
    return event


def rename(browser, session, city, room, name: str, *, facility=None, manager=None):
    """The room's manager saves its edit page with a new name or facility (all else kept)."""
    browser.login((manager or city.manager).email)
    response = browser.post(f"/manage/resources/{room.id}/edit", room_form(
        facility or room.facility, name=name, slug=room.slug, capacity=str(room.capacity),
        min_notice_hours=str(room.min_notice_hours)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    browser.logout()
    session.expire_all()


def quarter_feed(city) -> str:
    return f"/quarters/{city.quarter.slug}/calendar.ics"


def test_renaming_the_room_renames_the_event_on_its_page_and_in_the_feed(
        client, browser, session, city, booking):
    event = hold(session, city, booking)
    old_name = city.room.name
    before = vevent(client, quarter_feed(city), "Sprachcafé")
    assert old_name in str(before["LOCATION"])

    rename(browser, session, city, city.room, NEW_NAME)

    event = session.get(Event, event.id)
    assert event.place_name == NEW_NAME
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"in room {NEW_NAME} of {city.facility.name}" in page
    assert old_name not in page
    after = vevent(client, quarter_feed(city), "Sprachcafé")
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    location = str(after["LOCATION"])
    assert location.startswith(f"{NEW_NAME}, {city.facility.name}")
    assert old_name not in location
    logged = session.scalars(select(AuditEntry).where(
        AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id,
        AuditEntry.action == "room_renamed")).all()
    assert len(logged) == 1 and logged[0].actor_id == city.manager.id
    assert logged[0].details["resource_id"] == city.room.id


def test_a_booking_of_two_rooms_names_both_in_their_new_order(browser, session, make, city):
    annex = make.room(city.facility, name="Anbau")
    both = book(session, city, resources=[city.room, annex])
    event = hold(session, city, both)
    assert event.place_name == f"Anbau, {city.room.name}"
    rename(browser, session, city, city.room, "Aktionsraum")
    assert session.get(Event, event.id).place_name == "Aktionsraum, Anbau"


def test_a_place_name_the_user_gave_stays(browser, session, city, booking):
    event = hold(session, city, booking, place_name="Café-Ecke")
    sequence = event.sequence
    rename(browser, session, city, city.room, NEW_NAME)
    event = session.get(Event, event.id)
    assert (event.place_name, event.sequence) == ("Café-Ecke", sequence)


def test_an_event_in_another_room_is_untouched(browser, session, make, city, booking):
    annex = make.room(city.facility, name="Anbau")
    elsewhere = hold(session, city, book(session, city, resources=[annex]), title="Filmabend")
    sequence = elsewhere.sequence
    rename(browser, session, city, city.room, NEW_NAME)
    elsewhere = session.get(Event, elsewhere.id)
    assert (elsewhere.place_name, elsewhere.sequence) == ("Anbau", sequence)


def test_an_event_that_is_over_keeps_the_old_name(browser, session, city):
    earlier = NOW - timedelta(days=60)
    past = book(session, city, start=wall_clock(2027, 2, 16, 18), end=wall_clock(2027, 2, 16, 20),
                now=earlier)
    event = hold(session, city, past, now=earlier, starts_at=local(2027, 2, 16, 18),
                 ends_at=local(2027, 2, 16, 20))
    old_name, sequence = event.place_name, event.sequence
    assert old_name == city.room.name
    rename(browser, session, city, city.room, NEW_NAME)
    event = session.get(Event, event.id)
    assert (event.place_name, event.sequence) == (old_name, sequence)


def test_an_event_called_off_keeps_the_old_name(browser, session, city, booking):
    event = hold(session, city, booking)
    cancel_event(session, event, actor=city.manager, now=NOW)
    session.commit()
    old_name, sequence = event.place_name, event.sequence
    rename(browser, session, city, city.room, NEW_NAME)
    event = session.get(Event, event.id)
    assert (event.place_name, event.sequence) == (old_name, sequence)


def test_saving_the_room_under_its_own_name_changes_no_event(browser, session, city, booking):
    event = hold(session, city, booking)
    sequence = event.sequence
    rename(browser, session, city, city.room, city.room.name)
    assert session.get(Event, event.id).sequence == sequence
    assert not session.scalars(select(AuditEntry).where(
        AuditEntry.action == "room_renamed")).all()


def test_the_change_is_stamped_with_the_apps_clock(browser, session, city, booking):
    event = hold(session, city, booking, now=NOW - timedelta(days=1))
    rename(browser, session, city, city.room, NEW_NAME)
    assert session.get(Event, event.id).last_modified == NOW


# --- a room moved to another facility ---------------------------------------------------------


def test_a_room_moved_to_another_facility_takes_the_event_along(client, browser, session, make,
                                                                city, booking):
    event = hold(session, city, booking)
    centre = make.facility(city.quarter, name="Stadtteilzentrum", address="Hauptstraße 5")
    before = vevent(client, quarter_feed(city), "Sprachcafé")
    rename(browser, session, city, city.room, city.room.name, facility=centre)

    event = session.get(Event, event.id)
    assert (event.facility_id, event.place_name) == (centre.id, city.room.name)
    after = vevent(client, quarter_feed(city), "Sprachcafé")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "Stadtteilzentrum" in str(after["LOCATION"])
    assert vevent(client, f"/facilities/{centre.slug}/calendar.ics", "Sprachcafé") is not None
    assert vevent(client, f"/facilities/{city.facility.slug}/calendar.ics", "Sprachcafé") is None
    assert "of Stadtteilzentrum" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id)).all()[-1] \
        == "room_moved"


def test_an_event_stays_where_another_of_its_rooms_still_is(browser, session, make, city):
    annex = make.room(city.facility, name="Anbau")
    event = hold(session, city, book(session, city, resources=[city.room, annex]))
    centre = make.facility(city.quarter, name="Stadtteilzentrum")
    rename(browser, session, city, city.room, city.room.name, facility=centre)
    assert session.get(Event, event.id).facility_id == city.facility.id


def test_a_room_moved_into_another_quarter_leaves_the_event_and_tells_its_managers(
        browser, session, make, city, booking):
    event = hold(session, city, booking)
    sequence = event.sequence
    elsewhere = make.facility(make.quarter(name="Nordstadt"), name="Bürgerhaus Nord")
    both = make.manager(city.quarter, elsewhere.quarter)
    rename(browser, session, city, city.room, city.room.name, facility=elsewhere, manager=both)

    event = session.get(Event, event.id)
    assert (event.facility_id, event.sequence) == (city.facility.id, sequence)
    told = session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.subject.endswith("event: Sprachcafé"))).all()
    assert city.manager.email in told
    browser.login(city.manager.email)
    listed = browser.get("/events/").get_data(as_text=True)
    assert f'href="/events/{event.id}/edit">Check the booked room</a>' in listed


def test_renaming_a_room_already_elsewhere_tells_nobody_again(browser, session, make, city,
                                                             booking):
    hold(session, city, booking)
    elsewhere = make.facility(make.quarter(name="Nordstadt"), name="Bürgerhaus Nord")
    both = make.manager(city.quarter, elsewhere.quarter)
    rename(browser, session, city, city.room, city.room.name, facility=elsewhere, manager=both)
    told = session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.subject.endswith("event: Sprachcafé"))).all()
    assert sorted(told) == sorted([city.manager.email, both.email])
    rename(browser, session, city, city.room, NEW_NAME, facility=elsewhere, manager=both)
    assert len(session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.endswith("event: Sprachcafé"))).all()) == len(told)
