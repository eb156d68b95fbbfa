"""The rounds pages: plan with a check before saving, season plan, route sheet, single-date
forms, requests that give way, the van's feed and the team's private feed."""

import re
from datetime import date

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import func, select

from meetingplaces.booking import approve_booking
from meetingplaces.events import update_event
from meetingplaces.models.rounds import Round, RoundDate

from . import rounds_factories
from .booking_factories import SETTINGS
from .rounds_factories import NOW, dates_of, save, stop
from .test_rounds_changes import request_van

spielmobil = rounds_factories.spielmobil


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def plan_form(city, **overrides):
    data = {"resource": city.van.id, "name": "Spielmobil 2027", "season_start": "2027-04-05",
            "season_end": "2027-07-02", "travel_minutes": "30",
            "skip_periods": "2027-04-12 2027-04-16 Osterferien", "travel_times": ""}
    rows = [(1, "15:00", "17:00", "Wichlinghauser Markt", city.wichlinghausen),
            (1, "17:30", "19:00", "Heckinghauser Platz", city.heckinghausen)]
    for index in range(8):
        weekday, start, end, place, quarter = (rows[index] if index < len(rows)
                                               else (0, "", "", "", city.wichlinghausen))
        data.update({f"stops-{index}-weekday": weekday, f"stops-{index}-start": start,
                     f"stops-{index}-end": end, f"stops-{index}-place_name": place,
                     f"stops-{index}-address": f"{place} 1" if place else "",
                     f"stops-{index}-quarter": quarter.id,
                     f"stops-{index}-staff_needed": "2"})
    data.update(overrides)
    return data


def test_a_manager_checks_the_plan_then_saves_it(browser, session, spielmobil):
    browser.login(spielmobil.manager.email)
    checked = browser.post("/rounds/new", {**plan_form(spielmobil), "action": "check"})
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "No clashes" in page and "Osterferien" in page
    assert session.scalar(select(func.count()).select_from(Round)) == 0

    saved = browser.post("/rounds/new", {**plan_form(spielmobil), "action": "save"})
    assert saved.status_code == 302
    round_ = session.scalars(select(Round)).one()
    assert date(2027, 4, 13) not in {d.original_date for s in round_.stops for d in s.dates}
    plan_page = browser.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Heckinghauser Platz" in plan_page and "season-plan" in plan_page


def test_the_check_lists_every_clash_and_keeps_what_was_typed(browser, session, spielmobil):
    browser.login(spielmobil.manager.email)
    clashing = plan_form(spielmobil, **{"stops-1-start": "17:10", "action": "save"})
    response = browser.post("/rounds/new", clashing)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only 10 minutes" in page
    assert 'value="17:10"' in page and "Osterferien" in page
    assert session.scalar(select(func.count()).select_from(Round)) == 0


def test_the_route_sheet_lists_the_days_stops_in_order_with_map_links(browser, session,
                                                                      spielmobil):
    stops = [stop(spielmobil.heckinghausen, start="17:30", end="19:00",
                  place="Heckinghauser Platz", latitude=51.2610, longitude=7.2040),
             stop(spielmobil.wichlinghausen)]
    round_ = save(session, spielmobil, stops)
    browser.login(spielmobil.manager.email)
    page = browser.get(f"/rounds/{round_.id}/day/2027-04-06").get_data(as_text=True)
    assert page.index("Wichlinghauser Markt") < page.index("Heckinghauser Platz")
    assert "openstreetmap.org/?mlat=51.261000&amp;mlon=7.204000" in page
    assert "openstreetmap.org/search?query=Wichlinghauser%20Markt%201" in page
    assert "<iframe" not in page and "tile" not in page


def test_cancelling_a_date_asks_once_names_who_is_told_and_can_be_undone(browser, session,
                                                                          spielmobil):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[0]
    browser.login(spielmobil.manager.email)
    asked = browser.post(f"/rounds/dates/{heck.id}/cancel", {"reason": "Regen"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Nobody is assigned to this date" in page and "the team is told" not in page
    assert 'name="confirmed" value="yes"' in page and 'value="Regen"' in page
    question = re.search(r"Cancel the Spielmobil date at [^?]*\?", page).group(0)
    assert re.search(r"\d:\d\d\b", question) and not re.search(r"\d:\d\d:\d\d", question)
    session.expire_all()
    assert session.get(RoundDate, heck.id).status == "planned"

    response = browser.post(f"/rounds/dates/{heck.id}/cancel",
                            {"reason": "Regen", "confirmed": "yes"})
    assert response.status_code == 302
    date_page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nobody is assigned to this date" in date_page and "team is told" not in date_page
    assert "Restore the date" in date_page
    session.expire_all()
    assert session.get(RoundDate, heck.id).status == "cancelled"
    refused = browser.post(f"/rounds/dates/{heck.id}/cancel",
                           {"reason": "noch mal", "confirmed": "yes"})
    assert refused.status_code == 409

    restored = browser.post(f"/rounds/dates/{heck.id}/restore")
    assert restored.status_code == 302
    session.expire_all()
    again = session.get(RoundDate, heck.id)
    assert again.status == "planned" and again.reason == ""
    assert again.booking.status == "approved"
    assert browser.post(f"/rounds/dates/{heck.id}/restore").status_code == 409


def test_a_date_cannot_be_restored_once_the_van_is_booked_then(browser, session, spielmobil):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[0]
    browser.login(spielmobil.manager.email)
    browser.post(f"/rounds/dates/{heck.id}/cancel", {"reason": "Regen", "confirmed": "yes"})
    festival = request_van(session, spielmobil, heck.original_date, 17, 19)
    approve_booking(session, actor=spielmobil.manager, booking=festival, now=NOW,
                    settings=SETTINGS)
    session.commit()
    response = browser.post(f"/rounds/dates/{heck.id}/restore")
    assert response.status_code == 409
    assert "Restore the date" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(RoundDate, heck.id).status == "cancelled"


def test_moving_a_date_into_the_next_stop_is_refused_on_the_page(browser, session, spielmobil):
    round_ = save(session, spielmobil)
    markt = dates_of(round_, "Wichlinghauser Markt")[0]
    browser.login(spielmobil.manager.email)
    response = browser.post(f"/rounds/dates/{markt.id}/move",
                            {"day": "2027-04-06", "start": "16:00", "end": "18:00"})
    assert response.status_code == 409
    assert "overlap" in response.get_data(as_text=True)


def test_others_get_403(browser, session, spielmobil, make):
    round_ = save(session, spielmobil)
    round_date = round_.stops[0].dates[0]
    browser.login(spielmobil.member.email)
    assert browser.get("/rounds/").status_code == 403
    assert browser.get("/rounds/new").status_code == 403
    assert browser.get(f"/rounds/{round_.id}").status_code == 403
    assert browser.get(f"/rounds/dates/{round_date.id}").status_code == 403
    assert browser.post(f"/rounds/dates/{round_date.id}/cancel",
                        {"reason": "x", "confirmed": "yes"}).status_code == 403
    assert browser.post(f"/rounds/dates/{round_date.id}/restore").status_code == 403
    browser.logout()
    browser.login(make.manager(make.quarter()).email)
    assert browser.get(f"/rounds/{round_.id}").status_code == 403


def test_forms_without_csrf_token_are_refused(client, browser, session, spielmobil):
    round_ = save(session, spielmobil)
    round_date = round_.stops[0].dates[0]
    browser.login(spielmobil.manager.email)
    response = client.post(f"/rounds/dates/{round_date.id}/cancel",
                           data={"reason": "Regen", "confirmed": "yes"})
    assert response.status_code == 400
    response = client.post("/rounds/new", data={**plan_form(spielmobil), "action": "save"})
    assert response.status_code == 400
    assert session.get(RoundDate, round_date.id).status == "planned"


def test_html_in_a_place_name_is_shown_escaped(browser, session, spielmobil):
    round_ = save(session, spielmobil, [stop(spielmobil.wichlinghausen,
                                             place="<script>alert(1)</script>")])
    browser.login(spielmobil.manager.email)
    for url in (f"/rounds/{round_.id}", f"/rounds/{round_.id}/day/2027-04-06",
                f"/rounds/dates/{round_.stops[0].dates[0].id}"):
        page = browser.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_team_sees_their_own_dates_and_gets_a_private_feed(browser, client, session,
                                                                spielmobil, make):
    from meetingplaces.rounds import assign_staff

    round_ = save(session, spielmobil)
    mine = dates_of(round_, "Heckinghauser Platz")[0]
    assign_staff(session, actor=spielmobil.manager, round_date=mine, staff=[spielmobil.staff],
                 now=NOW, settings=SETTINGS)
    session.commit()
    browser.login(spielmobil.staff.email)
    index = browser.get("/rounds/").get_data(as_text=True)
    assert "Heckinghauser Platz" in index and "Wichlinghauser Markt" not in index
    assert browser.get(f"/rounds/dates/{mine.id}").status_code == 200
    other = dates_of(round_, "Wichlinghauser Markt")[0]
    assert browser.get(f"/rounds/dates/{other.id}").status_code == 403

    renewed = browser.post("/rounds/my-feed", follow_redirects=True).get_data(as_text=True)
    link = re.search(r"https?://\S+/rounds/staff/[^/\s]+/calendar\.ics", renewed).group(0)
    feed = client.get(link.split("localhost.test", 1)[1])
    assert feed.status_code == 200 and feed.content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["LOCATION"]).split(",")[0] for e in events] == ["Heckinghauser Platz"]
    assert client.get("/rounds/staff/not-a-token/calendar.ics").status_code == 404


def test_the_vans_public_feed_holds_every_stop(client, session, spielmobil):
    round_ = save(session, spielmobil)
    response = client.get("/resources/spielmobil/calendar.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {s.event.uid for s in round_.stops}
    days = recurring_ical_events.of(calendar).between((2027, 4, 6), (2027, 4, 7))
    assert len(days) == 2
    assert client.get("/resources/no-such-van/calendar.ics").status_code == 404
    again = client.get("/resources/spielmobil/calendar.ics",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    # An edit of a stop's event in the events pages reaches the van's feed too.
    update_event(session, round_.stops[0].event, actor=spielmobil.manager, now=NOW,
                 description="Mit Kletterwand")
    session.commit()
    changed = client.get("/resources/spielmobil/calendar.ics",
                         headers={"If-None-Match": response.headers["ETag"]})
    assert changed.status_code == 200 and "Kletterwand" in changed.get_data(as_text=True)


def test_a_manager_approves_a_request_by_moving_the_stop_in_one_step(browser, session,
                                                                     spielmobil):
    round_ = save(session, spielmobil)
    festival = request_van(session, spielmobil, date(2027, 4, 20), 17, 19)
    heck = dates_of(round_, "Heckinghauser Platz")[2]
    browser.login(spielmobil.manager.email)
    page = browser.get(f"/rounds/requests/{festival.id}").get_data(as_text=True)
    assert "Heckinghauser Platz" in page
    response = browser.post(f"/rounds/requests/{festival.id}", {
        "reason": "Straßenfest", f"action-{heck.id}": "move", f"day-{heck.id}": "2027-04-21",
        f"start-{heck.id}": "16:00", f"end-{heck.id}": "18:00"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(RoundDate, heck.id).status == "moved"
    assert festival.status == "approved"
