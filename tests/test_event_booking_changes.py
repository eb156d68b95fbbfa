"""Events follow the booking whose room they are held in: other rooms move the event (page and
feed alike, SEQUENCE up, same UID); a cancelled or rejected booking, or dates it no longer
holds, leave the event as it is and tell the people responsible by mail and on its edit page.
Through the booking pages, the guest link and the API."""

import re
import time
from datetime import date

import pytest
from sqlalchemy import select

from meetingplaces.booking import approve_booking, cancel_booking, change_booking
from meetingplaces.events import create_event
from meetingplaces.mail import send_due
from meetingplaces.models.audit import AuditEntry
from meetingplaces.models.bookings import Booking
from meetingplaces.models.events import Event
from meetingplaces.models.mail import OutboxMessage
from meetingplaces.timeline import weekly_rule

from .booking_factories import NOW, SETTINGS, book, city_fixture, token_for  # noqa: F401  (a fixture)
from .booking_factories import local as wall_clock
from .booking_web_helpers import form_data as booking_form
from .booking_web_helpers import link_in
from .events_factories import local, vevent

BOOKER_NAME = "Erika Buchungsperson"
BOOKER_EMAIL = "erika.buchung@example.org"
REASON = "Erika ist krank geworden"


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


@pytest.fixture(autouse=True)
def in_english(session, city):
    for person in (city.manager, city.member):
        person.preferred_language = "en"
    session.commit()


@pytest.fixture
def booker(make, city):
    return make.member(city.organisation, name=BOOKER_NAME, email=BOOKER_EMAIL,
                       preferred_language="en")


@pytest.fixture
def booking(session, city, booker):
    """The city's room, Tuesday 16 March 2027, 18:00-20:00, booked by the initiative."""
    return book(session, city, actor=booker, title="Deutschkurs")


@pytest.fixture
def hall(make, city):
    """A room in another facility of the same quarter."""
    return make.room(make.facility(city.quarter, name="Stadtteilzentrum"), name="Großer Saal")


@pytest.fixture
def stranger(make, city):
    """A member of another initiative in the same quarter."""
    return make.member(make.organisation(city.quarter, name="Andere Initiative"),
                       preferred_language="en")


def hold(session, actor, city, booking, **fields):
    """A published event (when `actor` manages the quarter) in the booked time."""
    fields.setdefault("title", "Sprachcafé")
    fields.setdefault("category", "cafe")
    fields.setdefault("starts_at", local(2027, 3, 16, 18))
    fields.setdefault("ends_at", local(2027, 3, 16, 20))
    event = create_event(session, actor=actor, quarter=city.quarter, now=NOW, booking=booking,
                         **fields)
    session.commit()
    return event


def quarter_feed(city) -> str:
    return f"/quarters/{city.quarter.slug}/calendar.ics"


def told(session, event) -> dict[str, OutboxMessage]:
    """The mails about the event's booking in the outbox, by recipient."""
    session.expire_all()
    return {m.recipient: m for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.endswith(f"event: {event.title}"))
        .order_by(OutboxMessage.id))}


def delivered(app, session, sink, recipient: str, event) -> object:
    """The mail about the event as the SMTP server received it."""
    send_due(session, app.config, now=NOW)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in sink.to(recipient):
            if str(message["Subject"]).endswith(f"event: {event.title}"):
                return message
        time.sleep(0.02)
    raise AssertionError(f"no mail about {event.title} to {recipient}")


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


# --- other rooms: the event moves -------------------------------------------------------------


def test_moving_the_booking_to_another_room_moves_the_page_and_the_feed_alike(
        client, browser, session, city, booking, booker, hall):
    event = hold(session, city.manager, city, booking, organisation=city.organisation)
    before = vevent(client, quarter_feed(city), "Sprachcafé")
    assert vevent(client, f"/facilities/{city.facility.slug}/calendar.ics", "Sprachcafé")
    browser.login(booker.email)
    response = browser.post(f"/bookings/{booking.id}/change", {
        "change-scope": "all", "change-resource_ids": [str(hall.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    browser.logout()

    session.expire_all()
    event = session.get(Event, event.id)
    assert (event.facility_id, event.place_name) == (hall.facility.id, "Großer Saal")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "in room Großer Saal of Stadtteilzentrum" in page
    assert city.room.name not in page and city.facility.name not in page
    after = vevent(client, quarter_feed(city), "Sprachcafé")
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    location = str(after["LOCATION"])
    assert "Großer Saal" in location and "Stadtteilzentrum" in location
    assert city.room.name not in location
    # the facilities' own feeds: out of the old one, into the new one
    assert vevent(client, f"/facilities/{city.facility.slug}/calendar.ics", "Sprachcafé") is None
    assert vevent(client, f"/facilities/{hall.facility.slug}/calendar.ics", "Sprachcafé")
    logged = session.scalars(select(AuditEntry).where(
        AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id,
        AuditEntry.action == "follow_booking")).all()
    assert len(logged) == 1 and logged[0].actor_id == booker.id
    assert told(session, event) == {}  # a move is no trouble: nobody gets mail about it


def test_a_single_booking_moved_on_its_one_date_names_the_new_room_only(
        browser, client, session, city, booking, booker, hall):
    """The change form's first choice is "this date": the booking keeps the old room among its
    resources, but no date uses it any more."""
    event = hold(session, city.manager, city, booking)
    browser.login(booker.email)
    response = browser.post(f"/bookings/{booking.id}/change", {
        "change-scope": "this", "change-date": "2027-03-16",
        "change-resource_ids": [str(hall.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session.expire_all()
    event = session.get(Event, event.id)
    assert (event.place_name, event.facility_id) == ("Großer Saal", hall.facility.id)
    location = str(vevent(client, quarter_feed(city), "Sprachcafé")["LOCATION"])
    assert location.startswith("Großer Saal, Stadtteilzentrum")


def test_one_date_of_a_series_in_another_facility_keeps_the_events_facility(
        session, city, booker, hall, series):
    event = hold(session, city.manager, city, series, rrule="FREQ=WEEKLY;UNTIL=20270330")
    change_booking(session, actor=booker, booking=series, scope="this", date=date(2027, 3, 23),
                   resources=[hall], now=NOW, settings=SETTINGS)
    session.commit()
    assert event.facility_id == city.facility.id
    assert event.place_name == f"Großer Saal, {city.room.name}"


def test_a_place_name_the_user_gave_stays_and_the_facility_follows(session, city, booking,
                                                                   booker, hall):
    event = hold(session, city.manager, city, booking, place_name="Café-Ecke")
    sequence = event.sequence
    change_booking(session, actor=booker, booking=booking, resources=[hall], now=NOW,
                   settings=SETTINGS)
    session.commit()
    assert (event.place_name, event.facility_id) == ("Café-Ecke", hall.facility.id)
    assert event.sequence == sequence + 1


def test_another_room_in_the_same_facility_renames_the_place_only(client, session, make, city,
                                                                  booking, booker):
    annex = make.room(city.facility, name="Anbau")
    event = hold(session, city.manager, city, booking)
    sequence = event.sequence
    change_booking(session, actor=booker, booking=booking, resources=[city.room, annex],
                   now=NOW, settings=SETTINGS)
    session.commit()
    assert event.place_name == f"Anbau, {city.room.name}"
    assert event.facility_id == city.facility.id and event.sequence == sequence + 1
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"in room Anbau, {city.room.name} of {city.facility.name}" in page


def test_a_renamed_room_shows_the_same_place_on_the_page_as_in_the_feed(client, session, city,
                                                                       booking):
    event = hold(session, city.manager, city, booking)
    old_name = city.room.name
    city.room.name = "Umbenannt"
    session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    location = str(vevent(client, quarter_feed(city), "Sprachcafé")["LOCATION"])
    assert old_name in location and old_name in page
    assert "Umbenannt" not in location and "Umbenannt" not in page


def test_moving_the_booking_out_of_the_quarter_leaves_the_place_and_tells_the_manager(
        make, session, city, booking, booker):
    elsewhere = make.room(make.facility(make.quarter(name="Nachbarquartier")), name="Fremd")
    event = hold(session, city.manager, city, booking)
    sequence, facility_id = event.sequence, event.facility_id
    change_booking(session, actor=booker, booking=booking, resources=[elsewhere], now=NOW,
                   settings=SETTINGS)
    session.commit()
    assert (event.facility_id, event.place_name, event.sequence) == (
        facility_id, city.room.name, sequence)
    mails = told(session, event)
    assert list(mails) == [city.manager.email]
    assert "no longer holds a room in" in mails[city.manager.email].body


# --- cancelled: nothing changes on the event, the people responsible are told -----------------


def test_a_cancelled_booking_leaves_the_event_as_it_was_and_tells_the_manager(
        app, client, browser, session, smtp_sink, make, city, booking, booker, stranger):
    other_manager = make.manager(make.quarter(), preferred_language="en")
    event = hold(session, city.manager, city, booking, organisation=city.organisation)
    before = vevent(client, quarter_feed(city), "Sprachcafé")
    browser.login(booker.email)
    response = browser.post(f"/bookings/{booking.id}/cancel", {
        "cancel-scope": "all", "cancel-reason": REASON, "confirmed": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    browser.logout()

    # published: only the quarter's managers may edit it, so only they are told
    mails = told(session, event)
    assert list(mails) == [city.manager.email]
    assert not {booker.email, city.member.email, stranger.email, other_manager.email} & set(mails)
    message = delivered(app, session, smtp_sink, city.manager.email, event)
    assert message["Subject"] == "Booking cancelled for the event: Sprachcafé"
    body = text_of(message)
    assert '"Sprachcafé"' in body and "has been cancelled" in body
    assert f"/events/{event.id}/edit" in body and "Deutschkurs" in body
    assert REASON not in body and BOOKER_EMAIL not in body

    session.expire_all()
    event = session.get(Event, event.id)
    assert event.status == "published" and event.booking_id == booking.id
    after = vevent(client, quarter_feed(city), "Sprachcafé")
    assert after is not None
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"])
    assert str(after["LOCATION"]) == str(before["LOCATION"])
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for public in (page, after.to_ical().decode()):
        assert REASON not in public and BOOKER_NAME not in public and BOOKER_EMAIL not in public

    browser.login(city.manager.email)
    edit = browser.get(link_in(message, "/events/"))
    assert edit.status_code == 200
    assert "The booking of this event was cancelled" in edit.get_data(as_text=True)


def test_a_proposal_is_told_to_its_members_and_managers_but_not_to_other_organisations(
        make, session, city, booking, booker, stranger):
    colleague = make.member(city.organisation, preferred_language="en")
    event = hold(session, booker, city, booking, organisation=city.organisation)
    assert event.status == "proposed"
    cancel_booking(session, actor=booker, booking=booking, reason=REASON, now=NOW)
    session.commit()
    assert set(told(session, event)) == {city.manager.email, booker.email, colleague.email,
                                         city.member.email}
    assert stranger.email not in told(session, event)


def test_members_of_another_organisation_do_not_read_the_booking(session, city, booking,
                                                                 booker, stranger):
    """A manager linked an unsent event of another initiative to this booking: its members
    hear that the room is gone, not what the booking is called nor who booked it."""
    event = hold(session, city.manager, city, booking, submit=False,
                 organisation=stranger.organisations[0])
    cancel_booking(session, actor=booker, booking=booking, reason=REASON, now=NOW)
    session.commit()
    mails = told(session, event)
    assert set(mails) == {city.manager.email, stranger.email}
    theirs = mails[stranger.email].body
    assert "Sprachcafé" in theirs and city.room.name in theirs
    assert "Deutschkurs" not in theirs and f"/bookings/{booking.id}" not in theirs
    assert REASON not in theirs and BOOKER_NAME not in theirs and BOOKER_EMAIL not in theirs
    assert "Deutschkurs" in mails[city.manager.email].body


def test_an_event_called_off_is_left_alone(session, city, booker):
    series = book(session, city, actor=booker, rrule=weekly_rule(count=3))
    event = hold(session, city.manager, city, series)
    event.status = "cancelled"
    session.commit()
    cancel_booking(session, actor=booker, booking=series, reason=REASON, now=NOW)
    session.commit()
    assert told(session, event) == {}


def test_the_warning_goes_when_the_event_no_longer_names_the_cancelled_booking(
        browser, session, city, booking, booker):
    event = hold(session, city.manager, city, booking)
    cancel_booking(session, actor=booker, booking=booking, reason=REASON, now=NOW)
    session.commit()
    browser.login(city.manager.email)
    assert "was cancelled" in browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    event.booking = None
    session.commit()
    page = browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert "was cancelled" not in page and 'class="warning"' not in page


def test_the_cancel_form_without_csrf_token_changes_and_tells_nothing(client, browser, session,
                                                                      city, booking, booker):
    event = hold(session, city.manager, city, booking)
    browser.login(booker.email)
    response = client.post(f"/bookings/{booking.id}/cancel", data={
        "cancel-scope": "all", "cancel-reason": REASON, "confirmed": "yes"})
    assert response.status_code == 400
    assert told(session, event) == {}
    assert session.get(Booking, booking.id).status == "approved"


# --- rejected ---------------------------------------------------------------------------------


def test_a_rejected_booking_tells_the_manager_and_the_edit_page_warns(browser, session, city,
                                                                      booker):
    city.room.approval_required = True
    session.commit()
    pending = book(session, city, actor=booker)
    assert pending.status == "pending"
    event = hold(session, city.manager, city, pending)
    browser.login(city.manager.email)
    response = browser.post(f"/bookings/{pending.id}/reject", {"reject-reason": REASON})
    assert response.status_code == 302
    mails = told(session, event)
    assert list(mails) == [city.manager.email]
    assert mails[city.manager.email].subject == "Booking rejected for the event: Sprachcafé"
    page = browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert "The booking of this event was rejected" in page
    assert session.get(Event, event.id).status == "published"


def test_the_events_list_points_to_each_event_whose_room_is_gone(browser, session, city, booker,
                                                                booking):
    """Not only the edit page: a manager scanning the list sees which events to check."""
    lost = hold(session, city.manager, city, booking, title="Sprachcafé")
    other = book(session, city, actor=booker, start=wall_clock(2027, 3, 23, 18),
                 end=wall_clock(2027, 3, 23, 20))
    fine = hold(session, city.manager, city, other, title="Nähcafé",
                starts_at=local(2027, 3, 23, 18), ends_at=local(2027, 3, 23, 20))
    browser.login(city.manager.email)
    assert "Check the booked room" not in browser.get("/events/").get_data(as_text=True)
    browser.post(f"/bookings/{booking.id}/cancel", {"cancel-scope": "all",
                                                     "cancel-reason": REASON, "confirmed": "yes"})
    page = browser.get("/events/").get_data(as_text=True)
    rows = {title: row for row in page.split("<tr>")[2:]
            for title in ("Sprachcafé", "Nähcafé") if f">{title}</a>" in row}
    assert f'href="/events/{lost.id}/edit">Check the booked room</a>' in rows["Sprachcafé"]
    assert "Check the booked room" not in rows["Nähcafé"]
    assert fine.id != lost.id


# --- single dates -----------------------------------------------------------------------------


@pytest.fixture
def series(session, city, booker):
    """Tuesdays 16, 23 and 30 March 2027, 18:00-20:00."""
    return book(session, city, actor=booker, rrule=weekly_rule(count=3))


def test_a_cancelled_date_the_event_is_held_on_is_told_and_shown(browser, session, city, booker,
                                                                 series):
    event = hold(session, city.manager, city, series, rrule="FREQ=WEEKLY;UNTIL=20270330")
    browser.login(booker.email)
    response = browser.post(f"/bookings/{series.id}/cancel", {
        "cancel-scope": "this", "cancel-date": "2027-03-23", "cancel-reason": REASON,
        "confirmed": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    mails = told(session, event)
    assert list(mails) == [city.manager.email]
    body = mails[city.manager.email].body
    assert "- 23 Mar 2027, 18:00–20:00" in body
    assert "16 Mar" not in body and "30 Mar" not in body
    browser.logout()
    browser.login(city.manager.email)
    page = browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    warning = page[page.index('class="warning"'):page.index("</section>")]
    assert "no longer covers these dates" in warning
    assert re.search(r"<li>23\W03\W2027\W+18:00–20:00</li>", warning), warning
    assert "2027-03-30" not in warning and "30/03" not in warning


def test_a_cancelled_date_the_event_is_not_held_on_tells_nobody(browser, session, city, booker,
                                                                series):
    event = hold(session, city.manager, city, series)  # the 16th only
    cancel_booking(session, actor=booker, booking=series, reason=REASON, scope="this",
                   date=date(2027, 3, 23), now=NOW)
    session.commit()
    assert told(session, event) == {}
    browser.login(city.manager.email)
    assert 'class="warning"' not in browser.get(f"/events/{event.id}/edit").get_data(
        as_text=True)


def test_a_date_cancelled_before_is_not_told_again(session, city, booker, series):
    hold(session, city.manager, city, series, rrule="FREQ=WEEKLY;UNTIL=20270330")
    cancel_booking(session, actor=booker, booking=series, reason=REASON, scope="this",
                   date=date(2027, 3, 23), now=NOW)
    session.commit()
    cancel_booking(session, actor=booker, booking=series, reason=REASON, scope="this",
                   date=date(2027, 3, 30), now=NOW)
    session.commit()
    bodies = [m.body for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == city.manager.email,
        OutboxMessage.subject.endswith("event: Sprachcafé")).order_by(OutboxMessage.id))]
    assert len(bodies) == 2
    assert "23 Mar 2027" in bodies[0] and "30 Mar 2027" not in bodies[0]
    assert "30 Mar 2027" in bodies[1] and "23 Mar 2027" not in bodies[1]


def test_new_times_that_leave_the_event_outside_the_booking_are_told(session, city, booker,
                                                                     booking):
    event = hold(session, city.manager, city, booking)
    sequence = event.sequence
    change_booking(session, actor=booker, booking=booking, local_start=wall_clock(2027, 3, 16, 19),
                   local_end=wall_clock(2027, 3, 16, 21), now=NOW, settings=SETTINGS)
    session.commit()
    assert event.sequence == sequence and event.starts_at == local(2027, 3, 16, 18)
    body = told(session, event)[city.manager.email].body
    assert "no longer covers these dates" in body and "16 Mar 2027, 18:00–20:00" in body


# --- the guest link and the API ---------------------------------------------------------------


def test_a_guests_booking_follows_the_guest_link(app, browser, session, smtp_sink, city, hall):
    browser.get("/?lang=en")
    browser.post("/bookings/guest/new", {**booking_form(city.room), "name": "Amira",
                                         "organisation_name": "Eltern", "email": "a@example.org"})
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(1)[0], "/bookings/guest/")
    browser.post(link + "/confirm")
    guest_booking = session.scalar(select(Booking))
    approve_booking(session, actor=city.manager, booking=guest_booking, now=NOW, settings=SETTINGS)
    session.commit()
    event = hold(session, city.manager, city, guest_booking)
    moved = browser.post(link + "/change", {"change-scope": "all",
                                            "change-resource_ids": [str(hall.id)]})
    assert moved.status_code == 302, moved.get_data(as_text=True)[:2000]
    session.expire_all()
    assert session.get(Event, event.id).place_name == "Großer Saal"
    cancelled = browser.post(link + "/cancel",
                             {"cancel-scope": "all", "cancel-reason": REASON, "confirmed": "yes"})
    assert cancelled.status_code == 302
    mails = told(session, event)
    assert list(mails) == [city.manager.email]
    assert "a@example.org" not in mails[city.manager.email].body


def test_the_api_cancel_tells_the_manager(client, session, city, booking, booker):
    event = hold(session, city.manager, city, booking)
    response = client.post(f"/api/v1/bookings/{booking.id}/cancel",
                           headers=token_for(session, booker), json={"reason": REASON})
    assert response.status_code == 200, response.json
    assert list(told(session, event)) == [city.manager.email]
    assert session.get(Event, event.id).status == "published"


def test_the_api_cancel_of_one_date_tells_the_manager(client, session, city, booker, series):
    event = hold(session, city.manager, city, series, rrule="FREQ=WEEKLY;UNTIL=20270330")
    response = client.post(f"/api/v1/bookings/{series.id}/cancel",
                           headers=token_for(session, booker),
                           json={"reason": REASON, "date": "2027-03-30"})
    assert response.status_code == 200, response.json
    assert "30 Mar 2027, 18:00" in told(session, event)[city.manager.email].body


def test_the_api_reject_tells_the_manager(client, session, city, booker):
    city.room.approval_required = True
    session.commit()
    pending = book(session, city, actor=booker)
    event = hold(session, city.manager, city, pending)
    response = client.post(f"/api/v1/bookings/{pending.id}/reject",
                           headers=token_for(session, city.manager), json={"reason": REASON})
    assert response.status_code == 200, response.json
    assert told(session, event)[city.manager.email].subject == (
        "Booking rejected for the event: Sprachcafé")


def test_a_refused_api_cancel_tells_nobody(client, session, city, booking, stranger):
    event = hold(session, city.manager, city, booking)
    response = client.post(f"/api/v1/bookings/{booking.id}/cancel",
                           headers=token_for(session, stranger), json={"reason": REASON})
    assert response.status_code == 403
    assert told(session, event) == {}


def test_the_booking_domain_does_not_import_the_events():
    import ast
    from pathlib import Path

    import meetingplaces.booking as booking_package

    for path in Path(booking_package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "events" not in (node.module or ""), path
            if isinstance(node, ast.Import):
                assert not any("events" in alias.name for alias in node.names), path
