"""A refused request tells everything at once: every taken date of a series with the rooms
free nearby then (really free, by every rule), the free dates only in one step, on the page
and in the API; the form starts from the user (own quarter first, the chosen room's week
before sending, "book this room" at the next free slot)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from meetingplaces.booking.conflicts import find_conflicts, taken_dates
from meetingplaces.booking.rules import plan
from meetingplaces.extensions import db
from meetingplaces.models import Closure
from meetingplaces.models.bookings import Booking
from meetingplaces.timeline import LocalSlot

from .booking_factories import NOW, SETTINGS, book, city_fixture, local, token_for  # noqa: F401
from .booking_web_helpers import form_data

SERIES = {"repeat": "weekly", "count": "3"}  # Tuesdays 16, 23 and 30 March 2027, 18-20


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture(autouse=True)
def in_english(browser):
    browser.get("/?lang=en")


@pytest.fixture
def taken(session, make, city):
    """The room is taken by another initiative on the 16th and the 30th; of the rooms nearby,
    the twin is free on the 16th only, the hall (same quarter, no beamer) on both, the others
    never: too small, closed on the 16th and busy on the 30th, or in another quarter."""
    city.room.equipment = ["beamer"]
    other = make.organisation(city.quarter)
    rival = make.member(other)
    for day in (16, 30):
        book(session, city, actor=rival, organisation=other, title="Geheim",
             start=local(2027, 3, day, 18), end=local(2027, 3, day, 20))
    twin = make.room(city.facility, name="Zwilling", capacity=20, equipment=["beamer"])
    hall = make.room(make.facility(city.quarter, name="Bürgerhaus"), name="Saal", capacity=60)
    make.room(city.facility, name="Kammer", capacity=4)
    shut = make.room(city.facility, name="Werkstatt", capacity=20)
    make.room(make.facility(), name="Fern", capacity=20)  # another quarter
    session.add(Closure(resource=shut, starts_at=datetime(2027, 3, 16, tzinfo=UTC),
                        ends_at=datetime(2027, 3, 17, tzinfo=UTC)))
    session.commit()
    book(session, city, actor=rival, organisation=other, resources=[twin],
         start=local(2027, 3, 30, 19), end=local(2027, 3, 30, 21))
    book(session, city, actor=rival, organisation=other, resources=[shut],
         start=local(2027, 3, 30, 17), end=local(2027, 3, 30, 19))
    return {"twin": twin, "hall": hall}


# --- the form -----------------------------------------------------------------------------------


def test_the_form_lists_every_taken_date_with_the_rooms_free_then(browser, city, taken):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(city.room, title="Mein Kurs", **SERIES))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "2 of the 3 dates are already booked" in html
    section = html[html.index('id="taken-dates"'):html.index("</section>",
                                                             html.index('id="taken-dates"'))]
    items = re.findall(r'<li class="taken-date">(.*?)</li>\s*(?=<li class="taken-date"|</ul>\s*<p)',
                       section, re.S)
    assert len(items) == 2
    assert "16 March 2027" in items[0] and "30 March 2027" in items[1]
    assert "Zwilling" in items[0] and "Saal" in items[0]
    assert "Zwilling" not in items[1] and "Saal" in items[1]
    assert "without: Projector" in items[1]
    for name in ("Kammer", "Werkstatt", "Fern"):
        assert name not in section
    assert "Geheim" not in html
    assert 'value="Mein Kurs"' in html
    assert "23 Mar 2027" in section and 'value="free_dates"' in section
    # a Latin house name keeps its own reading order beside Arabic words; the day and the times
    # are joined as the reader joins them
    assert re.search(r"\(<bdi>[^<]+</bdi>, up to", items[1])
    browser.get("/?lang=ar")
    arabic = browser.post("/bookings/new", form_data(city.room, title="Mein Kurs", **SERIES))
    assert re.search(r'<li class="taken-date"><strong>[^<,]*،[^<,]*</strong>',
                     arabic.get_data(as_text=True))


def test_an_offered_room_links_to_that_one_date_with_everything_typed(browser, session, city,
                                                                      taken):
    browser.login(city.member.email)
    html = browser.post("/bookings/new", form_data(city.room, title="Mein Kurs", **SERIES)
                        ).get_data(as_text=True)
    link = re.search(rf'href="(/bookings/new\?[^"]*resource_ids={taken["twin"].id}[^"]*)"', html)
    query = link.group(1).replace("&amp;", "&")
    assert "date=2027-03-16" in query and "repeat=" not in query and "title=Mein+Kurs" in query
    prefilled = browser.get(query).get_data(as_text=True)
    data = form_data(taken["twin"], title="Mein Kurs")
    assert 'value="Mein Kurs"' in prefilled and 'value="2027-03-16"' in prefilled
    response = browser.post("/bookings/new", data)
    assert response.status_code == 302  # the room offered was really free
    assert session.scalars(select(Booking).where(Booking.title == "Mein Kurs")).one()


def test_the_free_dates_only_in_one_step_leave_the_taken_ones_out(browser, session, city, taken):
    browser.login(city.member.email)
    typed = form_data(city.room, title="Mein Kurs", **SERIES)
    assert browser.post("/bookings/new", typed).status_code == 409
    response = browser.post("/bookings/new", {**typed, "action": "free_dates"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalars(select(Booking).where(Booking.title == "Mein Kurs")).one()
    assert [o.original_date.isoformat() for o in booking.occurrences] == ["2027-03-23"]
    assert booking.exdates == ["2027-03-16", "2027-03-30"]
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Left out because they are taken: 16 Mar 2027, 30 Mar 2027." in page


def test_free_dates_only_refuses_when_every_date_is_taken(browser, session, city, taken):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", {**form_data(city.room), "action": "free_dates"})
    assert response.status_code == 409
    assert 'value="free_dates"' not in response.get_data(as_text=True)
    assert not session.scalars(select(Booking).where(
        Booking.organisation_id == city.organisation.id)).all()


def test_a_guest_gets_the_free_dates_only_too(browser, session, city, taken):
    data = {**form_data(city.room, title="Elterncafé", **SERIES), "name": "Aylin",
            "organisation_name": "Elterncafé Ost", "email": "aylin@example.org"}
    assert browser.post("/bookings/guest/new", data).status_code == 409
    response = browser.post("/bookings/guest/new", {**data, "action": "free_dates"})
    assert response.status_code == 200
    booking = session.scalars(select(Booking).where(Booking.title == "Elterncafé")).one()
    assert [o.original_date.isoformat() for o in booking.occurrences] == ["2027-03-23"]


def test_the_chosen_rooms_week_shows_before_sending_and_nothing_is_requested(
        browser, session, city, taken):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", {**form_data(city.room, title="Entwurf",
                                                          date="2027-03-30", end=""),
                                              "action": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"The week of {city.room.name}" in html
    assert html.count("slot slot--confirmed") >= 2  # Tuesday 30th, 18-20: taken
    assert 'value="Entwurf"' in html and "This field is required" not in html
    assert session.scalar(select(Booking).where(Booking.title == "Entwurf")) is None


# --- the API ------------------------------------------------------------------------------------


def test_the_api_409_names_every_taken_date_with_alternatives(client, session, city, taken):
    headers = token_for(session, city.member)
    body = {"resource_ids": [city.room.id], "starts_at": "2027-03-16T18:00",
            "ends_at": "2027-03-16T20:00", "title": "Kurs", "attendees": 12,
            "rrule": "FREQ=WEEKLY;COUNT=3"}
    response = client.post("/api/v1/bookings", headers=headers, json=body)
    assert response.status_code == 409
    refusal = response.json
    assert [t["date"] for t in refusal["taken_dates"]] == ["2027-03-16", "2027-03-30"]
    assert refusal["free_dates"] == ["2027-03-23"]
    assert len(refusal["conflicts"]) == 2
    first, last = refusal["taken_dates"]
    assert first["starts_at"] == "2027-03-16T18:00:00+01:00"
    assert first["conflicts"][0]["resource_id"] == city.room.id
    assert [a["resource_id"] for a in first["alternatives"]] == [taken["twin"].id,
                                                                taken["hall"].id]
    assert [a["resource_id"] for a in last["alternatives"]] == [taken["hall"].id]
    assert last["alternatives"][0]["replaces_resource_id"] == city.room.id
    assert last["alternatives"][0]["lacking_equipment"] == ["beamer"]
    assert first["alternatives"][0]["lacking_equipment"] == []
    assert "Geheim" not in response.get_data(as_text=True)
    # every alternative offered is really free: booking it on its date succeeds
    for taken_date in refusal["taken_dates"]:
        for alternative in taken_date["alternatives"]:
            day = taken_date["date"]
            answer = client.post("/api/v1/bookings", headers=headers, json={
                **body, "resource_ids": [alternative["resource_id"]], "rrule": "",
                "starts_at": f"{day}T18:00", "ends_at": f"{day}T20:00"})
            assert answer.status_code == 201, answer.json

    free_only = client.post("/api/v1/bookings", headers=headers,
                            json={**body, "free_dates_only": True})
    assert free_only.status_code == 201, free_only.json
    assert [o["date"] for o in free_only.json["occurrences"]] == ["2027-03-23"]
    assert free_only.json["exdates"] == ["2027-03-16", "2027-03-30"]
    assert free_only.json["notices"]


def test_the_api_free_dates_only_is_409_when_every_date_is_taken(client, session, city, taken):
    response = client.post("/api/v1/bookings", headers=token_for(session, city.member), json={
        "resource_ids": [city.room.id], "starts_at": "2027-03-16T18:00",
        "ends_at": "2027-03-16T20:00", "title": "Kurs", "attendees": 12,
        "free_dates_only": True})
    assert response.status_code == 409
    assert response.json["free_dates"] == []


def test_the_openapi_document_declares_the_taken_dates_and_free_dates_only(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert {"taken_dates", "free_dates"} <= set(schemas["BookingConflictBody"]["properties"])
    assert "alternatives" in schemas["TakenDateOut"]["properties"]
    assert "free_dates_only" in schemas["BookingRequest"]["properties"]


# --- the engine ---------------------------------------------------------------------------------


def test_alternatives_cost_the_same_queries_for_three_or_twelve_taken_dates(session, make, city):
    other = make.organisation(city.quarter)
    rival = make.member(other)
    book(session, city, actor=rival, organisation=other, rrule="FREQ=WEEKLY;COUNT=12")
    for n in range(4):
        make.room(city.facility, name=f"Raum {n}")

    def statements(count: int) -> int:
        starts = [local(2027, 3, 16, 18) + timedelta(weeks=i) for i in range(count)]
        slots = [LocalSlot(s.date(), s, s.replace(hour=20)) for s in starts]
        planned, _ = plan([city.room], slots, SETTINGS.zone)
        conflicts = find_conflicts(session, planned)
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found, _free = taken_dates(session, planned, conflicts, attendees=12, now=NOW,
                                       settings=SETTINGS)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(found) == count and all(len(t.alternatives) == 4 for t in found)
        return len(seen)

    assert statements(3) == statements(12)


# --- the room list and "book this room" ---------------------------------------------------------


def _facility_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_the_form_lists_the_users_own_quarter_first_and_other_cities_folded_last(
        browser, session, make):
    names = {}
    for city_name, quarter_name in (("Göttingen", "Grone"), ("Wuppertal", "Höhe"),
                                    ("Wuppertal", "Ostersbaum")):
        quarter = make.quarter(name=quarter_name, city=city_name)
        facility = make.facility(quarter, name=f"Zentrum {quarter_name}")
        make.room(facility)
        names[quarter_name] = (quarter, facility.name)
    organisation = make.organisation(names["Ostersbaum"][0])
    member = make.member(organisation)
    browser.login(member.email)
    html = browser.get("/bookings/new").get_data(as_text=True)
    facilities = [name for _, name in names.values()]
    assert _facility_order(html, facilities) == [
        "Zentrum Ostersbaum", "Zentrum Höhe", "Zentrum Grone"]
    folded = html[html.index('<details class="room-picker__far"'):]
    assert "Zentrum Grone" in folded and "Zentrum Höhe" not in folded
    browser.logout()

    manager = make.manager(names["Grone"][0])
    browser.login(manager.email)
    html = browser.get("/bookings/new").get_data(as_text=True)
    assert _facility_order(html, facilities)[0] == "Zentrum Grone"


def test_a_room_of_another_city_can_be_requested_and_only_its_managers_decide(
        browser, client, session, make, city):
    far_quarter = make.quarter(name="Grone", city="Göttingen")
    far_room = make.room(make.facility(far_quarter), approval_required=True)
    browser.login(city.member.email)
    html = browser.get(f"/bookings/new?resource_ids={far_room.id}").get_data(as_text=True)
    assert re.search(r'<details class="room-picker__far" open>', html)  # checked: in sight
    response = browser.post("/bookings/new", form_data(far_room))
    assert response.status_code == 302
    booking = session.scalar(select(Booking))
    assert booking.status == "pending"
    refused = client.post(f"/api/v1/bookings/{booking.id}/approve",
                          headers=token_for(session, city.manager), json={})
    assert refused.status_code == 403
    approved = client.post(f"/api/v1/bookings/{booking.id}/approve",
                           headers=token_for(session, make.manager(far_quarter)), json={})
    assert approved.status_code == 200


def test_book_this_room_starts_at_the_next_free_slot_in_the_future(browser, session, city):
    city.room.min_notice_hours = 24
    session.commit()
    # NOW is Monday 1 March 2027, 10:00 in Wuppertal; the notice makes Tuesday 10:00 the
    # earliest start, and 10-12 is taken on Tuesday.
    book(session, city, start=local(2027, 3, 2, 10), end=local(2027, 3, 2, 12))
    browser.login(city.member.email)
    for week in ("2027-03-01", "2027-02-15"):  # this week, and a week in the past
        html = browser.get(f"/bookings/resources/{city.room.slug}/week?date={week}"
                           ).get_data(as_text=True)
        link = re.search(r'href="(/bookings/new\?[^"]*)">Book this room', html).group(1)
        assert "date=2027-03-02" in link and "start=12:00" in link and "end=14:00" in link
    form = browser.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="12:00"' in form and 'value="2027-03-02"' in form
    later = browser.get(f"/bookings/resources/{city.room.slug}/week?date=2027-03-22"
                        ).get_data(as_text=True)
    assert re.search(r'href="/bookings/new\?[^"]*date=2027-03-22[^"]*start=08:00', later)


def test_book_a_room_here_from_a_past_day_starts_today(browser, city):
    browser.login(city.member.email)
    html = browser.get(f"/bookings/facilities/{city.facility.slug}/day?date=2027-02-15"
                       ).get_data(as_text=True)
    assert re.search(r'href="/bookings/new\?[^"]*date=2027-03-01[^"]*">Book a room here', html)
