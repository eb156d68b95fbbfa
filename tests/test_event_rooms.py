"""Events placed in a room hold it through the booking engine: new, repeating, edited, moved
and cancelled dates, proposals pending until moderated, refusals with the engine's conflict
message, the day view, the API's `resource_id`, and who may place an event in a room."""

import pytest
from sqlalchemy import select

from meetingplaces.booking.errors import BookingConflict
from meetingplaces.errors import Conflict, Forbidden, InvalidInput
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
    (taken,) = refused.value.taken_dates
    assert [offer.resource.id for offer in taken.alternatives] == [other.id]


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


# --- the second round: clashes date by date, the waiting list, dates the room cannot hold ----

SERIES_FORM = {"organisation": "0", "title": "Nähcafé", "description": "", "category": "cafe",
               "is_free": "y", "facility": "0", "place_name": "", "address": "",
               "start_date": "2027-03-16", "start_time": "18:00", "end_time": "20:00",
               "repeat": "FREQ=WEEKLY", "repeat_until": "2027-03-30", "exdates": "",
               "is_public": "y", "show_organiser": "y"}


def test_the_form_lists_every_taken_date_with_free_rooms_and_holds_the_free_dates_only(
        browser, session, make, city):
    book(session, city)  # 16 March
    book(session, city, start=wall_clock(2027, 3, 30, 18), end=wall_clock(2027, 3, 30, 20))
    kitchen = make.room(city.facility, name="Küche")
    browser.login(city.manager.email)
    browser.get("/?lang=en")
    form = {**SERIES_FORM, "quarter": city.quarter.id, "resource": city.room.id}
    refused = browser.post("/events/new", form)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert page.count('class="taken-date"') == 2  # as the booking form shows them
    assert "Tuesday, 16 March 2027" in page and "Tuesday, 30 March 2027" in page
    assert page.count(f'name="use_room" value="{kitchen.id}"') == 2
    assert 'name="action" value="free_dates"' in page and "23 Mar 2027" in page
    assert held(session, city.room) == [("2027-03-16", 18), ("2027-03-30", 18)]

    saved = browser.post("/events/new", {**form, "action": "free_dates"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    from meetingplaces.models.events import Event
    event = session.scalar(select(Event).where(Event.title == "Nähcafé"))
    assert event.exdates == ["2027-03-16", "2027-03-30"]
    assert held(session, city.room) == [("2027-03-16", 18), ("2027-03-23", 18),
                                        ("2027-03-30", 18)]
    assert [o.original_date.isoformat() for o in event.hold.occurrences] == ["2027-03-23"]
    assert "Left out because they are taken" in browser.get("/events/").get_data(as_text=True)


def test_free_dates_only_still_refuses_when_every_date_is_taken(session, city):
    book(session, city)
    with pytest.raises(BookingConflict) as refused:
        place(session, city.manager, city, free_dates_only=True)
    assert [t.original_date.isoformat() for t in refused.value.taken_dates] == ["2027-03-16"]
    assert refused.value.free_dates == []


def test_the_events_api_409_is_the_bookings_per_date_body_and_takes_free_dates_only(
        client, session, make, city):
    book(session, city, start=wall_clock(2027, 3, 23, 18), end=wall_clock(2027, 3, 23, 20))
    kitchen = make.room(city.facility, name="Küche")
    headers = token_for(session, city.manager)
    body = {"quarter_id": city.quarter.id, "title": "Sprachcafé", "category": "cafe",
            "resource_id": city.room.id, "starts_at": "2027-03-16T18:00:00+01:00",
            "ends_at": "2027-03-16T20:00:00+01:00", "rrule": "FREQ=WEEKLY;COUNT=3"}
    clash = client.post("/api/v1/events", json=body, headers=headers)
    assert clash.status_code == 409
    answer = clash.get_json()
    assert [t["date"] for t in answer["taken_dates"]] == ["2027-03-23"]
    assert [a["resource_id"] for a in answer["taken_dates"][0]["alternatives"]] == [kitchen.id]
    assert answer["free_dates"] == ["2027-03-16", "2027-03-30"]
    created = client.post("/api/v1/events", json={**body, "free_dates_only": True},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["exdates"] == ["2027-03-23"]
    document = client.get("/api/v1/openapi.json").get_json()

    def conflict_schema(path, method):
        return document["paths"][path][method]["responses"]["409"]["content"][
            "application/json"]["schema"]
    assert conflict_schema("/api/v1/events", "post") == conflict_schema("/api/v1/bookings",
                                                                        "post")
    assert "free_dates_only" in str(document["components"]["schemas"]["EventCreate"])


def _cancel(session, event, city):
    cancel_event(session, event, actor=city.manager, now=NOW, reason="Krank")


def _delete(session, event, city):
    delete_event(session, event, actor=city.manager, now=NOW)


def _cancel_date(session, event, city):
    cancel_occurrence(session, event, local(2027, 3, 16, 0).date(), actor=city.manager,
                      now=NOW, reason="Ferien")


def _move_date(session, event, city):
    move_occurrence(session, event, local(2027, 3, 16, 0).date(), actor=city.manager, now=NOW,
                    starts_at=local(2027, 3, 17, 10), ends_at=local(2027, 3, 17, 12))


def _other_room(session, event, city):
    update_event(session, event, actor=city.manager, now=NOW, resource=city.other_room)


@pytest.mark.parametrize("frees", [_cancel, _delete, _cancel_date, _move_date, _other_room])
def test_dates_an_event_frees_are_offered_to_the_waiting_list(session, make, city, frees):
    from meetingplaces.booking.waiting import join_waiting_list
    from meetingplaces.models.bookings import WaitingRequest
    from meetingplaces.models.mail import OutboxMessage

    from .booking_factories import SETTINGS

    city.other_room = make.room(city.facility, name="Küche")
    event = place(session, city.manager, city, rrule="FREQ=WEEKLY;COUNT=2")
    entry = join_waiting_list(session, actor=city.member, organisation=city.organisation,
                              resources=[city.room], local_start=wall_clock(2027, 3, 16, 18),
                              local_end=wall_clock(2027, 3, 16, 20), title="Kurs",
                              attendees=5, now=NOW, settings=SETTINGS)
    session.commit()
    frees(session, event, city)
    session.commit()
    assert session.get(WaitingRequest, entry.id).status == "offered"
    assert session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == city.member.email)) is not None


def test_an_event_whose_room_cannot_be_held_further_shows_on_the_start_pages(
        app, browser, session, make, city):
    from datetime import timedelta

    from meetingplaces.booking.rules import Settings
    from meetingplaces.errors import DomainError
    from meetingplaces.events import held_rooms
    from meetingplaces.models.places import Closure

    city.room.max_advance_days = 15
    session.commit()
    event = place(session, city.manager, city, title="Spieletreff", rrule="FREQ=WEEKLY",
                  organisation=city.organisation, starts_at=local(2027, 3, 2, 18),
                  ends_at=local(2027, 3, 2, 20))
    assert [day for day, _ in held(session, city.room)] == ["2027-03-02", "2027-03-09"]
    session.add(Closure(resource_id=city.room.id, starts_at=local(2027, 3, 23, 0),
                        ends_at=local(2027, 3, 24, 0), reason="Renovierung"))
    city.room.max_advance_days = 29  # as if two weeks had passed: the daily run is refused
    session.commit()
    with pytest.raises(DomainError):
        held_rooms.keep(session, event, actor=None, now=NOW + timedelta(days=1),
                        settings=Settings.from_config(app.config))

    browser.login(city.manager.email)
    page = browser.get("/start?lang=en").get_data(as_text=True)
    # all or nothing: the date before the closure is not held either, until the event changes
    assert "Spieletreff" in page
    assert "its room cannot be held on 2 dates, the first 16 Mar 2027" in page
    browser.logout()
    browser.login(city.member.email)
    page = browser.get("/start").get_data(as_text=True)
    assert "Spieletreff" in page and "cannot be held" in page
    browser.logout()
    browser.login(make.manager(make.quarter()).email)
    assert "Spieletreff" not in browser.get("/start").get_data(as_text=True)


def test_cancelling_and_restoring_decide_on_the_events_status_as_it_is_now(session, city):
    """A second cancel (or restore) that read the event before the first committed finds
    the first's decision under the row lock, instead of overwriting its reason."""
    from sqlalchemy import update

    from meetingplaces.models.events import Event

    event = place(session, city.manager, city)
    session.connection().execute(  # another request cancelled it meanwhile
        update(Event.__table__).where(Event.__table__.c.id == event.id)
        .values(status="cancelled", cancellation_reason="Krank"))
    assert event.status == "published"  # what this request read before
    with pytest.raises(InvalidInput):
        cancel_event(session, event, actor=city.manager, now=NOW, reason="Urlaub")
    session.rollback()

    event = place(session, city.manager, city, title="Film", starts_at=local(2027, 3, 17, 18),
                  ends_at=local(2027, 3, 17, 20))
    cancel_event(session, event, actor=city.manager, now=NOW, reason="Krank")
    session.commit()
    session.connection().execute(  # another request restored it meanwhile
        update(Event.__table__).where(Event.__table__.c.id == event.id)
        .values(status="published", cancellation_reason=""))
    assert event.status == "cancelled"
    sequence = event.sequence
    with pytest.raises(Conflict):
        restore_event(session, event, actor=city.manager, now=NOW)
    session.rollback()
    assert session.get(Event, event.id).sequence == sequence
