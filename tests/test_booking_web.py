"""The booking pages: the request form's good and bad paths, the booking page's decisions,
what members of other organisations may not do, week and day views across the clock change,
private feeds."""

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from meetingplaces.models.bookings import Booking, Occurrence

from .booking_factories import NOW, book, city_fixture, local  # noqa: F401  (a fixture)
from .booking_web_helpers import form_data


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture(autouse=True)
def in_english(browser):
    """The pages in English, whatever the city's language, so messages can be compared."""
    browser.get("/?lang=en")


def test_a_member_books_a_room_through_the_form(browser, session, city):
    browser.login(city.member.email)
    page = browser.get(f"/bookings/new?resource_ids={city.room.id}&date=2027-03-16")
    assert page.status_code == 200
    assert "booking-grid" in page.get_data(as_text=True)
    response = browser.post("/bookings/new", form_data(city.room))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")
    assert booking.status == "approved" and booking.organisation_id == city.organisation.id
    page = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Deutschkurs" in page and "Sprachkurs für Anfänger" in page and "confirmed" in page


def test_a_weekly_series_with_a_left_out_date_becomes_its_dates(browser, session, city):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(
        city.room, repeat="weekly", interval="2", count="4", exdates="2027-03-30"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    assert booking.rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=4"
    assert [o.original_date.isoformat() for o in booking.occurrences] == [
        "2027-03-16", "2027-04-13", "2027-04-27"]


def test_a_monthly_series_on_the_nth_weekday(browser, session, city):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(city.room, repeat="monthly",
                                                       until="2027-05-31"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    # 16 March 2027 is the third Tuesday; so are 20 April and 18 May.
    assert [o.original_date.isoformat() for o in booking.occurrences] == [
        "2027-03-16", "2027-04-20", "2027-05-18"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"end": "17:00"}, "end", "The end must be after the start"),
    ({"date": "2027-02-30"}, "date", "Not a valid date"),
    ({"date": "gestern"}, "date", "Not a valid date"),
    ({"title": "x" * 201}, "title", "200"),
    ({"purpose": "x" * 5001}, "purpose", "5000"),
    ({"attendees": "0"}, "attendees", ""),
    ({"attendees": "500"}, "attendees", "At most 20 people fit"),
    ({"date": "2027-02-01"}, "start", "in the past"),
    ({"repeat": "weekly"}, "until", "how many times"),
    ({"resource_ids": []}, "resource_ids", "Choose at least one"),
    ({"date": "2027-03-28", "start": "02:30", "end": "03:30"}, "start", "does not exist"),
    ({"repeat": "weekly", "count": "3", "exdates": "2027-13-01"}, "exdates", "is not a date"),
    ({"location": "x" * 301}, "location", "300"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_typed_is_lost(
        browser, session, city, overrides, field, message):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(city.room, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:3000]
    error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
    assert error, html[:5000]
    assert message in error.group(1)
    summary = re.search(r'<div class="form-errors".*?</div>', html, re.S).group(0)
    target = f"{field}-0" if field == "resource_ids" else field
    assert f'<a href="#{target}">' in summary, summary  # one step to the field by keyboard
    assert f'id="{target}"' in html
    kept = "x" * 40 if field in ("title", "purpose") else "Sprachkurs für Anfänger"
    assert kept in html  # what was typed is still there
    assert session.scalar(select(Booking)) is None


def test_html_typed_into_a_refused_field_is_escaped_in_the_error_summary(browser, city):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(
        city.room, repeat="weekly", count="3", exdates="<img src=x onerror=alert(1)>"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="form-errors".*?</div>', html, re.S).group(0)
    assert '<a href="#exdates">' in summary
    assert "&lt;img is not a date" in summary  # the dates are split at spaces
    assert "<img" not in html


def test_html_in_the_title_is_shown_escaped(browser, session, city):
    browser.login(city.member.email)
    browser.post("/bookings/new", form_data(city.room, title="<script>alert(1)</script>"))
    booking = session.scalar(select(Booking))
    html = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_post_without_csrf_token_is_refused(client, browser, session, city):
    browser.login(city.member.email)
    response = client.post("/bookings/new", data=form_data(city.room))
    assert response.status_code == 400
    assert session.scalar(select(Booking)) is None


def test_a_conflict_keeps_what_was_typed_and_offers_free_rooms(browser, session, make, city):
    other_room = make.room(city.facility, name="Gruppenraum", capacity=30)
    other = make.organisation(city.quarter)
    book(session, city, actor=make.member(other), organisation=other, title="Geheim",
         purpose="vertraulich")
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(city.room, title="Mein Kurs"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already booked from 16 Mar 2027, 18:00 to 20:00" in html
    assert 'value="Mein Kurs"' in html and "Sprachkurs für Anfänger" in html
    assert "Geheim" not in html and "vertraulich" not in html
    alternative = re.search(
        rf'href="(/bookings/new\?[^"]*resource_ids={other_room.id}[^"]*)"', html)
    assert alternative, html
    prefilled = browser.get(alternative.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Mein Kurs"' in prefilled
    assert re.search(rf'value="{other_room.id}"[^>]*checked|checked[^>]*value="{other_room.id}"',
                     prefilled)


def test_a_member_of_another_organisation_sees_no_private_details_and_may_not_act(
        browser, session, make, city):
    city.room.approval_required = True
    session.commit()
    booking = book(session, city, title="Beratung", purpose="vertraulich")
    stranger_org = make.organisation(city.quarter)
    stranger = make.member(stranger_org)
    browser.login(stranger.email)
    html = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "vertraulich" not in html and "Beratung" not in html
    for action, data in (("cancel", {"cancel-reason": "weg", "cancel-scope": "all"}),
                         ("approve", {}), ("reject", {"reject-reason": "nein"}),
                         ("change", {"change-scope": "all"})):
        assert browser.post(f"/bookings/{booking.id}/{action}", data).status_code == 403
    session.refresh(booking)
    assert booking.status == "pending"
    assert browser.get("/bookings/queue").status_code == 403
    assert browser.get(f"/bookings/organisations/{city.organisation.slug}").status_code == 403


def test_a_manager_approves_from_the_queue_and_the_requester_cancels_one_date(
        browser, client, session, city):
    city.room.approval_required = True
    session.commit()
    from meetingplaces.timeline import weekly_rule

    booking = book(session, city, rrule=weekly_rule(count=3))
    browser.login(city.manager.email)
    assert "Deutschkurs" in browser.get("/bookings/queue").get_data(as_text=True)
    response = browser.post(f"/bookings/{booking.id}/approve", {"approve-date": "2027-03-23"})
    assert response.status_code == 302
    session.refresh(booking)
    assert [o.status for o in booking.occurrences] == ["pending", "confirmed", "pending"]
    browser.post(f"/bookings/{booking.id}/approve")
    session.refresh(booking)
    assert booking.status == "approved"
    browser.logout()
    browser.login(city.member.email)
    missing_reason = browser.post(f"/bookings/{booking.id}/cancel",
                                  {"cancel-scope": "this", "cancel-date": "2027-03-23"})
    assert missing_reason.status_code == 422
    cancel = {"cancel-scope": "this", "cancel-date": "2027-03-23", "cancel-reason": "Ferien"}
    asked = browser.post(f"/bookings/{booking.id}/cancel", cancel)
    assert asked.status_code == 200
    assert "The managers of the quarter are told by mail." in asked.get_data(as_text=True)
    session.refresh(booking)
    assert booking.status == "approved"
    response = browser.post(f"/bookings/{booking.id}/cancel", {**cancel, "confirmed": "yes"})
    assert response.status_code == 302
    session.refresh(booking)
    assert [o.status for o in booking.occurrences] == ["confirmed", "cancelled", "confirmed"]
    html = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Ferien" in html and "cancelled" in html and city.manager.name in html
    assert "The booking is cancelled. The managers of the quarter are told by mail." in html
    assert "Restore this date" in html
    response = browser.post(f"/bookings/{booking.id}/add-back", {"add_back-date": "2027-03-23"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.refresh(booking)
    # the room needs approval: the date added back waits for the manager again
    assert sorted(o.status for o in booking.occurrences) == ["confirmed", "confirmed", "pending"]


def test_a_cancelled_date_is_restored_only_while_its_slot_is_free(browser, session, city, make):
    booking = book(session, city)
    browser.login(city.member.email)
    browser.post(f"/bookings/{booking.id}/cancel", {
        "cancel-scope": "all", "cancel-reason": "krank", "confirmed": "yes"})
    session.refresh(booking)
    assert booking.status == "cancelled"
    other = make.organisation(city.quarter)
    taken = book(session, city, actor=make.member(other), organisation=other, title="Chor")
    assert taken.status == "approved"
    refused = browser.post(f"/bookings/{booking.id}/restore", {"restore-date": "2027-03-16"})
    assert refused.status_code == 409
    session.refresh(booking)
    assert booking.status == "cancelled"

    session.delete(taken)
    session.commit()
    outsider_org = make.organisation(city.quarter)
    browser.logout()
    browser.login(make.member(outsider_org).email)
    assert browser.post(f"/bookings/{booking.id}/restore",
                        {"restore-date": "2027-03-16"}).status_code == 403
    browser.logout()
    browser.login(city.member.email)
    restored = browser.post(f"/bookings/{booking.id}/restore", {"restore-date": "2027-03-16"})
    assert restored.status_code == 302
    session.refresh(booking)
    assert booking.status == "approved"
    assert "restored" in browser.get(f"/bookings/{booking.id}").get_data(as_text=True)


def test_a_manager_rejects_with_a_reason(browser, session, city):
    city.room.approval_required = True
    session.commit()
    booking = book(session, city)
    browser.login(city.manager.email)
    assert browser.post(f"/bookings/{booking.id}/reject", {}).status_code == 422
    assert browser.post(f"/bookings/{booking.id}/reject",
                        {"reject-reason": "Raum wird renoviert"}).status_code == 302
    session.refresh(booking)
    assert booking.status == "rejected" and booking.status_reason == "Raum wird renoviert"


def test_a_manager_rejects_one_date_of_a_series_chosen_from_its_pending_dates(browser, session,
                                                                              city):
    from meetingplaces.timeline import weekly_rule

    city.room.approval_required = True
    session.commit()
    booking = book(session, city, rrule=weekly_rule(count=3))
    browser.login(city.manager.email)
    page = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    offered = re.findall(r'<option value="(2027-[^"]*)"', page.split('id="reject-h"')[1]
                         .split("</form>")[0])
    assert offered == ["2027-03-16", "2027-03-23", "2027-03-30"]
    refused = browser.post(f"/bookings/{booking.id}/reject",
                           {"reject-reason": "Belegt", "reject-date": "2027-04-06"})
    assert refused.status_code == 422, "a date the booking does not have is no choice"
    assert browser.post(f"/bookings/{booking.id}/reject", {
        "reject-reason": "Elternabend", "reject-date": "2027-03-23"}).status_code == 302
    session.refresh(booking)
    assert {o.original_date.isoformat(): o.status for o in booking.occurrences} == {
        "2027-03-16": "pending", "2027-03-23": "rejected", "2027-03-30": "pending"}
    page = browser.get(f"/bookings/{booking.id}").get_data(as_text=True)
    offered = re.findall(r'<option value="(2027-[^"]*)"', page.split('id="reject-h"')[1]
                         .split("</form>")[0])
    assert offered == ["2027-03-16", "2027-03-30"], "only pending dates are offered"


def test_changing_one_date_moves_it_and_a_taken_time_is_refused(browser, session, make, city):
    from meetingplaces.timeline import weekly_rule

    booking = book(session, city, rrule=weekly_rule(count=2))
    book(session, city, start=local(2027, 3, 23, 10), end=local(2027, 3, 23, 12),
         title="Frühstück")
    browser.login(city.member.email)
    taken = browser.post(f"/bookings/{booking.id}/change", {
        "change-scope": "this", "change-date": "2027-03-23", "change-start": "10:30",
        "change-end": "11:30", "change-resource_ids": [str(city.room.id)]})
    assert taken.status_code == 409
    assert "already booked" in taken.get_data(as_text=True)
    moved = browser.post(f"/bookings/{booking.id}/change", {
        "change-scope": "this", "change-date": "2027-03-23", "change-start": "14:00",
        "change-end": "16:00", "change-resource_ids": [str(city.room.id)]})
    assert moved.status_code == 302, moved.get_data(as_text=True)[:3000]
    session.expire_all()
    starts = [o.starts_at.isoformat() for o in session.scalars(
        select(Occurrence).where(Occurrence.booking_id == booking.id,
                                 Occurrence.status == "confirmed")
        .order_by(Occurrence.starts_at))]
    assert starts == ["2027-03-16T17:00:00+00:00", "2027-03-23T13:00:00+00:00"]


def test_week_view_across_the_spring_clock_change_keeps_local_times(browser, session, make,
                                                                    city):
    book(session, city, start=local(2027, 3, 24, 18), end=local(2027, 3, 24, 20),
         title="Vor der Umstellung", public=True)
    book(session, city, start=local(2027, 3, 28, 18), end=local(2027, 3, 28, 20),
         title="Nach der Umstellung", public=True)
    response = browser.get(f"/bookings/resources/{city.room.slug}/week?date=2027-03-28")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r'<th scope="row">(\d\d:00)</th>(.*?)</tr>', html, re.S)
    at_six = dict(rows)["18:00"]
    assert "Vor der Umstellung" in at_six and "Nach der Umstellung" in at_six
    assert "Umstellung" not in dict(rows)["17:00"] and "Umstellung" not in dict(rows)["19:00"]


def test_week_view_across_the_autumn_clock_change(browser, session, city):
    book(session, city, start=local(2027, 10, 27, 18), end=local(2027, 10, 27, 20),
         title="Sommerzeit", public=True)
    book(session, city, start=local(2027, 10, 31, 18), end=local(2027, 10, 31, 20),
         title="Herbstkurs", public=True)
    html = browser.get(f"/bookings/resources/{city.room.slug}/week?date=2027-10-31"
                       ).get_data(as_text=True)
    rows = dict(re.findall(r'<th scope="row">(\d\d:00)</th>(.*?)</tr>', html, re.S))
    assert "Herbstkurs" in rows["18:00"] and "Sommerzeit" in rows["18:00"]
    assert "Herbstkurs" not in rows["17:00"] and "Herbstkurs" not in rows["19:00"]


def test_private_bookings_show_as_booked_without_details_in_the_week(browser, session, city):
    book(session, city, title="Privat", purpose="geheim")
    html = browser.get(f"/bookings/resources/{city.room.slug}/week?date=2027-03-16"
                       ).get_data(as_text=True)
    assert "Privat" not in html and "geheim" not in html
    assert "slot--confirmed" in html


def test_facility_day_view_has_the_rooms_as_columns(browser, session, make, city):
    second = make.room(city.facility, name="Küche")
    book(session, city, title="Kochkurs", public=True, resources=[second])
    html = browser.get(f"/bookings/facilities/{city.facility.slug}/day?date=2027-03-16"
                       ).get_data(as_text=True)
    headings = re.findall(r'<th scope="col"><a [^>]*>([^<]+)</a></th>', html)
    assert headings == sorted([city.room.name, "Küche"])
    assert "Kochkurs" in html


def test_the_manager_agenda_and_the_organisation_list(browser, session, city):
    book(session, city, title="Elterncafé")
    browser.login(city.manager.email)
    assert "Approval queue" in browser.get("/bookings/").get_data(as_text=True)
    assert "Elterncafé" in browser.get("/bookings/agenda?date=2027-03-15").get_data(as_text=True)
    browser.logout()
    browser.login(city.member.email)
    assert "Elterncafé" in browser.get("/bookings/").get_data(as_text=True)
    assert "Elterncafé" in browser.get(
        f"/bookings/organisations/{city.organisation.slug}").get_data(as_text=True)


def test_the_public_facility_page_links_members_to_the_form(browser, session, city):
    browser.login(city.member.email)
    html = browser.get(f"/facilities/{city.facility.slug}").get_data(as_text=True)
    assert f"/bookings/new?resource={city.room.slug}" in html
    assert f"/bookings/new?facility={city.facility.slug}" in html


def test_a_private_feed_serves_the_bookings_and_a_renewed_token_revokes_the_old(
        browser, session, city):
    book(session, city, title="Vorstandssitzung", purpose="intern")
    browser.login(city.member.email)
    response = browser.post(f"/bookings/feeds/organisation/{city.organisation.slug}")
    url = re.search(r"https?://[^/]+(/bookings/feeds/[^<\s]+\.ics)",
                    response.get_data(as_text=True)).group(1)
    browser.logout()
    feed = browser.get(url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.get_data())
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["Vorstandssitzung"]
    assert str(events[0]["UID"]).startswith("booking-")
    browser.login(city.member.email)
    renewed = browser.post(f"/bookings/feeds/organisation/{city.organisation.slug}")
    new_url = re.search(r"https?://[^/]+(/bookings/feeds/[^<\s]+\.ics)",
                        renewed.get_data(as_text=True)).group(1)
    assert browser.get(url).status_code == 404
    assert browser.get(new_url).status_code == 200
    assert browser.get("/bookings/feeds/made-up.ics").status_code == 404


def test_only_managers_of_its_quarter_get_a_resource_feed(browser, session, make, city):
    browser.login(city.member.email)
    assert browser.post(f"/bookings/feeds/resource/{city.room.slug}").status_code == 403
    browser.logout()
    browser.login(city.manager.email)
    assert browser.post(f"/bookings/feeds/resource/{city.room.slug}").status_code == 200


def test_a_member_of_several_organisations_chooses_which_one_books(browser, session, make,
                                                                    city):
    second = make.organisation(city.quarter, name="Kulturverein")
    session.add(type(city.member.memberships[0])(user=city.member, organisation=second))
    session.commit()
    browser.login(city.member.email)
    page = browser.get(f"/bookings/new?resource_ids={city.room.id}").get_data(as_text=True)
    assert 'name="organisation_id"' in page and "Kulturverein" in page
    foreign = make.organisation(city.quarter)
    refused = browser.post("/bookings/new", form_data(city.room, organisation_id=str(foreign.id)))
    assert refused.status_code == 422
    response = browser.post("/bookings/new", form_data(city.room,
                                                       organisation_id=str(second.id)))
    assert response.status_code == 302
    assert session.scalar(select(Booking)).organisation_id == second.id


def test_someone_without_an_organisation_is_sent_to_the_guest_form(browser, make, city):
    loner = make.user()
    browser.login(loner.email)
    html = browser.get("/bookings/new").get_data(as_text=True)
    assert "/bookings/guest/new" in html
    browser.logout()
    public = browser.get(f"/facilities/{city.facility.slug}").get_data(as_text=True)
    assert f"/bookings/guest/new?resource={city.room.slug}" in public


def test_the_autumn_hour_is_resolved_and_said(browser, session, make, city):
    night_owls = make.room(make.facility(city.quarter, hours=((0, 6, "00:00", "23:59"),)))
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(
        night_owls, date="2027-10-31", start="02:30", end="03:30"), follow_redirects=True)
    assert "happens twice" in response.get_data(as_text=True)
    assert session.scalar(select(Occurrence)).starts_at.isoformat() == \
        "2027-10-31T00:30:00+00:00"
