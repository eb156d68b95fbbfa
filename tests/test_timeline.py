"""One time core: the same wall-clock time entered through a booking, an event and a Spielmobil
round is stored as the same instant; 02:30 on the night the clocks go forward is refused by
each with the same message; 02:30 on the night they go back is the first (summer-time) one in
each, and the forms say so."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetingplaces.booking import request_booking
from meetingplaces.events import create_event
from meetingplaces.models.bookings import Occurrence
from meetingplaces.models.events import Event
from meetingplaces.rounds.planning import plan_round
from meetingplaces.timeline import (
    BOOKING_RULES,
    EVENT_RULES,
    InvalidRecurrence,
    NonexistentLocalTime,
    expand,
    normalise_rule,
    to_instant,
    until_utc,
)

from .booking_factories import NOW, SETTINGS, city_fixture, local  # noqa: F401  (a fixture)
from .booking_web_helpers import form_data
from .rounds_factories import save, spielmobil, stop  # noqa: F401  (a fixture)

BERLIN = ZoneInfo("Europe/Berlin")
GAP = "02:30 does not exist on 28.03.2027: the clocks go forward that night. Choose another time."


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def night_room(make, city):
    """A room open round the clock, so that only the clock itself can refuse 02:30."""
    return make.room(make.facility(city.quarter, hours=((0, 6, "00:00", "23:59"),)),
                     capacity=20)


def event_form(quarter, day: str, start: str, end: str, title: str) -> dict:
    return {"quarter": str(quarter.id), "organisation": "0", "title": title,
            "description": "", "category": "cafe", "target_groups": ["everyone"],
            "languages": ["de"], "is_free": "y", "facility": "0", "place_name": "",
            "address": "Marienstraße 1", "start_date": day, "start_time": start,
            "end_time": end, "repeat": "", "exdates": "", "is_public": "y"}


def post_booking(browser, city, room, day: str, start: str, end: str):
    browser.login(city.member.email)
    response = browser.post("/bookings/new", form_data(room, date=day, start=start, end=end),
                            follow_redirects=True)
    browser.logout()
    return response


def post_event(browser, city, day: str, start: str, end: str, title: str):
    browser.login(city.manager.email)
    response = browser.post("/events/new", event_form(city.quarter, day, start, end, title),
                            follow_redirects=True)
    browser.logout()
    return response


def round_on(session, spielmobil, weekday: int, start: str, end: str,  # noqa: F811
             season: tuple[date, date]):
    return save(session, spielmobil, [stop(spielmobil.wichlinghausen, weekday=weekday,
                                           start=start, end=end)], season=season)


def stored_event(session, title: str) -> Event:
    session.expire_all()
    return session.scalar(select(Event).where(Event.title == title))


def test_a_tuesday_four_pm_is_one_instant_in_bookings_events_and_rounds(
        browser, session, city, night_room, spielmobil):  # noqa: F811
    expected = datetime(2027, 4, 13, 14, 0, tzinfo=UTC)  # 16:00 CEST

    assert post_booking(browser, city, night_room, "2027-04-13", "16:00", "17:00"
                        ).status_code == 200
    assert session.scalar(select(Occurrence)).starts_at == expected

    post_event(browser, city, "2027-04-13", "16:00", "17:00", "Sprachcafé")
    assert stored_event(session, "Sprachcafé").starts_at == expected

    created = create_event(session, actor=city.manager, quarter=city.quarter, now=NOW,
                           title="Fahrradwerkstatt", category="cafe",
                           starts_at=datetime(2027, 4, 13, 16, tzinfo=BERLIN),
                           ends_at=datetime(2027, 4, 13, 17, tzinfo=BERLIN))
    assert created.starts_at == expected

    round_ = round_on(session, spielmobil, 1, "16:00", "17:00",
                      (date(2027, 4, 12), date(2027, 4, 18)))
    (round_date,) = round_.stops[0].dates
    assert round_date.starts_at == expected


def test_the_spring_gap_is_refused_by_every_door_with_one_message(
        browser, session, city, night_room, spielmobil):  # noqa: F811
    booking_page = post_booking(browser, city, night_room, "2027-03-28", "02:30", "04:00")
    assert booking_page.status_code == 422
    assert GAP in booking_page.get_data(as_text=True)
    with pytest.raises(NonexistentLocalTime) as booking_refusal:
        request_booking(session, actor=city.member, organisation=city.organisation,
                        resources=[night_room], local_start=local(2027, 3, 28, 2, 30),
                        local_end=local(2027, 3, 28, 4), title="Nachtkurs", attendees=5,
                        now=NOW, settings=SETTINGS)
    assert booking_refusal.value.message == GAP

    event_page = post_event(browser, city, "2027-03-28", "02:30", "04:00", "Mondnacht")
    assert event_page.status_code == 422
    assert GAP in event_page.get_data(as_text=True)
    assert stored_event(session, "Mondnacht") is None
    # The domain refuses it too when a caller builds the time with replace(tzinfo=): that
    # used to be stored as 03:30 CEST, an hour off.
    with pytest.raises(NonexistentLocalTime) as event_refusal:
        create_event(session, actor=city.manager, quarter=city.quarter, now=NOW,
                     title="Mondnacht", category="cafe",
                     starts_at=datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN),
                     ends_at=datetime(2027, 3, 28, 4, tzinfo=BERLIN))
    assert event_refusal.value.message == GAP
    session.rollback()

    with pytest.raises(NonexistentLocalTime) as round_refusal:
        round_on(session, spielmobil, 6, "02:30", "04:00", (date(2027, 3, 22), date(2027, 4, 4)))
    assert round_refusal.value.message == GAP


def test_the_autumn_fold_is_the_summer_time_hour_everywhere_and_the_forms_say_so(
        browser, session, city, night_room, spielmobil):  # noqa: F811
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first of the two

    booking_page = post_booking(browser, city, night_room, "2027-10-31", "02:30", "04:00")
    assert "happens twice" in booking_page.get_data(as_text=True)
    assert session.scalar(select(Occurrence)).starts_at == first

    event_page = post_event(browser, city, "2027-10-31", "02:30", "04:00", "Zeitumstellung")
    assert "happens twice" in event_page.get_data(as_text=True)
    assert stored_event(session, "Zeitumstellung").starts_at == first

    created = create_event(session, actor=city.manager, quarter=city.quarter, now=NOW,
                           title="Sternwarte", category="cafe",
                           starts_at=datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN),
                           ends_at=datetime(2027, 10, 31, 4, tzinfo=BERLIN))
    # (PEP 495: a time in the fold never equals one of another zone, so compare in UTC)
    assert created.starts_at.astimezone(UTC) == first

    autumn_season = (date(2027, 10, 25), date(2027, 11, 7))
    sunday_night = [stop(spielmobil.wichlinghausen, weekday=6, start="02:30", end="04:00")]
    plan = plan_round(session, resource=spielmobil.van, season_start=autumn_season[0],
                      season_end=autumn_season[1], stops=sunday_night, settings=SETTINGS)
    assert any("happens twice" in notice for notice in plan.notices)
    round_ = save(session, spielmobil, sunday_night, season=autumn_season)
    autumn = [d for d in round_.stops[0].dates if d.original_date == date(2027, 10, 31)]
    assert [d.starts_at for d in autumn] == [first]


def test_until_becomes_utc_in_one_place_and_each_use_keeps_its_limits():
    assert until_utc(date(2027, 6, 30), BERLIN) == datetime(2027, 6, 30, 21, 59, 59, tzinfo=UTC)
    assert normalise_rule("FREQ=WEEKLY;UNTIL=20270630", limits=EVENT_RULES, zone=BERLIN) == \
        "FREQ=WEEKLY;UNTIL=20270630T215959Z"
    # A booking keeps its last local day, whatever form the UNTIL came in.
    assert normalise_rule("FREQ=WEEKLY;UNTIL=20270630T215959Z", limits=BOOKING_RULES,
                          zone=BERLIN) == "FREQ=WEEKLY;UNTIL=20270630"
    assert normalise_rule("FREQ=YEARLY", limits=EVENT_RULES, zone=BERLIN) == "FREQ=YEARLY"
    for endless_or_yearly in ("FREQ=WEEKLY", "FREQ=YEARLY;COUNT=3"):
        with pytest.raises(InvalidRecurrence) as refused:
            normalise_rule(endless_or_yearly, limits=BOOKING_RULES, zone=BERLIN)
        assert refused.value.field == "rrule"
    with pytest.raises(InvalidRecurrence, match="260"):
        expand(local(2027, 1, 4, 18), local(2027, 1, 4, 20), "FREQ=DAILY;UNTIL=20291231")


def test_a_weekly_series_keeps_its_wall_clock_time_across_both_changes():
    slots = expand(local(2027, 3, 22, 18), local(2027, 3, 22, 20), "FREQ=WEEKLY;COUNT=32")
    instants = {to_instant(slot.local_start, BERLIN).at.astimezone(BERLIN).hour
                for slot in slots}
    assert instants == {18}
    # 18:00 CET is 17:00 UTC, a week later 18:00 CEST is 16:00 UTC
    assert [to_instant(s.local_start, BERLIN).at.hour for s in slots[:2]] == [17, 16]
