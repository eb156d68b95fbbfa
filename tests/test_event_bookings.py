"""Events held in a booked room: linking a booking through the domain, the form and the API,
the place the room decides, the refusals, and the booker's privacy on public pages and feeds."""

from datetime import date

import icalendar
import pytest
from sqlalchemy import select

from meetingplaces.booking import cancel_booking
from meetingplaces.errors import Forbidden, InvalidInput
from meetingplaces.events import create_event, update_event
from meetingplaces.models.bookings import Booking
from meetingplaces.models.events import Event
from meetingplaces.timeline import monthly_nth_weekday_rule, weekly_rule

from .booking_factories import NOW, book, city_fixture, token_for  # noqa: F401  (a fixture)
from .booking_factories import local as wall_clock
from .events_factories import local

BOOKER_NAME = "Erika Buchungsperson"
BOOKER_EMAIL = "erika.buchung@example.org"


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def booker(make, city):
    """The person who booked: never named on a public page or in a feed."""
    return make.member(city.organisation, name=BOOKER_NAME, email=BOOKER_EMAIL)


@pytest.fixture
def booking(session, city, booker):
    """The city's room, Tuesday 16 March 2027, 18:00-20:00, booked by the initiative."""
    return book(session, city, actor=booker, title="Deutschkurs")


@pytest.fixture
def stranger(make, city):
    """A member of another initiative in the same quarter."""
    return make.member(make.organisation(city.quarter, name="Andere Initiative"))


def hold(session, actor, quarter, booking, **fields):
    """An event in the booked time of `booking`, created by `actor` and committed."""
    fields.setdefault("title", "Sprachcafé")
    fields.setdefault("category", "cafe")
    if "start_date" not in fields:
        fields.setdefault("starts_at", local(2027, 3, 16, 18))
        fields.setdefault("ends_at", local(2027, 3, 16, 20))
    created = create_event(session, actor=actor, quarter=quarter, now=NOW, booking=booking,
                           **fields)
    session.commit()
    return created


def feed(client, quarter) -> icalendar.Calendar:
    response = client.get(f"/quarters/{quarter.slug}/calendar.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.data)


def vevent(calendar, title: str):
    return next(c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == title)


# --- the domain -------------------------------------------------------------------------------


def test_a_member_proposes_an_event_in_their_booked_room_and_the_room_decides_the_place(
        session, city, booking, booker):
    event = hold(session, booker, city.quarter, booking, organisation=city.organisation)
    assert event.status == "proposed"
    assert event.booking_id == booking.id
    assert event.facility_id == city.facility.id
    assert event.place_name == city.room.name


def test_a_manager_links_a_booking_and_the_feed_names_room_address_and_geo(
        client, session, city, booking):
    city.facility.latitude, city.facility.longitude = 51.26, 7.15
    session.commit()
    hold(session, city.manager, city.quarter, booking, title="Filmabend")
    component = vevent(feed(client, city.quarter), "Filmabend")
    location = str(component["LOCATION"])
    assert city.room.name in location
    assert city.facility.name in location and city.facility.address in location
    assert (component["GEO"].latitude, component["GEO"].longitude) == (51.26, 7.15)


def test_a_place_name_the_user_gives_is_kept(session, city, booking):
    event = hold(session, city.manager, city.quarter, booking, place_name="Café-Ecke")
    assert event.place_name == "Café-Ecke" and event.facility_id == city.facility.id


def test_linking_a_booking_later_raises_the_sequence_and_moves_the_place(session, city,
                                                                         booking):
    event = hold(session, city.manager, city.quarter, None, address="Marktplatz 1")
    update_event(session, event, actor=city.manager, now=NOW, booking=booking)
    session.commit()
    assert event.sequence == 1
    assert (event.booking_id, event.facility_id) == (booking.id, city.facility.id)


def test_a_booking_of_another_organisation_is_forbidden(session, city, booking, stranger):
    organisation = stranger.organisations[0]
    with pytest.raises(Forbidden) as refused:
        hold(session, stranger, city.quarter, booking, organisation=organisation)
    assert refused.value.field == "booking"


def test_a_public_booking_of_another_organisation_is_forbidden_too(session, city, booker,
                                                                   stranger):
    public = book(session, city, actor=booker, public=True)
    with pytest.raises(Forbidden):
        hold(session, stranger, city.quarter, public, organisation=stranger.organisations[0])


def test_a_booking_of_a_room_in_another_quarter_is_refused(make, session, city, booker):
    elsewhere = make.room(make.facility(make.quarter()))
    other_quarters_booking = book(session, city, actor=booker, resources=[elsewhere])
    with pytest.raises(InvalidInput) as refused:
        hold(session, booker, city.quarter, other_quarters_booking,
             organisation=city.organisation)
    assert refused.value.field == "booking"


def test_a_cancelled_booking_is_refused(session, city, booking, booker):
    cancel_booking(session, actor=booker, booking=booking, reason="Krank", now=NOW)
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        hold(session, city.manager, city.quarter, booking)
    assert refused.value.field == "booking" and "cancelled" in refused.value.message


@pytest.mark.parametrize("starts, ends", [
    ((2027, 3, 16, 17), (2027, 3, 16, 19)),  # starts before the room is booked
    ((2027, 3, 16, 19), (2027, 3, 16, 21)),  # ends after
    ((2027, 3, 23, 18), (2027, 3, 23, 20)),  # another day
])
def test_an_event_outside_the_booked_time_is_refused(session, city, booking, starts, ends):
    with pytest.raises(InvalidInput) as refused:
        hold(session, city.manager, city.quarter, booking, starts_at=local(*starts),
             ends_at=local(*ends))
    assert refused.value.field == "booking"
    assert session.scalars(select(Event)).all() == []


def test_an_event_inside_the_booked_time_is_accepted(session, city, booking):
    event = hold(session, city.manager, city.quarter, booking,
                 starts_at=local(2027, 3, 16, 18, 30), ends_at=local(2027, 3, 16, 19, 30))
    assert event.booking_id == booking.id


@pytest.mark.parametrize("day, fits", [(date(2027, 3, 16), True), (date(2027, 3, 17), False)])
def test_an_all_day_event_needs_a_booked_date_on_its_first_day(session, city, booking, day,
                                                               fits):
    fields = {"start_date": day, "end_date": day}
    if fits:
        assert hold(session, city.manager, city.quarter, booking, **fields).all_day
    else:
        with pytest.raises(InvalidInput):
            hold(session, city.manager, city.quarter, booking, **fields)


def test_a_weekly_event_needs_its_first_date_in_a_booked_date(session, city, booker):
    series = book(session, city, actor=booker, rrule=weekly_rule(until=date(2027, 4, 27)))
    event = hold(session, city.manager, city.quarter, series, rrule="FREQ=WEEKLY",
                 starts_at=local(2027, 3, 23, 18), ends_at=local(2027, 3, 23, 20))
    assert event.booking_id == series.id
    with pytest.raises(InvalidInput):
        hold(session, city.manager, city.quarter, series, rrule="FREQ=WEEKLY",
             starts_at=local(2027, 3, 17, 18), ends_at=local(2027, 3, 17, 20))


def test_moving_a_linked_event_out_of_the_booked_time_is_refused(session, city, booking):
    event = hold(session, city.manager, city.quarter, booking)
    with pytest.raises(InvalidInput) as refused:
        update_event(session, event, actor=city.manager, now=NOW,
                     starts_at=local(2027, 3, 16, 20), ends_at=local(2027, 3, 16, 22))
    assert refused.value.field == "booking"


def test_a_cancelled_booking_leaves_its_event_working_and_editable(client, session, city,
                                                                   booking, booker):
    event = hold(session, city.manager, city.quarter, booking, title="Filmabend")
    cancel_booking(session, actor=booker, booking=booking, reason="Krank", now=NOW)
    session.commit()
    update_event(session, event, actor=city.manager, now=NOW, title="Filmabend im Saal")
    session.commit()
    assert event.booking_id == booking.id
    assert client.get(f"/events/{event.id}").status_code == 200
    assert city.room.name in str(vevent(feed(client, city.quarter), "Filmabend im Saal")
                                 ["LOCATION"])


def test_a_deleted_booking_leaves_its_event_in_the_room_without_a_link(client, session, city,
                                                                       booking):
    event = hold(session, city.manager, city.quarter, booking, title="Filmabend")
    session.delete(booking)
    session.commit()
    session.expire_all()
    event = session.get(Event, event.id)
    assert event.booking_id is None and event.facility_id == city.facility.id
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200 and city.room.name in page.get_data(as_text=True)
    assert city.room.name in str(vevent(feed(client, city.quarter), "Filmabend")["LOCATION"])


# --- public page and feed ---------------------------------------------------------------------


def test_the_public_page_says_in_which_room_of_which_facility(client, session, city, booking):
    event = hold(session, city.manager, city.quarter, booking)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"in room {city.room.name} of {city.facility.name}" in page


@pytest.mark.parametrize("public", [False, True])
def test_page_feed_and_api_never_name_the_booker(client, session, city, booker, public):
    booking = book(session, city, actor=booker, public=public)
    event = hold(session, city.manager, city.quarter, booking, title="Filmabend",
                 organisation=city.organisation)
    texts = [client.get(f"/events/{event.id}").get_data(as_text=True),
             client.get(f"/quarters/{city.quarter.slug}/calendar.ics").get_data(as_text=True),
             client.get(f"/events/{event.id}/calendar.ics").get_data(as_text=True),
             client.get(f"/api/v1/events/{event.id}").get_data(as_text=True),
             client.get(f"/quarters/{city.quarter.slug}/calendar?start=2027-03-16")
             .get_data(as_text=True)]
    for text in texts:
        assert "Filmabend" in text
        assert BOOKER_NAME not in text and BOOKER_EMAIL not in text


def test_html_in_room_and_booking_title_stays_escaped(browser, session, city, booker):
    city.room.name = "<script>alert(1)</script>Saal"
    session.commit()
    booking = book(session, city, actor=booker, title="<b>Kurs</b>")
    event = hold(session, city.manager, city.quarter, booking)
    page = browser.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    browser.login(booker.email)
    for url in ("/events/new", f"/events/new?booking={booking.id}"):
        form = browser.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in form and "<b>Kurs</b>" not in form
        assert "&lt;b&gt;Kurs&lt;/b&gt;" in form


# --- the booking's page and the event form -------------------------------------------------


def form_data(organisation, **overrides) -> dict:
    data = {
        "quarter": "", "organisation": str(organisation.id), "title": "Sprachcafé",
        "description": "", "category": "cafe", "is_free": "y", "booking": "0", "facility": "0",
        "place_name": "", "address": "", "start_date": "2027-03-16", "start_time": "18:00",
        "end_time": "20:00", "repeat": "", "exdates": "", "is_public": "y",
        "show_organiser": "y",
    }
    data.update(overrides)
    return data


def test_the_booking_page_offers_an_event_to_its_organisation_only(browser, session, city,
                                                                   booking, booker, stranger):
    browser.login(booker.email)
    page = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert f"/events/new?booking={booking.id}" in page
    browser.logout()
    browser.login(stranger.email)
    page = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "/events/new?booking=" not in page
    assert browser.get(f"/events/new?booking={booking.id}").status_code == 403


def test_the_form_for_a_booking_is_prefilled_with_title_times_repetition_and_room(
        browser, session, city, booker):
    series = book(session, city, actor=booker, title="Deutschkurs",
                  rrule=monthly_nth_weekday_rule(3, 1, count=4),
                  exdates=["2027-04-20"])
    browser.login(booker.email)
    page = browser.get(f"/events/new?booking={series.id}").get_data(as_text=True)
    assert 'value="Deutschkurs"' in page
    assert 'value="2027-03-16"' in page and 'value="18:00"' in page and 'value="20:00"' in page
    assert f'<option selected value="{series.id}">' in page
    assert '<option selected value="FREQ=MONTHLY;BYDAY=3TU">' in page
    assert 'value="2027-06-15"' in page  # the fourth date: COUNT became the last day
    assert "2027-04-20" in page
    assert f'value="{city.room.name}"' in page


def test_saving_the_prefilled_form_links_the_series(browser, session, city, booker):
    series = book(session, city, actor=booker, title="Deutschkurs",
                  rrule=weekly_rule(count=6), exdates=["2027-03-30"])
    browser.login(booker.email)
    response = browser.post(f"/events/new?booking={series.id}", form_data(
        city.organisation, quarter=str(city.quarter.id), title="Deutschkurs",
        booking=str(series.id), repeat="FREQ=WEEKLY", repeat_until="2027-04-27",
        exdates="2027-03-30"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [event] = session.scalars(select(Event).where(Event.booking_id == series.id)).all()
    assert event.status == "proposed" and event.rrule.startswith("FREQ=WEEKLY;UNTIL=")
    assert event.place_name == city.room.name and event.facility_id == city.facility.id


def test_editing_a_series_made_from_a_monthly_booking_keeps_its_rule(browser, session, city,
                                                                    booker):
    series = book(session, city, actor=booker, rrule=monthly_nth_weekday_rule(3, 1, count=4))
    event = hold(session, city.manager, city.quarter, series,
                 rrule="FREQ=MONTHLY;BYDAY=3TU;UNTIL=20270615")
    browser.login(city.manager.email)
    page = browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert '<option selected value="FREQ=MONTHLY;BYDAY=3TU">' in page
    response = browser.post(f"/events/{event.id}/edit", form_data(
        city.organisation, quarter=str(city.quarter.id), title="Neu", booking=str(series.id),
        repeat="FREQ=MONTHLY;BYDAY=3TU", repeat_until="2027-06-15"))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert "BYDAY=3TU" in session.get(Event, event.id).rrule


def test_the_select_lists_only_bookings_the_user_may_use(browser, session, city, booking,
                                                         booker, stranger):
    strangers = book(session, city, actor=stranger, organisation=stranger.organisations[0],
                     title="Fremder Kurs", start=wall_clock(2027, 3, 17, 18),
                     end=wall_clock(2027, 3, 17, 20))
    cancelled = book(session, city, actor=booker, title="Abgesagt",
                     start=wall_clock(2027, 3, 18, 18), end=wall_clock(2027, 3, 18, 20))
    cancel_booking(session, actor=booker, booking=cancelled, reason="Krank", now=NOW)
    session.commit()
    browser.login(booker.email)
    page = browser.get("/events/new").get_data(as_text=True)
    assert f'<option value="{booking.id}">Deutschkurs – {city.room.name} ' in page
    assert "Fremder Kurs" not in page and f'value="{strangers.id}"' not in page
    assert "Abgesagt" not in page


def test_a_time_outside_the_booking_is_shown_beside_the_field_with_the_typed_input(
        browser, session, city, booking, booker):
    browser.login(booker.email)
    response = browser.post("/events/new", form_data(
        city.organisation, quarter=str(city.quarter.id), title="Mein Kurs",
        booking=str(booking.id), start_time="20:00", end_time="21:00"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="booking-error"' in page and 'aria-describedby="booking-hint booking-error"' in page
    assert "within the booked time" in page
    assert 'value="Mein Kurs"' in page and f'<option selected value="{booking.id}">' in page
    assert session.scalars(select(Event)).all() == []


def test_the_form_without_csrf_token_is_refused(client, browser, session, city, booking,
                                                booker):
    browser.login(booker.email)
    response = client.post("/events/new", data=form_data(
        city.organisation, quarter=str(city.quarter.id), booking=str(booking.id)))
    assert response.status_code == 400
    assert session.scalars(select(Event)).all() == []


def test_editing_keeps_the_linked_booking(browser, session, city, booking):
    event = hold(session, city.manager, city.quarter, booking)
    browser.login(city.manager.email)
    page = browser.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{booking.id}">' in page
    response = browser.post(f"/events/{event.id}/edit", form_data(
        city.organisation, quarter=str(city.quarter.id), title="Neu", booking=str(booking.id),
        place_name=city.room.name))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Event, event.id).booking_id == booking.id


# --- the API ----------------------------------------------------------------------------------


API_EVENT = {"title": "Filmabend", "category": "film_night",
             "starts_at": "2027-03-16T18:00:00", "ends_at": "2027-03-16T20:00:00"}


def test_the_api_links_a_booking_and_shows_its_id_to_those_who_may_see_it(
        client, session, city, booking, booker):
    headers = token_for(session, city.manager)
    created = client.post("/api/v1/events", headers=headers, json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": booking.id})
    assert created.status_code == 201, created.json
    assert created.json["booking_id"] == booking.id
    assert created.json["facility_id"] == city.facility.id
    assert created.json["place_name"] == city.room.name
    event_id = created.json["id"]
    assert client.get(f"/api/v1/events/{event_id}").json["booking_id"] is None
    seen = client.get(f"/api/v1/events/{event_id}", headers=token_for(session, booker))
    assert seen.json["booking_id"] == booking.id
    unlinked = client.patch(f"/api/v1/events/{event_id}", headers=headers,
                            json={"booking_id": None})
    assert unlinked.status_code == 200 and unlinked.json["booking_id"] is None


@pytest.mark.parametrize("value", [999999, "1", True])
def test_the_api_refuses_an_unknown_booking_with_422(client, session, city, booking, value):
    response = client.post("/api/v1/events", headers=token_for(session, city.manager), json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": value})
    assert response.status_code == 422
    assert "booking_id" in response.json["fields"]


def test_the_api_refuses_another_organisations_booking_with_403(client, session, city,
                                                                booking, stranger):
    response = client.post("/api/v1/events", headers=token_for(session, stranger), json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": booking.id,
        "organisation_id": stranger.organisations[0].id})
    assert response.status_code == 403
    assert "booking_id" in response.json["fields"]


def test_the_api_refuses_a_booking_in_another_quarter_with_422(make, client, session, city,
                                                               booker):
    elsewhere = make.room(make.facility(make.quarter()))
    other = book(session, city, actor=booker, resources=[elsewhere])
    response = client.post("/api/v1/events", headers=token_for(session, booker), json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": other.id,
        "organisation_id": city.organisation.id})
    assert response.status_code == 422
    assert "booking_id" in response.json["fields"]


def test_the_api_refuses_a_time_outside_the_booking_with_422(client, session, city, booking):
    response = client.post("/api/v1/events", headers=token_for(session, city.manager), json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": booking.id,
        "ends_at": "2027-03-16T21:00:00"})
    assert response.status_code == 422 and "booking_id" in response.json["fields"]
    assert session.scalars(select(Event)).all() == []


def test_the_openapi_document_describes_booking_id(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["EventInput"]
    assert {kind["type"] for kind in schema["properties"]["booking_id"]["anyOf"]} == {
        "integer", "null"}


def test_bookings_are_still_there_after_their_event_is_deleted(client, session, city,
                                                               booking):
    headers = token_for(session, city.manager)
    created = client.post("/api/v1/events", headers=headers, json={
        **API_EVENT, "quarter_id": city.quarter.id, "booking_id": booking.id})
    assert client.delete(f"/api/v1/events/{created.json['id']}",
                         headers=headers).status_code == 204
    session.expire_all()
    assert session.get(Booking, booking.id).status == "approved"
